//! Property: a text stream scanned in chunks (and pieces) reports exactly
//! what one whole-buffer scan reports, wherever the seams fall, for
//! secrets written plainly and for secrets inside encoded runs (base64,
//! percent-encoding, base64 in base64, Basic credentials, URL parameters)
//! that straddle a seam.
//!
//! The guarantee holds for every word (run of bytes without whitespace or
//! quotes) shorter than the chunk size, which is why the chunk sizes below
//! stay above the longest generated word; see [`crate::stream`].

use base64::Engine as _;
use proptest::prelude::*;

use crate::stream::Ends;
use crate::{Options, Scanner};

/// Random characters from an alphabet without look-alikes (entropy high
/// enough to pass validators).
fn chars(seed: u64, n: usize) -> String {
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alphabet[(state % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

/// Fake tokens of several shapes.
fn token(kind: u8, seed: u64) -> String {
    match kind % 3 {
        0 => format!("Authorization: SSWS 00{}", chars(seed, 40)),
        1 => format!("Authorization: Bearer {}", chars(seed, 40)),
        _ => format!("aws_access_key_id = AKIA{}", chars(seed, 16).to_uppercase()),
    }
}

/// Every byte but ASCII letters and digits as `%XX`.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// How a planted secret is written in the text.
const SPELLINGS: u8 = 7;

/// Length of the prose base64-encoded before a secret in the longest
/// spelling: more than the engine's overlap, so a seam inside such a run
/// is seen by neither neighbour's context.
const LONG: usize = 9000;

fn spell(spelling: u8, kind: u8, seed: u64) -> String {
    let t = token(kind, seed);
    match spelling % SPELLINGS {
        0 => t,
        1 => b64(&t),
        2 => format!("q={}", percent(&t)),
        3 => b64(&format!("note {}", b64(&t))),
        4 => format!(
            "Authorization: Basic {}",
            b64(&format!("svc-{}:{}", chars(seed ^ 1, 6), chars(seed, 18)))
        ),
        5 => format!(
            "https://idp.test/cb?state=1&access_token={}&x=2",
            chars(seed, 40)
        ),
        _ => b64(&format!(
            "{} {t}",
            "lorem ipsum ".repeat(LONG / 12 + seed as usize % 40)
        )),
    }
}

/// Every place of every finding, with what a report shows of it.
/// (fingerprint, rule, start, end, line, column, decoders, occurrences of
/// the finding): a place reported twice shows in the count.
type Place = (String, String, u64, u64, u64, u64, Vec<String>, u64);

/// The built-in rules but those with the widest windows, so the engine's
/// overlap (twice the widest window) is a few KiB and encoded runs longer
/// than it are cheap to generate.
fn scanner(chunk_size: usize, min_piece: usize) -> Scanner {
    let rules = scour_rules::builtin().unwrap();
    let engine = scour_engine::EngineBuilder::new()
        .rules(rules.into_iter().filter(|r| r.window <= 4096))
        .build()
        .unwrap();
    assert!(engine.overlap() < LONG, "{}", engine.overlap());
    let opts = Options {
        chunk_size,
        ..Options::default()
    };
    let mut scanner = Scanner::new(engine, opts);
    scanner.min_piece = min_piece;
    scanner
}

/// One scanner for the property's cases (compiling the rules is the slow
/// part), its chunk and piece sizes set per scan.
fn findings(bytes: &[u8], chunk_size: usize, min_piece: usize, ends: Ends) -> Vec<Place> {
    static SHARED: std::sync::OnceLock<std::sync::Mutex<Scanner>> = std::sync::OnceLock::new();
    let mut s = SHARED
        .get_or_init(|| std::sync::Mutex::new(scanner(64 << 20, 1 << 40)))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    s.opts.chunk_size = chunk_size;
    s.min_piece = min_piece;
    s.text_ends = ends;
    findings_with(&s, bytes)
}

fn findings_with(scanner: &Scanner, bytes: &[u8]) -> Vec<Place> {
    findings_named(scanner, "t.log", bytes)
}

fn findings_named(scanner: &Scanner, name: &str, bytes: &[u8]) -> Vec<Place> {
    let mut out = crate::tests::Out::default();
    scanner.scan_bytes(name, bytes, &mut scanner.worker(), &mut out);
    let mut v: Vec<_> = out
        .findings
        .into_iter()
        .flat_map(|(_, f)| {
            let places = if f.locations.is_empty() {
                vec![(f.start, f.end, f.line, f.column)]
            } else {
                f.locations
                    .iter()
                    .map(|l| (l.start, l.end, l.line, l.column))
                    .collect()
            };
            places.into_iter().map(move |(s, e, l, c)| {
                (
                    f.fingerprint.clone(),
                    f.rule.clone(),
                    s,
                    e,
                    l,
                    c,
                    f.decoders.clone(),
                    f.occurrences,
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// The reference: one chunk, one piece.
fn whole(bytes: &[u8]) -> Vec<Place> {
    findings(bytes, 64 << 20, 1 << 40, Ends::Words)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn chunked_scan_equals_whole_scan(
        parts in prop::collection::vec((0u8..3, any::<u64>(), 0usize..400, 0..SPELLINGS), 1..40),
        chunk_size in 256usize..6000,
        min_piece in 1usize..3000,
    ) {
        let mut text = String::new();
        for (kind, seed, filler, spelling) in &parts {
            text.push_str(&"lorem ipsum dolor ".repeat(filler / 18));
            text.push_str(&" ".repeat(filler % 18));
            text.push_str(&spell(*spelling, *kind, *seed));
            text.push('\n');
        }
        // The guarantee covers words shorter than a chunk.
        let longest = text.split([' ', '\n']).map(str::len).max().unwrap_or(0);
        let chunk_size = chunk_size.max(longest + 1);
        let whole = whole(text.as_bytes());
        for ends in [Ends::Words, Ends::Anywhere] {
            prop_assert_eq!(findings(text.as_bytes(), chunk_size, min_piece, ends), whole.clone());
            prop_assert_eq!(findings(text.as_bytes(), 64 << 20, min_piece, ends), whole.clone());
        }
    }
}

/// The property is not vacuous: tokens are found, seams or not.
#[test]
fn tokens_across_small_chunks_are_found() {
    let text: String = (0..3u64)
        .map(|i| format!("{}{}\n", "filler ".repeat(9), token(0, i + 1)))
        .collect();
    let whole = whole(text.as_bytes());
    assert_eq!(whole.len(), 3, "{whole:?}");
    assert_eq!(findings(text.as_bytes(), 64, 64, Ends::Words), whole);
}

/// Each encoded spelling, moved one byte at a time across a chunk seam
/// (the chunk a little longer than the word) and piece seams: every
/// position of a seam inside the encoded run (and just before and after
/// it) reports what the whole scan does, and the whole scan finds the
/// secret.
#[test]
fn encoded_secret_at_every_offset_from_a_seam() {
    // Pieces cut anywhere, not only between words: each decodes the
    // words it cuts whole.
    let (one, mut pieces) = (scanner(64 << 20, 1 << 40), scanner(64 << 20, 64));
    pieces.text_ends = Ends::Anywhere;
    for spelling in 1..SPELLINGS {
        let word = spell(spelling, spelling % 3, 7 + spelling as u64);
        let chunk = (word.len() + 40).max(320);
        let chunked = scanner(chunk, 1 << 40);
        // Long runs in steps of 29 bytes: every alignment mod 4, fewer scans.
        let step = if word.len() > 1000 { 29 } else { 1 };
        let first = chunk.saturating_sub(word.len() + 16);
        for shift in (first..chunk + 8).step_by(step) {
            let text = format!(
                "{} {word}\nend of text {}\n",
                "y".repeat(shift),
                "w ".repeat(100)
            );
            let want = findings_with(&one, text.as_bytes());
            // URL parameters are read in place, not decoded.
            assert!(
                want.iter().any(|p| !p.6.is_empty() || spelling == 5),
                "spelling {spelling}: nothing decoded in the whole scan: {want:?}"
            );
            assert_eq!(
                findings_with(&chunked, text.as_bytes()),
                want,
                "chunk seam, spelling {spelling}, shift {shift}"
            );
            assert_eq!(
                findings_with(&pieces, text.as_bytes()),
                want,
                "piece seams, spelling {spelling}, shift {shift}"
            );
        }
    }
}

/// A base64 run longer than a chunk is decoded chunk by chunk: each chunk
/// from a whole quantum of the run, wherever the run starts (it was lost
/// past the first chunk unless it started at a multiple of 4).
#[test]
fn base64_run_longer_than_a_chunk_at_any_alignment() {
    use base64::Engine as _;
    let secrets: Vec<String> = (0..3u64).map(|i| token(0, i + 7)).collect();
    let mut plain = String::new();
    for s in &secrets {
        plain.push_str(&"the quick brown fox jumps over the lazy dog. ".repeat(150));
        plain.push_str(s);
        plain.push('\n');
    }
    let run = base64::engine::general_purpose::STANDARD.encode(&plain);
    for lead in 0..4 {
        let text = format!("{} {run}\n", &"abc"[..lead]);
        for (min_piece, ends) in [
            (1 << 40, Ends::Words),
            (1024, Ends::Words),
            (1024, Ends::Anywhere),
        ] {
            let found = findings(text.as_bytes(), 4096, min_piece, ends);
            assert_eq!(
                found.len(),
                secrets.len(),
                "lead {lead}, {ends:?}: {found:?}"
            );
        }
    }
}

/// A JSON document's text scan runs in pieces, leaving out the insides of
/// long escaped strings (which the walk reads unescaped): pieces or not,
/// the same places, each secret at its document offset.
#[test]
fn json_text_scan_in_pieces_with_escaped_strings() {
    let mut records = Vec::new();
    for i in 0..40u64 {
        let body = format!(
            r#"{}\n{}\n\"quoted\" {}\n"#,
            "status update ".repeat((i % 7) as usize * 9),
            token(i as u8, i + 1),
            "w ".repeat((i % 5) as usize * 30)
        );
        records.push(format!(r#"{{"id":{i},"body":"{body}","short":"a\nb"}}"#));
    }
    let doc = format!("[{}]", records.join(",\n"));
    serde_json::from_str::<serde_json::Value>(&doc).expect("valid JSON");
    let whole = findings_named(&scanner(64 << 20, 1 << 40), "t.json", doc.as_bytes());
    // Not vacuous: three of the forty generated access key IDs fail the
    // rule's validation (as they do in plain text), the rest are found.
    assert_eq!(whole.len(), 37, "{whole:?}");
    for place in &whole {
        // Verbatim in the document, so reported where it is, undecoded.
        assert!(place.6.is_empty(), "{place:?}");
        let secret = &doc[place.2 as usize..place.3 as usize];
        assert!(
            secret.chars().all(|c| c.is_ascii_alphanumeric()),
            "{secret}"
        );
    }
    for min_piece in [200, 1000, 5000] {
        let pieces = findings_named(&scanner(64 << 20, min_piece), "t.json", doc.as_bytes());
        assert_eq!(pieces, whole, "pieces of {min_piece}");
    }
}
