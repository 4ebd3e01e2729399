//! Reading the members of zip, tar, tar.gz and gz archives in memory, with
//! limits against archive bombs.
//!
//! Support dumps nest: a zip of ticket folders holding attachments, tar.gz
//! bundles, gzipped HARs, zips inside zips. Scanning them must neither write
//! anything to disk (member names such as `../x` or `/etc/passwd` are only
//! names here) nor let a few kilobytes expand into terabytes. So each reader
//! hands every regular-file member to a caller's [`MemberSink`] as a
//! [`Read`] over its decompressed bytes, metered against a [`Budget`]
//! shared by the top-level input and everything nested in it; the sink
//! decides whether to scan, recurse or ignore.
//!
//! ```
//! use std::io::Read;
//! use scour_archive::{read_tar, Budget, Limits, MemberSink, SkipReason};
//!
//! // A tar.gz with one file and one directory, built in memory.
//! let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), Default::default()));
//! let mut header = tar::Header::new_gnu();
//! header.set_size(11);
//! header.set_cksum();
//! tar.append_data(&mut header, "logs/app.log", &b"token=fake1"[..]).unwrap();
//! let mut dir = tar::Header::new_gnu();
//! dir.set_entry_type(tar::EntryType::Directory);
//! dir.set_size(0);
//! dir.set_cksum();
//! tar.append_data(&mut dir, "logs/", &[][..]).unwrap();
//! let tgz = tar.into_inner().unwrap().finish().unwrap();
//!
//! #[derive(Default)]
//! struct Collect(Vec<String>);
//! impl MemberSink for Collect {
//!     fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
//!         let mut text = String::new();
//!         data.read_to_string(&mut text)?;
//!         self.0.push(format!("dump.tar.gz!{name}: {text}"));
//!         Ok(())
//!     }
//!     fn skipped(&mut self, name: &str, reason: SkipReason) {
//!         self.0.push(format!("dump.tar.gz!{name}: {}", reason.as_str()));
//!     }
//! }
//!
//! let mut budget = Budget::new(Limits::default());
//! let mut sink = Collect::default();
//! read_tar(&tgz[..], true, &mut budget, &mut sink).unwrap();
//! assert_eq!(sink.0, [
//!     "dump.tar.gz!logs/app.log: token=fake1",
//!     "dump.tar.gz!logs/: archive: not a regular file",
//! ]);
//! assert_eq!(budget.members(), 2);
//! ```
//!
//! # Nesting
//!
//! This crate never recurses by itself. A sink that finds an archive inside
//! a member (by [`detect`] on its first [`DETECT_LEN`] bytes) opens it with
//! the same functions, passing [`Budget::share`] so that the nested level
//! spends from the same counters; it enforces [`Limits::max_depth`] itself.
//! Zip needs random access, so a nested zip is read into memory first
//! (bounded by [`Limits::max_member_bytes`]) and opened through a
//! `Cursor`; tar and gz stream straight from the parent member. See
//! [`MemberSink`] for a worked example.
//!
//! # Tar inside gzip
//!
//! There is no separate "tar.gz" detection here; a `.tar.gz` is found in one
//! of two ways, and both name its members `dump.tar.gz!inner/file`:
//!
//! - A top-level file (seekable): [`detect`] says [`ArchiveKind::Gzip`];
//!   [`gunzip_prefix`] gives its first decompressed bytes; if [`detect`]
//!   says [`ArchiveKind::Tar`] on those, rewind and call [`read_tar`] with
//!   `gzip` set. This is the better route: the ratio limit then applies to
//!   each tar member rather than to the tar as a whole.
//! - A nested stream (a `.tgz` inside a zip): [`read_gzip`] delivers the
//!   decompressed stream as one member; the sink sees [`ArchiveKind::Tar`]
//!   in its first bytes and calls [`read_tar`] on it without `gzip`, using
//!   the gz member's own path as the prefix (no extra `!dump.tar` level).
//!
//! Both routes are simple for the caller and neither buffers the stream.
//!
//! # Accounting
//!
//! [`Limits::max_total_bytes`] counts bytes produced by decompression (and
//! sparse tar holes) once, where they are produced: a stored zip member or
//! the members of an uncompressed tar are input, not expansion. Member
//! count and per-member limits apply at every level. A member cut off by a
//! limit is first passed to [`MemberSink::member`] (the sink has seen its
//! prefix), then reported to [`MemberSink::skipped`]; a budget-wide limit
//! ([`SkipReason::is_budget_wide`]) also stops the read with
//! [`ErrorKind::LimitExceeded`]. Declared sizes in headers are never
//! trusted, only the bytes actually produced.
#![deny(missing_docs)]

mod error;
mod gzip;
mod limits;
mod tar;
mod zip;

use std::io::{self, Read};

pub use crate::error::{Error, ErrorKind, LimitExceeded, SkipReason};
pub use crate::gzip::{gunzip_prefix, read_gzip};
pub use crate::limits::{Budget, ByteCount, Counted, Limited, Limits, RATIO_CHECK_AFTER};
pub use crate::tar::read_tar;
pub use crate::zip::read_zip;

/// How many leading bytes [`detect`] needs to see a tar (the `ustar` magic
/// sits at offset 257).
pub const DETECT_LEN: usize = 262;

/// An archive format this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// Zip (including zip64 and empty archives); read with [`read_zip`].
    Zip,
    /// POSIX or GNU tar; read with [`read_tar`].
    Tar,
    /// Gzip, which may hold a tar; see the crate docs.
    Gzip,
}

/// Recognises an archive by its magic bytes: zip `PK\x03\x04`, `PK\x05\x06`
/// (empty) or `PK\x07\x08` (spanned); gzip `1f 8b`; tar by `ustar` at offset
/// 257 (POSIX and GNU), which needs [`DETECT_LEN`] bytes. Old v7 tars have no
/// magic and are not recognised.
///
/// ```
/// use scour_archive::{detect, ArchiveKind};
///
/// assert_eq!(detect(b"PK\x03\x04\x14\x00"), Some(ArchiveKind::Zip));
/// assert_eq!(detect(b"\x1f\x8b\x08\x00"), Some(ArchiveKind::Gzip));
/// assert_eq!(detect(b"{\"tickets\": []}"), None);
/// ```
pub fn detect(prefix: &[u8]) -> Option<ArchiveKind> {
    match prefix {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] | [b'P', b'K', 7, 8, ..] => {
            Some(ArchiveKind::Zip)
        }
        [0x1f, 0x8b, ..] => Some(ArchiveKind::Gzip),
        _ if prefix.get(257..262) == Some(b"ustar") => Some(ArchiveKind::Tar),
        _ => None,
    }
}

/// Receives the members of an archive, in archive order.
///
/// A sink that opens nested archives keeps a [`Budget::share`] handle and
/// its depth. Here it reads zips into memory and streams the rest, naming
/// members `outer!inner`:
///
/// ```
/// use std::io::{Cursor, Read, Write};
/// use scour_archive::*;
///
/// struct Walk { path: String, depth: u32, budget: Budget, out: Vec<String> }
///
/// impl MemberSink for Walk {
///     fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
///         let path = format!("{}!{name}", self.path);
///         let mut head = Vec::new();
///         (&mut *data).take(DETECT_LEN as u64).read_to_end(&mut head)?;
///         let mut data = Cursor::new(head).chain(data);
///         let kind = detect(data.get_ref().0.get_ref());
///         if kind.is_none() || self.depth == self.budget.limits().max_depth {
///             let mut text = String::new();
///             data.read_to_string(&mut text)?;
///             self.out.push(format!("{path}: {text}"));
///             return Ok(());
///         }
///         let mut inner = Walk {
///             path, depth: self.depth + 1, budget: self.budget.share(), out: Vec::new(),
///         };
///         let mut budget = self.budget.share();
///         let result = match kind.unwrap() {
///             ArchiveKind::Zip => {
///                 let mut bytes = Vec::new();
///                 data.read_to_end(&mut bytes)?;
///                 read_zip(Cursor::new(bytes), &mut budget, &mut inner)
///             }
///             ArchiveKind::Tar => read_tar(data, false, &mut budget, &mut inner),
///             ArchiveKind::Gzip => {
///                 let stem = name.strip_suffix(".gz").unwrap_or(name);
///                 read_gzip(data, stem, &mut budget, &mut inner)
///             }
///         };
///         self.out.append(&mut inner.out);
///         match result {
///             // The whole input is spent: tell the outer reader.
///             Err(e) if matches!(e.kind(), ErrorKind::LimitExceeded(_)) => Err(e.into()),
///             // A damaged nested archive is a finding, not a reason to stop.
///             Err(e) => {
///                 self.out.push(format!("{}: {e}", inner.path));
///                 Ok(())
///             }
///             Ok(()) => Ok(()),
///         }
///     }
///     fn skipped(&mut self, name: &str, reason: SkipReason) {
///         self.out.push(format!("{}!{name}: {reason}", self.path));
///     }
/// }
///
/// // A zip holding a gzipped note.
/// let mut gz = flate2::write::GzEncoder::new(Vec::new(), Default::default());
/// gz.write_all(b"password=fake").unwrap();
/// let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
/// zip.start_file("note.txt.gz", zip::write::SimpleFileOptions::default()).unwrap();
/// zip.write_all(&gz.finish().unwrap()).unwrap();
/// let zip = zip.finish().unwrap().into_inner();
///
/// let mut budget = Budget::new(Limits::default());
/// let mut walk = Walk { path: "t.zip".into(), depth: 0, budget: budget.share(), out: vec![] };
/// read_zip(Cursor::new(zip), &mut budget, &mut walk).unwrap();
/// assert_eq!(walk.out, ["t.zip!note.txt.gz!note.txt: password=fake"]);
/// assert_eq!(budget.members(), 2);
/// ```
pub trait MemberSink {
    /// One regular-file member.
    ///
    /// `name` is the member path exactly as stored: never resolved against
    /// any directory, so `../x` and `/abs/x` are just names. `data` yields
    /// the decompressed bytes, counted against the budget; reading past a
    /// limit returns an [`io::Error`] of kind `Other` whose inner error is a
    /// [`LimitExceeded`], and the member is then also reported to
    /// [`skipped`](MemberSink::skipped). The sink may read all, part or none
    /// of `data`.
    ///
    /// Returning an error that is not about a limit stops the archive with
    /// [`ErrorKind::Sink`].
    fn member(&mut self, name: &str, data: &mut dyn Read) -> io::Result<()>;

    /// A member that was not delivered, or was cut off, and why.
    fn skipped(&mut self, name: &str, reason: SkipReason);
}

/// How handing one member to the sink went.
pub(crate) enum Delivered {
    /// The sink is done with it.
    Ok,
    /// A limit cut it off; the sink has been told.
    Skipped,
    /// Reading its data failed: damage, or the end of an enclosing member.
    /// The caller decides whether the archive can go on.
    Damaged(io::Error),
}

/// Counts a member against the budget; past the limit, reports it and stops.
pub(crate) fn admit(budget: &Budget, sink: &mut dyn MemberSink, name: &str) -> Result<(), Error> {
    budget.count_member().map_err(|reason| {
        sink.skipped(name, reason.clone());
        Error::new(ErrorKind::LimitExceeded(reason))
    })
}

/// Hands one metered member to the sink and sorts out what happened.
pub(crate) fn deliver<R: Read>(
    sink: &mut dyn MemberSink,
    name: &str,
    data: &mut Limited<R>,
) -> Result<Delivered, Error> {
    let result = sink.member(name, data);
    if let Some(reason) = data.exceeded() {
        return skip(sink, name, reason.clone());
    }
    if let Some(err) = data.failure() {
        return Ok(Delivered::Damaged(err));
    }
    match result {
        Ok(()) => Ok(Delivered::Ok),
        Err(err) => match LimitExceeded::find(&err) {
            Some(reason) => skip(sink, name, reason),
            None => Err(Error::new(ErrorKind::Sink(err))),
        },
    }
}

fn skip(sink: &mut dyn MemberSink, name: &str, reason: SkipReason) -> Result<Delivered, Error> {
    sink.skipped(name, reason.clone());
    match reason.is_budget_wide() {
        true => Err(Error::new(ErrorKind::LimitExceeded(reason))),
        false => Ok(Delivered::Skipped),
    }
}
