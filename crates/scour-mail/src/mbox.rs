//! Streaming messages out of an mbox file (RFC 4155).

use std::io::{self, BufRead};

use memchr::memchr;

/// Above this capacity the message buffer is freed between messages, so
/// one huge message does not pin its memory for the rest of the file.
const KEEP_CAPACITY: usize = 1 << 20;

/// Streams the messages of an mbox with bounded memory.
///
/// A message starts after a line beginning with `From ` that is the first
/// line of the file or follows an empty line (`\n` or `\r\n`); other
/// `From ` lines belong to the body. The separator date is not checked.
///
/// Bytes are handed out as they are: `>From ` lines (mboxrd/mboxcl
/// escaping) are not unescaped, so offsets stay true to the file and a
/// scanner sees exactly what is stored. Non-blank bytes before the first
/// separator are handed out as a message of their own with `line` 0.
///
/// Only one message is held at a time, in a buffer that is reused, and at
/// most `max_message_bytes` of it: the rest of a longer message is read
/// and dropped, and the message is marked [`truncated`]. Lines are never
/// buffered whole, so a file without line breaks is safe too.
///
/// [`truncated`]: MboxMessage::truncated
#[derive(Debug)]
pub struct Mbox<R: BufRead> {
    reader: R,
    state: State,
}

/// One message of an mbox, borrowed from the [`Mbox`] until the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MboxMessage<'a> {
    /// The message's 0-based index in the file.
    pub index: usize,
    /// The 1-based line of its `From ` separator (0 for bytes before the
    /// first separator). Line `k` of `data` (1-based) is line `line + k`
    /// of the file.
    pub line: u64,
    /// The byte offset of `data` in the file (just after the separator
    /// line): `data[i]` is at `offset + i`.
    pub offset: u64,
    /// The message without its separator line and without the empty line
    /// that precedes the next separator. At most `max_message_bytes` long.
    pub data: &'a [u8],
    /// True if the message was longer than `max_message_bytes` and `data`
    /// holds only its beginning.
    pub truncated: bool,
}

/// What is known of a finished message besides its bytes.
#[derive(Debug, Clone, Copy)]
struct Info {
    index: usize,
    line: u64,
    offset: u64,
    truncated: bool,
}

#[derive(Debug)]
struct State {
    max: usize,
    /// The current message's bytes (at most `max`).
    buf: Vec<u8>,
    truncated: bool,
    /// The current message has a non-blank byte (decides whether a
    /// preamble is worth handing out).
    nonblank: bool,
    /// The current message started at a separator.
    separated: bool,
    index: usize,
    msg_line: u64,
    msg_offset: u64,
    /// Bytes consumed so far.
    pos: u64,
    /// The 1-based number of the line being read.
    line: u64,
    /// Bytes of the current line consumed so far, and its first byte.
    line_len: u64,
    line_first: u8,
    /// The previous line was empty (true at the start of the file).
    prev_empty: bool,
    /// The current line was already found not to be a separator.
    checked: bool,
    /// The start of a line that may be a separator, split across reads.
    head: [u8; 5],
    head_len: usize,
    /// Inside a separator line, whose bytes are dropped.
    skipping: bool,
    /// `buf` holds a message already handed out.
    stale: bool,
    done: bool,
}

impl<R: BufRead> Mbox<R> {
    /// Reads messages from `reader`, keeping at most `max_message_bytes`
    /// of each.
    pub fn new(reader: R, max_message_bytes: usize) -> Self {
        Mbox {
            reader,
            state: State::new(max_message_bytes),
        }
    }

    /// The next message, or `None` at the end of the file.
    ///
    /// After an I/O error the next call goes on reading where the error
    /// happened.
    pub fn next_message(&mut self) -> Option<io::Result<MboxMessage<'_>>> {
        let st = &mut self.state;
        if st.done {
            return None;
        }
        if st.stale {
            st.start_message();
        }
        let info = loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if chunk.is_empty() {
                st.done = true;
                match st.end_of_file() {
                    Some(info) => break info,
                    None => return None,
                }
            }
            let (used, finished) = st.feed(chunk);
            self.reader.consume(used);
            if let Some(info) = finished {
                break info;
            }
        };
        st.stale = true;
        Some(Ok(MboxMessage {
            index: info.index,
            line: info.line,
            offset: info.offset,
            data: trim_blank_tail(&st.buf, info.truncated),
            truncated: info.truncated,
        }))
    }

    /// The reader, positioned wherever reading stopped.
    pub fn into_inner(self) -> R {
        self.reader
    }

    #[cfg(test)]
    pub(crate) fn buffer_capacity(&self) -> usize {
        self.state.buf.capacity()
    }
}

impl State {
    fn new(max: usize) -> State {
        State {
            max,
            buf: Vec::new(),
            truncated: false,
            nonblank: false,
            separated: false,
            index: 0,
            msg_line: 0,
            msg_offset: 0,
            pos: 0,
            line: 1,
            line_len: 0,
            line_first: 0,
            prev_empty: true,
            checked: false,
            head: [0; 5],
            head_len: 0,
            skipping: false,
            stale: false,
            done: false,
        }
    }

    /// Forgets the previous message's bytes.
    fn start_message(&mut self) {
        if self.buf.capacity() > KEEP_CAPACITY {
            self.buf = Vec::new();
        }
        self.buf.clear();
        self.truncated = false;
        self.nonblank = false;
        self.stale = false;
    }

    /// Consumes bytes from `chunk` up to the end of it or of the current
    /// message: how many were used, and the finished message if any.
    fn feed(&mut self, chunk: &[u8]) -> (usize, Option<Info>) {
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            if self.skipping {
                match memchr(b'\n', rest) {
                    Some(j) => {
                        i += j + 1;
                        self.pos += j as u64 + 1;
                        self.skipping = false;
                        self.end_line(false);
                        self.msg_offset = self.pos;
                    }
                    None => {
                        i = chunk.len();
                        self.pos += rest.len() as u64;
                    }
                }
                continue;
            }
            if self.line_len == 0 && self.prev_empty && !self.checked {
                // Gather the line's first five bytes, possibly over reads.
                while self.head_len < 5 && i < chunk.len() {
                    self.head[self.head_len] = chunk[i];
                    self.head_len += 1;
                    i += 1;
                    if chunk[i - 1] == b'\n' {
                        break;
                    }
                }
                let n = self.head_len;
                if n < 5 && self.head[n - 1] != b'\n' {
                    return (i, None);
                }
                self.head_len = 0;
                if &self.head[..n] == b"From " {
                    self.pos += 5;
                    self.skipping = true;
                    if let Some(info) = self.separator() {
                        return (i, Some(info));
                    }
                    continue;
                }
                self.checked = true;
                let head = self.head;
                self.take(&head[..n]);
                continue;
            }
            let n = memchr(b'\n', rest).map_or(rest.len(), |j| j + 1);
            self.take(&rest[..n]);
            i += n;
        }
        (i, None)
    }

    /// A separator line starts: ends the current message, returning it if
    /// it is worth handing out, and starts the next.
    fn separator(&mut self) -> Option<Info> {
        let info = (self.separated || self.nonblank).then(|| self.info());
        if info.is_some() {
            self.index += 1;
            self.stale = true;
        } else {
            self.start_message();
        }
        self.separated = true;
        self.msg_line = self.line;
        info
    }

    fn end_of_file(&mut self) -> Option<Info> {
        if self.head_len > 0 {
            let head = self.head;
            let n = self.head_len;
            self.head_len = 0;
            self.take(&head[..n]);
        }
        if self.skipping {
            self.skipping = false;
            self.msg_offset = self.pos;
        }
        (self.separated || self.nonblank).then(|| self.info())
    }

    fn info(&self) -> Info {
        Info {
            index: self.index,
            line: self.msg_line,
            offset: self.msg_offset,
            truncated: self.truncated,
        }
    }

    /// Adds message bytes: at most one line break, at the end.
    fn take(&mut self, bytes: &[u8]) {
        let Some(&last) = bytes.last() else {
            return;
        };
        if self.line_len == 0 {
            self.line_first = bytes[0];
        }
        self.append(bytes);
        self.pos += bytes.len() as u64;
        self.line_len += bytes.len() as u64;
        if last == b'\n' {
            let empty = self.line_len == 1 || (self.line_len == 2 && self.line_first == b'\r');
            self.end_line(empty);
        }
    }

    fn end_line(&mut self, empty: bool) {
        self.line += 1;
        self.line_len = 0;
        self.prev_empty = empty;
        self.checked = false;
    }

    /// Buffers what fits under the cap; the buffer never grows past it.
    fn append(&mut self, bytes: &[u8]) {
        if !self.nonblank {
            self.nonblank = bytes.iter().any(|b| !b.is_ascii_whitespace());
        }
        let n = bytes.len().min(self.max - self.buf.len());
        if n < bytes.len() {
            self.truncated = true;
        }
        let need = self.buf.len() + n;
        if need > self.buf.capacity() {
            let target = (self.buf.capacity() * 2).clamp(need, self.max.max(need));
            self.buf.reserve_exact(target - self.buf.len());
        }
        self.buf.extend_from_slice(&bytes[..n]);
    }
}

/// Drops the empty line that ends a message before the next separator
/// (or the end of the file); it belongs to the mbox format.
fn trim_blank_tail(data: &[u8], truncated: bool) -> &[u8] {
    if truncated {
        return data;
    }
    for eol in [&b"\r\n"[..], b"\n"] {
        if let Some(head) = data.strip_suffix(eol) {
            if head.is_empty() || head.ends_with(b"\n") {
                return head;
            }
        }
    }
    data
}
