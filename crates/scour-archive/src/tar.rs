//! Tar and tar.gz, streamed front to back.

use std::cell::Cell;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use ::tar::{Archive, EntryType};
use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, ErrorKind, LimitExceeded, SkipReason};
use crate::limits::{Budget, ByteCount, Counted, Limited};
use crate::{admit, deliver, Delivered, MemberSink};

/// What the tar reader may read between two members: headers, padding, GNU
/// long names and PAX records. The `tar` crate reads long names and PAX
/// records into memory whole, so without this a header claiming a 4 GiB
/// long name would be a memory bomb.
const MAX_HEADER_BYTES: u64 = 1 << 20;

/// The buffer between the compressed input and the gzip decoder. Its
/// content may have been read before a member starts, so the ratio of a
/// member allows for it.
const READ_AHEAD: usize = 32 << 10;

/// Reads every member of a tar archive, in order; `gzip` gunzips the input
/// first (`.tar.gz`, `.tgz`; multi-member gzip streams are concatenated).
///
/// Regular files (including GNU sparse files, whose holes count as expanded
/// bytes) are delivered; directories, links, devices and FIFOs are reported
/// as [`SkipReason::NotAFile`]. Member names are the stored paths, with GNU
/// long names and PAX `path` records applied.
///
/// Only decompressed bytes count against
/// [`Limits::max_total_bytes`](crate::Limits::max_total_bytes): with `gzip` the whole decompressed stream does,
/// including parts no sink read; without it nothing does, since the bytes
/// are the input itself (or were counted by whoever decompressed them). The
/// ratio limit applies per member with `gzip`, measured against the
/// compressed bytes consumed while the member was read.
pub fn read_tar<R: Read>(
    input: R,
    gzip: bool,
    budget: &mut Budget,
    sink: &mut dyn MemberSink,
) -> Result<(), Error> {
    if !gzip {
        return read_entries(input, None, budget, sink);
    }
    let raw = Counted::new(input);
    let count = raw.count();
    let raw = BufReader::with_capacity(READ_AHEAD, raw);
    let stream = Limited::new(MultiGzDecoder::new(raw), budget).stream();
    read_entries(stream, Some(&count), budget, sink)
}

fn read_entries<R: Read>(
    input: R,
    compressed: Option<&ByteCount>,
    budget: &Budget,
    sink: &mut dyn MemberSink,
) -> Result<(), Error> {
    let allowance = Rc::new(Allowance::default());
    let input = Guarded {
        inner: input,
        allowance: Rc::clone(&allowance),
    };
    let mut archive = Archive::new(input);
    let mut entries = archive.entries().map_err(Error::from_read)?;
    loop {
        allowance.left.set(Some(MAX_HEADER_BYTES));
        let next = entries.next();
        allowance.left.set(None);
        let mut entry = match next {
            None => return Ok(()),
            Some(Ok(entry)) => entry,
            Some(Err(err)) => return Err(tar_error(err, &allowance)),
        };
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        admit(budget, sink, &name)?;
        let size = entry.size();
        let kind = entry.header().entry_type();
        let mut body = Counted::new(&mut entry);
        let taken = body.count();
        if matches!(
            kind,
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse
        ) {
            let mut data = Limited::new(&mut body, budget);
            if kind != EntryType::GNUSparse {
                data = data.not_expanding();
            }
            if let Some(count) = compressed {
                data = data
                    .with_input_from_now(count)
                    .with_read_ahead(READ_AHEAD as u64);
            }
            if let Delivered::Damaged(err) = deliver(sink, &name, &mut data)? {
                return Err(Error::from_read(err));
            }
        } else {
            sink.skipped(&name, SkipReason::NotAFile);
        }
        // Read what the sink left here rather than inside `next`, where it
        // would count against the header allowance.
        io::copy(&mut body, &mut io::sink()).map_err(|e| tar_error(e, &allowance))?;
        if taken.get() < size {
            return Err(Error::new(ErrorKind::Truncated(format!(
                "tar member {name:?} ends after {} of {size} bytes",
                taken.get()
            ))));
        }
    }
}

fn tar_error(err: io::Error, allowance: &Allowance) -> Error {
    if allowance.over.get() {
        return Error::new(ErrorKind::Corrupt(format!(
            "tar headers between two members take over {MAX_HEADER_BYTES} bytes"
        )));
    }
    if LimitExceeded::find(&err).is_some() {
        return Error::from_read(err);
    }
    let text = err.to_string();
    // The tar crate reports its own findings with kind `Other`.
    if text.contains("entire block") || text.contains("unexpected EOF") {
        return Error::new(ErrorKind::Truncated(text));
    }
    match err.kind() {
        io::ErrorKind::Other => Error::new(ErrorKind::Corrupt(text)),
        _ => Error::from_read(err),
    }
}

/// How much the tar reader may still read; `None` while a member's data is
/// read.
#[derive(Default)]
struct Allowance {
    left: Cell<Option<u64>>,
    over: Cell<bool>,
}

struct Guarded<R> {
    inner: R,
    allowance: Rc<Allowance>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(left) = self.allowance.left.get() else {
            return self.inner.read(buf);
        };
        if left == 0 && !buf.is_empty() {
            self.allowance.over.set(true);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "tar headers too long",
            ));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.allowance.left.set(Some(left - n as u64));
        Ok(n)
    }
}
