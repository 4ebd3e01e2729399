//! NEON (16-byte) vectors; NEON is part of every aarch64 Linux target.

use std::arch::aarch64::*;

use crate::blocks::Blocks;
use crate::scalar::DigitRun;
use crate::vector::Vector;

/// A NEON register of 16 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Neon(uint8x16_t);

/// Bit `i % 8` for lane `i`: and-ed with a comparison result, then added
/// up per half, it gives the lanes' top bits as a 16-bit mask (NEON has no
/// movemask instruction).
const LANE_BITS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];

impl Vector for Neon {
    const BYTES: usize = 16;
    const FAST_LOOKUP: bool = true;

    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller vouches for 16 readable bytes; vld1q_u8 has
        // no alignment requirement beyond a byte.
        Neon(unsafe { vld1q_u8(p) })
    }

    #[inline(always)]
    unsafe fn eq(self, b: u8) -> Self {
        // SAFETY: NEON is baseline on aarch64.
        Neon(unsafe { vceqq_u8(self.0, vdupq_n_u8(b)) })
    }

    #[inline(always)]
    unsafe fn in_range(self, lo: u8, hi: u8) -> Self {
        // SAFETY: NEON is baseline on aarch64.
        unsafe {
            let t = vsubq_u8(self.0, vdupq_n_u8(lo));
            Neon(vcleq_u8(t, vdupq_n_u8(hi.wrapping_sub(lo))))
        }
    }

    #[inline(always)]
    unsafe fn lookup(self, lo: &[u8; 16], hi: &[u8; 16]) -> Self {
        // `tbl` gives 0 for an index past the table; both nibbles are in it.
        // SAFETY: the tables are 16 readable bytes each; NEON is baseline
        // on aarch64.
        unsafe {
            let l = vqtbl1q_u8(vld1q_u8(lo.as_ptr()), vandq_u8(self.0, vdupq_n_u8(0x0f)));
            let h = vqtbl1q_u8(vld1q_u8(hi.as_ptr()), vshrq_n_u8::<4>(self.0));
            Neon(vandq_u8(l, h))
        }
    }

    #[inline(always)]
    unsafe fn any(self, bits: u8) -> Self {
        // SAFETY: NEON is baseline on aarch64.
        Neon(unsafe { vtstq_u8(self.0, vdupq_n_u8(bits)) })
    }

    #[inline(always)]
    unsafe fn or(self, other: Self) -> Self {
        // SAFETY: NEON is baseline on aarch64.
        Neon(unsafe { vorrq_u8(self.0, other.0) })
    }

    #[inline(always)]
    unsafe fn mask(self) -> u64 {
        // SAFETY: NEON is baseline on aarch64; LANE_BITS is 16 bytes.
        unsafe {
            let bits = vandq_u8(self.0, vld1q_u8(LANE_BITS.as_ptr()));
            let lo = vaddv_u8(vget_low_u8(bits));
            let hi = vaddv_u8(vget_high_u8(bits));
            u64::from(lo) | u64::from(hi) << 8
        }
    }
}

/// The next digit run with NEON.
///
/// # Safety
/// None beyond aarch64 itself; `unsafe` to match the x86-64 entry points.
pub(crate) unsafe fn digit_next_neon(b: &mut Blocks<'_>, min: usize) -> Option<DigitRun> {
    // SAFETY: NEON is baseline on aarch64.
    unsafe { crate::digits::next_masked::<Neon>(b, min) }
}

/// The next base64 run with NEON.
///
/// # Safety
/// None beyond aarch64 itself; `unsafe` to match the x86-64 entry points.
pub(crate) unsafe fn base64_next_neon(b: &mut Blocks<'_>, min: usize) -> Option<(usize, usize)> {
    // SAFETY: NEON is baseline on aarch64.
    unsafe { crate::base64::next_masked::<Neon>(b, min) }
}
