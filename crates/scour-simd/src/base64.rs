//! Base64 runs on class masks; see [`crate::scalar::base64_runs`] for what
//! a run is.
//!
//! Most runs are not reported: they are words, too short or all of one
//! case, and walking a block run by run made the kernel cost some 40
//! instructions per word. Instead two additions per block keep only the
//! mixed runs that end in it, and the first of those long enough is the
//! answer. Only the run that reaches the end of its block is followed
//! block by block, as before.

use crate::blocks::{below_bit, from_bit, Blocks};
use crate::vector::{Base64Classes, Vector};
use crate::Variant;

const B64: usize = 0;
const UPPER: usize = 1;
const LOWER: usize = 2;

/// Iterator over base64 runs, returned by [`crate::Kernels::base64_runs`].
pub struct Base64Runs<'t> {
    blocks: Blocks<'t>,
    min: usize,
    variant: Variant,
}

impl<'t> Base64Runs<'t> {
    pub(crate) fn new(variant: Variant, text: &'t [u8], min: usize) -> Self {
        let mut blocks = Blocks::new(text);
        // A text shorter than `min` holds no run: most texts asked about
        // are short JSON strings, and this spares them the dispatch and
        // the block load.
        if text.len() < min {
            blocks.pos = text.len();
        }
        Base64Runs {
            blocks,
            min,
            variant,
        }
    }
}

impl<'t> Iterator for Base64Runs<'t> {
    type Item = &'t [u8];

    fn next(&mut self) -> Option<&'t [u8]> {
        let (b, min) = (&mut self.blocks, self.min);
        if b.pos >= b.hay.len() {
            return None;
        }
        let span = match self.variant {
            // SAFETY (all three): a `Base64Runs` gets its variant from a
            // `Kernels`, which exists only for variants the CPU runs.
            #[cfg(target_arch = "x86_64")]
            Variant::Sse2 => unsafe { crate::arch::x86_64::base64_next_sse2(b, min) },
            #[cfg(target_arch = "x86_64")]
            Variant::Avx2 => unsafe { crate::arch::x86_64::base64_next_avx2(b, min) },
            #[cfg(target_arch = "aarch64")]
            Variant::Neon => unsafe { crate::arch::aarch64::base64_next_neon(b, min) },
            _ => return crate::scalar::base64_step(b.hay, min, &mut b.pos),
        };
        span.map(|(s, e)| &b.hay[s..e])
    }
}

/// The next run as `start..end` (padding included), on masks made with `V`.
///
/// Where the search goes on, `b.pos`, is never inside a run: it is the
/// text's start, the end of a run or of its padding, or a block's start
/// after a byte outside the class. So the class bits from it are runs
/// that start at or after it, and the letter bits below it are dropped
/// with them (a letter outside `m` would make a false end below).
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
pub(crate) unsafe fn next_masked<V: Vector>(
    b: &mut Blocks<'_>,
    min: usize,
) -> Option<(usize, usize)> {
    loop {
        if b.pos >= b.hay.len() {
            return None;
        }
        // SAFETY: forwarded from the caller.
        unsafe { b.cover::<V, Base64Classes>(b.pos) };
        let live = from_bit(b.pos - b.base);
        let m = b.masks[B64] & live;
        let (upper, lower) = (b.masks[UPPER] & live, b.masks[LOWER] & live);
        // Adding a run's letters to the run carries through its top and
        // sets the bit just past it, a byte outside the class; several
        // letters in one run carry just the same. So `m + letters`, on
        // the bits outside `m`, are the ends of the runs holding a
        // letter. A run whose end would be past the block carries out of
        // the word and is followed below instead.
        let mut ends = m.wrapping_add(upper) & m.wrapping_add(lower) & !m;
        let starts = m & !(m << 1);
        while ends != 0 {
            let end = ends.trailing_zeros();
            // The run's start: the last start bit before its end.
            let start = 63 - (starts & below_bit(end)).leading_zeros();
            if (end - start) as usize >= min {
                let start = b.base + start as usize;
                b.pos = crate::scalar::pad_end(b.hay, b.base + end as usize);
                return Some((start, b.pos));
            }
            ends &= ends - 1;
        }
        if m >> 63 == 0 {
            b.pos = b.base + 64;
            continue;
        }
        // The last run reaches the end of the block.
        let start = b.base + 63 - starts.leading_zeros() as usize;
        // SAFETY: forwarded from the caller.
        if let Some(run) = unsafe { cross_blocks::<V>(b, start, min) } {
            return Some(run);
        }
    }
}

/// A run starting at `start` that reaches the end of its block: follows
/// it block by block, noting the cases of its letters.
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
unsafe fn cross_blocks<V: Vector>(
    b: &mut Blocks<'_>,
    start: usize,
    min: usize,
) -> Option<(usize, usize)> {
    let (mut upper, mut lower) = (false, false);
    let mut from = start - b.base;
    let end = loop {
        let live = from_bit(from);
        let stop = !b.masks[B64] & live;
        let span = if stop == 0 {
            live
        } else {
            live & below_bit(stop.trailing_zeros())
        };
        upper |= b.masks[UPPER] & span != 0;
        lower |= b.masks[LOWER] & span != 0;
        if stop != 0 {
            break b.base + stop.trailing_zeros() as usize;
        }
        // The whole block was in the run, so it lay inside the haystack
        // and the next block starts at or before its end.
        from = 0;
        // SAFETY: forwarded from the caller.
        unsafe { b.load::<V, Base64Classes>(b.base + 64) };
    };
    b.pos = crate::scalar::pad_end(b.hay, end);
    (end - start >= min && upper && lower).then_some((start, b.pos))
}
