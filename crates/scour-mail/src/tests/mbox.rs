use std::io::{self, BufRead, BufReader, Read};

use crate::Mbox;

/// What a test wants to know of one message.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    index: usize,
    line: u64,
    offset: u64,
    data: Vec<u8>,
    truncated: bool,
}

fn read_all<R: BufRead>(mbox: &mut Mbox<R>) -> Vec<Seen> {
    let mut out = Vec::new();
    while let Some(message) = mbox.next_message() {
        let m = message.expect("no I/O error");
        out.push(Seen {
            index: m.index,
            line: m.line,
            offset: m.offset,
            data: m.data.to_vec(),
            truncated: m.truncated,
        });
    }
    out
}

/// 1-based line number of byte `at` in `file`.
fn line_of(file: &[u8], at: usize) -> u64 {
    file[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

const ONE: &str =
    "From: alice@example.invalid\nSubject: one\n\nhello\nFrom here on, this is body text\n";
const TWO: &str =
    "From: bob@example.invalid\nSubject: two\n\n>From escaped stays as it is\n\nsecond paragraph\n";
const THREE: &str = "From: carol@example.invalid\nSubject: three\n\nlast\n";

fn three_messages(eol: &str) -> Vec<u8> {
    let text = format!(
        "From alice@example.invalid Mon Jan  1 00:00:00 2024\n{ONE}\n\
         From bob@example.invalid Tue Jan  2 00:00:00 2024\n{TWO}\n\
         From carol@example.invalid Wed Jan  3 00:00:00 2024\n{THREE}"
    );
    text.replace('\n', eol).into_bytes()
}

fn expected(file: &[u8], eol: &str) -> Vec<Seen> {
    let sep = |name: &str| {
        let at = file
            .windows(5 + name.len())
            .position(|w| w == format!("From {name}").as_bytes())
            .unwrap();
        let end = at + file[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        (line_of(file, at), end as u64)
    };
    [("alice", ONE), ("bob", TWO), ("carol", THREE)]
        .iter()
        .enumerate()
        .map(|(index, (name, body))| {
            let (line, offset) = sep(name);
            Seen {
                index,
                line,
                offset,
                data: body.replace('\n', eol).into_bytes(),
                truncated: false,
            }
        })
        .collect()
}

#[test]
fn three_messages_with_lines_and_offsets() {
    for eol in ["\n", "\r\n"] {
        let file = three_messages(eol);
        let want = expected(&file, eol);
        assert_eq!([want[0].line, want[1].line, want[2].line], [1, 8, 16]);
        let got = read_all(&mut Mbox::new(&file[..], 1 << 20));
        assert_eq!(got, want);
        for m in &got {
            let at = m.offset as usize;
            assert_eq!(&file[at..at + m.data.len()], &m.data[..]);
            // Line k of the data is line `line + k` of the file.
            assert_eq!(line_of(&file, at), m.line + 1);
        }
    }
}

#[test]
fn reads_split_anywhere_give_the_same_messages() {
    let file = three_messages("\r\n");
    let want = read_all(&mut Mbox::new(&file[..], 1 << 20));
    for capacity in 1..=12 {
        let reader = BufReader::with_capacity(capacity, &file[..]);
        assert_eq!(
            read_all(&mut Mbox::new(reader, 1 << 20)),
            want,
            "capacity {capacity}"
        );
    }
}

#[test]
fn preamble_and_edge_cases() {
    // Text before the first separator is a message of its own, line 0.
    let file = b"stray text\n\nFrom a Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n";
    let got = read_all(&mut Mbox::new(&file[..], 1024));
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].index, got[0].line, got[0].offset), (0, 0, 0));
    assert_eq!(got[0].data, b"stray text\n");
    assert_eq!((got[1].index, got[1].line), (1, 3));

    // Blank lines before the first separator are not a message.
    let file = b"\n\nFrom a Mon Jan  1 00:00:00 2024\nSubject: x\n";
    let got = read_all(&mut Mbox::new(&file[..], 1024));
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].index, got[0].line, got[0].offset), (0, 3, 34));

    // Empty file, separator only, separators back to back.
    assert!(read_all(&mut Mbox::new(&b""[..], 1024)).is_empty());
    let got = read_all(&mut Mbox::new(&b"From a b 00:00 2024"[..], 1024));
    assert_eq!((got.len(), got[0].offset, got[0].data.len()), (1, 19, 0));
    let got = read_all(&mut Mbox::new(
        &b"From a\n\nFrom b\n\nFrom c\nx\n"[..],
        1024,
    ));
    let lines: Vec<u64> = got.iter().map(|m| m.line).collect();
    assert_eq!(lines, [1, 3, 5]);
    assert_eq!(got[0].data, b"");
    assert_eq!(got[2].data, b"x\n");

    // "From" without the space, at the end of the file, is body text.
    let got = read_all(&mut Mbox::new(&b"From a\nx\n\nFrom"[..], 1024));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, b"x\n\nFrom");
}

#[test]
fn long_message_is_truncated_without_buffering_it() {
    let mut file = b"From a Mon Jan  1 00:00:00 2024\nSubject: big\n\n".to_vec();
    let big_start = file.len();
    // 4 MB with no line break at all, then more lines.
    file.extend(std::iter::repeat(b'A').take(4 << 20));
    file.extend(b"\nmore\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: small\n\nok\n");
    let mut mbox = Mbox::new(BufReader::with_capacity(8192, &file[..]), 1000);

    let big = mbox.next_message().unwrap().unwrap();
    assert!(big.truncated);
    assert_eq!(big.data.len(), 1000);
    assert_eq!(big.data[..big_start - 32], file[32..big_start]);
    assert!(mbox.buffer_capacity() <= 1000);

    let small = mbox.next_message().unwrap().unwrap();
    assert!(!small.truncated);
    assert_eq!(
        (small.index, small.data),
        (1, &b"Subject: small\n\nok\n"[..])
    );
    assert_eq!(small.line, 7);
    assert!(mbox.next_message().is_none());
}

/// An endless-looking mbox made on the fly: `count` small messages.
struct Generated {
    count: usize,
    next: usize,
    pending: Vec<u8>,
    at: usize,
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at == self.pending.len() {
            if self.next == self.count {
                return Ok(0);
            }
            self.pending = format!(
                "From sender{0}@example.invalid Mon Jan  1 00:00:00 2024\n\
                 From: sender{0}@example.invalid\nSubject: message {0}\n\n\
                 body of message {0}\nFrom the body, not a separator\n\n",
                self.next
            )
            .into_bytes();
            self.at = 0;
            self.next += 1;
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn ten_thousand_messages_in_bounded_memory() {
    let source = Generated {
        count: 10_000,
        next: 0,
        pending: Vec::new(),
        at: 0,
    };
    let mut mbox = Mbox::new(BufReader::with_capacity(4096, source), 1 << 20);
    let mut seen = 0;
    let mut line = 1;
    while let Some(message) = mbox.next_message() {
        let m = message.unwrap();
        assert_eq!(m.index, seen);
        assert_eq!(m.line, line);
        let subject = format!("Subject: message {seen}\n");
        assert!(m
            .data
            .windows(subject.len())
            .any(|w| w == subject.as_bytes()));
        assert!(m.data.ends_with(b"not a separator\n"));
        assert!(!m.truncated);
        line += 7;
        seen += 1;
        assert!(mbox.buffer_capacity() <= 512, "{}", mbox.buffer_capacity());
    }
    assert_eq!(seen, 10_000);
}

/// A reader that fails once, in the middle.
struct FailOnce<'a> {
    data: &'a [u8],
    failed: bool,
}

impl Read for FailOnce<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.failed && self.data.len() < 40 {
            self.failed = true;
            return Err(io::Error::other("disk hiccup"));
        }
        let n = out.len().min(self.data.len()).min(10);
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn io_errors_are_reported_and_reading_goes_on() {
    let file = three_messages("\n");
    let want = read_all(&mut Mbox::new(&file[..], 1 << 20));
    let reader = BufReader::with_capacity(
        10,
        FailOnce {
            data: &file,
            failed: false,
        },
    );
    let mut mbox = Mbox::new(reader, 1 << 20);
    let mut got = Vec::new();
    let mut errors = 0;
    while let Some(message) = mbox.next_message() {
        match message {
            Ok(m) => got.push(m.data.to_vec()),
            Err(e) => {
                assert_eq!(e.to_string(), "disk hiccup");
                errors += 1;
            }
        }
    }
    assert_eq!(errors, 1);
    let want: Vec<Vec<u8>> = want.into_iter().map(|m| m.data).collect();
    assert_eq!(got, want);
}

#[test]
fn mbox_messages_split_into_parts() {
    let file = three_messages("\r\n");
    let mut mbox = Mbox::new(&file[..], 1 << 20);
    let mut subjects = Vec::new();
    while let Some(message) = mbox.next_message() {
        let message = message.unwrap();
        crate::parts(message.data, &mut |p| {
            if p.name == "headers" {
                subjects.push(p.data.len());
            }
        })
        .unwrap();
    }
    assert_eq!(subjects.len(), 3);
}
