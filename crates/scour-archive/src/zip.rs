//! Zip: random access through the central directory, falling back to the
//! local headers when the directory is missing (a truncated download).

use std::io::{Read, Seek, SeekFrom};

use ::zip::read::{read_zipfile_from_stream, ZipFile};
use ::zip::result::ZipError;
use ::zip::{CompressionMethod, ZipArchive};

use crate::error::{Error, ErrorKind, SkipReason};
use crate::limits::{Budget, ByteCount, Counted, Limited};
use crate::{admit, deliver, Delivered, MemberSink};

const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// Reads every member of a zip archive, in central-directory order.
///
/// Needs random access: pass a `File`, or a `Cursor` over a nested member
/// read into memory. Directories (names ending in `/`) are passed over
/// silently; encrypted members, unsupported compression methods (anything
/// but stored, deflate and deflate64) and symlinks are reported as skipped.
/// A member whose data is damaged is reported as
/// [`SkipReason::Corrupt`] and the next one is read. If the central
/// directory cannot be read, the members are read from their local headers
/// as far as they go and an [`Error`] is returned.
pub fn read_zip<R: Read + Seek>(
    input: R,
    budget: &mut Budget,
    sink: &mut dyn MemberSink,
) -> Result<(), Error> {
    let mut input = Counted::new(input);
    let count = input.count();
    let start = input.stream_position().map_err(Error::from_read)?;
    let mut archive = match ZipArchive::new(&mut input) {
        Ok(archive) => archive,
        Err(err) => {
            input
                .seek(SeekFrom::Start(start))
                .map_err(Error::from_read)?;
            return read_local_headers(&mut input, &count, err, budget, sink);
        }
    };
    for i in 0..archive.len() {
        let name = archive.name_for_index(i).unwrap_or_default().to_owned();
        admit(budget, sink, &name)?;
        if name.ends_with('/') {
            continue;
        }
        let file = match archive.by_index(i) {
            Ok(file) => file,
            Err(err) => {
                sink.skipped(&name, skip_reason(err));
                continue;
            }
        };
        if let Delivered::Damaged(err) = member(file, &name, &count, budget, sink)? {
            sink.skipped(&name, SkipReason::Corrupt(err.to_string()));
        }
    }
    Ok(())
}

/// The fallback for an archive without a readable central directory: walk
/// the local headers from the start. Members written with a trailing data
/// descriptor (sizes unknown up front) end the walk.
fn read_local_headers<R: Read>(
    input: &mut Counted<R>,
    count: &ByteCount,
    why: ZipError,
    budget: &mut Budget,
    sink: &mut dyn MemberSink,
) -> Result<(), Error> {
    let mut read = 0;
    loop {
        let file = match read_zipfile_from_stream(input) {
            Ok(Some(file)) => file,
            // The central directory is there after all, but unreadable.
            Ok(None) => return Err(corrupt(format!("{why}"))),
            Err(err) if read == 0 => {
                return Err(corrupt(format!("{why}; no local header either ({err})")))
            }
            Err(err) => {
                return Err(Error::new(ErrorKind::Truncated(format!(
                    "{why}; read {read} members from local headers, then: {err}"
                ))))
            }
        };
        read += 1;
        let name = file.name().to_owned();
        admit(budget, sink, &name)?;
        if name.ends_with('/') {
            continue;
        }
        if let Delivered::Damaged(err) = member(file, &name, count, budget, sink)? {
            return Err(Error::from_read(err));
        }
    }
}

fn member<R: Read>(
    file: ZipFile<'_, R>,
    name: &str,
    count: &ByteCount,
    budget: &Budget,
    sink: &mut dyn MemberSink,
) -> Result<Delivered, Error> {
    let mode = file.unix_mode().unwrap_or(S_IFREG) & S_IFMT;
    if mode == S_IFDIR {
        return Ok(Delivered::Skipped);
    }
    if mode != S_IFREG && mode != 0 {
        sink.skipped(name, SkipReason::NotAFile);
        return Ok(Delivered::Skipped);
    }
    let stored = file.compression() == CompressionMethod::Stored;
    let compressed_size = file.compressed_size();
    let mut data = Limited::new(file, budget);
    data = match stored {
        true => data.not_expanding(),
        false => data
            .with_input_from_now(count)
            .with_compressed_size(compressed_size),
    };
    deliver(sink, name, &mut data)
}

fn skip_reason(err: ZipError) -> SkipReason {
    match err {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            SkipReason::Encrypted
        }
        ZipError::UnsupportedArchive(why) if why.contains("AES") => SkipReason::Encrypted,
        ZipError::UnsupportedArchive(why) if why.contains("Compression method") => {
            SkipReason::UnsupportedCompression
        }
        err => SkipReason::Corrupt(err.to_string()),
    }
}

fn corrupt(why: String) -> Error {
    Error::new(ErrorKind::Corrupt(why))
}
