//! Splitting a multipart body at its boundary delimiters (RFC 2046
//! section 5.1.1).

use memchr::memmem;

/// The body parts of a multipart body, as byte ranges of the body.
///
/// A delimiter is `--boundary` at the start of a line, followed by `--`
/// for the closing one, then only blanks up to the end of the line. The
/// line break before a delimiter belongs to the delimiter. The preamble
/// and epilogue are not parts. Without a closing delimiter the last part
/// runs to the end of the body.
pub(crate) struct Parts<'b> {
    body: &'b [u8],
    finder: memmem::Finder<'b>,
    /// Start of the next part, or `None` when done.
    next: Option<usize>,
}

impl<'b> Parts<'b> {
    /// `None` if the body has no delimiter at all: then it is not really
    /// multipart, and the caller treats it as one opaque part.
    pub(crate) fn new(body: &'b [u8], delimiter: &'b [u8]) -> Option<Parts<'b>> {
        let finder = memmem::Finder::new(delimiter);
        let (_, end, close) = find(body, &finder, 0)?;
        let next = (!close).then_some(end);
        Some(Parts { body, finder, next })
    }
}

impl Iterator for Parts<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.next.take()?;
        match find(self.body, &self.finder, start) {
            Some((at, end, close)) => {
                self.next = (!close).then_some(end);
                Some((start, line_break_start(self.body, start, at)))
            }
            None => Some((start, self.body.len())),
        }
    }
}

/// The next delimiter line at or after `from`: where it starts, where the
/// line after it starts, and whether it is the closing delimiter.
fn find(body: &[u8], finder: &memmem::Finder<'_>, from: usize) -> Option<(usize, usize, bool)> {
    let len = finder.needle().len();
    let mut search = from;
    while let Some(hit) = finder.find(&body[search..]) {
        let at = search + hit;
        search = at + 1;
        if at > 0 && body[at - 1] != b'\n' {
            continue;
        }
        let mut i = at + len;
        let close = body[i..].starts_with(b"--");
        if close {
            i += 2;
        }
        while i < body.len() && matches!(body[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        match body.get(i) {
            None => return Some((at, body.len(), close)),
            Some(b'\n') => return Some((at, i + 1, close)),
            Some(_) => {}
        }
    }
    None
}

/// Where the line break before the delimiter at `at` starts (but not
/// before `start`).
fn line_break_start(body: &[u8], start: usize, at: usize) -> usize {
    let mut end = at;
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}
