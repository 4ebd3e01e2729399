//! `Content-Type` and `Content-Disposition` values: a lowercased token
//! followed by `; name=value` parameters (RFC 2045 section 5.1), with RFC
//! 2231 continuations and charsets.

use crate::decode::hex;
use crate::header::unfold;
use crate::words;

/// A parsed structured value.
#[derive(Debug, Default)]
pub(crate) struct Value {
    /// The leading token, lowercased (`text/plain`, `attachment`).
    pub token: String,
    /// Parameters: lowercased names (RFC 2231 section markers included)
    /// and raw values (quotes removed).
    params: Vec<(String, Vec<u8>)>,
}

impl Value {
    /// Parses a raw (possibly folded) header value.
    pub(crate) fn parse(raw: &[u8]) -> Value {
        let text = unfold(raw);
        let mut s = Scanner { s: &text, i: 0 };
        s.blank();
        let token = s.token(|b| b == b';');
        // The first word: `text/plain charset=x` (a missing `;`) is text/plain.
        let token = String::from_utf8_lossy(&token)
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut params = Vec::new();
        while s.i < s.s.len() {
            s.i += 1; // the ';'
            s.blank();
            let name = s.token(|b| b == b'=' || b == b';');
            let name = String::from_utf8_lossy(name.trim_ascii()).to_ascii_lowercase();
            if s.peek() != Some(b'=') {
                continue;
            }
            s.i += 1;
            s.blank();
            let value = if s.peek() == Some(b'"') {
                let v = s.quoted();
                s.token(|b| b == b';');
                v
            } else {
                s.token(|b| b == b';').trim_ascii().to_vec()
            };
            if !name.is_empty() {
                params.push((name, value));
            }
        }
        Value { token, params }
    }

    /// The value of parameter `name` (lowercase), decoded: RFC 2231
    /// extended forms (`name*`, `name*0*`, ...) win over a plain `name`,
    /// whose RFC 2047 encoded words (sent by some mailers despite the RFC)
    /// are decoded.
    pub(crate) fn param(&self, name: &str) -> Option<String> {
        self.extended(name).or_else(|| {
            let (_, v) = self.params.iter().find(|(n, _)| n == name)?;
            Some(words::decode_encoded_words(v))
        })
    }

    /// The raw bytes of parameter `name` as sent (for `boundary`).
    pub(crate) fn raw_param(&self, name: &str) -> Option<&[u8]> {
        let (_, v) = self.params.iter().find(|(n, _)| n == name)?;
        Some(v)
    }

    fn extended(&self, name: &str) -> Option<String> {
        // (section number, percent-encoded, bytes)
        let mut sections: Vec<(u32, bool, &[u8])> = Vec::new();
        for (n, v) in &self.params {
            let Some(rest) = n.strip_prefix(name).and_then(|r| r.strip_prefix('*')) else {
                continue;
            };
            if rest.is_empty() {
                sections.push((0, true, v));
                continue;
            }
            let (digits, encoded) = match rest.strip_suffix('*') {
                Some(d) => (d, true),
                None => (rest, false),
            };
            if let Ok(k) = digits.parse::<u32>() {
                sections.push((k, encoded, v));
            }
        }
        if sections.is_empty() {
            return None;
        }
        sections.sort_by_key(|&(k, _, _)| k);
        sections.dedup_by_key(|&mut (k, _, _)| k);
        let mut charset: &[u8] = b"";
        let mut bytes = Vec::new();
        for (i, &(_, encoded, v)) in sections.iter().enumerate() {
            let mut v = v;
            if i == 0 && encoded {
                // charset'language'value
                let mut fields = v.splitn(3, |&b| b == b'\'');
                if let (Some(cs), Some(_), Some(rest)) =
                    (fields.next(), fields.next(), fields.next())
                {
                    charset = cs;
                    v = rest;
                }
            }
            if encoded {
                percent_decode(v, &mut bytes);
            } else {
                bytes.extend_from_slice(v);
            }
        }
        Some(words::to_string(charset, &bytes))
    }
}

fn percent_decode(s: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(hi), Some(lo)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
}

/// A cursor over an unfolded header value that skips RFC 5322 comments.
struct Scanner<'s> {
    s: &'s [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skips blanks and `(comments)`.
    fn blank(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.i += 1,
                b'(' => self.comment(),
                _ => break,
            }
        }
    }

    /// Skips a comment (nested, with `\` escapes); lenient at the end.
    fn comment(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'\\' => self.i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
        self.i = self.i.min(self.s.len());
    }

    /// Bytes up to `stop` (not consumed), comments outside quotes removed.
    fn token(&mut self, stop: impl Fn(u8) -> bool) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if stop(b) {
                break;
            }
            if b == b'(' {
                self.comment();
            } else if b == b'"' {
                out.extend(self.quoted());
            } else {
                out.push(b);
                self.i += 1;
            }
        }
        out
    }

    /// A quoted string at the cursor, unescaped; lenient when unclosed.
    ///
    /// A backslash escapes only `"` and `\`; before anything else it is
    /// kept, so Windows paths sent unescaped (`"C:\Temp\a.har"`) survive.
    fn quoted(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.i += 1;
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'"' => return out,
                b'\\' if matches!(self.peek(), Some(b'"' | b'\\')) => {
                    out.push(self.s[self.i]);
                    self.i += 1;
                }
                _ => out.push(b),
            }
        }
        out
    }
}
