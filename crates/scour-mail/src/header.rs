//! The header block of a message or MIME entity: where it ends, and the few
//! fields the MIME walker needs.

use memchr::memchr;

/// A parsed header block. Field values are raw (still folded) slices.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeaderBlock<'a> {
    /// Number of header fields seen.
    pub fields: usize,
    /// End of the header lines: the start of the blank separator line, or
    /// of the first line that is not a header field.
    pub end: usize,
    /// Start of the body.
    pub body_start: usize,
    /// First `Content-Type` value.
    pub content_type: Option<&'a [u8]>,
    /// First `Content-Transfer-Encoding` value.
    pub encoding: Option<&'a [u8]>,
    /// First `Content-Disposition` value.
    pub disposition: Option<&'a [u8]>,
}

/// One line of `data` starting at `start`: its content without the line
/// ending, and the start of the next line.
pub(crate) fn line_at(data: &[u8], start: usize) -> (&[u8], usize) {
    let rest = &data[start..];
    let (mut line, next) = match memchr(b'\n', rest) {
        Some(i) => (&rest[..i], start + i + 1),
        None => (rest, data.len()),
    };
    if let [head @ .., b'\r'] = line {
        line = head;
    }
    (line, next)
}

/// If `line` starts a header field, the length of its name.
///
/// A name is one or more printable ASCII bytes other than `:` (RFC 5322
/// `ftext`); blanks between the name and the colon (obsolete syntax) are
/// tolerated.
pub(crate) fn field_name(line: &[u8]) -> Option<usize> {
    let colon = memchr(b':', line)?;
    let name = &line[..colon];
    let len = name
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    let ok = len > 0 && name[..len].iter().all(|&b| (33..=126).contains(&b));
    ok.then_some(len)
}

/// Parses the header block at the start of `data`.
///
/// The block ends at the first empty line (the body follows it) or, for
/// lenience with broken producers, at the first line that is neither a
/// field nor a continuation (the body starts at that line). Without either,
/// the whole input is headers and the body is empty.
pub(crate) fn parse(data: &[u8]) -> HeaderBlock<'_> {
    let mut block = HeaderBlock::default();
    // The field being read: which slot it fills and where its value starts.
    let mut open: Option<(Slot, usize)> = None;
    let mut pos = 0;
    while pos < data.len() {
        let (line, next) = line_at(data, pos);
        if line.is_empty() {
            close(&mut block, data, &mut open, pos);
            block.end = pos;
            block.body_start = next;
            return block;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            // A continuation line; one before any field is ignored.
        } else if let Some(len) = field_name(line) {
            close(&mut block, data, &mut open, pos);
            block.fields += 1;
            let value = pos + memchr(b':', line).unwrap_or(len) + 1;
            open = Some((Slot::of(&line[..len]), value));
        } else {
            close(&mut block, data, &mut open, pos);
            block.end = pos;
            block.body_start = pos;
            return block;
        }
        pos = next;
    }
    close(&mut block, data, &mut open, data.len());
    block.end = data.len();
    block.body_start = data.len();
    block
}

/// Which of the interesting fields a name is.
#[derive(Clone, Copy)]
enum Slot {
    ContentType,
    Encoding,
    Disposition,
    Other,
}

impl Slot {
    fn of(name: &[u8]) -> Slot {
        if name.eq_ignore_ascii_case(b"content-type") {
            Slot::ContentType
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            Slot::Encoding
        } else if name.eq_ignore_ascii_case(b"content-disposition") {
            Slot::Disposition
        } else {
            Slot::Other
        }
    }
}

/// Ends the open field at `end` (the start of the line after its last one)
/// and stores its value if it is the first of its kind.
fn close<'a>(
    block: &mut HeaderBlock<'a>,
    data: &'a [u8],
    open: &mut Option<(Slot, usize)>,
    end: usize,
) {
    let Some((slot, start)) = open.take() else {
        return;
    };
    let value = &data[start..end.max(start)];
    let target = match slot {
        Slot::ContentType => &mut block.content_type,
        Slot::Encoding => &mut block.encoding,
        Slot::Disposition => &mut block.disposition,
        Slot::Other => return,
    };
    target.get_or_insert(value);
}

/// Unfolds a header value: drops CR and LF (RFC 5322 unfolding keeps the
/// blank that follows) and trims surrounding blanks.
pub(crate) fn unfold(value: &[u8]) -> Vec<u8> {
    let kept: Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    kept.trim_ascii().to_vec()
}
