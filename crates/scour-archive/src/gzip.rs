//! Single-stream `.gz` files.

use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

use crate::error::Error;
use crate::limits::{Budget, Counted, Limited};
use crate::{admit, deliver, Delivered, MemberSink};

/// Delivers the decompressed content of a `.gz` file as one member named
/// `member_name` (say the outer name without `.gz`). Multi-member gzip
/// streams are concatenated, as `gunzip` does.
///
/// Decompression happens as the sink reads, so a sink that reads only a
/// prefix costs only that prefix. A damaged or truncated stream shows up as
/// a read error in the sink and as the returned [`Error`].
pub fn read_gzip<R: Read>(
    input: R,
    member_name: &str,
    budget: &mut Budget,
    sink: &mut dyn MemberSink,
) -> Result<(), Error> {
    admit(budget, sink, member_name)?;
    let raw = Counted::new(input);
    let count = raw.count();
    let mut data = Limited::new(MultiGzDecoder::new(raw), budget).with_input(&count);
    match deliver(sink, member_name, &mut data)? {
        Delivered::Damaged(err) => Err(Error::from_read(err)),
        Delivered::Ok | Delivered::Skipped => Ok(()),
    }
}

/// The first `n` decompressed bytes of a gzip stream (fewer if it is shorter
/// or damaged early), for a caller that can rewind its input: if
/// [`detect`](crate::detect) says they are a tar, rewind and call
/// [`read_tar`](crate::read_tar) with `gzip` set.
pub fn gunzip_prefix<R: Read>(input: R, n: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(n.min(64 << 10));
    let mut decoder = MultiGzDecoder::new(input).take(n as u64);
    match decoder.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(_) if !out.is_empty() => Ok(out),
        Err(err) => Err(err),
    }
}
