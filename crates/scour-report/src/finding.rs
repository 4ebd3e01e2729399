//! The owned finding, its fingerprint and its masked preview.

use serde::{Deserialize, Serialize, Serializer};

use crate::Liveness;
use sha2::{Digest, Sha256};

use scour_rules::{Category, Confidence, Rule, Severity};

/// One match of one rule, owned, ready to be reported.
///
/// Serializes (with serde) to the object used by the `json` and `jsonl`
/// formats, with keys in declaration order; `secret` is left out when `None`.
/// Deserializes from the same object, which is how stored findings (the
/// `--db` state) come back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, such as `okta.api-token`.
    pub rule: String,
    /// Rule name, such as `Okta API token`.
    pub name: String,
    /// Secret or personal data.
    #[serde(serialize_with = "ser_category")]
    pub category: Category,
    /// The rule's severity.
    #[serde(serialize_with = "ser_severity")]
    pub severity: Severity,
    /// The rule's confidence.
    #[serde(serialize_with = "ser_confidence")]
    pub confidence: Confidence,
    /// File path as given (lossy UTF-8), or `-` for stdin.
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: u64,
    /// 1-based byte column of the secret's first byte.
    pub column: u64,
    /// Byte offset of the secret's start in the scanned content.
    pub start: u64,
    /// Byte offset one past the secret's end.
    pub end: u64,
    /// RFC 6901 pointer to the JSON string holding the secret, for findings
    /// in JSON and HAR documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Decodings applied to reach the secret, outermost first (`base64`,
    /// `percent`, `json-unescape`, `gzip`...). When present, `start` and `end`
    /// are offsets within the decoded bytes, and `line`/`column` point at the
    /// encoded text in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoders: Vec<String>,
    /// Lowercase hex SHA-256 of the secret bytes; see [`fingerprint`].
    pub fingerprint: String,
    /// Masked preview; see [`mask`].
    pub masked: String,
    /// The full secret (lossy UTF-8), only when the caller asked to reveal it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The secret's exact bytes when they are not UTF-8 (a Latin-1
    /// password in a log), so that `secret` is lossy: what a redactor
    /// must search for. Only with `secret`; never serialized.
    #[serde(skip)]
    pub secret_raw: Option<Vec<u8>>,
    /// How many places hold this secret: 1 for a single occurrence, else
    /// the length of `locations`.
    #[serde(default = "one")]
    pub occurrences: u64,
    /// Every place the same secret occurs (in this file, or in every file
    /// once findings are deduplicated across inputs), the finding's own
    /// place first; empty when it occurs once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// When the data holding the secret was captured (RFC 3339, UTC): the
    /// HAR entry's `startedDateTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// When the secret was issued (a JWT's `iat`), RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// When the secret starts to be accepted (a JWT's `nbf`), RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// When the secret stops being accepted (a JWT's `exp`, a cookie's
    /// `Expires` or capture time plus `Max-Age`), RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whether the secret would still be accepted at the evaluation instant;
    /// set by [`Finding::assess`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Liveness>,
}

fn one() -> u64 {
    1
}

/// One place a secret occurs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// File path, as in [`Finding::path`].
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based byte column.
    pub column: u64,
    /// Start offset (see [`Finding::start`]).
    pub start: u64,
    /// End offset.
    pub end: u64,
    /// JSON pointer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Decodings applied, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoders: Vec<String>,
}

impl Finding {
    /// This finding's own place as a [`Location`], moving its path,
    /// pointer and decoders out (left empty).
    pub(crate) fn take_location(&mut self) -> Location {
        Location {
            path: std::mem::take(&mut self.path),
            line: self.line,
            column: self.column,
            start: self.start,
            end: self.end,
            pointer: self.pointer.take(),
            decoders: std::mem::take(&mut self.decoders),
        }
    }

    /// This finding's own place as a [`Location`].
    pub fn location(&self) -> Location {
        Location {
            path: self.path.clone(),
            line: self.line,
            column: self.column,
            start: self.start,
            end: self.end,
            pointer: self.pointer.clone(),
            decoders: self.decoders.clone(),
        }
    }
}

impl Finding {
    /// Builds a finding of `rule` for `secret`, found in `path` at the given
    /// position. The secret itself is kept only if `reveal` is set; the
    /// fingerprint and the masked preview are always computed.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rule: &Rule,
        path: &str,
        line: u64,
        column: u64,
        start: u64,
        end: u64,
        secret: &[u8],
        reveal: bool,
    ) -> Finding {
        Finding {
            rule: rule.id.clone(),
            name: rule.name.clone(),
            category: rule.category,
            severity: rule.severity,
            confidence: rule.confidence,
            path: path.to_string(),
            line,
            column,
            start,
            end,
            pointer: None,
            decoders: Vec::new(),
            fingerprint: fingerprint(secret),
            masked: mask(secret),
            secret: reveal.then(|| String::from_utf8_lossy(secret).into_owned()),
            secret_raw: (reveal && std::str::from_utf8(secret).is_err()).then(|| secret.to_vec()),
            occurrences: 1,
            locations: Vec::new(),
            captured_at: None,
            issued_at: None,
            not_before: None,
            expires_at: None,
            liveness: None,
        }
    }
}

impl Finding {
    /// The secret's exact bytes, when revealed: [`secret_raw`] if the
    /// bytes are not UTF-8, else those of [`secret`].
    ///
    /// [`secret_raw`]: Finding::secret_raw
    /// [`secret`]: Finding::secret
    pub fn secret_bytes(&self) -> Option<&[u8]> {
        self.secret_raw
            .as_deref()
            .or_else(|| self.secret.as_deref().map(str::as_bytes))
    }
}

/// Lowercase hex SHA-256 of the secret bytes.
///
/// It depends on nothing but the secret, so the same secret found in two
/// places (or in two runs, after edits moved it) has the same fingerprint.
pub fn fingerprint(secret: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(secret);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
    s
}

/// A preview of `secret` that reveals at most a quarter of it.
///
/// Keeps at most `min(4, len/4)` leading and `min(2, len/8)` trailing bytes
/// and puts `****` in between, so `ghp_` plus 36 characters becomes
/// `ghp_****ab`. The trailing part shrinks where the two together would
/// exceed `len/4` (below 24 bytes), and secrets shorter than 8 bytes become
/// just `****`. Bytes that
/// are not UTF-8 are shown lossily, and a multi-byte character cut by the
/// limit is dropped rather than shown in part.
pub fn mask(secret: &[u8]) -> String {
    let len = secret.len();
    if len < 8 {
        return "****".to_string();
    }
    let lead = (len / 4).min(4);
    let trail = (len / 8).min(2).min(len / 4 - lead);
    let head = trim_incomplete_end(&secret[..lead]);
    let tail = trim_continuations(&secret[len - trail..]);
    let mut s = String::from_utf8_lossy(head).into_owned();
    s.push_str("****");
    s.push_str(&String::from_utf8_lossy(tail));
    s
}

/// Drops a UTF-8 sequence cut short at the end of `b`.
fn trim_incomplete_end(b: &[u8]) -> &[u8] {
    for back in 1..=b.len().min(3) {
        let i = b.len() - back;
        let x = b[i];
        if x & 0xc0 != 0x80 {
            let need = match x {
                0xf0.. => 4,
                0xe0.. => 3,
                0xc0.. => 2,
                _ => 1,
            };
            return if need > back { &b[..i] } else { b };
        }
    }
    b
}

/// Drops continuation bytes at the start of `b` (the rest of a character
/// whose first byte lies outside `b`).
fn trim_continuations(b: &[u8]) -> &[u8] {
    let skip = b.iter().take(3).take_while(|&&x| x & 0xc0 == 0x80).count();
    &b[skip..]
}

/// The lowercase name of a category: `secret` or `pii`.
pub fn category_str(c: Category) -> &'static str {
    match c {
        Category::Secret => "secret",
        Category::Pii => "pii",
    }
}

/// The lowercase name of a severity: `low`, `medium`, `high` or `critical`.
pub fn severity_str(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

/// The lowercase name of a confidence: `low`, `medium` or `high`.
pub fn confidence_str(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

fn ser_category<S: Serializer>(c: &Category, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(category_str(*c))
}

fn ser_severity<S: Serializer>(v: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity_str(*v))
}

fn ser_confidence<S: Serializer>(c: &Confidence, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(confidence_str(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256_hex() {
        assert_eq!(
            fingerprint(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            fingerprint(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn mask_examples() {
        assert_eq!(
            mask(b"ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake12ab"),
            "ghp_****ab"
        );
        assert_eq!(mask(b"short"), "****");
        assert_eq!(mask(b"1234567"), "****");
        assert_eq!(mask(b"12345678"), "12****");
        assert_eq!(mask(b"0123456789abcdef"), "0123****");
        assert_eq!(mask(b"0123456789abcdefghijklmn"), "0123****mn");
        assert_eq!(mask(b""), "****");
    }

    #[test]
    fn mask_never_reveals_more_than_a_quarter() {
        let src = b"FAKE-secret-0123456789-abcdefghijklmnopqrstuvwxyz-NOTREAL";
        for len in 0..=src.len() {
            let secret = &src[..len];
            let m = mask(secret);
            let shown = m.len() - "****".len();
            assert!(4 * shown <= len, "len {len}: {m:?} shows {shown} bytes");
            assert!(m.contains("****"));
        }
    }

    #[test]
    fn mask_handles_non_utf8_and_cut_characters() {
        // 'é' is two bytes; the 4-byte head would cut the second 'é'.
        let m = mask("aéé_FAKE_token_value".as_bytes());
        assert!(m.starts_with("aé****"), "{m}");
        let m = mask(b"\xff\xfe\xfdFAKEFAKEFAKE\xff");
        assert!(m.starts_with("\u{fffd}"), "{m}");
        assert!(m.contains("****"));
        // A tail starting inside a character drops the partial bytes.
        let m = mask("FAKEFAKEFAKEFAKEx\u{20ac}".as_bytes());
        assert!(m.ends_with("****"), "{m}");
    }
}
