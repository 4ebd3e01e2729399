//! Limits, the budget they are spent from, and the readers that spend it.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{LimitExceeded, SkipReason};

/// The ratio limit is only checked once a member has produced this much, so
/// that small, very repetitive files (a run of spaces) are not cut off.
pub const RATIO_CHECK_AFTER: u64 = 1 << 20;

/// Limits against archive bombs, for one top-level input and everything
/// nested in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Nesting levels the caller may open. This crate does not recurse, so
    /// the caller enforces it; it lives here so one value carries every limit.
    pub max_depth: u32,
    /// Decompressed bytes across the whole top-level input, nested levels
    /// included. Only bytes a decompressor (or a sparse tar member) produces
    /// count: a stored zip member or a plain tar member is input, not
    /// expansion, so a `.tar.gz` is not counted twice.
    pub max_total_bytes: u64,
    /// Decompressed/compressed ratio above which a member is cut off, checked
    /// once it has produced more than [`RATIO_CHECK_AFTER`] bytes. Deflate
    /// tops out near 1032:1 and ordinary logs, JSON and HAR compress 10 to
    /// 50:1, so the default of 250 cuts off single-layer bombs while leaving
    /// real data alone; the byte limits are the backstop.
    pub max_ratio: u64,
    /// Members (of any type) across the whole top-level input.
    pub max_members: u64,
    /// Decompressed size of one member.
    pub max_member_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 3,
            max_total_bytes: 4 << 30,
            max_ratio: 250,
            max_members: 1_000_000,
            max_member_bytes: 1 << 30,
        }
    }
}

/// The limits plus what has been spent, shared by one top-level input and all
/// archives nested in it.
///
/// [`Budget::share`] gives another handle on the same counters, so that a
/// sink can read a nested archive while the outer one holds `&mut Budget`.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    spent: Arc<Spent>,
}

#[derive(Debug, Default)]
struct Spent {
    bytes: AtomicU64,
    members: AtomicU64,
}

impl Budget {
    /// A fresh budget for one top-level input.
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            spent: Arc::default(),
        }
    }

    /// A handle on the same limits and counters.
    pub fn share(&self) -> Budget {
        Budget {
            limits: self.limits.clone(),
            spent: Arc::clone(&self.spent),
        }
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Decompressed bytes produced so far.
    pub fn bytes_expanded(&self) -> u64 {
        self.spent.bytes.load(Ordering::Relaxed)
    }

    /// Members seen so far, delivered or not.
    pub fn members(&self) -> u64 {
        self.spent.members.load(Ordering::Relaxed)
    }

    /// Counts one more member; refuses it once there are too many.
    pub(crate) fn count_member(&self) -> Result<(), SkipReason> {
        let seen = self.spent.members.fetch_add(1, Ordering::Relaxed) + 1;
        if seen > self.limits.max_members {
            return Err(SkipReason::TooManyMembers);
        }
        Ok(())
    }

    fn bytes_left(&self) -> u64 {
        self.limits
            .max_total_bytes
            .saturating_sub(self.bytes_expanded())
    }

    fn spend(&self, n: u64) {
        self.spent.bytes.fetch_add(n, Ordering::Relaxed);
    }
}

/// A running count of bytes read through a [`Counted`] reader; clones share it.
#[derive(Clone, Debug, Default)]
pub struct ByteCount(Arc<AtomicU64>);

impl ByteCount {
    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counts the bytes read through it, typically the compressed input under a
/// decoder, so that a [`Limited`] over the decoder can compute the ratio.
#[derive(Debug)]
pub struct Counted<R> {
    inner: R,
    count: ByteCount,
}

impl<R> Counted<R> {
    /// Wraps `inner` with a fresh count.
    pub fn new(inner: R) -> Counted<R> {
        Counted {
            inner,
            count: ByteCount::default(),
        }
    }

    /// A handle on the count, which goes on counting after `self` moves into
    /// a decoder.
    pub fn count(&self) -> ByteCount {
        self.count.clone()
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Meters a decompressing reader against a [`Budget`].
///
/// Every read is capped so that the member never goes over
/// [`Limits::max_member_bytes`] nor the input over [`Limits::max_total_bytes`];
/// the read that would cross a limit, or that takes the ratio over
/// [`Limits::max_ratio`], fails with an [`io::Error`] of kind `Other` whose
/// inner error is a [`LimitExceeded`], and so does every read after it.
///
/// ```
/// use std::io::Read;
/// use scour_archive::{Budget, Limited, LimitExceeded, Limits, SkipReason};
///
/// let budget = Budget::new(Limits { max_member_bytes: 4, ..Limits::default() });
/// let mut body = Limited::new(&b"0123456789"[..], &budget);
/// let mut out = Vec::new();
/// let err = body.read_to_end(&mut out).unwrap_err();
/// assert_eq!(out, b"0123");
/// assert_eq!(LimitExceeded::find(&err), Some(SkipReason::TooLarge));
/// assert_eq!(body.exceeded(), Some(&SkipReason::TooLarge));
/// assert_eq!(budget.bytes_expanded(), 4);
/// ```
#[derive(Debug)]
pub struct Limited<R> {
    inner: R,
    budget: Budget,
    produced: u64,
    /// Count bytes against the whole input's total.
    expands: bool,
    /// Cap at one member's size.
    is_member: bool,
    /// Compressed input consumed since the start, as a count and its start.
    input: Option<(ByteCount, u64)>,
    /// Input that a buffer above the count may have read before the start
    /// but that belongs to this member.
    read_ahead: u64,
    compressed_size: Option<u64>,
    exceeded: Option<SkipReason>,
    /// The first error from the inner reader that was not this input's own
    /// limit: its kind, text, and the limit behind it (an enclosing
    /// member's, when reading a nested archive straight from its parent).
    failed: Option<(io::ErrorKind, String, Option<SkipReason>)>,
}

impl<R> Limited<R> {
    /// Meters `inner`, the decompressed body of one member, against `budget`
    /// (the handle shares its counters).
    pub fn new(inner: R, budget: &Budget) -> Limited<R> {
        Limited {
            inner,
            budget: budget.share(),
            produced: 0,
            expands: true,
            is_member: true,
            input: None,
            read_ahead: 0,
            compressed_size: None,
            exceeded: None,
            failed: None,
        }
    }

    /// Takes every byte read through `count`, before and after this call,
    /// as this member's input, for the ratio limit. Wrap the compressed body
    /// in a fresh [`Counted`] before building its decoder (decoders read a
    /// header, and often a buffer's worth, as they are built).
    pub fn with_input(mut self, count: &ByteCount) -> Limited<R> {
        self.input = Some((count.clone(), 0));
        self
    }

    /// Like [`with_input`](Limited::with_input), but counting only from now
    /// on: the count spans a whole archive of which this is one member.
    pub(crate) fn with_input_from_now(mut self, count: &ByteCount) -> Limited<R> {
        self.input = Some((count.clone(), count.get()));
        self
    }

    /// Takes `size` (say a zip header's compressed size) as an upper bound on
    /// this member's input, for the ratio limit.
    pub fn with_compressed_size(mut self, size: u64) -> Limited<R> {
        self.compressed_size = Some(size);
        self
    }

    /// Allows for a buffer of `n` bytes between the count and the decoder:
    /// input read ahead before this member started may be this member's.
    pub(crate) fn with_read_ahead(mut self, n: u64) -> Limited<R> {
        self.read_ahead = n;
        self
    }

    /// Does not count against the total: the bytes are input, not expansion
    /// (a stored zip member, a tar member over an already metered stream).
    pub(crate) fn not_expanding(mut self) -> Limited<R> {
        self.expands = false;
        self
    }

    /// Meters a whole decompressed stream (the tar inside a `.tar.gz`)
    /// against the total only; its members are metered one by one above it.
    pub(crate) fn stream(mut self) -> Limited<R> {
        self.is_member = false;
        self
    }

    /// Bytes handed out so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// The limit this reader reached, if any.
    pub fn exceeded(&self) -> Option<&SkipReason> {
        self.exceeded.as_ref()
    }

    /// The first error from the inner reader other than a budget-wide limit
    /// (the member's data is damaged, or an enclosing member was cut off),
    /// rebuilt so that a limit stays recognisable.
    pub(crate) fn failure(&self) -> Option<io::Error> {
        let (kind, text, limit) = self.failed.as_ref()?;
        Some(match limit {
            Some(reason) => LimitExceeded(reason.clone()).into_io(),
            None => io::Error::new(*kind, text.clone()),
        })
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn compressed(&self) -> Option<u64> {
        let counted = self
            .input
            .as_ref()
            .map(|(count, start)| count.get() - start + self.read_ahead);
        match (counted, self.compressed_size) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn trip(&mut self, reason: SkipReason) -> io::Error {
        self.exceeded = Some(reason.clone());
        LimitExceeded(reason).into_io()
    }

    /// Passes an inner error on, remembering it. A budget-wide limit reached
    /// further down (the stream under a tar member) is this reader's too.
    fn inner_error(&mut self, err: io::Error) -> io::Error {
        if err.kind() == io::ErrorKind::Interrupted {
            return err;
        }
        match LimitExceeded::find(&err) {
            // A fresh error, so that its inner error is the LimitExceeded
            // itself, whatever wrapped it on the way up.
            Some(reason) if reason.is_budget_wide() => return self.trip(reason),
            limit if self.failed.is_none() => {
                self.failed = Some((err.kind(), err.to_string(), limit));
            }
            _ => {}
        }
        err
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(reason) = &self.exceeded {
            return Err(LimitExceeded(reason.clone()).into_io());
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let max_member_bytes = self.budget.limits().max_member_bytes;
        let max_ratio = self.budget.limits().max_ratio;
        let member_left = match self.is_member {
            true => max_member_bytes.saturating_sub(self.produced),
            false => u64::MAX,
        };
        let total_left = match self.expands {
            true => self.budget.bytes_left(),
            false => u64::MAX,
        };
        let allowed = member_left.min(total_left);
        if allowed == 0 {
            // At a limit: the member fits exactly if it ends here, and has
            // gone over if there is even one byte more.
            let mut probe = [0u8; 1];
            let n = self
                .inner
                .read(&mut probe)
                .map_err(|e| self.inner_error(e))?;
            if n == 0 {
                return Ok(0);
            }
            let reason = match member_left {
                0 => SkipReason::TooLarge,
                _ => SkipReason::TotalBytesExceeded,
            };
            return Err(self.trip(reason));
        }
        let want = buf
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        let n = self
            .inner
            .read(&mut buf[..want])
            .map_err(|e| self.inner_error(e))?;
        self.produced += n as u64;
        if self.expands {
            self.budget.spend(n as u64);
        }
        if self.is_member && self.produced > RATIO_CHECK_AFTER {
            if let Some(compressed) = self.compressed() {
                let ceiling = compressed.max(1).saturating_mul(max_ratio);
                if self.produced > ceiling {
                    return Err(self.trip(SkipReason::RatioExceeded));
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(limits: Limits) -> Budget {
        Budget::new(limits)
    }

    #[test]
    fn exact_fit_is_not_exceeded() {
        let b = budget(Limits {
            max_member_bytes: 10,
            ..Limits::default()
        });
        let mut r = Limited::new(&b"0123456789"[..], &b);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 10);
        assert_eq!(r.exceeded(), None);
    }

    #[test]
    fn total_is_shared_and_sticky() {
        let b = budget(Limits {
            max_total_bytes: 15,
            ..Limits::default()
        });
        let mut first = Limited::new(&b"0123456789"[..], &b);
        io::copy(&mut first, &mut io::sink()).unwrap();
        let mut second = Limited::new(&b"0123456789"[..], &b);
        let mut out = Vec::new();
        let err = second.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, b"01234");
        assert_eq!(
            LimitExceeded::find(&err),
            Some(SkipReason::TotalBytesExceeded)
        );
        assert!(second.read(&mut [0; 4]).is_err());
        assert_eq!(b.bytes_expanded(), 15);
    }

    #[test]
    fn inner_budget_limit_is_adopted() {
        let b = budget(Limits {
            max_total_bytes: 3,
            ..Limits::default()
        });
        let inner = Limited::new(&b"0123456789"[..], &b).stream();
        let mut outer = Limited::new(inner, &b).not_expanding();
        let err = io::copy(&mut outer, &mut io::sink()).unwrap_err();
        assert_eq!(
            LimitExceeded::find(&err),
            Some(SkipReason::TotalBytesExceeded)
        );
        assert_eq!(outer.exceeded(), Some(&SkipReason::TotalBytesExceeded));
        assert!(outer.failure().is_none());
    }

    #[test]
    fn not_expanding_skips_the_total() {
        let b = budget(Limits {
            max_total_bytes: 5,
            ..Limits::default()
        });
        let mut r = Limited::new(&b"0123456789"[..], &b).not_expanding();
        io::copy(&mut r, &mut io::sink()).unwrap();
        assert_eq!(b.bytes_expanded(), 0);
    }

    #[test]
    fn ratio_uses_the_smaller_input_measure() {
        let b = budget(Limits {
            max_ratio: 10,
            ..Limits::default()
        });
        let zeros = vec![0u8; 4 << 20];
        let mut r = Limited::new(&zeros[..], &b).with_compressed_size(200_000);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert_eq!(LimitExceeded::find(&err), Some(SkipReason::RatioExceeded));
        assert!(r.produced() > 2_000_000 && r.produced() <= 2_000_000 + (64 << 10));
    }

    #[test]
    fn inner_member_limit_is_a_failure() {
        let b = budget(Limits {
            max_member_bytes: 3,
            ..Limits::default()
        });
        let inner = Limited::new(&b"0123456789"[..], &b);
        let mut outer = Limited::new(inner, &b).not_expanding().stream();
        let err = io::copy(&mut outer, &mut io::sink()).unwrap_err();
        assert_eq!(LimitExceeded::find(&err), Some(SkipReason::TooLarge));
        assert_eq!(outer.exceeded(), None);
        let failure = outer.failure().unwrap();
        assert_eq!(LimitExceeded::find(&failure), Some(SkipReason::TooLarge));
    }
}
