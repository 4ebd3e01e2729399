use std::io::{self, Read};
use std::ops::Range;

/// One piece of a stream, with context on either side.
#[derive(Debug)]
pub struct Chunk<'a> {
    /// The bytes to scan: the reported part plus up to `overlap` bytes of
    /// context before and after it.
    pub data: &'a [u8],
    /// Absolute stream offset of `data[0]`.
    pub offset: u64,
    /// The part of `data` this chunk is responsible for: findings starting
    /// here are reported by this chunk and no other.
    pub report: Range<usize>,
    /// True for the last chunk of the stream.
    pub last: bool,
    /// With [`Chunker::align_to_lines`]: the reported part starts inside a
    /// line that began in an earlier chunk (a line longer than a chunk).
    pub mid_line: bool,
}

/// Given a reported part, how much of it to report (see
/// [`Chunker::cut_with`]).
pub type Cut = fn(&[u8]) -> Option<usize>;

/// Splits a stream into overlapping chunks, reusing one buffer.
///
/// Memory is bounded by `chunk_size + 2 * overlap` whatever the stream's
/// length.
#[derive(Debug)]
pub struct Chunker {
    buf: Vec<u8>,
    chunk_size: usize,
    overlap: usize,
    lines: bool,
    cut: Option<Cut>,
}

impl Chunker {
    /// A chunker reporting `chunk_size` bytes per chunk (at least 1) with
    /// `overlap` bytes of context shared between neighbours.
    pub fn new(chunk_size: usize, overlap: usize) -> Chunker {
        Chunker {
            buf: Vec::new(),
            chunk_size: chunk_size.max(1),
            overlap,
            lines: false,
            cut: None,
        }
    }

    /// Ends each reported part (but the last) after a newline, so that
    /// record-per-line formats (JSON Lines) get whole records. A chunk
    /// without any newline is reported as it is, and the next one says it
    /// starts mid-line. The bytes read past a reported part stay buffered
    /// for the next chunk, so memory is bounded as before.
    pub fn align_to_lines(mut self) -> Chunker {
        self.lines = true;
        self
    }

    /// Ends each reported part (but the last) where `cut` says: given the
    /// part, it returns how much of it to report (more than zero), or None
    /// to report it whole. With [`Chunker::align_to_lines`] it applies to
    /// parts without a line end. The bytes past a shortened part stay
    /// buffered for the next chunk, so memory is bounded as before. A text
    /// scanner uses it to keep each encoded run in one chunk.
    pub fn cut_with(mut self, cut: Cut) -> Chunker {
        self.cut = Some(cut);
        self
    }

    /// Reads `rdr` to the end, calling `f` for each chunk in order. Stops
    /// early if `f` returns `false`. Returns the number of bytes read.
    /// An empty stream yields one empty, last chunk.
    ///
    /// A read error ends the stream: what was read before it is handed to
    /// `f` as the last chunk, then the error is returned. A truncated
    /// `.gz` thus still has its readable part scanned.
    pub fn for_each<R: Read>(
        &mut self,
        mut rdr: R,
        mut f: impl FnMut(Chunk<'_>) -> bool,
    ) -> io::Result<u64> {
        let want = self.chunk_size + self.overlap;
        self.buf.clear();
        let mut offset = 0u64; // stream offset of buf[0]
        let mut report_start = 0usize;
        let mut total = 0u64;
        let mut mid_line = false;
        loop {
            // Fill until `report_start + want` bytes or end of stream.
            // `read_to_end` on a `take` reads into spare capacity without
            // zero-filling it first, so a small file costs what it holds.
            let target = report_start + want;
            let before = self.buf.len();
            let mut limited = (&mut rdr).take((target - before) as u64);
            let mut failed = None;
            loop {
                // On error, `read_to_end` keeps what it read before it.
                match limited.read_to_end(&mut self.buf) {
                    Ok(_) => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            total += (self.buf.len() - before) as u64;
            let eof = failed.is_some() || self.buf.len() < target;
            let mut report_end = if eof {
                self.buf.len()
            } else {
                self.buf.len() - self.overlap
            };
            let starts_mid_line = mid_line;
            let mut cut = self.cut.filter(|_| !eof);
            if self.lines && !eof {
                match memchr::memrchr(b'\n', &self.buf[report_start..report_end]) {
                    Some(nl) => {
                        report_end = report_start + nl + 1;
                        mid_line = false;
                        cut = None;
                    }
                    None => mid_line = true,
                }
            }
            if let Some(cut) = cut {
                if let Some(n) = cut(&self.buf[report_start..report_end]).filter(|&n| n > 0) {
                    report_end = report_start + n.min(report_end - report_start);
                }
            }
            let chunk = Chunk {
                data: &self.buf,
                offset,
                report: report_start..report_end,
                last: eof,
                mid_line: starts_mid_line,
            };
            if !f(chunk) || eof {
                return match failed {
                    Some(e) => Err(e),
                    None => Ok(total),
                };
            }
            // Keep `overlap` bytes before the next reported part as context,
            // plus what was read past this chunk's reported part.
            let keep_from = report_end.saturating_sub(self.overlap);
            self.buf.drain(..keep_from);
            offset += keep_from as u64;
            report_start = report_end - keep_from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `n` bytes per call, like a pipe.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn chunks(
        data: &[u8],
        size: usize,
        overlap: usize,
        step: usize,
    ) -> Vec<(u64, Vec<u8>, Range<usize>, bool)> {
        let mut out = Vec::new();
        Chunker::new(size, overlap)
            .for_each(Trickle(data, step), |c| {
                out.push((c.offset, c.data.to_vec(), c.report.clone(), c.last));
                true
            })
            .unwrap();
        out
    }

    /// Yields its bytes, then fails: a truncated `.gz` under a decoder.
    struct Broken<'a>(&'a [u8]);
    impl Read for Broken<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "cut"));
            }
            let n = out.len().min(self.0.len()).min(100);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn bytes_before_a_read_error_are_reported_then_the_error() {
        let data: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
        let mut seen = Vec::new();
        let mut last = false;
        let err = Chunker::new(1000, 16)
            .for_each(Broken(&data), |c| {
                seen.extend_from_slice(&c.data[c.report.clone()]);
                last = c.last;
                true
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "cut");
        assert_eq!(seen, data);
        assert!(last);
    }

    #[test]
    fn reported_parts_tile_the_stream_exactly_once() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for (size, overlap, step) in [
            (1000, 64, 7),
            (1, 0, 1),
            (333, 500, 4096),
            (10_000, 10, 10_000),
            (20_000, 5, 3),
        ] {
            let cs = chunks(&data, size, overlap, step);
            let mut next = 0u64;
            for (offset, bytes, report, _) in &cs {
                // Data is the stream at its offset.
                assert_eq!(
                    &data[*offset as usize..*offset as usize + bytes.len()],
                    &bytes[..]
                );
                assert_eq!(
                    offset + report.start as u64,
                    next,
                    "gap or overlap in reports"
                );
                next = offset + report.end as u64;
                // Context: overlap bytes before (unless at start) and after (unless at end).
                assert!(report.start >= overlap.min((offset + report.start as u64) as usize));
            }
            assert_eq!(next, data.len() as u64);
            assert!(cs.last().unwrap().3);
            assert!(cs[..cs.len() - 1].iter().all(|c| !c.3));
        }
    }

    #[test]
    fn trailing_context_is_present_for_non_final_chunks() {
        let data = vec![b'a'; 5000];
        for (_, bytes, report, last) in chunks(&data, 1000, 100, 64) {
            if !last {
                assert_eq!(bytes.len() - report.end, 100);
            }
        }
    }

    #[test]
    fn line_aligned_chunks_report_whole_lines() {
        let mut data = Vec::new();
        for i in 0..2000u32 {
            // Lines of varying length, one longer than a chunk.
            let len = if i == 700 {
                2500
            } else {
                (i * 37 % 90) as usize
            };
            data.extend(std::iter::repeat(b'a' + (i % 26) as u8).take(len));
            data.push(b'\n');
        }
        data.extend_from_slice(b"no newline at the end");
        let mut next = 0u64;
        let mut mids = 0;
        let mut c = Chunker::new(1000, 64).align_to_lines();
        c.for_each(Trickle(&data, 333), |ch| {
            assert_eq!(ch.offset + ch.report.start as u64, next, "gap or overlap");
            next = ch.offset + ch.report.end as u64;
            let part = &ch.data[ch.report.clone()];
            let ends_line = part.last() == Some(&b'\n');
            // Whole lines, unless no line end fits (the long line).
            assert!(ch.last || ends_line || !part.contains(&b'\n'));
            let at = (ch.offset + ch.report.start as u64) as usize;
            let starts_line = at == 0 || data[at - 1] == b'\n';
            assert_eq!(ch.mid_line, !starts_line);
            mids += ch.mid_line as usize;
            true
        })
        .unwrap();
        assert_eq!(next, data.len() as u64);
        assert!(mids >= 2, "the long line spans chunks");
        assert!(c.buf.capacity() <= 2 * (1000 + 2 * 64 + 1000));
    }

    #[test]
    fn empty_stream_is_one_empty_chunk() {
        let cs = chunks(b"", 10, 4, 1);
        assert_eq!(cs.len(), 1);
        assert!(cs[0].3);
        assert!(cs[0].2.is_empty());
    }

    #[test]
    fn memory_is_bounded() {
        let data = vec![0u8; 1 << 20];
        let mut c = Chunker::new(4096, 256);
        c.for_each(&data[..], |_| true).unwrap();
        assert!(
            c.buf.capacity() <= 2 * (4096 + 2 * 256),
            "{}",
            c.buf.capacity()
        );
    }

    #[test]
    fn cut_parts_end_where_told_and_still_tile() {
        fn after_space(part: &[u8]) -> Option<usize> {
            part.iter().rposition(|&b| b == b' ').map(|i| i + 1)
        }
        let mut data = Vec::new();
        for i in 0..3000u32 {
            data.extend(std::iter::repeat(b'a').take((i * 53 % 120) as usize));
            data.push(b' ');
        }
        data.extend(std::iter::repeat(b'b').take(2500)); // no space: cut as is
        data.extend_from_slice(b" tail");
        let mut next = 0u64;
        let mut c = Chunker::new(1000, 64).cut_with(after_space);
        c.for_each(Trickle(&data, 333), |ch| {
            assert_eq!(ch.offset + ch.report.start as u64, next, "gap or overlap");
            next = ch.offset + ch.report.end as u64;
            let part = &ch.data[ch.report.clone()];
            assert!(ch.last || part.ends_with(b" ") || !part.contains(&b' '));
            true
        })
        .unwrap();
        assert_eq!(next, data.len() as u64);
        assert!(c.buf.capacity() <= 2 * (1000 + 2 * 64 + 1000));
    }
}
