//! Property: a text stream scanned in chunks (and pieces) reports exactly
//! what one whole-buffer scan reports, wherever the seams fall.

use proptest::prelude::*;

use crate::{Options, Scanner};

/// Fake tokens of several shapes (entropy high enough to pass validators).
fn token(kind: u8, seed: u64) -> String {
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut chars = |n: usize| -> String {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize] as char
            })
            .collect()
    };
    match kind % 3 {
        0 => format!("Authorization: SSWS 00{}", chars(40)),
        1 => format!("Authorization: Bearer {}", chars(40)),
        _ => format!("aws_access_key_id = AKIA{}", chars(16).to_uppercase()),
    }
}

fn findings(bytes: &[u8], chunk_size: usize) -> Vec<(String, u64, u64, u64)> {
    let engine = scour_engine::EngineBuilder::new()
        .rules(scour_rules::builtin().unwrap())
        .build()
        .unwrap();
    let opts = Options {
        chunk_size,
        ..Options::default()
    };
    let scanner = Scanner::new(engine, opts);
    let mut out = crate::tests::Out::default();
    scanner.scan_bytes("t.log", bytes, &mut scanner.worker(), &mut out);
    let mut v: Vec<_> = out
        .findings
        .into_iter()
        .flat_map(|(_, f)| {
            let places = if f.locations.is_empty() {
                vec![(f.start, f.end, f.line)]
            } else {
                f.locations
                    .iter()
                    .map(|l| (l.start, l.end, l.line))
                    .collect()
            };
            places
                .into_iter()
                .map(move |(s, e, l)| (f.fingerprint.clone(), s, e, l))
        })
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn chunked_scan_equals_whole_scan(
        parts in prop::collection::vec((0u8..3, any::<u64>(), 0usize..400), 1..40),
        chunk_size in 64usize..6000,
    ) {
        let mut text = String::new();
        for (kind, seed, filler) in &parts {
            text.push_str(&"lorem ipsum dolor ".repeat(filler / 18));
            text.push_str(&" ".repeat(filler % 18));
            text.push_str(&token(*kind, *seed));
            text.push('\n');
        }
        let whole = findings(text.as_bytes(), 64 << 20);
        prop_assert_eq!(findings(text.as_bytes(), chunk_size), whole);
    }
}

/// The property is not vacuous: tokens are found, seams or not.
#[test]
fn tokens_across_small_chunks_are_found() {
    let text: String = (0..3u64)
        .map(|i| format!("{}{}\n", "filler ".repeat(9), token(0, i + 1)))
        .collect();
    let whole = findings(text.as_bytes(), 64 << 20);
    assert_eq!(whole.len(), 3, "{whole:?}");
    assert_eq!(findings(text.as_bytes(), 64), whole);
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
        let found = findings(text.as_bytes(), 4096);
        assert_eq!(found.len(), secrets.len(), "lead {lead}: {found:?}");
    }
}
