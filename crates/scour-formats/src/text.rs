//! Scanning text: the engine, then nested decoding of encoded runs.
//!
//! Secrets hide in base64 (Basic credentials, SAML, HAR bodies, e-mail
//! parts, cookies holding JSON) and in percent-encoding (URLs, form
//! bodies). Only runs long enough to hide a secret are decoded, and only
//! results that look like text (or gzip, which is inflated) are scanned,
//! up to a bounded depth.

use base64::Engine as _;
use scour_engine::{Engine, Match, Scratch};

use crate::hit::{Hit, HitSink, Origin};

/// Options for nested decoding.
#[derive(Clone, Copy, Debug)]
pub struct DecodeOptions {
    /// How many decodings may be stacked (base64 inside percent inside ...).
    pub max_depth: usize,
    /// Shortest base64 run worth decoding.
    pub min_base64: usize,
    /// Longest run decoded (bigger runs are left to the raw scan).
    pub max_run: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_depth: 3,
            min_base64: 24,
            max_run: 64 << 20,
        }
    }
}

/// Scans `text` with the engine and recursively scans decoded runs inside it.
pub fn scan_text(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    text: &[u8],
    origin: &Origin,
    sink: &mut dyn HitSink,
) {
    engine.scan(text, scratch, &mut |m: &Match<'_>| {
        sink.hit(&Hit::new(m, origin));
        true
    });
    scan_decoded(engine, scratch, opts, text, origin, 0, sink);
}

/// Looks for encoded runs in `text` and scans what they decode to.
pub fn scan_decoded(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    text: &[u8],
    origin: &Origin,
    depth: usize,
    sink: &mut dyn HitSink,
) {
    if depth >= opts.max_depth {
        return;
    }
    scan_urls(engine, scratch, text, origin, sink);
    for run in base64_runs(text, 8) {
        basic_credential(engine, scratch, text, run, origin, sink);
        if run.len() > opts.max_run || run.len() < opts.min_base64 {
            continue;
        }
        if let Some(decoded) = decode_base64(run) {
            if looks_like_text(&decoded) {
                let inner = origin_for(origin, text, run, "base64");
                scan_one(engine, scratch, opts, &decoded, &inner, depth, sink);
            } else if let Some((inflated, how)) = inflate(&decoded, opts.max_run) {
                if looks_like_text(&inflated) {
                    let inner = origin_for(origin, text, run, "base64").decoded(how);
                    scan_one(engine, scratch, opts, &inflated, &inner, depth, sink);
                }
            }
        }
    }
    for run in percent_runs(text) {
        if run.len() > opts.max_run {
            continue;
        }
        let decoded: Vec<u8> = percent_encoding::percent_decode(run).collect();
        if decoded.len() < run.len() {
            let inner = origin_for(origin, text, run, "percent");
            scan_one(engine, scratch, opts, &decoded, &inner, depth, sink);
        }
    }
}

/// A base64 run right after `Basic ` is an HTTP Basic credential wherever
/// it appears (a log line, a pasted request): the Authorization field rules
/// decode it and report the password, as they do for HAR headers.
fn basic_credential(
    engine: &Engine,
    scratch: &mut Scratch,
    text: &[u8],
    run: &[u8],
    origin: &Origin,
    sink: &mut dyn HitSink,
) {
    let start = run.as_ptr() as usize - text.as_ptr() as usize;
    if start < 6 || !text[start - 6..start].eq_ignore_ascii_case(b"basic ") {
        return;
    }
    let value = &text[start - 6..start + run.len()];
    let inner = match origin.base {
        Some(base) => Origin::raw(base + start - 6).inside(origin),
        None => origin.clone(),
    };
    engine.scan_field(
        scour_rules::Place::Header,
        b"authorization",
        value,
        scratch,
        &mut |m: &Match<'_>| {
            sink.hit(&Hit::new(m, &inner));
            true
        },
    );
}

/// Hands the query and fragment parameters of every `http(s)://` URL in
/// `text` to the engine's field rules: tokens pasted in ticket prose and
/// logs travel in URLs (OAuth codes, SAMLRequest, presigned signatures).
pub fn scan_urls(
    engine: &Engine,
    scratch: &mut Scratch,
    text: &[u8],
    origin: &Origin,
    sink: &mut dyn HitSink,
) {
    for url in urls(text) {
        let Ok(url_str) = std::str::from_utf8(url) else {
            continue;
        };
        for part in crate::http::url_params(url_str) {
            for p in crate::http::params(part, false) {
                let (value, inner): (&[u8], Origin) = if p.decoded() {
                    (
                        &p.value,
                        origin_for(origin, text, p.raw.as_bytes(), "percent"),
                    )
                } else {
                    let o = p.raw.as_ptr() as usize - text.as_ptr() as usize;
                    let inner = match origin.base {
                        Some(base) => Origin::raw(base + o).inside(origin),
                        None => origin.clone(),
                    };
                    (p.raw.as_bytes(), inner)
                };
                engine.scan_field(
                    scour_rules::Place::Query,
                    p.name.as_bytes(),
                    value,
                    scratch,
                    &mut |m: &Match<'_>| {
                        sink.hit(&Hit::new(m, &inner));
                        true
                    },
                );
            }
        }
    }
}

/// `http://` and `https://` URLs with a query or fragment, up to the first
/// byte that cannot be part of one in prose (space, quote, angle bracket,
/// backslash).
pub fn urls(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    memchr::memmem::find_iter(text, b"://").filter_map(move |at| {
        let scheme_start = text[..at]
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        let scheme = &text[scheme_start..at];
        if !(scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")) {
            return None;
        }
        let stop = |b: &u8| {
            b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`')
        };
        let end = text[at..]
            .iter()
            .position(stop)
            .map_or(text.len(), |e| at + e);
        let url = &text[scheme_start..end];
        url.iter().any(|&b| b == b'?' || b == b'#').then_some(url)
    })
}

fn scan_one(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    decoded: &[u8],
    origin: &Origin,
    depth: usize,
    sink: &mut dyn HitSink,
) {
    engine.scan(decoded, scratch, &mut |m: &Match<'_>| {
        sink.hit(&Hit::new(m, origin));
        true
    });
    scan_decoded(engine, scratch, opts, decoded, origin, depth + 1, sink);
}

/// The origin of bytes decoded from `run`, a subslice of `text`.
fn origin_for(origin: &Origin, text: &[u8], run: &[u8], decoder: &'static str) -> Origin {
    let mut o = origin.decoded(decoder);
    if let Some(base) = origin.base {
        o.anchor = base + (run.as_ptr() as usize - text.as_ptr() as usize);
    }
    o
}

/// Maximal runs of base64 characters (either alphabet) at least `min` long,
/// with their `=` padding (at most two). A run must hold both an uppercase
/// and a lowercase letter: long lowercase words joined by `-` or `_` are
/// not base64. Vectorised in `scour-simd`.
pub fn base64_runs(text: &[u8], min: usize) -> impl Iterator<Item = &[u8]> {
    scour_simd::base64_runs(text, min)
}

/// Decodes standard or URL-safe base64, padded or not; None if neither fits.
pub fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = run
        .strip_suffix(b"==")
        .or_else(|| run.strip_suffix(b"="))
        .unwrap_or(run);
    // A length of 1 mod 4 is never valid base64; dropping one trailing
    // character lets a run glued to a following letter still decode.
    let body = if trimmed.len() % 4 == 1 {
        &trimmed[..trimmed.len() - 1]
    } else {
        trimmed
    };
    let url = body.iter().any(|&b| b == b'-' || b == b'_');
    if url {
        URL_SAFE_NO_PAD.decode(body).ok()
    } else {
        STANDARD_NO_PAD.decode(body).ok()
    }
}

/// Inflates gzip (by its magic) or zlib/raw deflate data, up to `limit`
/// output bytes; returns the bytes and the decoder's name.
pub fn inflate(data: &[u8], limit: usize) -> Option<(Vec<u8>, &'static str)> {
    use std::io::Read;
    let mut out = Vec::new();
    let read = |r: &mut dyn Read, out: &mut Vec<u8>| {
        r.take(limit as u64).read_to_end(out).is_ok() && !out.is_empty()
    };
    if data.starts_with(&[0x1f, 0x8b]) {
        return read(&mut flate2::read::MultiGzDecoder::new(data), &mut out)
            .then_some((out, "gzip"));
    }
    // zlib: CMF byte 0x78 and a header checksum divisible by 31.
    if data.len() > 2 && data[0] == 0x78 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
    {
        return read(&mut flate2::read::ZlibDecoder::new(data), &mut out)
            .then_some((out, "deflate"));
    }
    None
}

/// True if decoded bytes are worth scanning as text: mostly printable ASCII
/// or UTF-8, few control bytes. Characters beyond ASCII count as text when
/// they are valid UTF-8: a note in French or a name with an accent holds
/// secrets as well as English does (and redaction must find what the scan
/// would).
pub fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.len() < 8 {
        return false;
    }
    // At most a tenth of the bytes may be control bytes or invalid UTF-8.
    let allowed = bytes.len() / 10;
    if bytes.is_ascii() {
        // The common case, counted without decoding characters.
        let control =
            |b: &&u8| (**b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t')) || **b == 0x7f;
        return bytes.iter().filter(control).count() <= allowed;
    }
    // Decoded noise (most base64 runs are tokens, not text) fails within
    // its first bytes; stop counting as soon as the answer is no.
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        bad += chunk
            .valid()
            .chars()
            .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .map(char::len_utf8)
            .sum::<usize>()
            + chunk.invalid().len();
        if bad > allowed {
            return false;
        }
    }
    true
}

/// Maximal runs without whitespace or quotes that contain at least one
/// `%XX` escape.
pub fn percent_runs(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while let Some(j) = memchr::memchr(b'%', &text[pos..]) {
            let p = pos + j;
            let escape = p + 2 < text.len()
                && text[p + 1].is_ascii_hexdigit()
                && text[p + 2].is_ascii_hexdigit();
            if !escape {
                pos = p + 1;
                continue;
            }
            let stop = |b: &u8| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>');
            let start = text[..p].iter().rposition(stop).map_or(0, |s| s + 1);
            let end = text[p..]
                .iter()
                .position(stop)
                .map_or(text.len(), |e| p + e);
            pos = end;
            return Some(&text[start..end]);
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_base64_runs() {
        let t = b"x dXNlcjpwYXNzd29yZDEyMzQ1Ng== y short abc_def_ghi_jkl_mno_pqr_stu_vwx";
        let runs: Vec<_> = base64_runs(t, 16).collect();
        assert_eq!(runs, vec![&b"dXNlcjpwYXNzd29yZDEyMzQ1Ng=="[..]]);
        assert_eq!(decode_base64(runs[0]).unwrap(), b"user:password123456");
    }

    #[test]
    fn url_safe_base64_decodes() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let enc = URL_SAFE_NO_PAD.encode(b"\xfb\xff token=abc");
        assert_eq!(
            decode_base64(enc.as_bytes()).unwrap(),
            b"\xfb\xff token=abc"
        );
    }

    #[test]
    fn finds_percent_runs() {
        let t = b"GET /cb?x=1&token=ab%2Bcd%3D%3D HTTP/1.1 and 100% sure";
        let runs: Vec<_> = percent_runs(t).collect();
        assert_eq!(runs, vec![&b"/cb?x=1&token=ab%2Bcd%3D%3D"[..]]);
    }

    #[test]
    fn gzip_inside_base64_is_inflated() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"password\": \"Mz8!kq3Lw-Tp\"}").unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        let decoded = decode_base64(b64.as_bytes()).unwrap();
        let (inflated, how) = inflate(&decoded, 1 << 20).unwrap();
        assert_eq!(how, "gzip");
        assert_eq!(inflated, b"{\"password\": \"Mz8!kq3Lw-Tp\"}");
        assert!(inflate(b"plain text", 1 << 20).is_none());
    }

    #[test]
    fn urls_in_prose() {
        let t = b"see https://idp.test/sso?SAMLRequest=abc%2Bd&x=1 and http://a.test/p, \"https://b.test/#access_token=t\" ftp://c/?q=1";
        let found: Vec<_> = urls(t).collect();
        assert_eq!(
            found,
            vec![
                &b"https://idp.test/sso?SAMLRequest=abc%2Bd&x=1"[..],
                b"https://b.test/#access_token=t"
            ]
        );
    }

    #[test]
    fn text_detection() {
        assert!(looks_like_text(b"{\"password\":\"x\"}"));
        assert!(looks_like_text(
            "note: A00a\u{e9}%@\u{20ac}_000 (fin)".as_bytes()
        ));
        assert!(!looks_like_text(b"note: A00a\xe9%@\x80\xff_000\x01"));
        assert!(!looks_like_text(&[
            0x89, b'P', b'N', b'G', 0, 0, 0, 13, 1, 2, 3, 4
        ]));
    }

    /// The definition, counted the slow way: at least nine bytes in ten
    /// belong to printable characters (line breaks and tabs count).
    fn text_by_definition(bytes: &[u8]) -> bool {
        let printable: usize = bytes
            .utf8_chunks()
            .map(|c| {
                c.valid()
                    .chars()
                    .filter(|&c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                    .map(char::len_utf8)
                    .sum::<usize>()
            })
            .sum();
        bytes.len() >= 8 && printable * 10 >= bytes.len() * 9
    }

    #[test]
    fn text_detection_agrees_with_its_definition() {
        // Text with a growing share of control bytes, invalid UTF-8 and C1
        // controls, around the one-in-ten threshold, at many lengths.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let pieces: [&[u8]; 8] = [
            b"a",
            b"Z9 ",
            b"\n",
            b"\x01",
            b"\xff",
            "\u{e9}".as_bytes(),
            "\u{85}".as_bytes(),
            b"\x7f",
        ];
        for _ in 0..20_000 {
            let len = next() % 40;
            let noise = next() % 8;
            let mut bytes = Vec::new();
            for _ in 0..len {
                let p = if next() % 16 < noise {
                    3 + next() % 5
                } else {
                    next() % 3
                };
                bytes.extend_from_slice(pieces[p]);
            }
            assert_eq!(
                looks_like_text(&bytes),
                text_by_definition(&bytes),
                "{bytes:?}"
            );
        }
    }
}
