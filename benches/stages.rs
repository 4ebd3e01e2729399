//! Per-stage benchmarks: where scour's time goes.
//!
//! ```sh
//! cargo bench --bench stages                 # full run (~1.5 min on 2 cores)
//! cargo bench --bench stages -- --quick      # ~10 s
//! cargo bench --bench stages -- end_to_end   # one group (criterion filter)
//! cargo bench --bench stages -- --test       # counts only: each benchmark once
//! ```
//!
//! Inputs come from `corpora/gen.py --seed 3 --size 8M`, generated once into
//! `<target dir>/bench-corpus` (and again when `gen.py` changes). Every
//! benchmark doubles as a correctness check: before anything is timed, each
//! one runs once and its result count (matches, hits, runs, findings, ...)
//! must equal the constant written next to it; a change in detection makes
//! the benchmark fail rather than quietly measure different work. All the
//! mismatches are listed at once, so an intended change is one edit.
//!
//! Regexes are compiled on first use, so the verification run also warms
//! the engine: timings are steady-state, except `build/*` (start-up).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use scour_engine::keywords::Keywords;
use scour_engine::validate::{crc32_base62, looks_like_placeholder, luhn, shannon_entropy};
use scour_engine::{digit_runs, Engine, EngineBuilder, Match};
use scour_formats::{base64_runs, scan_decoded, scan_json, DecodeOptions, DocKind, Hit, Origin};
use scour_report::Finding;
use scour_scan::{Options, Report, Scanner};

/// The corpus every expected count below was measured on.
const SEED: u32 = 3;
const SIZE: &str = "8M";

/// The inputs, by type: fixed names in the seed-3 / 8M corpus (the biggest
/// file of each type, except the HAR: the biggest Okta one).
const HAR: &str = "har/okta-api-safari-0010.har";
const JSONL: &str = "tickets/zendesk-bulk-0001.jsonl";
const CSV: &str = "reports/support-users-report.csv";
const LOG: &str = "logs/app-0001.log";
const EML: &str = "mail/case-46358-0004.eml";
const ZIP: &str = "archives/zendesk-case-export-0006.zip";

/// Token-like strings in the validator batch.
const BATCH: usize = 10_000;

// Expected counts. All come from corpus seed 3 / 8M (and, for the
// validators, the batch generated below from its fixed PRNG seed): if a code
// change alters one, the benchmark fails, which is the point. Update a
// constant only when the change in what scour finds is intended.
/// Built-in rules (`build/*`).
const RULES: usize = 280;
/// Keyword occurrences (every rule's keywords, overlapping, any case) in
/// the .log and the .har.
const KEYWORDS_LOG: usize = 562;
const KEYWORDS_HAR: usize = 491;
/// `engine.scan` matches in the .log and in the .har read as text.
const SCAN_LOG: usize = 12;
const SCAN_HAR: usize = 51;
/// Batch strings with Shannon entropy of at least 3.5 bits per byte.
const ENTROPY_GE_3_5: usize = 6521;
/// Batch strings whose GitHub CRC32 checksum holds / that pass Luhn.
const CRC32_OK: usize = 1250;
const LUHN_OK: usize = 1383;
/// Batch strings that look like placeholders.
const PLACEHOLDERS: usize = 1250;
/// Digit runs long enough for the shortest number rule.
const DIGIT_RUNS_CSV: usize = 22;
const DIGIT_RUNS_LOG: usize = 1381;
/// Base64 runs (min 8, as `scan_decoded` asks) in the .eml body, and the
/// hits `scan_decoded` reports in it.
const B64_RUNS_EML: usize = 832;
const DECODED_HITS_EML: usize = 11;
/// `scan_json` hits in the .har (159 until the walker stopped reporting a
/// place again for each way it read it: nested bodies, escaped strings).
const HAR_WALK_HITS: usize = 144;
/// Findings (one per secret per input) end to end. A private key in an
/// escaped ticket body is one finding (it was two, the raw spelling with
/// literal `\n` counted apart, when escaped strings were read both ways).
const E2E_HAR: usize = 10;
const E2E_JSONL: usize = 125;
const E2E_CSV: usize = 3894;
const E2E_LOG: usize = 11;
const E2E_EML: usize = 29;
const E2E_ZIP: usize = 131;

fn main() {
    let corpus = corpus_dir();
    let read = |rel: &str| -> Vec<u8> {
        std::fs::read(corpus.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let (har, jsonl, csv, log, eml, zip) = (
        read(HAR),
        read(JSONL),
        read(CSV),
        read(LOG),
        read(EML),
        read(ZIP),
    );
    let eml_body = mail_body(&eml);
    let batch = token_batch(BATCH);
    let batch_bytes: u64 = batch.iter().map(|t| t.len() as u64).sum();

    let rules = scour_rules::builtin().expect("built-in rules");
    let min_digits = rules
        .iter()
        .filter_map(|r| r.digits)
        .min()
        .expect("some rule has a digit-run prefilter");
    let mut keywords: Vec<String> = Vec::new();
    for k in rules.iter().flat_map(|r| &r.keywords) {
        if !keywords.contains(k) {
            keywords.push(k.clone());
        }
    }
    let engine = EngineBuilder::new().rules(rules).build().expect("engine");
    let decode = DecodeOptions::default();
    let scanner = Scanner::new(new_engine(), Options::default());

    let ours = Keywords::new(&keywords);
    let dfa = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&keywords)
        .expect("keyword DFA");

    let mut stages: Vec<Stage<'_>> = Vec::new();

    // The keyword search: ours, and an Aho-Corasick DFA (what stage one
    // used before) finding the same occurrences, for comparison.
    for (names, hay, expected) in [
        (
            ["log, shift-or filter", "log, aho-corasick DFA"],
            &log,
            KEYWORDS_LOG,
        ),
        (
            ["har, shift-or filter", "har, aho-corasick DFA"],
            &har,
            KEYWORDS_HAR,
        ),
    ] {
        let (ours, mut hits) = (&ours, Vec::new());
        stages.push(Stage::new(
            "keywords",
            names[0],
            hay.len() as u64,
            expected,
            move || {
                ours.find_all(hay, &mut hits);
                hits.len()
            },
        ));
        let dfa = &dfa;
        stages.push(Stage::new(
            "keywords",
            names[1],
            hay.len() as u64,
            expected,
            move || dfa.find_overlapping_iter(hay.as_slice()).count(),
        ));
    }

    // prefilter+confirm: the engine alone, over raw text.
    for (name, hay, expected) in [("log", &log, SCAN_LOG), ("har", &har, SCAN_HAR)] {
        let (engine, mut scratch) = (&engine, engine.scratch());
        stages.push(Stage::new(
            "prefilter+confirm",
            name,
            hay.len() as u64,
            expected,
            move || {
                let mut n = 0;
                engine.scan(hay, &mut scratch, &mut |_: &Match<'_>| {
                    n += 1;
                    true
                });
                n
            },
        ));
    }

    // Validators over the token batch.
    let batch = &batch;
    stages.push(Stage::new(
        "entropy",
        "shannon_entropy",
        batch_bytes,
        ENTROPY_GE_3_5,
        move || batch.iter().filter(|t| shannon_entropy(t) >= 3.5).count(),
    ));
    stages.push(Stage::new(
        "checksum",
        "crc32_base62",
        batch_bytes,
        CRC32_OK,
        move || batch.iter().filter(|t| crc32_base62(t)).count(),
    ));
    stages.push(Stage::new(
        "checksum",
        "luhn",
        batch_bytes,
        LUHN_OK,
        move || batch.iter().filter(|t| luhn(t)).count(),
    ));
    stages.push(Stage::new(
        "placeholder",
        "looks_like_placeholder",
        batch_bytes,
        PLACEHOLDERS,
        move || batch.iter().filter(|t| looks_like_placeholder(t)).count(),
    ));

    // The number rules' prefilter.
    for (name, hay, expected) in [("csv", &csv, DIGIT_RUNS_CSV), ("log", &log, DIGIT_RUNS_LOG)] {
        stages.push(Stage::new(
            "digit_runs",
            name,
            hay.len() as u64,
            expected,
            move || digit_runs(hay, min_digits).count(),
        ));
    }

    // Nested decoding, over an e-mail body (MIME parts left encoded).
    let body = eml_body;
    stages.push(Stage::new(
        "base64_runs",
        "eml",
        body.len() as u64,
        B64_RUNS_EML,
        move || base64_runs(body, 8).count(),
    ));
    {
        let (engine, decode, mut scratch) = (&engine, &decode, engine.scratch());
        let origin = Origin::raw(0);
        stages.push(Stage::new(
            "scan_decoded",
            "eml",
            body.len() as u64,
            DECODED_HITS_EML,
            move || {
                let mut n = 0;
                scan_decoded(
                    engine,
                    &mut scratch,
                    decode,
                    body,
                    &origin,
                    0,
                    &mut |_: &Hit<'_>| n += 1,
                );
                n
            },
        ));
    }

    // The HAR walk: simd-json tape, raw scan, structural walk. This HAR
    // starts with a UTF-8 BOM, which the scanner strips before `scan_json`.
    {
        let har = har.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&har);
        let (engine, decode, mut scratch) = (&engine, &decode, engine.scratch());
        stages.push(Stage::new(
            "har_walk",
            "har",
            har.len() as u64,
            HAR_WALK_HITS,
            move || {
                let mut n = 0;
                let (kind, _) =
                    scan_json(engine, &mut scratch, decode, har, &mut |_: &Hit<'_>| n += 1)
                        .expect("the HAR parses");
                assert!(matches!(kind, DocKind::Har));
                n
            },
        ));
    }

    // End to end: content sniffing, the reader for the type, merging.
    for (name, path, bytes, expected) in [
        ("har", HAR, &har, E2E_HAR),
        ("jsonl", JSONL, &jsonl, E2E_JSONL),
        ("csv", CSV, &csv, E2E_CSV),
        ("log", LOG, &log, E2E_LOG),
        ("eml", EML, &eml, E2E_EML),
        ("zip", ZIP, &zip, E2E_ZIP),
    ] {
        let (scanner, mut worker) = (&scanner, scanner.worker());
        stages.push(Stage::new(
            "end_to_end",
            name,
            bytes.len() as u64,
            expected,
            move || {
                let mut report = Count::default();
                scanner.scan_bytes(path, bytes, &mut worker, &mut report);
                assert!(report.errors.is_empty(), "{path}: {:?}", report.errors);
                report.findings
            },
        ));
    }

    // Check every count before timing anything.
    let mut wrong = Vec::new();
    let rule_count = new_engine().rules().len();
    if rule_count != RULES {
        wrong.push(format!(
            "build/*: got {rule_count}, expected {RULES} (RULES)"
        ));
    }
    for s in &mut stages {
        let got = (s.run)();
        if got != s.expected {
            wrong.push(format!(
                "{}/{}: got {got}, expected {}",
                s.group, s.name, s.expected
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "counts differ from corpus seed {SEED} / {SIZE}:\n  {}",
        wrong.join("\n  ")
    );

    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();

    // Start-up: parse the rule files and build the engine (regexes are
    // compiled lazily), then what compiling all of them up front costs.
    {
        let mut g = c.benchmark_group("build");
        g.throughput(Throughput::Elements(RULES as u64));
        g.bench_function("builtin+build", |b| {
            b.iter(|| {
                let e = new_engine();
                assert_eq!(e.rules().len(), RULES);
                e
            })
        });
        g.bench_function("compile_all", |b| {
            b.iter_batched(
                new_engine,
                |e| {
                    e.compile_all().expect("every rule compiles");
                    e
                },
                BatchSize::PerIteration,
            )
        });
        g.finish();
    }

    let mut i = 0;
    while i < stages.len() {
        let group = stages[i].group;
        let mut g = c.benchmark_group(group);
        while i < stages.len() && stages[i].group == group {
            let s = &mut stages[i];
            g.throughput(s.throughput.clone());
            let (run, expected) = (&mut s.run, s.expected);
            g.bench_function(s.name, |b| {
                b.iter(|| {
                    let n = run();
                    assert_eq!(n, expected);
                    n
                })
            });
            i += 1;
        }
        g.finish();
    }
    c.final_summary();
}

/// One benchmark: a closure returning the count it must always return.
struct Stage<'a> {
    group: &'static str,
    name: &'static str,
    throughput: Throughput,
    expected: usize,
    run: Box<dyn FnMut() -> usize + 'a>,
}

impl<'a> Stage<'a> {
    fn new(
        group: &'static str,
        name: &'static str,
        bytes: u64,
        expected: usize,
        run: impl FnMut() -> usize + 'a,
    ) -> Stage<'a> {
        Stage {
            group,
            name,
            throughput: Throughput::Bytes(bytes),
            expected,
            run: Box::new(run),
        }
    }
}

fn new_engine() -> Engine {
    EngineBuilder::new()
        .rules(scour_rules::builtin().expect("built-in rules"))
        .build()
        .expect("engine")
}

/// Counts findings; keeps errors, which no benchmark input may have.
#[derive(Default)]
struct Count {
    findings: usize,
    errors: Vec<String>,
}

impl Report for Count {
    fn findings(&mut self, _path: &str, f: Vec<Finding>) {
        self.findings += f.len();
    }
    fn scanned(&mut self, _path: &str, _bytes: u64) {}
    fn skipped(&mut self, _path: &str, _reason: &str) {}
    fn warning(&mut self, _path: &str, _message: String) {}
    fn error(&mut self, path: &str, message: String) {
        self.errors.push(format!("{path}: {message}"));
    }
}

/// The generated corpus, made once per version of `gen.py`. It goes to a
/// temporary directory first, so an interrupted run leaves nothing half
/// written under the real name.
fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gen = root.join("corpora/gen.py");
    let dir = target_dir().join("bench-corpus");
    let stamp = format!(
        "seed {SEED} size {SIZE} gen.py {:016x}\n",
        fnv1a(&std::fs::read(&gen).unwrap_or_else(|e| panic!("{}: {e}", gen.display())))
    );
    let stamp_file = dir.join(".bench-stamp");
    if std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) {
        return dir;
    }
    let tmp = dir.with_extension(format!("tmp-{}", std::process::id()));
    eprintln!("generating {} (seed {SEED}, {SIZE})", dir.display());
    let status = Command::new("python3")
        .arg(&gen)
        .arg("--out")
        .arg(&tmp)
        .args(["--seed", &SEED.to_string(), "--size", SIZE, "--quiet"])
        .status()
        .expect("running python3 corpora/gen.py (Python 3.11 is needed)");
    assert!(status.success(), "corpora/gen.py failed: {status}");
    std::fs::write(tmp.join(".bench-stamp"), &stamp).expect("stamp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&tmp, &dir).expect("moving the corpus into place");
    dir
}

/// `target/` (or `CARGO_TARGET_DIR`): the bench binary is `<target>/<profile>/deps/stages-*`.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|t| t.join("CACHEDIR.TAG").exists())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An e-mail's body: everything after the header block.
fn mail_body(eml: &[u8]) -> &[u8] {
    let at = |sep: &[u8]| {
        eml.windows(sep.len())
            .position(|w| w == sep)
            .map(|p| p + sep.len())
    };
    let start = at(b"\r\n\r\n")
        .or_else(|| at(b"\n\n"))
        .expect("an e-mail with a body");
    &eml[start..]
}

/// `n` token-like strings, the same every run: random base62 secrets,
/// GitHub-style tokens with a good or a bad CRC32, card numbers with a good
/// or a random check digit, placeholders, and low-entropy identifiers.
fn token_batch(n: usize) -> Vec<Vec<u8>> {
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const HEX: &[u8] = b"0123456789abcdef";
    const PLACEHOLDERS: &[&str] = &[
        "YOUR_API_KEY_",
        "xxxxxxxx",
        "${SECRET_",
        "{{ token_",
        "changeme",
        "EXAMPLE",
        "<redacted>",
        "dummy-token-",
    ];
    const WORDS: &[&str] = &[
        "session",
        "timeout",
        "refresh",
        "tenant",
        "contractor",
        "default",
        "group",
        "value",
    ];
    let mut rng = SplitMix(0x5c0f_2024);
    fn pick(rng: &mut SplitMix, alphabet: &[u8], len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect()
    }
    (0..n)
        .map(|i| match i % 8 {
            0 | 1 => {
                let len = 20 + rng.below(29);
                pick(&mut rng, B62, len)
            }
            2 | 3 => {
                let body = pick(&mut rng, B62, 30);
                let mut t = b"ghp_".to_vec();
                t.extend_from_slice(&body);
                if i % 8 == 2 {
                    let mut c = crc32(&body) as u64;
                    let mut check = [b'0'; 6];
                    for slot in check.iter_mut().rev() {
                        *slot = B62[(c % 62) as usize];
                        c /= 62;
                    }
                    t.extend_from_slice(&check);
                } else {
                    t.extend(pick(&mut rng, B62, 6));
                }
                t
            }
            4 | 5 => {
                let mut d: Vec<u8> = pick(&mut rng, b"0123456789", 15);
                d.insert(0, b"3456"[rng.below(4)]);
                let check = if i % 8 == 4 {
                    luhn_digit(&d)
                } else {
                    b'0' + rng.below(10) as u8
                };
                d.push(check);
                if rng.below(2) == 0 {
                    d.chunks(4).collect::<Vec<_>>().join(&b' ')
                } else {
                    d
                }
            }
            6 => {
                let mut t = PLACEHOLDERS[rng.below(PLACEHOLDERS.len())]
                    .as_bytes()
                    .to_vec();
                let len = rng.below(12);
                t.extend(pick(&mut rng, B62, len));
                t
            }
            _ => match rng.below(3) {
                0 => pick(&mut rng, HEX, 32),
                1 => {
                    let u = pick(&mut rng, HEX, 32);
                    [&u[..8], &u[8..12], &u[12..16], &u[16..20], &u[20..]].join(&b'-')
                }
                _ => (0..3)
                    .map(|_| WORDS[rng.below(WORDS.len())].as_bytes())
                    .collect::<Vec<_>>()
                    .join(&b'-'),
            },
        })
        .collect()
}

/// The Luhn check digit for `digits`.
fn luhn_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

/// CRC-32 (IEEE), bit by bit: only the batch generator uses it.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |mut c, &b| {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
        c
    })
}

/// A small fixed-seed PRNG (SplitMix64), so the batch never changes.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
