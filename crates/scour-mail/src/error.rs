use std::fmt;

/// An error splitting a message into parts.
///
/// [`parts`](crate::parts) returns one only when nothing sensible could be
/// parsed, and then before calling the sink at all, so a caller can fall
/// back to scanning the raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The message is empty (or only blank lines).
    Empty,
    /// The first non-empty line is not a header field (`Name: value`).
    NoHeaders,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Empty => write!(f, "not a message: the input is empty"),
            ErrorKind::NoHeaders => {
                write!(f, "not a message: the first line is not a header field")
            }
        }
    }
}

impl std::error::Error for Error {}
