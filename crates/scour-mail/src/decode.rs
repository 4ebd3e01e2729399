//! Content transfer decodings (RFC 2045 section 6), both lenient: mail in
//! support dumps is often damaged, and half a decoded attachment is more
//! useful to a scanner than none.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, Engine, GeneralPurpose, GeneralPurposeConfig};

/// The transfer decodings this crate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `7bit`, `8bit`, `binary`, absent or unknown: the bytes as they are.
    Identity,
    /// `base64`.
    Base64,
    /// `quoted-printable`.
    QuotedPrintable,
}

impl Encoding {
    /// The encoding named by a `Content-Transfer-Encoding` value.
    pub(crate) fn parse(value: Option<&[u8]>) -> Encoding {
        let Some(value) = value else {
            return Encoding::Identity;
        };
        let token = crate::header::unfold(value);
        let token = token
            .split(|&b| b == b'(')
            .next()
            .unwrap_or(b"")
            .trim_ascii();
        if token.eq_ignore_ascii_case(b"base64") {
            Encoding::Base64
        } else if token.eq_ignore_ascii_case(b"quoted-printable") {
            Encoding::QuotedPrintable
        } else {
            Encoding::Identity
        }
    }

    /// The label recorded in [`Part::decoders`](crate::Part::decoders).
    pub(crate) fn label(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Base64 => Some("base64"),
            Encoding::QuotedPrintable => Some("quoted-printable"),
        }
    }

    /// Decodes `data`; `None` for the identity encoding.
    pub(crate) fn decode(self, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Encoding::Identity => None,
            Encoding::Base64 => Some(base64(data)),
            Encoding::QuotedPrintable => Some(quoted_printable(data)),
        }
    }
}

/// Standard alphabet, padding optional, stray low bits allowed: the input
/// has already been filtered, so only the length can still be wrong.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64, skipping blanks and line breaks and stopping at the
/// first other byte that is not in the alphabet (`=` padding included).
///
/// The input is filtered through a small fixed buffer, so decoding needs
/// no copy of the encoded text.
pub(crate) fn base64(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    let mut quad = [0u8; 4096];
    let mut len = 0;
    for &b in data {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                quad[len] = b;
                len += 1;
                if len == quad.len() {
                    flush(&quad[..len], &mut out);
                    len = 0;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => break,
        }
    }
    // A single leftover character carries less than a byte.
    if len % 4 == 1 {
        len -= 1;
    }
    flush(&quad[..len], &mut out);
    out
}

fn flush(chars: &[u8], out: &mut Vec<u8>) {
    // Cannot fail: the alphabet was checked and the length is not 1 mod 4.
    let _ = LENIENT.decode_vec(chars, out);
}

/// Decodes quoted-printable: `=XX` escapes (either case), soft line breaks
/// (`=` at the end of a line), trailing blanks on a line dropped (RFC 2045
/// rule 3). A `=` that starts no valid escape is kept as it is. Hard line
/// breaks are kept as they appear (CRLF or LF).
pub(crate) fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut pos = 0;
    while pos < data.len() {
        let (raw, next) = crate::header::line_at(data, pos);
        let eol = &data[pos + raw.len()..next];
        let blanks = raw.iter().rev().take_while(|&&b| b == b' ' || b == b'\t');
        let line = &raw[..raw.len() - blanks.count()];
        match line.strip_suffix(b"=") {
            Some(soft) => unescape(soft, &mut out),
            None => {
                unescape(line, &mut out);
                out.extend_from_slice(eol);
            }
        }
        pos = next;
    }
    out
}

fn unescape(line: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b == b'=' && i + 2 < line.len() {
            if let (Some(hi), Some(lo)) = (hex(line[i + 1]), hex(line[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
}

pub(crate) fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}
