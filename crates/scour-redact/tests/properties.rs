//! Properties of redaction over generated inputs with planted fake secrets:
//! redacting twice changes nothing, no planted value survives in any
//! spelling, JSON stays JSON, and a scan of the output no longer reports
//! what was redacted.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use proptest::prelude::*;
use scour_redact::{Redactor, RedactorBuilder, Secret};
use serde_json::json;

/// A value with the bytes that JSON and URLs escape, so every spelling
/// differs from the raw one.
fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{4}[A-Za-z0-9/+=\"\\\\&% @:!*'()~._\u{e9}\u{20ac}-]{6,20}[A-Za-z0-9]{2}"
}

/// Every byte but RFC 3986 unreserved characters as `%XX`.
fn percent(v: &str, lower: bool) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The body of the JSON string holding `v`.
fn json_body(v: &str) -> String {
    let s = serde_json::to_string(v).unwrap();
    s[1..s.len() - 1].to_string()
}

/// The body of the JSON string holding `v`, non-ASCII escaped (Python's
/// default).
fn json_ascii(v: &str) -> String {
    json_body(v)
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect()
}

/// Form encoding: as [`percent`], but spaces as `+`.
fn form(v: &str) -> String {
    percent(v, false).replace("%20", "+")
}

/// How many ways [`spell`] knows.
const HOWS: u8 = 9;

/// `v` written one way, with some prose around it.
fn spell(v: &str, how: u8) -> String {
    match how % HOWS {
        7 => json_ascii(v),
        8 => form(v),
        0 => v.to_string(),
        1 => json_body(v),
        2 => json_body(&json_body(v)),
        3 => percent(v, false),
        4 => percent(v, true),
        5 => STANDARD.encode(format!("note for the ticket: {v} (end)")),
        _ => URL_SAFE_NO_PAD.encode(format!(
            "{{\"token\":{}}}",
            serde_json::to_string(v).unwrap()
        )),
    }
}

/// Every spelling a value could survive in, to look for in the output.
fn spellings(v: &str) -> Vec<String> {
    vec![
        v.to_string(),
        json_body(v),
        json_body(&json_body(v)),
        percent(v, false),
        percent(v, true),
        json_ascii(v),
        form(v),
    ]
}

/// The output, and the text of every base64 run in it, decoded up to three
/// layers deep: where a surviving value would hide.
fn readable(out: &[u8]) -> Vec<Vec<u8>> {
    let mut all = vec![out.to_vec()];
    let mut i = 0;
    while i < all.len() && i < 1000 {
        let layer: Vec<Vec<u8>> = scour_formats::base64_runs(&all[i], 16)
            .filter_map(scour_formats::decode_base64)
            .collect();
        all.extend(layer);
        i += 1;
    }
    all
}

fn redact(r: &Redactor, name: &str, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    r.redact_reader(name, &mut &input[..], &mut out).unwrap();
    out
}

fn secrets(values: &[String]) -> Vec<Secret> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Secret {
            rule: format!("test.rule-{i}"),
            fingerprint: format!("{i:02}a1b2c3d4e5f6a7b8"),
            value: v.clone().into_bytes(),
        })
        .collect()
}

/// A document of the given shape holding `values`, each spelled by the
/// matching entry of `hows`.
fn document(shape: u8, values: &[String], hows: &[u8], filler: &str) -> (&'static str, Vec<u8>) {
    let spelled: Vec<String> = values.iter().zip(hows).map(|(v, h)| spell(v, *h)).collect();
    match shape % 3 {
        0 => {
            let mut text = String::new();
            for (i, s) in spelled.iter().enumerate() {
                text.push_str(&format!("{filler} line {i}: {s}\n"));
            }
            ("notes.txt", text.into_bytes())
        }
        1 => {
            let doc = json!({
                "ticket": filler,
                "values": values,
                "spelled": spelled,
                "nested": {"text": format!("{filler} {}", values.join(" ")),
                           "json": serde_json::to_string(&json!({"v": values})).unwrap()},
            });
            ("doc.json", serde_json::to_vec_pretty(&doc).unwrap())
        }
        _ => {
            let entries: Vec<_> = values
                .iter()
                .zip(&spelled)
                .map(|(v, s)| {
                    json!({
                        "request": {
                            "url": format!("https://api.test/cb?code={}&x=1", percent(v, false)),
                            "headers": [{"name": "X-Api-Key", "value": v}],
                            "postData": {"text": serde_json::to_string(&json!({"secret": v})).unwrap()}
                        },
                        "response": {"content": {
                            "text": STANDARD.encode(format!("{filler} {s} {v}")),
                            "encoding": "base64"
                        }}
                    })
                })
                .collect();
            let har = json!({"log": {"version": "1.2", "entries": entries}});
            ("capture.har", serde_json::to_vec(&har).unwrap())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// With the secrets given: the output is a fixed point, holds no
    /// planted value in any spelling (also inside base64), and JSON still
    /// parses.
    #[test]
    fn redaction_is_idempotent_and_complete(
        values in prop::collection::vec(value(), 1..4),
        hows in prop::collection::vec(0u8..HOWS, 4),
        nested in any::<bool>(),
        shape in 0u8..3,
        filler in "[a-z ]{0,40}",
    ) {
        // One value inside another: both are secrets.
        let mut values = values;
        if nested && values.len() > 1 {
            values[1] = format!("{}{}", values[0], values[1]);
        }
        let (name, input) = document(shape, &values, &hows, &filler);
        let r = RedactorBuilder::new().build(secrets(&values));
        let once = redact(&r, name, &input);
        let twice = redact(&r, name, &once);
        prop_assert!(once == twice, "not idempotent:\n{}\n---\n{}",
            String::from_utf8_lossy(&once), String::from_utf8_lossy(&twice));
        for layer in readable(&once) {
            for v in &values {
                for s in spellings(v) {
                    prop_assert!(
                        memchr::memmem::find(&layer, s.as_bytes()).is_none(),
                        "{s:?} (of {v:?}) survives in {}", String::from_utf8_lossy(&layer)
                    );
                }
            }
        }
        if name != "notes.txt" {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&input).is_ok());
            let parsed = serde_json::from_slice::<serde_json::Value>(&once);
            prop_assert!(parsed.is_ok(), "{:?}: {}", parsed.err(), String::from_utf8_lossy(&once));
        }
    }
}

/// Fake secrets of several rule kinds, as the scanner sees them.
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
    match kind % 7 {
        0 => format!("Authorization: SSWS 00{}", chars(40)),
        1 => format!("Authorization: Bearer {}", chars(40)),
        // Access key ids are base32.
        2 => format!(
            "aws_access_key_id = AKIA{}",
            chars(16).to_uppercase().replace('8', "Q").replace('9', "W")
        ),
        3 => format!("token {}", github(&chars(30))),
        4 => format!(
            "jwt {}.{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{}","exp":1900000000}}"#, chars(10))),
            chars(43)
        ),
        5 => format!(
            "see https://svc-{}:{}@db.example.test/admin",
            chars(4).to_lowercase(),
            chars(16)
        ),
        _ => format!(
            "Authorization: Basic {}",
            STANDARD.encode(format!("svc-{}:{}", chars(5), chars(18)))
        ),
    }
}

/// A classic GitHub token around `body` (30 characters), with its CRC32
/// in base62, as GitHub builds them.
fn github(body: &str) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = crc32fast::hash(body.as_bytes());
    let mut check = String::new();
    for _ in 0..6 {
        check.insert(0, BASE62[(n % 62) as usize] as char);
        n /= 62;
    }
    format!("ghp_{body}{check}")
}

#[derive(Default)]
struct Collect(Vec<scour_report::Finding>);

impl scour_scan::Report for Collect {
    fn findings(&mut self, _: &str, f: Vec<scour_report::Finding>) {
        self.0.extend(f);
    }
    fn scanned(&mut self, _: &str, _: u64) {}
    fn skipped(&mut self, _: &str, _: &str) {}
    fn warning(&mut self, _: &str, _: String) {}
    fn error(&mut self, path: &str, message: String) {
        panic!("{path}: {message}");
    }
}

fn scanner() -> &'static scour_scan::Scanner {
    static S: std::sync::OnceLock<scour_scan::Scanner> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let engine = scour_engine::EngineBuilder::new()
            .rules(scour_rules::builtin().unwrap())
            .build()
            .unwrap();
        let opts = scour_scan::Options {
            reveal: true,
            ..scour_scan::Options::default()
        };
        scour_scan::Scanner::new(engine, opts)
    })
}

fn scan(name: &str, bytes: &[u8]) -> Vec<scour_report::Finding> {
    let s = scanner();
    let mut out = Collect::default();
    s.scan_bytes(name, bytes, &mut s.worker(), &mut out);
    out.0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Scan, redact what was found (as `scour redact` does), scan again:
    /// none of the redacted secrets is reported any more, and redacting
    /// the output again changes nothing.
    #[test]
    fn scan_of_redacted_output_finds_none_of_the_redacted(
        // Form encoding (8) left out: outside form bodies the scanner reads
        // `+` as itself, so a form-encoded URL in prose is not found.
        planted in prop::collection::vec((0u8..7, any::<u64>(), 0u8..HOWS - 1), 1..6),
        shape in 0u8..3,
    ) {
        let values: Vec<String> = planted.iter().map(|(k, s, _)| token(*k, *s)).collect();
        let hows: Vec<u8> = planted.iter().map(|(_, _, h)| *h).collect();
        let (name, input) = document(shape, &values, &hows, "customer pasted this");
        let found = scan(name, &input);
        prop_assert!(!found.is_empty(), "nothing found in {}", String::from_utf8_lossy(&input));
        let secrets: Vec<Secret> = found
            .iter()
            .filter_map(|f| Some(Secret {
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                value: f.secret.clone()?.into_bytes(),
            }))
            .collect();
        let r = RedactorBuilder::new().build(secrets.clone());
        let once = redact(&r, name, &input);
        let again = scan(name, &once);
        for f in &again {
            let s = f.secret.as_deref().unwrap_or_default();
            prop_assert!(
                !secrets.iter().any(|x| x.value == s.as_bytes() || x.fingerprint == f.fingerprint),
                "{} still reports {s:?} after redaction:\n{}", f.rule, String::from_utf8_lossy(&once)
            );
        }
        prop_assert!(redact(&r, name, &once) == once, "not idempotent");
    }
}
