/// Tracks line and column numbers as a stream is consumed in order.
///
/// Counting is lazy: call [`LineCounter::advance`] with increasing targets
/// (the start of each finding, then the end of each chunk) and only the bytes
/// in between are looked at.
#[derive(Clone, Debug)]
pub struct LineCounter {
    pos: u64,
    line: u64,
    line_start: u64,
}

impl Default for LineCounter {
    fn default() -> Self {
        LineCounter::new()
    }
}

impl LineCounter {
    /// Positioned at the start of the stream (line 1).
    pub fn new() -> LineCounter {
        LineCounter {
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Moves to absolute offset `target`, counting newlines in `data` (which
    /// starts at absolute offset `data_offset` and must cover the bytes from
    /// the current position to `target`). Targets behind the current position
    /// are ignored.
    pub fn advance(&mut self, data: &[u8], data_offset: u64, target: u64) {
        if target <= self.pos {
            return;
        }
        let from = (self.pos - data_offset) as usize;
        let to = (target - data_offset) as usize;
        let slice = &data[from..to];
        if let Some(last) = memchr::memrchr(b'\n', slice) {
            self.line += memchr::memchr_iter(b'\n', slice).count() as u64;
            self.line_start = self.pos + last as u64 + 1;
        }
        self.pos = target;
    }

    /// 1-based line number at the current position.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// 1-based byte column at the current position.
    pub fn column(&self) -> u64 {
        self.pos - self.line_start + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let data = b"ab\ncd\n\nefg";
        let mut lc = LineCounter::new();
        lc.advance(data, 0, 1);
        assert_eq!((lc.line(), lc.column()), (1, 2));
        lc.advance(data, 0, 4);
        assert_eq!((lc.line(), lc.column()), (2, 2));
        lc.advance(data, 0, 9);
        assert_eq!((lc.line(), lc.column()), (4, 3));
        lc.advance(data, 0, 2); // behind: ignored
        assert_eq!((lc.line(), lc.column()), (4, 3));
    }

    #[test]
    fn works_across_windows_of_data() {
        let data = b"x\ny\nz\n".repeat(50);
        let mut lc = LineCounter::new();
        // Feed via windows that each start at or before the current position.
        for end in (10..=data.len()).step_by(10) {
            let start = end - 10;
            lc.advance(&data[start..end], start as u64, end as u64);
        }
        assert_eq!(lc.line(), 151);
    }
}
