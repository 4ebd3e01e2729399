//! What scour's fuzz targets check, as plain functions over bytes.
//!
//! Each function takes one arbitrary input, runs one part of scour on it and
//! panics if a property fails; returning means the input passed. They live
//! in a library, not in the fuzz binaries, so that the same checks run in
//! two places:
//!
//! - `fuzz/fuzz_targets/<name>.rs` hands libFuzzer's inputs to them
//!   (`cargo +nightly fuzz run <name>`, see `fuzz/README.md`);
//! - `tests/replay.rs` runs every file of `fuzz/seeds/<name>/` (and, with
//!   `SCOUR_REPLAY_CORPUS=1`, of a local run's `fuzz/corpus/<name>/`)
//!   through them in `cargo test`, so CI checks the seed corpora and every input a
//!   fuzzer once found is a regression test.
//!
//! Beyond "no panic, no hang, no blow-up", each target states what must
//! hold of the result; the [`TARGETS`] table names them. Limits are set low
//! (a few MiB of expansion) so that a fuzzer spends its time on parsing,
//! not on inflating bombs, while the limit code itself is exercised.
#![deny(missing_docs)]

use std::cell::RefCell;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use scour_archive::{Budget, Limits, MemberSink, SkipReason};
use scour_engine::{Engine, EngineBuilder, Match, Scratch};
use scour_formats::{DecodeOptions, Hit, Origin};
use scour_report::Finding;
use scour_scan::{Options, Report, Scanner, Worker};

/// Every target: its name (a `fuzz/fuzz_targets/` binary and a
/// `fuzz/seeds/` folder) and its check.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("engine", engine),
    ("json", json),
    ("scan", scan),
    ("decode", decode),
    ("archive", archive),
    ("mail", mail),
    ("config", config),
    ("rules", rules),
    ("redact", redact),
];

/// Limits small enough for fast executions, large enough to reach every
/// branch (nesting, ratio checks after 1 MiB, member counts).
fn limits() -> Limits {
    Limits {
        max_depth: 3,
        max_total_bytes: 8 << 20,
        max_ratio: 250,
        max_members: 256,
        max_member_bytes: 4 << 20,
    }
}

fn options(reveal: bool) -> Options {
    Options {
        reveal,
        // Fuzz inputs are mostly binary; scanning them anyway reaches the
        // text paths instead of stopping at the sniffer.
        binary: true,
        chunk_size: 64 << 10,
        max_structured: 1 << 20,
        limits: limits(),
        max_message: 1 << 20,
        ..Options::default()
    }
}

fn builtin_engine() -> Engine {
    EngineBuilder::new()
        .rules(scour_rules::builtin().expect("built-in rules parse"))
        .build()
        .expect("built-in rules compile")
}

fn scanner(reveal: bool) -> &'static Scanner {
    static PLAIN: OnceLock<Scanner> = OnceLock::new();
    static REVEAL: OnceLock<Scanner> = OnceLock::new();
    let cell = if reveal { &REVEAL } else { &PLAIN };
    cell.get_or_init(|| Scanner::new(builtin_engine(), options(reveal)))
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(scanner(false).engine().scratch());
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

fn with_scratch<T>(f: impl FnOnce(&Engine, &mut Scratch) -> T) -> T {
    SCRATCH.with(|s| f(scanner(false).engine(), &mut s.borrow_mut()))
}

/// Input file names the `scan` and `redact` targets choose from with the
/// first byte, so one target reaches every format the scanner sniffs or
/// recognises by extension.
const NAMES: &[&str] = &[
    "input.txt",
    "capture.har",
    "ticket.json",
    "export.jsonl",
    "users.csv",
    "message.eml",
    "support.mbox",
    "dump.zip",
    "dump.tar",
    "dump.tar.gz",
    "app.log.gz",
    "noextension",
];

fn split_name(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) => (NAMES[usize::from(b) % NAMES.len()], rest),
        None => (NAMES[0], data),
    }
}

/// The engine on arbitrary bytes: every match lies inside the input, its
/// secret is the bytes at its range (unless a field decoder produced it),
/// the secret lies inside the whole match, and scanning again reports the
/// same matches.
pub fn engine(data: &[u8]) {
    with_scratch(|engine, scratch| {
        let mut first = Vec::new();
        engine.scan(data, scratch, &mut |m: &Match<'_>| {
            let (secret, whole) = (m.secret_range(), m.match_range());
            assert!(whole.start <= whole.end && whole.end <= data.len());
            if m.decoders().is_empty() {
                assert!(whole.start <= secret.start && secret.end <= whole.end);
                assert_eq!(m.secret(), &data[secret.clone()]);
            }
            first.push((m.rule_index(), secret, whole));
            true
        });
        let mut again = Vec::new();
        engine.scan(data, scratch, &mut |m: &Match<'_>| {
            again.push((m.rule_index(), m.secret_range(), m.match_range()));
            true
        });
        assert_eq!(first, again, "a second scan of the same bytes differs");
    })
}

/// The JSON/HAR walker: parsing never panics, and every hit that claims to
/// be a verbatim slice of the document is one.
pub fn json(data: &[u8]) {
    with_scratch(|engine, scratch| {
        let opts = DecodeOptions::default();
        let mut sink = |h: &Hit<'_>| {
            if h.verbatim() {
                let (start, end) = h.span();
                assert!(
                    start <= end && end <= data.len(),
                    "span out of the document"
                );
                assert_eq!(
                    &data[start..end],
                    h.secret,
                    "verbatim hit is not the document's bytes"
                );
            }
            assert!(h.anchor() <= data.len(), "anchor out of the document");
        };
        let _ = scour_formats::scan_json(engine, scratch, &opts, data, &mut sink);
    })
}

/// Collects what a scan reports, checking each call as it comes.
#[derive(Default)]
struct Collect {
    findings: Vec<Finding>,
    errors: Vec<String>,
}

impl Report for Collect {
    fn findings(&mut self, path: &str, findings: Vec<Finding>) {
        for f in &findings {
            assert!(!f.rule.is_empty() && !f.fingerprint.is_empty());
            assert!(f.start <= f.end, "{path}: start after end");
            assert!(f.occurrences >= 1);
        }
        self.findings.extend(findings);
    }
    fn scanned(&mut self, _path: &str, _bytes: u64) {}
    fn skipped(&mut self, path: &str, reason: &str) {
        assert!(!reason.is_empty(), "{path}: skipped without a reason");
    }
    fn warning(&mut self, _path: &str, _message: String) {}
    fn error(&mut self, path: &str, message: String) {
        assert!(!message.is_empty(), "{path}: error without a message");
        self.errors.push(message);
    }
}

fn scan_with(scanner: &Scanner, name: &str, data: &[u8]) -> Collect {
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        let w = w.get_or_insert_with(|| scanner.worker());
        let mut out = Collect::default();
        scanner.scan_bytes(name, data, w, &mut out);
        out
    })
}

/// The whole scanner (format sniffing, HAR/JSON/CSV/mail/archives, nested
/// decoding, dedup) on an input named by the first byte: verbatim
/// findings of the top-level input lie inside it (of its decompressed
/// bytes, for a lone gzip stream), and without `--reveal`
/// no finding carries its secret.
pub fn scan(data: &[u8]) {
    let (name, data) = split_name(data);
    let out = scan_with(scanner(false), name, data);
    // A lone gzip stream is opened in place: its findings keep the outer
    // name, with offsets into the decompressed bytes.
    let gzip = data.starts_with(&[0x1f, 0x8b]);
    for f in &out.findings {
        assert!(f.secret.is_none(), "a secret in a finding without --reveal");
        for l in &f.locations {
            if l.path == name && l.decoders.is_empty() && !gzip {
                assert!(l.end as usize <= data.len(), "location past the end");
            }
        }
    }
}

/// Nested decoding (base64, percent-encoding, gzip/zlib inside them) on
/// arbitrary bytes, plus round trips through each decoder: what is
/// encoded is found as a run and decodes back to itself.
pub fn decode(data: &[u8]) {
    use base64::Engine as _;
    with_scratch(|engine, scratch| {
        let mut sink = |h: &Hit<'_>| assert!(h.anchor() <= data.len());
        let origin = Origin::raw(0);
        let opts = DecodeOptions::default();
        scour_formats::scan_decoded(engine, scratch, &opts, data, &origin, 0, &mut sink);
    });
    for run in scour_formats::percent_runs(data) {
        assert!(is_within(run, data));
    }
    for run in scour_formats::base64_runs(data, 4) {
        assert!(is_within(run, data));
        let _ = scour_formats::decode_base64(run);
    }
    let limit = 64 << 10;
    if let Some((out, _)) = scour_formats::inflate(data, limit) {
        assert!(out.len() <= limit);
    }

    // Round trips. Any bytes, base64-encoded in either alphabet, decode
    // back to themselves.
    if !data.is_empty() {
        for b64 in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ] {
            let enc = b64.encode(data);
            assert_eq!(
                scour_formats::decode_base64(enc.as_bytes()).as_deref(),
                Some(data)
            );
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        let gz = gz.finish().unwrap();
        let (out, kind) = scour_formats::inflate(&gz, data.len()).expect("gzip inflates");
        assert_eq!((&out[..], kind), (data, "gzip"));
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(data).unwrap();
        let z = z.finish().unwrap();
        let (out, kind) = scour_formats::inflate(&z, data.len()).expect("zlib inflates");
        assert_eq!((&out[..], kind), (data, "deflate"));
    }
}

fn is_within(part: &[u8], whole: &[u8]) -> bool {
    let (p, w) = (part.as_ptr() as usize, whole.as_ptr() as usize);
    p >= w && p + part.len() <= w + whole.len()
}

/// Reads every member to the end, opening nested archives like the
/// scanner does, and counts what it was given.
struct Members {
    budget: Budget,
    depth: u32,
    delivered: u64,
}

impl MemberSink for Members {
    fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
        assert!(self.depth < 8);
        let mut bytes = Vec::new();
        let read = data.read_to_end(&mut bytes);
        self.delivered += bytes.len() as u64;
        assert!(
            bytes.len() as u64 <= self.budget.limits().max_member_bytes,
            "{name}: member past max_member_bytes"
        );
        if read.is_ok() && self.depth + 1 < self.budget.limits().max_depth {
            let mut inner = Members {
                budget: self.budget.share(),
                depth: self.depth + 1,
                delivered: 0,
            };
            let _ = open(&bytes, &mut inner);
            self.delivered += inner.delivered;
        }
        read.map(|_| ())
    }

    fn skipped(&mut self, name: &str, reason: SkipReason) {
        assert!(
            !reason.as_str().is_empty(),
            "{name}: skipped without a reason"
        );
    }
}

fn open(data: &[u8], sink: &mut Members) -> Result<(), scour_archive::Error> {
    let mut budget = sink.budget.share();
    match scour_archive::detect(data) {
        Some(scour_archive::ArchiveKind::Zip) => {
            scour_archive::read_zip(Cursor::new(data), &mut budget, sink)
        }
        Some(scour_archive::ArchiveKind::Tar) => {
            scour_archive::read_tar(data, false, &mut budget, sink)
        }
        Some(scour_archive::ArchiveKind::Gzip) => {
            let prefix =
                scour_archive::gunzip_prefix(data, scour_archive::DETECT_LEN).unwrap_or_default();
            if scour_archive::detect(&prefix) == Some(scour_archive::ArchiveKind::Tar) {
                scour_archive::read_tar(data, true, &mut budget, sink)
            } else {
                scour_archive::read_gzip(data, "member", &mut budget, sink)
            }
        }
        None => Ok(()),
    }
}

/// The archive readers (zip, tar, tar.gz, gzip, nested in each other):
/// whatever the bytes, the readers stop within the limits. The first byte
/// picks the reader when the content is not recognised, so each one also
/// sees data it does not expect.
pub fn archive(data: &[u8]) {
    let limits = limits();
    let mut root = Members {
        budget: Budget::new(limits.clone()),
        depth: 0,
        delivered: 0,
    };
    let mut budget = root.budget.share();
    let _ = match (scour_archive::detect(data), data.first().map(|b| b % 4)) {
        (Some(_), _) => open(data, &mut root),
        (None, Some(0)) => scour_archive::read_zip(Cursor::new(data), &mut budget, &mut root),
        (None, Some(1)) => scour_archive::read_tar(data, false, &mut budget, &mut root),
        (None, Some(2)) => scour_archive::read_tar(data, true, &mut budget, &mut root),
        (None, _) => scour_archive::read_gzip(data, "member", &mut budget, &mut root),
    };
    // Decompressed bytes are capped by max_total_bytes; stored members and
    // plain tar members are the input itself, and may repeat through the
    // nesting levels.
    let cap = limits.max_total_bytes + data.len() as u64 * u64::from(limits.max_depth + 1);
    assert!(
        root.delivered <= cap,
        "{} bytes delivered, cap {cap}",
        root.delivered
    );
    assert!(root.budget.members() <= limits.max_members + 1);
}

/// E-mail: MIME parts of a message (even first byte) or the messages of
/// an mbox (odd). Every part's undecoded body lies inside the message, and
/// a part without transfer decoding is exactly those bytes; mbox messages
/// lie inside the file and respect the size cap.
pub fn mail(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    if first % 2 == 0 {
        let _ = scour_mail::parts(data, &mut |p| {
            assert!(
                p.offset + p.raw_len <= data.len(),
                "{}: body out of the message",
                p.name
            );
            if p.decoders.is_empty() && p.name != "headers" {
                assert_eq!(
                    &p.data[..],
                    &data[p.offset..p.offset + p.raw_len],
                    "{}",
                    p.name
                );
            }
        });
    } else {
        let max = 4096;
        let mut mbox = scour_mail::Mbox::new(data, max);
        let mut count = 0usize;
        while let Some(msg) = mbox.next_message() {
            let Ok(msg) = msg else { break };
            assert!(msg.offset as usize <= data.len());
            assert!(msg.data.len() <= max, "message over the cap");
            assert_eq!(msg.index, count);
            count += 1;
            assert!(count <= data.len() + 1, "more messages than bytes");
        }
    }
}

const SAMPLE: &[u8] = b"GET /api?token=ghp_0123456789abcdefghijABCDEFGHIJ012345 HTTP/1.1\n\
Authorization: SSWS 00q8mZ3vR7tLw2KpN9bYc4HdJ6sFg1Ue5Tq3Lm8Zw2\n\
password=hunter2hunter2 email jane.roe@example.com\n";

/// Engines built from fuzzed rules are scanned over this and over the
/// fuzz input itself.
fn try_engine(rules: Vec<scour_rules::Rule>, data: &[u8]) {
    if rules.len() > 64 {
        return;
    }
    let Ok(engine) = EngineBuilder::new().rules(rules).build() else {
        return;
    };
    if engine.compile_all().is_err() {
        return;
    }
    let mut scratch = engine.scratch();
    for hay in [SAMPLE, data] {
        engine.scan(hay, &mut scratch, &mut |m: &Match<'_>| {
            assert!(m.match_range().end <= hay.len());
            true
        });
    }
}

/// `scour.toml` parsing (errors name the file) and applying it to the
/// built-in rules; gitleaks rule files (import, then an engine from what
/// was imported).
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if scour_config::gitleaks::is_gitleaks(&text) {
        if let Ok(import) = scour_config::gitleaks::import("fuzz.toml", &text) {
            try_engine(import.rules, data);
        }
        return;
    }
    match scour_config::Config::parse("fuzz.toml", &text) {
        Ok(cfg) => {
            static BUILTIN: OnceLock<Vec<scour_rules::Rule>> = OnceLock::new();
            let builtin = BUILTIN.get_or_init(|| scour_rules::builtin().unwrap());
            if let Err(e) = cfg.ruleset(builtin.clone(), &[]) {
                assert!(!e.to_string().is_empty());
            }
        }
        Err(e) => assert!(
            e.to_string().contains("fuzz.toml"),
            "error without the file name: {e}"
        ),
    }
}

/// scour's own rule files: parsing (errors name the file), the static
/// checks, and an engine built from what parsed.
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match scour_rules::parse("fuzz.toml", &text) {
        Ok(rules) => {
            let _ = scour_engine::check_rules(&rules);
            let _ = scour_rules::check_unique(&rules);
            try_engine(rules, data);
        }
        Err(e) => assert!(
            e.to_string().contains("fuzz.toml"),
            "error without the file name: {e}"
        ),
    }
}

/// Redact, on an input named by the first byte: the secrets a `--reveal`
/// scan finds are redacted; then the output is still JSON if the input
/// was, a scan of the output finds none of those secrets again, and
/// redacting the output once more changes nothing.
pub fn redact(data: &[u8]) {
    let (name, data) = split_name(data);
    let scanner = scanner(true);
    let found = scan_with(scanner, name, data);
    let secrets: Vec<scour_redact::Secret> = found
        .findings
        .iter()
        .filter_map(|f| {
            Some(scour_redact::Secret {
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                value: f.secret_bytes()?.to_vec(),
            })
        })
        .collect();
    if secrets.is_empty() {
        return;
    }
    let redactor = scour_redact::RedactorBuilder::new()
        .limits(limits())
        .build(secrets.clone());
    let mut out = Vec::new();
    if redactor
        .redact_reader(name, &mut &data[..], &mut out)
        .is_err()
    {
        return;
    }
    let is_json = |b: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok();
    if is_json(data) {
        assert!(is_json(&out), "JSON input, output no longer parses");
    }
    let again = scan_with(scanner, name, &out);
    for f in &again.findings {
        assert!(
            !secrets.iter().any(|s| s.fingerprint == f.fingerprint),
            "{} survived redaction at {}:{} ({}, decoders {:?})",
            f.rule,
            f.path,
            f.line,
            f.masked,
            f.decoders
        );
    }
    let mut twice = Vec::new();
    if redactor
        .redact_reader(name, &mut &out[..], &mut twice)
        .is_ok()
    {
        if let Some(at) = out.iter().zip(&twice).position(|(a, b)| a != b) {
            let show = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(60)..(at + 400).min(b.len())])
                    .into_owned()
            };
            panic!(
                "redacting the output again changed it at byte {at}:\n{}\n{}",
                show(&out),
                show(&twice)
            );
        }
        assert_eq!(
            out.len(),
            twice.len(),
            "redacting the output again changed its length"
        );
    }
}
