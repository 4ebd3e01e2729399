//! State that outlives one scan: baselines of accepted findings, and the
//! resumable `--db` scan state.
//!
//! A [`Baseline`] keys findings by rule and fingerprint only, so CI can
//! report just what is new. A [`StateDb`] records, as a bulk scan goes,
//! each file's path, size, modification time and content hash together
//! with its findings, so that a scan killed part-way resumes without
//! rescanning finished files, and identical contents under several paths
//! are scanned once.
//!
//! ```
//! use scour_state::{Baseline, FileMeta, StateDb};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut db = StateDb::open(&dir.path().join("state.db")).unwrap();
//! let meta = FileMeta { size: 3, mtime_ns: 1 };
//! assert!(!db.unchanged("a.txt", meta).unwrap());
//! assert!(!db.content_seen("h1").unwrap());
//! db.record_scan("a.txt", meta, "h1", &[]).unwrap();
//! assert!(db.unchanged("a.txt", meta).unwrap());
//! // The same content under another path needs no second scan.
//! assert!(db.content_seen("h1").unwrap());
//!
//! assert!(Baseline::of(&[]).is_empty());
//! ```
#![deny(missing_docs)]

mod baseline;
mod db;

use std::fmt;
use std::path::Path;

pub use baseline::Baseline;
pub use db::{content_hash, FileMeta, StateDb};

/// An error reading or writing state: which file, what went wrong.
#[derive(Debug)]
pub struct Error {
    path: String,
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the file failed.
    Io(std::io::Error),
    /// The SQLite database failed.
    Db(rusqlite::Error),
    /// The file's contents are not what scour wrote.
    Format(String),
}

impl Error {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> Error {
        Error::new(path, ErrorKind::Io(e))
    }

    pub(crate) fn db(path: &Path, e: rusqlite::Error) -> Error {
        Error::new(path, ErrorKind::Db(e))
    }

    pub(crate) fn format(path: &Path, msg: String) -> Error {
        Error::new(path, ErrorKind::Format(msg))
    }

    fn new(path: &Path, kind: ErrorKind) -> Error {
        Error {
            path: path.display().to_string(),
            kind,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "{}: {e}", self.path),
            ErrorKind::Db(e) => write!(f, "{}: database: {e}", self.path),
            ErrorKind::Format(m) => write!(f, "{}: {m}", self.path),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests;
