//! The error of a rewrite that could not finish.

use std::fmt;
use std::io;

/// A rewrite failed: reading the input or writing the output broke, or a
/// container was damaged beyond rewriting. The output is then incomplete
/// and must not replace anything.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    name: String,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing.
    Io(io::Error),
    /// A zip archive could not be read or written.
    Zip(String),
}

impl Error {
    pub(crate) fn io(name: &str, e: io::Error) -> Error {
        Error {
            kind: ErrorKind::Io(e),
            name: name.to_string(),
        }
    }

    pub(crate) fn zip(name: &str, e: impl fmt::Display) -> Error {
        Error {
            kind: ErrorKind::Zip(e.to_string()),
            name: name.to_string(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The input or member it happened in (`outer!member`).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "{}: {e}", self.name),
            ErrorKind::Zip(e) => write!(f, "{}: zip: {e}", self.name),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Zip(_) => None,
        }
    }
}
