use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// Substrings that mark a value as an illustration rather than a credential.
const MARKERS: &[&[u8]] = &[
    b"example",
    b"xxxx",
    b"placeholder",
    b"redacted",
    b"changeme",
    b"your_",
    b"your-",
    b"yourtoken",
    b"yourkey",
    b"dummy",
    b"sample",
    b"<",
    b">",
    b"${",
    b"{{",
    b"%s",
    b"****",
];

/// True for values that look like documentation or templates: they contain
/// a marker such as `EXAMPLE`, `xxxx` or `${`, are one repeated character,
/// or contain an ascending run of 6 or more (`abcdef`, `123456`); and for
/// what `scour redact` leaves behind (see [`left_by_redaction`]), so that
/// scanning a redacted file reports nothing.
pub fn looks_like_placeholder(value: &[u8]) -> bool {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    if value.is_empty() || value.iter().all(|&b| b == value[0]) {
        return true;
    }
    if left_by_redaction(value) {
        return true;
    }
    let markers = MATCHER.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(MARKERS)
            .expect("static markers")
    });
    if markers.is_match(value) {
        return true;
    }
    let mut run = 1;
    for w in value.windows(2) {
        if w[1].is_ascii_alphanumeric() && w[1] == w[0].wrapping_add(1) {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// What `scour redact` leaves behind that rules can still capture, seen
/// from the value alone (a value *inside* a marker, such as the fingerprint
/// after `field.password:`, is dropped by the engine with
/// [`inside_redaction_marker`], which sees the surrounding bytes):
/// - a JWT whose signature was removed (`header.payload.`): it proves
///   nothing to a server that checks signatures;
/// - a Basic credential re-encoded as `user:[REDACTED:...]`.
fn left_by_redaction(value: &[u8]) -> bool {
    if value.starts_with(b"eyJ")
        && value.ends_with(b".")
        && value.iter().filter(|&&b| b == b'.').count() == 2
    {
        return true;
    }
    base64_holds_marker(value)
}

/// The marker `scour redact` writes in place of a secret.
pub const REDACTION_MARKER: &[u8] = b"[REDACTED:";

/// True if byte `at` of `hay` lies inside a `[REDACTED:<rule>:<hex>]`
/// marker: assignment rules read `jwt.token:ea348cd5` in it as a key and a
/// value, and a redacted file must scan clean.
pub fn inside_redaction_marker(hay: &[u8], at: usize) -> bool {
    static FINDER: OnceLock<memchr::memmem::FinderRev<'static>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| memchr::memmem::FinderRev::new(REDACTION_MARKER));
    let from = at.saturating_sub(96);
    let Some(open) = finder.rfind(&hay[from..at.min(hay.len())]) else {
        return false;
    };
    memchr::memchr(b']', &hay[from + open..at]).is_none()
}

/// What any base64 text whose decoding holds [`REDACTION_MARKER`] contains,
/// whatever the marker's offset modulo 3: the 4-character groups that
/// encode bytes of the marker only (offsets 0, 1 and 2). The marker has no
/// byte that encodes to `+`, `/`, `-` or `_`, so the standard and URL-safe
/// alphabets agree. Checked against real encodings by a test.
const MARKER_IN_BASE64: [&[u8]; 3] = [b"W1JFREFDVEVE", b"RURBQ1RF", b"UkVEQUNURUQ6"];

/// True if `value` is base64 whose decoding holds a redaction marker.
fn base64_holds_marker(value: &[u8]) -> bool {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    let body = value
        .strip_suffix(b"==")
        .or_else(|| value.strip_suffix(b"="))
        .unwrap_or(value);
    if body.len() < 16 || body.len() > 4096 || body.len() % 4 == 1 {
        return false;
    }
    // Decoding allocates, and this runs on every candidate secret; most
    // cannot hold the marker, and the test below says so without decoding.
    if !MARKER_IN_BASE64
        .iter()
        .any(|n| memchr::memmem::find(body, n).is_some())
    {
        return false;
    }
    let decoded = STANDARD_NO_PAD
        .decode(body)
        .or_else(|_| URL_SAFE_NO_PAD.decode(body));
    decoded.is_ok_and(|d| memchr::memmem::find(&d, b"[REDACTED:").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_caught() {
        for p in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"your-token-here",
            b"xxxxxxxxxxxx",
            b"********",
            b"${API_TOKEN}",
            b"{{ token }}",
            b"abcdef123456",
            b"aaaaaaaaaaaaaaaaa",
            b"",
            // Left by `scour redact`.
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.",
            b"Y2ktYm90OltSRURBQ1RFRDpodHRwLmJhc2ljLWF1dGg6MDEyMzQ1Njdd",
        ] {
            assert!(looks_like_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn random_values_pass() {
        for v in [
            &b"Qm3vB8xK2pLr7TzYw4NcHd9sGf6jUe1aZoXyVb5t"[..],
            b"hX9#kP2$vL",
            b"0a9f3c7e",
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            b"Y2ktYm90Okh1bnRlcjJIdW50ZXIy",
        ] {
            assert!(!looks_like_placeholder(v), "{}", String::from_utf8_lossy(v));
        }
    }

    /// The groups `base64_holds_marker` looks for before decoding are in
    /// every encoding of a marker, at every offset and in both alphabets.
    #[test]
    fn marker_groups_are_in_every_encoding() {
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        use base64::Engine as _;
        for before in 0..6 {
            for after in 0..4 {
                let mut plain = vec![b'u'; before];
                plain.extend_from_slice(b"[REDACTED:http.basic-auth:01234567]");
                plain.extend(std::iter::repeat_n(b'z', after));
                for encoded in [
                    STANDARD_NO_PAD.encode(&plain),
                    URL_SAFE_NO_PAD.encode(&plain),
                ] {
                    let e = encoded.as_bytes();
                    assert!(
                        MARKER_IN_BASE64
                            .iter()
                            .any(|n| memchr::memmem::find(e, n).is_some()),
                        "{encoded}"
                    );
                    assert!(base64_holds_marker(e), "{encoded}");
                }
            }
        }
    }

    #[test]
    fn positions_inside_markers() {
        let hay = b"token: [REDACTED:jwt.token:ea348cd5] and token: ea348cd5";
        let first = 27; // the fingerprint inside the marker
        assert_eq!(&hay[first..first + 8], b"ea348cd5");
        assert!(inside_redaction_marker(hay, first));
        let second = hay.len() - 8; // the same bytes after the marker closed
        assert!(!inside_redaction_marker(hay, second));
        assert!(!inside_redaction_marker(b"ea348cd5", 0));
    }
}
