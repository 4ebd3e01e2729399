//! Recognising a message or a mailbox from the first bytes of a file.

use crate::header::{field_name, line_at};

/// Header names common enough that two of them make a message.
const COMMON: &[&[u8]] = &[
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"received",
    b"return-path",
    b"content-type",
    b"content-transfer-encoding",
    b"delivered-to",
    b"reply-to",
    b"in-reply-to",
    b"references",
];

/// How many header fields at most are looked at.
const FIELDS: usize = 32;

pub(crate) fn looks_like_eml(prefix: &[u8]) -> bool {
    let data = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let mut pos = crate::mime::skip_blank_lines(data);
    let mut fields = 0;
    let mut common = 0;
    while pos < data.len() && fields < FIELDS {
        let (line, next) = line_at(data, pos);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if fields == 0 {
                return false;
            }
        } else if let Some(len) = field_name(line) {
            fields += 1;
            let name = &line[..len];
            if COMMON.iter().any(|c| name.eq_ignore_ascii_case(c)) {
                common += 1;
                if common >= 2 {
                    return true;
                }
            }
        } else {
            break;
        }
        pos = next;
    }
    false
}

pub(crate) fn looks_like_mbox(prefix: &[u8]) -> bool {
    let (line, next) = line_at(prefix, 0);
    if !separator_line(line) {
        return false;
    }
    // If the first header line is there whole, it must be a header field.
    if next < prefix.len() {
        let (second, after) = line_at(prefix, next);
        let whole = after < prefix.len() || prefix.ends_with(b"\n");
        if whole && !second.is_empty() && field_name(second).is_none() {
            return false;
        }
    }
    true
}

/// `From sender date` (RFC 4155): a non-empty sender without blanks, then
/// a date with a time (`12:34`) and a four-digit year.
fn separator_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    let Some(blank) = rest.iter().position(|&b| b == b' ' || b == b'\t') else {
        return false;
    };
    let date = &rest[blank..];
    let time = date.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    let year = date
        .split(|b| !b.is_ascii_digit())
        .any(|d| d.len() == 4 && (d.starts_with(b"19") || d.starts_with(b"20")));
    blank > 0 && time && year
}
