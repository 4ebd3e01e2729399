//! Mail: each part is decoded, redacted (as whatever it holds: text, a
//! HAR, a zip) and encoded again with its own transfer encoding, line
//! length and line ends; the bytes between parts (boundaries, part
//! headers) get the plain replacement. A mailbox is rewritten message by
//! message, its separator lines untouched.

use base64::Engine as _;

use crate::{Cx, Redactor};

/// A rewritten stretch of a message.
struct Splice {
    start: usize,
    end: usize,
    with: Vec<u8>,
}

impl Redactor {
    pub(crate) fn mbox(&self, name: &str, data: &[u8], depth: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let before = cx.replaced;
        let mut splices = Vec::new();
        let mut mbox = scour_mail::Mbox::new(data, usize::MAX);
        while let Some(msg) = mbox.next_message() {
            let Ok(msg) = msg else { break };
            let start = msg.offset as usize;
            let label = format!("{name}!{}", msg.index + 1);
            if let Some(with) = self.eml(&label, msg.data, depth, cx) {
                splices.push(Splice {
                    start,
                    end: start + msg.data.len(),
                    with,
                });
            }
        }
        let out = self.splice(data, &splices, cx);
        (cx.replaced > before).then_some(out)
    }

    pub(crate) fn eml(&self, name: &str, msg: &[u8], depth: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let before = cx.replaced;
        let mut splices = Vec::new();
        let parsed = scour_mail::parts(msg, &mut |part| {
            if part.decoders.len() != 1 || part.raw_len == 0 {
                // Unencoded parts and the header block get the plain
                // replacement with the rest of the message.
                return;
            }
            let sub = format!("{name}!{}", part.name);
            let raw = &msg[part.offset..part.offset + part.raw_len];
            let new = match self.bytes(&sub, &part.data, depth + 1, cx) {
                Ok(Some(new)) => new,
                Ok(None) => return,
                Err(e) => {
                    cx.problem(&sub, format!("part not rewritten: {e}"));
                    return;
                }
            };
            let with = match part.decoders[0] {
                "base64" => base64_like(raw, &new),
                _ => quoted_printable_like(raw, &new),
            };
            splices.push(Splice {
                start: part.offset,
                end: part.offset + part.raw_len,
                with,
            });
        });
        if parsed.is_err() {
            return self.text(msg, 0, cx);
        }
        let out = self.splice(msg, &splices, cx);
        (cx.replaced > before).then_some(out)
    }

    /// `data` with the splices put in and the plain replacement applied
    /// between them.
    fn splice(&self, data: &[u8], splices: &[Splice], cx: &mut Cx) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut last = 0;
        for s in splices {
            if s.start < last {
                continue;
            }
            let gap = &data[last..s.start];
            out.extend_from_slice(self.text(gap, 0, cx).as_deref().unwrap_or(gap));
            out.extend_from_slice(&s.with);
            last = s.end;
        }
        let gap = &data[last..];
        out.extend_from_slice(self.text(gap, 0, cx).as_deref().unwrap_or(gap));
        out
    }
}

/// How the original body broke its lines: the line end used, the length
/// of its first line, and whether it ended with a line end.
fn line_style(raw: &[u8]) -> (&'static [u8], usize, bool) {
    let eol: &[u8] = if memchr::memmem::find(raw, b"\r\n").is_some() {
        b"\r\n"
    } else {
        b"\n"
    };
    let first = memchr::memchr(b'\n', raw).map_or(raw.len(), |i| {
        if i > 0 && raw[i - 1] == b'\r' {
            i - 1
        } else {
            i
        }
    });
    let trailing = raw.ends_with(b"\n");
    (eol, first, trailing)
}

/// `data` in base64, wrapped like `raw` was.
fn base64_like(raw: &[u8], data: &[u8]) -> Vec<u8> {
    let (eol, width, trailing) = line_style(raw);
    let width = if width == 0 { 76 } else { width.max(4) };
    let enc = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / width * 2 + 2);
    for (i, line) in enc.as_bytes().chunks(width).enumerate() {
        if i > 0 {
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(line);
    }
    if trailing {
        out.extend_from_slice(eol);
    }
    out
}

/// `data` in quoted-printable (RFC 2045 6.7), with the line ends of `raw`.
fn quoted_printable_like(raw: &[u8], data: &[u8]) -> Vec<u8> {
    let (eol, _, _) = line_style(raw);
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    let mut col = 0;
    let mut lines = data.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let plain =
                (b'!'..=b'~').contains(&b) && b != b'=' || (b == b' ' || b == b'\t') && !last;
            let width = if plain { 1 } else { 3 };
            if col + width > 75 {
                out.extend_from_slice(b"=");
                out.extend_from_slice(eol);
                col = 0;
            }
            if plain {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
            col += width;
        }
        if lines.peek().is_some() {
            out.extend_from_slice(eol);
            col = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_round_trips_through_the_mail_decoder() {
        let text = "Hello = world \nlong line ".repeat(20) + "caf\u{e9} end\n";
        let raw = b"x=\r\ny\r\n";
        let enc = quoted_printable_like(raw, text.as_bytes());
        assert!(enc.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        let msg = [
            b"From: a@b.test\r\nSubject: x\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                .to_vec(),
            enc,
        ]
        .concat();
        let mut body = None;
        scour_mail::parts(&msg, &mut |p| {
            if p.name != "headers" {
                body = Some(p.data.into_owned());
            }
        })
        .unwrap();
        let decoded = String::from_utf8(body.unwrap()).unwrap();
        assert_eq!(decoded.replace("\r\n", "\n"), text);
    }

    #[test]
    fn base64_keeps_the_line_width() {
        let raw = b"QUFB\nQUFB\n";
        assert_eq!(base64_like(raw, b"BBBBBB"), b"QkJC\nQkJC\n");
    }
}
