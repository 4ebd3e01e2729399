//! Digit runs on class masks; see [`crate::scalar::digit_runs`] for what a
//! run is.
//!
//! Per 64-byte block: a run breaks at the first byte that is neither a
//! digit nor a separator, or at the third separator in a row; its digits
//! are a popcount and its last digit a leading-zero count.

use crate::blocks::{below_bit, from_bit, Blocks};
use crate::scalar::{finish_run, DigitRun};
use crate::vector::{DigitClasses, Vector};
use crate::Variant;

const DIGIT: usize = 0;

/// Iterator over digit runs, returned by [`crate::Kernels::digit_runs`].
pub struct DigitRuns<'h> {
    blocks: Blocks<'h>,
    min: usize,
    variant: Variant,
}

impl<'h> DigitRuns<'h> {
    pub(crate) fn new(variant: Variant, hay: &'h [u8], min: usize) -> Self {
        DigitRuns {
            blocks: Blocks::new(hay),
            min,
            variant,
        }
    }
}

impl Iterator for DigitRuns<'_> {
    type Item = DigitRun;

    fn next(&mut self) -> Option<DigitRun> {
        let (b, min) = (&mut self.blocks, self.min);
        match self.variant {
            // SAFETY (all three): a `DigitRuns` gets its variant from a
            // `Kernels`, which exists only for variants the CPU runs.
            #[cfg(target_arch = "x86_64")]
            Variant::Sse2 => unsafe { crate::arch::x86_64::digit_next_sse2(b, min) },
            #[cfg(target_arch = "x86_64")]
            Variant::Avx2 => unsafe { crate::arch::x86_64::digit_next_avx2(b, min) },
            #[cfg(target_arch = "aarch64")]
            Variant::Neon => unsafe { crate::arch::aarch64::digit_next_neon(b, min) },
            _ => crate::scalar::digit_step(b.hay, min, &mut b.pos),
        }
    }
}

/// The next run, on masks made with `V`.
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
pub(crate) unsafe fn next_masked<V: Vector>(b: &mut Blocks<'_>, min: usize) -> Option<DigitRun> {
    // SAFETY (every block load below): forwarded from the caller.
    while let Some(start) = unsafe { b.find::<V, DigitClasses>(DIGIT) } {
        let [d, s, _] = b.masks;
        let from = start - b.base;
        // A run breaks at a byte in neither class or at a third separator
        // in a row. No triple that matters reaches back before `start`: it
        // would include `start`, a digit; so triples need no bits from the
        // block before.
        let stop = (!(d | s) | s & s << 1 & s << 2) & from_bit(from);
        if stop == 0 {
            if let Some(run) = unsafe { cross_blocks::<V>(b, start, min) } {
                return Some(run);
            }
            continue;
        }
        // The common case, a run that ends in its block: a tight loop.
        let e = stop.trailing_zeros();
        b.pos = b.base + e as usize;
        let dm = d & from_bit(from) & below_bit(e);
        let digits = dm.count_ones() as usize;
        let last = b.base + 63 - dm.leading_zeros() as usize;
        if let Some(run) = finish_run(b.hay, start, last + 1, digits, min) {
            return Some(run);
        }
    }
    b.pos = b.hay.len();
    None
}

/// A run starting at `start` that reaches the end of its block: follows
/// it block by block, carrying the separators across each seam.
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
unsafe fn cross_blocks<V: Vector>(
    b: &mut Blocks<'_>,
    start: usize,
    min: usize,
) -> Option<DigitRun> {
    let (mut digits, mut last) = (0usize, start);
    let mut prev_sep = 0u64;
    let mut from = start - b.base;
    let end = loop {
        let [d, s, _] = b.masks;
        let triple = s & (s << 1 | prev_sep >> 63) & (s << 2 | prev_sep >> 62);
        let live = from_bit(from);
        let stop = (!(d | s) | triple) & live;
        let span = if stop == 0 {
            live
        } else {
            live & below_bit(stop.trailing_zeros())
        };
        let dm = d & span;
        digits += dm.count_ones() as usize;
        if dm != 0 {
            last = b.base + 63 - dm.leading_zeros() as usize;
        }
        if stop != 0 {
            break b.base + stop.trailing_zeros() as usize;
        }
        // The whole block was in the run, so it lay inside the haystack
        // and the next block starts at or before its end.
        prev_sep = s;
        from = 0;
        // SAFETY: forwarded from the caller.
        unsafe { b.load::<V, DigitClasses>(b.base + 64) };
    };
    b.pos = end;
    finish_run(b.hay, start, last + 1, digits, min)
}
