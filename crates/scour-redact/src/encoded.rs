//! Secrets inside base64: HAR bodies with `encoding: base64`, SAML
//! messages, cookies holding JSON. A run is decoded, redacted like any
//! text (recursively, to a bounded depth), and encoded again in the same
//! alphabet with the same padding, so the surrounding format stays valid.
//! Gzip and zlib payloads inside base64 are inflated and compressed again.
//!
//! Secrets inside percent-encoded runs are found by decoding too, so any
//! mix of escaped and raw bytes is covered (a client that escapes `/` but
//! sends UTF-8 raw), not only the spellings the needles list.

use std::io::Write;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

use crate::needles::{percent, Percent};
use crate::{Cx, Redactor};

/// Shortest base64 run decoded: shorter ones hide no secret worth a
/// rule, and `Basic` credentials are handled by their own spelling.
const MIN_RUN: usize = 16;

/// How many base64 layers are opened, as in the scanner's decoding.
pub(crate) const MAX_DECODINGS: u32 = 3;

impl Redactor {
    /// Rewrites the base64 runs of `data` whose decoded text holds a
    /// secret; None if none does.
    pub(crate) fn base64_runs(&self, data: &[u8], depth: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        let mut last = 0;
        for run in scour_formats::base64_runs(data, MIN_RUN) {
            let start = run.as_ptr() as usize - data.as_ptr() as usize;
            let Some(new) = self.redact_run(run, depth, cx) else {
                continue;
            };
            let o = out.get_or_insert_with(|| Vec::with_capacity(data.len()));
            o.extend_from_slice(&data[last..start]);
            o.extend_from_slice(new.as_bytes());
            last = start + run.len();
        }
        let mut o = out?;
        o.extend_from_slice(&data[last..]);
        Some(o)
    }

    /// Rewrites the percent-encoded runs of `data` whose decoded bytes
    /// hold a secret; None if none does. Each run is decoded with a map
    /// back to its bytes, and only the bytes that spell a secret are
    /// replaced (by the percent-encoded replacement); the rest of the run
    /// is kept as it was.
    pub(crate) fn percent_runs(&self, data: &[u8], depth: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        let mut last = 0;
        let (mut decoded, mut from) = (Vec::new(), Vec::new());
        for run in scour_formats::percent_runs(data) {
            let start = run.as_ptr() as usize - data.as_ptr() as usize;
            decoded.clear();
            from.clear();
            let mut i = 0;
            while i < run.len() {
                from.push(i);
                let escape = run[i] == b'%'
                    && run
                        .get(i + 1..i + 3)
                        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                if escape {
                    let hex = std::str::from_utf8(&run[i + 1..i + 3]).expect("hex digits");
                    decoded.push(u8::from_str_radix(hex, 16).expect("hex digits"));
                    i += 3;
                } else {
                    decoded.push(run[i]);
                    i += 1;
                }
            }
            from.push(run.len());
            // Secrets in the decoded bytes, then base64 runs in them (a
            // SAML message or a JWT-bearing state in a query parameter);
            // each edit is a span of decoded bytes and its new spelling.
            let mut edits: Vec<(usize, usize, Vec<u8>)> = self
                .needles
                .matches(&decoded)
                .into_iter()
                .map(|(s, e, with)| (s, e, percent(with, Percent::Unreserved, false)))
                .collect();
            cx.replaced += edits.len() as u64;
            if depth < MAX_DECODINGS {
                for b64 in scour_formats::base64_runs(&decoded, MIN_RUN) {
                    let s = b64.as_ptr() as usize - decoded.as_ptr() as usize;
                    let e = s + b64.len();
                    if edits.iter().any(|&(es, ee, _)| es < e && s < ee) {
                        continue;
                    }
                    if let Some(new) = self.redact_run(b64, depth, cx) {
                        edits.push((s, e, percent(new.as_bytes(), Percent::Unreserved, false)));
                    }
                }
                edits.sort_by_key(|&(s, _, _)| s);
            }
            if edits.is_empty() {
                continue;
            }
            let o = out.get_or_insert_with(|| Vec::with_capacity(data.len()));
            o.extend_from_slice(&data[last..start]);
            let mut at = 0;
            for (s, e, with) in edits {
                o.extend_from_slice(&run[at..from[s]]);
                o.extend_from_slice(&with);
                at = from[e];
            }
            o.extend_from_slice(&run[at..]);
            last = start + run.len();
        }
        let mut o = out?;
        o.extend_from_slice(&data[last..]);
        Some(o)
    }

    fn redact_run(&self, run: &[u8], depth: u32, cx: &mut Cx) -> Option<String> {
        let decoded = scour_formats::decode_base64(run)?;
        if decoded.len() < 8 {
            return None;
        }
        let plain = if scour_formats::looks_like_text(&decoded) {
            self.text(&decoded, depth + 1, cx)?
        } else {
            self.compressed(&decoded, depth, cx)?
        };
        Some(encode_like(run, &plain))
    }

    /// A gzip or zlib payload: inflated, redacted, compressed again.
    fn compressed(&self, data: &[u8], depth: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let limit = self.opts.limits.max_member_bytes as usize;
        let (inflated, how) = scour_formats::inflate(data, limit)?;
        if !scour_formats::looks_like_text(&inflated) {
            return None;
        }
        let new = self.text(&inflated, depth + 1, cx)?;
        let level = flate2::Compression::default();
        let packed = if how == "gzip" {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
            enc.write_all(&new).ok()?;
            enc.finish().ok()?
        } else {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), level);
            enc.write_all(&new).ok()?;
            enc.finish().ok()?
        };
        Some(packed)
    }
}

/// Encodes `plain` the way `original` was encoded: URL-safe alphabet if it
/// used `-` or `_`, padded if it was padded (or had a length that needs no
/// padding and used the standard alphabet). A character that
/// [`scour_formats::decode_base64`] dropped (a run glued to a following
/// letter) is kept at the end.
pub(crate) fn encode_like(original: &[u8], plain: &[u8]) -> String {
    let url = original.iter().any(|&b| b == b'-' || b == b'_');
    let trimmed = original
        .strip_suffix(b"==")
        .or_else(|| original.strip_suffix(b"="))
        .unwrap_or(original);
    let padded = trimmed.len() != original.len();
    let mut out = match (url, padded) {
        (false, true) => STANDARD.encode(plain),
        (false, false) => STANDARD_NO_PAD.encode(plain),
        (true, true) => URL_SAFE.encode(plain),
        (true, false) => URL_SAFE_NO_PAD.encode(plain),
    };
    if !padded && trimmed.len() % 4 == 1 {
        out.push(trimmed[trimmed.len() - 1] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_follows_the_original() {
        assert_eq!(encode_like(b"YWJjZA==", b"abcd"), "YWJjZA==");
        assert_eq!(encode_like(b"YWJjZA", b"abcd"), "YWJjZA");
        assert_eq!(encode_like(b"-_-_", b"\xfb\xff\xbf"), "-_-_");
        assert_eq!(encode_like(b"YWJjZGVmx", b"abcdef"), "YWJjZGVmx");
    }

    /// A JWT in base64 JSON in a query parameter, the base64 itself
    /// percent-encoded (`%2B`, `%2F`, `%3D`), as SAML and OAuth `state`
    /// values travel in URLs (found by the redact fuzz target).
    #[test]
    fn base64_inside_a_percent_encoded_run() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJlLWZha2UtZmFrZQ";
        let secret = crate::Secret {
            rule: "jwt.token".into(),
            fingerprint: "0123456789abcdef".into(),
            value: jwt.as_bytes().to_vec(),
        };
        let r = crate::RedactorBuilder::new()
            .jwt(crate::JwtMode::Full)
            .build(vec![secret]);
        let inner = STANDARD.encode(format!(
            "{{\"id_token\": \"{jwt}\", \"n\": \"\u{2713}?>\"}}"
        ));
        let escaped: String = inner
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        assert!(escaped.contains('%'));
        let text = format!("GET /cb?state={escaped}&x=1 HTTP/1.1\n");
        let mut out = Vec::new();
        r.redact_reader("t.log", &mut text.as_bytes(), &mut out)
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        let state = out
            .split("state=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let b64 = state
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        let json = String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap();
        assert!(json.contains("[REDACTED:jwt.token:01234567]"), "{json}");
        assert!(!json.contains(jwt));
        assert!(out.ends_with("&x=1 HTTP/1.1\n"));
        let mut again = Vec::new();
        r.redact_reader("t.log", &mut out.as_bytes(), &mut again)
            .unwrap();
        assert_eq!(String::from_utf8(again).unwrap(), out);
    }

    /// A value whose bytes are escaped in one place and raw in another
    /// (no single spelling the needles list), as a fuzzer produced it.
    #[test]
    fn percent_runs_are_redacted_whatever_mix_of_escapes() {
        let secret = crate::Secret {
            rule: "generic.credential-assignment".into(),
            fingerprint: "0123456789abcdef".into(),
            value: b"Tq8Zm/3Vw7\x80Lp+2Kr\xde9Xn".to_vec(),
        };
        let r = crate::RedactorBuilder::new().build(vec![secret]);
        let text = b"GET /x?a=1&token=Tq8Zm%2F3Vw7\x80Lp%2B2Kr%DE9Xn&b=%2F HTTP/1.1\n";
        let mut out = Vec::new();
        let outcome = r.redact_reader("t.log", &mut &text[..], &mut out).unwrap();
        assert_eq!(outcome.replaced, 1);
        let want = b"GET /x?a=1&token=%5BREDACTED%3Ageneric.credential-assignment%3A01234567%5D&b=%2F HTTP/1.1\n";
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(want));
        let mut again = Vec::new();
        r.redact_reader("t.log", &mut &out[..], &mut again).unwrap();
        assert_eq!(again, out);
    }
}
