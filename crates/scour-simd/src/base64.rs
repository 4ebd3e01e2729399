//! Base64 runs on class masks; see [`crate::scalar::base64_runs`] for what
//! a run is.
//!
//! Per 64-byte block: a run ends at the first byte outside both base64
//! alphabets, and it mixes cases if its span meets both letter masks.

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
        Base64Runs {
            blocks: Blocks::new(text),
            min,
            variant,
        }
    }
}

impl<'t> Iterator for Base64Runs<'t> {
    type Item = &'t [u8];

    fn next(&mut self) -> Option<&'t [u8]> {
        let (b, min) = (&mut self.blocks, self.min);
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
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
pub(crate) unsafe fn next_masked<V: Vector>(
    b: &mut Blocks<'_>,
    min: usize,
) -> Option<(usize, usize)> {
    // SAFETY (every block load below): forwarded from the caller.
    while let Some(start) = unsafe { b.find::<V, Base64Classes>(B64) } {
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
            from = 0;
            unsafe { b.load::<V, Base64Classes>(b.base + 64) };
        };
        b.pos = crate::scalar::pad_end(b.hay, end);
        if end - start >= min && upper && lower {
            return Some((start, b.pos));
        }
    }
    b.pos = b.hay.len();
    None
}
