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
/// or contain an ascending run of 6 or more (`abcdef`, `123456`).
pub fn looks_like_placeholder(value: &[u8]) -> bool {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    if value.is_empty() || value.iter().all(|&b| b == value[0]) {
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
        ] {
            assert!(!looks_like_placeholder(v), "{}", String::from_utf8_lossy(v));
        }
    }
}
