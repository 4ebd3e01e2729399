//! The values to replace, in every spelling they are stored in, and what
//! each spelling becomes.
//!
//! A secret found once is replaced wherever its bytes occur in the input,
//! so all copies in a capture (Cookie header and cookies array, URL and
//! queryString, Referer, redirect targets, page titles) change together.
//! Besides the raw bytes, the JSON-escaped forms (once and twice, for JSON
//! held in a JSON string) and the usual percent-encodings are searched,
//! each replaced by the marker in the same spelling, so the text around
//! it stays valid JSON or a valid URL. UTF-16 text (both byte orders) is
//! searched for the secret's UTF-16 form, with needles of its own.

use aho_corasick::{AhoCorasick, MatchKind};

/// A value to remove, as found by a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// The id of the rule that found it (`jwt.token`).
    pub rule: String,
    /// The finding's fingerprint (hex); its first 8 characters go into the
    /// marker so that one secret stays correlatable across files.
    pub fingerprint: String,
    /// The secret itself.
    pub value: Vec<u8>,
}

/// How much of a JSON Web Token is removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JwtMode {
    /// Keep the header and the payload (useful for debugging: issuer,
    /// audience, expiry), drop the signature, which makes the token
    /// unusable.
    #[default]
    Signature,
    /// Replace the whole token.
    Full,
}

/// Values shorter than this are not replaced: they would hit unrelated
/// text everywhere, and no rule reports them.
const MIN_LEN: usize = 4;

/// The compiled search for every spelling of every secret.
pub(crate) struct Needles {
    ac: Option<AhoCorasick>,
    replacements: Vec<Vec<u8>>,
    longest: usize,
}

impl Needles {
    pub(crate) fn new(secrets: &[Secret], jwt: JwtMode) -> Needles {
        Needles::with_spellings(secrets, jwt, spellings)
    }

    /// Each secret and its replacement in UTF-16 (`big_endian` or not),
    /// for text saved as UTF-16, which the scanner transcodes. Built only
    /// when such an input comes: these patterns, twice as long and full of
    /// NULs, made every redactor's build a third slower.
    pub(crate) fn utf16(secrets: &[Secret], jwt: JwtMode, big_endian: bool) -> Needles {
        Needles::with_spellings(secrets, jwt, |value, with| {
            match (std::str::from_utf8(value), std::str::from_utf8(with)) {
                (Ok(v), Ok(w)) => vec![(utf16(v, big_endian), utf16(w, big_endian))],
                _ => Vec::new(),
            }
        })
    }

    fn with_spellings(
        secrets: &[Secret],
        jwt: JwtMode,
        spellings: impl Fn(&[u8], &[u8]) -> Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Needles {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut replacements = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // Longer secrets first, so that of two secrets with the same bytes
        // the longer rule's spelling wins the dedup below deterministically.
        let mut sorted: Vec<&Secret> = secrets.iter().collect();
        sorted.sort_by(|a, b| b.value.len().cmp(&a.value.len()).then(a.rule.cmp(&b.rule)));
        let mut values = std::collections::HashSet::new();
        // Replacements that keep part of their secret (see below).
        let mut keeping = Vec::new();
        for s in sorted {
            // The same secret is usually found in many places.
            if s.value.len() < MIN_LEN || !values.insert(&s.value) {
                continue;
            }
            let with = replacement(s, jwt);
            let keeps = with != marker(&s.rule, &s.fingerprint).as_bytes();
            for (p, r) in spellings(&s.value, &with) {
                if seen.insert(p.clone()) {
                    if keeps {
                        keeping.push(patterns.len());
                    }
                    patterns.push(p);
                    replacements.push(r);
                }
            }
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let ac = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .expect("literal patterns always compile")
        });
        let mut needles = Needles {
            ac,
            replacements,
            longest,
        };
        // A replacement that keeps part of its secret (a JWT's header and
        // payload, a Basic user name) may hold another secret: a token
        // that is a prefix of the JWT, found alone elsewhere. Where the
        // longer match wins, that one would survive, and only a second
        // redaction would remove it; so kept parts are redacted here.
        let kept: Vec<(usize, Vec<u8>)> = keeping
            .into_iter()
            .filter_map(|i| {
                let r = &needles.replacements[i];
                let mut out = Vec::with_capacity(r.len());
                (needles.replace(r, &mut out) > 0).then_some((i, out))
            })
            .collect();
        for (i, r) in kept {
            needles.replacements[i] = r;
        }
        needles
    }

    /// The longest spelling: a stream cut must keep this much context.
    pub(crate) fn longest(&self) -> usize {
        self.longest
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// Where the matches in `hay` are, leftmost-longest.
    pub(crate) fn spans(&self, hay: &[u8]) -> Vec<(usize, usize)> {
        match &self.ac {
            Some(ac) => ac.find_iter(hay).map(|m| (m.start(), m.end())).collect(),
            None => Vec::new(),
        }
    }

    /// The matches in `hay`, leftmost-longest, each with what replaces it.
    pub(crate) fn matches<'n>(&'n self, hay: &[u8]) -> Vec<(usize, usize, &'n [u8])> {
        match &self.ac {
            Some(ac) => ac
                .find_iter(hay)
                .map(|m| {
                    (
                        m.start(),
                        m.end(),
                        &self.replacements[m.pattern().as_usize()][..],
                    )
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// Appends `hay` to `out` with every spelling replaced; returns how
    /// many replacements were made.
    pub(crate) fn replace(&self, hay: &[u8], out: &mut Vec<u8>) -> u64 {
        let Some(ac) = &self.ac else {
            out.extend_from_slice(hay);
            return 0;
        };
        let mut last = 0;
        let mut n = 0;
        for m in ac.find_iter(hay) {
            out.extend_from_slice(&hay[last..m.start()]);
            out.extend_from_slice(&self.replacements[m.pattern().as_usize()]);
            last = m.end();
            n += 1;
        }
        out.extend_from_slice(&hay[last..]);
        n
    }
}

/// `[REDACTED:<rule>:<first 8 hex of the fingerprint>]`.
pub fn marker(rule: &str, fingerprint: &str) -> String {
    let short = fingerprint.get(..8).unwrap_or(fingerprint);
    format!("[REDACTED:{rule}:{short}]")
}

/// What a secret becomes: the marker, except that a JWT keeps its header
/// and payload and a Basic credential keeps its user name.
fn replacement(s: &Secret, jwt: JwtMode) -> Vec<u8> {
    let mark = marker(&s.rule, &s.fingerprint);
    if jwt == JwtMode::Signature {
        if let Some(kept) = jwt_without_signature(&s.value) {
            let mut out = kept.to_vec();
            out.extend_from_slice(mark.as_bytes());
            return out;
        }
    }
    if s.rule.contains("basic-auth") {
        if let Some(b) = basic_keeping_user(&s.value, &mark) {
            return b;
        }
    }
    mark.into_bytes()
}

/// `header.payload.` of a three-part token whose header is base64url JSON.
fn jwt_without_signature(v: &[u8]) -> Option<&[u8]> {
    if !v.starts_with(b"eyJ") || v.iter().filter(|&&b| b == b'.').count() != 2 {
        return None;
    }
    let second = v.iter().rposition(|&b| b == b'.')?;
    Some(&v[..=second])
}

/// A base64 `user:password` re-encoded as `user:<marker>`, in the same
/// alphabet and padding.
fn basic_keeping_user(v: &[u8], mark: &str) -> Option<Vec<u8>> {
    let decoded = scour_formats::decode_base64(v)?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    if !decoded.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        return None;
    }
    let mut plain = decoded[..=colon].to_vec();
    plain.extend_from_slice(mark.as_bytes());
    Some(crate::encoded::encode_like(v, &plain).into_bytes())
}

/// Every spelling of `value` worth searching, each with the spelling of
/// `with` that replaces it.
fn spellings(value: &[u8], with: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = vec![(value.to_vec(), with.to_vec())];
    for set in [
        Percent::Unreserved,
        Percent::KeepSlash,
        Percent::Component,
        Percent::Form,
    ] {
        for lower in [false, true] {
            let p = percent(value, set, lower);
            if p != value {
                out.push((p, percent(with, set, lower)));
            }
        }
    }
    let n = out.len();
    for i in 0..n {
        let (v, w) = out[i].clone();
        for ascii in [false, true] {
            for slash in [false, true] {
                let once = json_escape(&v, ascii, slash);
                if once != v {
                    let twice = json_escape(&once, ascii, slash);
                    out.push((
                        twice,
                        json_escape(&json_escape(&w, ascii, slash), ascii, slash),
                    ));
                    out.push((once, json_escape(&w, ascii, slash)));
                }
            }
        }
    }
    out
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    s.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[derive(Clone, Copy)]
pub(crate) enum Percent {
    /// Everything but RFC 3986 unreserved characters (Python's `quote`
    /// with `safe=''`, Go's `QueryEscape` but for spaces).
    Unreserved,
    /// The same, keeping `/` (Python's `quote` default).
    KeepSlash,
    /// JavaScript's `encodeURIComponent`.
    Component,
    /// Form encoding: spaces as `+`.
    Form,
}

pub(crate) fn percent(v: &[u8], set: Percent, lower: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    for &b in v {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (matches!(set, Percent::KeepSlash) && b == b'/')
            || (matches!(set, Percent::Component)
                && matches!(b, b'!' | b'*' | b'\'' | b'(' | b')'));
        if keep {
            out.push(b);
        } else if matches!(set, Percent::Form) && b == b' ' {
            out.push(b'+');
        } else if lower {
            out.extend_from_slice(format!("%{b:02x}").as_bytes());
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

/// The body of a JSON string holding `v`; `ascii` escapes every non-ASCII
/// character as `\uXXXX` (Python's default), `slash` escapes `/` (PHP's).
pub(crate) fn json_escape(v: &[u8], ascii: bool, slash: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() + 8);
    let text = String::from_utf8_lossy(v);
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '/' if slash => out.extend_from_slice(b"\\/"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                }
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(rule: &str, value: &str) -> Secret {
        Secret {
            rule: rule.into(),
            fingerprint: "0123456789abcdef".into(),
            value: value.as_bytes().to_vec(),
        }
    }

    fn run(secrets: &[Secret], jwt: JwtMode, text: &str) -> String {
        let mut out = Vec::new();
        Needles::new(secrets, jwt).replace(text.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_secret_inside_the_kept_part_of_a_jwt_is_redacted_too() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJlLWZha2U";
        let prefix = &jwt[..30];
        let s = [
            secret("jwt.token", jwt),
            secret("http.bearer-token", prefix),
        ];
        let text = format!("a {jwt} b {prefix}");
        let once = run(&s, JwtMode::Signature, &text);
        assert!(!once.contains(prefix), "{once}");
        assert_eq!(run(&s, JwtMode::Signature, &once), once);
    }

    #[test]
    fn utf16_text_is_redacted_in_utf16() {
        let s = [secret("okta.api-token", "00Tq8Zm3Vw7Lp2Kr9Xn4")];
        for be in [false, true] {
            let mut text = if be {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            text.extend(utf16("key 00Tq8Zm3Vw7Lp2Kr9Xn4\r\n", be));
            let mut out = Vec::new();
            assert_eq!(
                Needles::utf16(&s, JwtMode::Signature, be).replace(&text, &mut out),
                1
            );
            let mut want = text[..2].to_vec();
            want.extend(utf16("key [REDACTED:okta.api-token:01234567]\r\n", be));
            assert_eq!(out, want);
        }
    }

    #[test]
    fn every_spelling_is_replaced_in_its_own_spelling() {
        let s = [secret("field.password", "p@ss/wo rd\"9")];
        let text = r#"raw p@ss/wo rd"9 url p%40ss%2Fwo%20rd%229 form p%40ss%2Fwo+rd%229 json "p@ss/wo rd\"9""#;
        assert_eq!(
            run(&s, JwtMode::Signature, text),
            "raw [REDACTED:field.password:01234567] url %5BREDACTED%3Afield.password%3A01234567%5D \
             form %5BREDACTED%3Afield.password%3A01234567%5D json \"[REDACTED:field.password:01234567]\""
        );
    }

    #[test]
    fn jwt_keeps_header_and_payload_unless_full() {
        let s = [secret(
            "jwt.token",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
        )];
        let t = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl;";
        assert_eq!(
            run(&s, JwtMode::Signature, t),
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.[REDACTED:jwt.token:01234567];"
        );
        assert_eq!(
            run(&s, JwtMode::Full, t),
            "Bearer [REDACTED:jwt.token:01234567];"
        );
    }

    #[test]
    fn basic_credential_keeps_the_user() {
        use base64::Engine as _;
        let blob = base64::engine::general_purpose::STANDARD.encode(b"ci-bot:Hunter2Hunter2");
        let s = [secret("http.basic-auth", &blob)];
        let out = run(&s, JwtMode::Signature, &format!("Basic {blob}"));
        let enc = out.strip_prefix("Basic ").unwrap();
        let plain = scour_formats::decode_base64(enc.as_bytes()).unwrap();
        assert_eq!(plain, b"ci-bot:[REDACTED:http.basic-auth:01234567]");
    }

    #[test]
    fn short_values_are_left_alone() {
        let s = [secret("x", "abc")];
        assert_eq!(run(&s, JwtMode::Signature, "abc abc"), "abc abc");
    }
}
