//! Text of any size in bounded chunks.
//!
//! Each chunk is cut at a line break far enough from its end that no
//! spelling of a secret can straddle the cut; a match that would still
//! cross it moves the cut before the match. What is after the cut is
//! carried into the next chunk, so memory stays at about two chunks
//! whatever the input's size.

use std::io::{Read, Write};

use crate::{Cx, Error, Redactor};

impl Redactor {
    pub(crate) fn text_stream(
        &self,
        name: &str,
        input: &mut dyn Read,
        out: &mut dyn Write,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let io_err = |e| Error::io(name, e);
        let chunk = self.opts.chunk_size;
        // Context kept back at each cut: the longest spelling, and enough
        // for a long line (a base64 body) to end within the chunk.
        let keep = (self.needles.longest() + 1).max(chunk / 8);
        let mut buf: Vec<u8> = Vec::with_capacity(chunk + keep);
        loop {
            let want = chunk + keep - buf.len().min(chunk + keep);
            let got = input
                .take(want as u64)
                .read_to_end(&mut buf)
                .map_err(io_err)?;
            let eof = got < want || got == 0;
            let cut = if eof {
                buf.len()
            } else {
                self.cut(&buf, buf.len().saturating_sub(keep))
            };
            let piece = &buf[..cut];
            match self.text(piece, 0, cx) {
                Some(new) => out.write_all(&new),
                None => out.write_all(piece),
            }
            .map_err(io_err)?;
            buf.drain(..cut);
            if eof {
                return Ok(());
            }
        }
    }

    /// A cut at or before `limit`: after the last line break, moved before
    /// any match that would cross it. Never 0 unless `limit` is.
    fn cut(&self, buf: &[u8], limit: usize) -> usize {
        let mut cut = memchr::memrchr(b'\n', &buf[..limit]).map_or(limit, |i| i + 1);
        if cut == 0 {
            cut = limit;
        }
        for (start, end) in self
            .needles
            .spans(&buf[cut.saturating_sub(self.needles.longest())..])
        {
            let base = cut.saturating_sub(self.needles.longest());
            let (s, e) = (base + start, base + end);
            if s < cut && e > cut && s > 0 {
                cut = s;
            }
        }
        cut.max(1).min(buf.len())
    }
}

#[cfg(test)]
mod tests {
    use crate::{RedactorBuilder, Secret};

    #[test]
    fn secrets_across_chunk_cuts_are_replaced() {
        let secret = "Zq8Xr2Lm9Kd4Vb7NwP3s";
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&format!("line {i} token={secret} and some more words\n"));
        }
        // No line breaks at all: the cut falls inside lines.
        let flat = text.replace('\n', " ");
        let r = RedactorBuilder::new().chunk_size(4096).build(vec![Secret {
            rule: "generic.token".into(),
            fingerprint: "aabbccddeeff".into(),
            value: secret.as_bytes().to_vec(),
        }]);
        for input in [text, flat] {
            let mut out = Vec::new();
            let o = r
                .redact_reader("big.log", &mut input.as_bytes(), &mut out)
                .unwrap();
            assert_eq!(o.replaced, 3000);
            let out = String::from_utf8(out).unwrap();
            assert!(!out.contains(secret));
            assert_eq!(
                out.matches("[REDACTED:generic.token:aabbccdd]").count(),
                3000
            );
        }
    }
}
