//! Text in headers: RFC 2047 encoded words and the few charsets worth
//! turning into a `String` for attachment names.

use memchr::memmem;

use crate::decode::hex;

/// Decodes `bytes` in `charset` into a `String`.
///
/// Only names go through here (bodies are never transcoded). UTF-8 and
/// US-ASCII are read as UTF-8, the Latin-1 family byte by byte (Windows-1252
/// with its 0x80..0x9F extras); anything else is read as UTF-8 with
/// replacement characters, which keeps ASCII names (the common case) intact.
pub(crate) fn to_string(charset: &[u8], bytes: &[u8]) -> String {
    let charset = charset.trim_ascii();
    let latin = [
        &b"iso-8859-1"[..],
        b"iso8859-1",
        b"latin1",
        b"latin-1",
        b"iso-8859-15",
        b"windows-1252",
        b"cp1252",
    ];
    if latin.iter().any(|l| charset.eq_ignore_ascii_case(l)) {
        bytes.iter().map(|&b| windows_1252(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Decodes the RFC 2047 encoded words in an unfolded header text.
///
/// Blanks between two adjacent encoded words are dropped (RFC 2047 section
/// 6.2); text that only looks like an encoded word is kept as it is; bytes
/// outside encoded words are read as UTF-8 (RFC 6532).
pub(crate) fn decode_encoded_words(text: &[u8]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    let mut after_word = false;
    let finder = memmem::Finder::new(b"=?");
    let mut search = 0;
    while let Some(found) = finder.find(&text[search..]) {
        let start = search + found;
        match encoded_word(&text[start..]) {
            Some((decoded, len)) => {
                let between = &text[pos..start];
                if !(after_word && between.iter().all(|b| b.is_ascii_whitespace())) {
                    out.push_str(&String::from_utf8_lossy(between));
                }
                out.push_str(&decoded);
                pos = start + len;
                search = pos;
                after_word = true;
            }
            None => {
                search = start + 2;
                after_word = false;
            }
        }
    }
    out.push_str(&String::from_utf8_lossy(&text[pos..]));
    out
}

/// Parses one `=?charset?enc?text?=` at the start of `s`: the decoded text
/// and the word's length.
fn encoded_word(s: &[u8]) -> Option<(String, usize)> {
    let body = s.strip_prefix(b"=?")?;
    let q1 = body.iter().position(|&b| b == b'?')?;
    let charset = &body[..q1];
    let rest = &body[q1 + 1..];
    let (&enc, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    let end = memmem::find(rest, b"?=")?;
    let encoded = &rest[..end];
    if charset.is_empty() || encoded.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    // RFC 2231 section 5: `charset*language`.
    let charset = charset.split(|&b| b == b'*').next().unwrap_or(charset);
    let bytes = match enc {
        b'B' | b'b' => crate::decode::base64(encoded),
        b'Q' | b'q' => q_decode(encoded),
        _ => return None,
    };
    let len = 2 + q1 + 1 + 2 + end + 2;
    Some((to_string(charset, &bytes), len))
}

/// The `Q` encoding: quoted-printable with `_` for space.
fn q_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'_' => out.push(b' '),
            b'=' => {
                match (
                    s.get(i + 1).and_then(|&b| hex(b)),
                    s.get(i + 2).and_then(|&b| hex(b)),
                ) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'='),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}
