//! Why a member was skipped, and why reading an archive stopped.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// Why a member was not delivered, or was cut off part-way.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The member decompressed to more than [`Limits::max_member_bytes`](crate::Limits::max_member_bytes).
    TooLarge,
    /// The member's decompressed/compressed ratio went over [`Limits::max_ratio`](crate::Limits::max_ratio).
    RatioExceeded,
    /// The whole input expanded to more than [`Limits::max_total_bytes`](crate::Limits::max_total_bytes).
    TotalBytesExceeded,
    /// The whole input has more than [`Limits::max_members`](crate::Limits::max_members) members.
    TooManyMembers,
    /// The member is encrypted (zip traditional or AES encryption).
    Encrypted,
    /// The member uses a compression method this crate does not read.
    UnsupportedCompression,
    /// A directory, symlink, hard link, device or FIFO.
    NotAFile,
    /// The member's data is damaged; the text says how.
    Corrupt(String),
}

impl SkipReason {
    /// A short, stable key for reports and counters.
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::TooLarge => "archive: member too large",
            SkipReason::RatioExceeded => "archive: compression ratio too high",
            SkipReason::TotalBytesExceeded => "archive: total expanded size too large",
            SkipReason::TooManyMembers => "archive: too many members",
            SkipReason::Encrypted => "archive: member encrypted",
            SkipReason::UnsupportedCompression => "archive: unsupported compression",
            SkipReason::NotAFile => "archive: not a regular file",
            SkipReason::Corrupt(_) => "archive: member corrupt",
        }
    }

    /// Whether the limit is spent for the whole top-level input, so that no
    /// later member can be read either.
    pub fn is_budget_wide(&self) -> bool {
        matches!(
            self,
            SkipReason::TotalBytesExceeded | SkipReason::TooManyMembers
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Corrupt(why) => write!(f, "{}: {why}", self.as_str()),
            _ => f.write_str(self.as_str()),
        }
    }
}

/// The error inside the [`io::Error`] that a [`Limited`](crate::Limited)
/// reader returns once a limit is reached (its kind is
/// [`io::ErrorKind::Other`]).
///
/// ```
/// use scour_archive::{LimitExceeded, SkipReason};
///
/// let e = std::io::Error::other(LimitExceeded(SkipReason::TooLarge));
/// assert_eq!(LimitExceeded::find(&e), Some(SkipReason::TooLarge));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitExceeded(pub SkipReason);

impl LimitExceeded {
    /// The limit behind `err`, if there is one anywhere in its chain of
    /// sources (decoders and the tar reader sometimes wrap errors).
    pub fn find(err: &io::Error) -> Option<SkipReason> {
        let mut cur: Option<&(dyn StdError + 'static)> = err.get_ref().map(|e| e as _);
        while let Some(e) = cur {
            if let Some(limit) = e.downcast_ref::<LimitExceeded>() {
                return Some(limit.0.clone());
            }
            cur = match e.downcast_ref::<io::Error>() {
                Some(io) => io.get_ref().map(|e| e as _),
                None => e.source(),
            };
        }
        None
    }

    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl StdError for LimitExceeded {}

/// Reading an archive stopped early.
///
/// Members read before the problem have already been delivered to the sink.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

/// What stopped the reading of an archive.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    Io(io::Error),
    /// The archive's structure is damaged.
    Corrupt(String),
    /// The archive ends before its structure does.
    Truncated(String),
    /// A limit for the whole top-level input was reached
    /// ([`SkipReason::is_budget_wide`]); the member that reached it was
    /// reported as skipped.
    LimitExceeded(SkipReason),
    /// The sink's [`member`](crate::MemberSink::member) returned this error,
    /// which was not about a limit.
    Sink(io::Error),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What happened, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// Sorts an I/O error from an archive reader or decoder: a limit, a
    /// truncation, damage, or a plain I/O failure.
    pub(crate) fn from_read(err: io::Error) -> Error {
        if let Some(reason) = LimitExceeded::find(&err) {
            return Error::new(ErrorKind::LimitExceeded(reason));
        }
        let kind = match err.kind() {
            io::ErrorKind::UnexpectedEof => ErrorKind::Truncated(err.to_string()),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
                ErrorKind::Corrupt(err.to_string())
            }
            _ => ErrorKind::Io(err),
        };
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "archive: read failed: {e}"),
            ErrorKind::Corrupt(why) => write!(f, "archive: corrupt: {why}"),
            ErrorKind::Truncated(why) => write!(f, "archive: truncated: {why}"),
            ErrorKind::LimitExceeded(reason) => write!(f, "{reason}; stopped reading"),
            ErrorKind::Sink(e) => write!(f, "archive: member handler failed: {e}"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) | ErrorKind::Sink(e) => Some(e),
            _ => None,
        }
    }
}

/// Lets a sink that reads a nested archive pass its error up with `?`: a
/// budget-wide limit stays recognisable through [`LimitExceeded::find`].
impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        match err.kind {
            ErrorKind::Io(e) | ErrorKind::Sink(e) => e,
            ErrorKind::LimitExceeded(reason) => LimitExceeded(reason).into_io(),
            ErrorKind::Truncated(_) => io::Error::new(io::ErrorKind::UnexpectedEof, err),
            ErrorKind::Corrupt(_) => io::Error::new(io::ErrorKind::InvalidData, err),
        }
    }
}
