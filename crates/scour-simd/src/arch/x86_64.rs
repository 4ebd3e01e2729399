//! SSE2 (16-byte) and AVX2 (32-byte) vectors.
//!
//! SSE2 is part of x86-64 itself; AVX2 runs only where
//! `is_x86_feature_detected!("avx2")` said so (see [`crate::Kernels`]).

use std::arch::x86_64::*;

use crate::blocks::Blocks;
use crate::scalar::DigitRun;
use crate::vector::Vector;

/// `x`, through a register LLVM cannot see into.
///
/// LLVM turns a movemask into a vector of 1-bit lanes; joined into a
/// 64-bit mask and then shifted (the three-separators test), that vector
/// was split into single bits, 64 shifts per block, which made the AVX2
/// kernel four times slower than SSE2. An empty `asm!` keeps the mask an
/// integer at no cost.
#[cfg(not(miri))]
#[inline(always)]
fn opaque(mut x: u64) -> u64 {
    // SAFETY: the assembly is empty: it reads and writes nothing but the
    // register holding `x`, which it leaves unchanged.
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

/// Miri runs no assembly, and has no code generation to protect.
#[cfg(miri)]
#[inline(always)]
fn opaque(x: u64) -> u64 {
    x
}

/// An SSE2 register of 16 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Sse2(__m128i);

impl Vector for Sse2 {
    const BYTES: usize = 16;
    /// SSE2 has no byte shuffle (`pshufb` is SSSE3): the classifiers keep
    /// their compares, and `lookup` is a correct but slow fallback.
    const FAST_LOOKUP: bool = false;

    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller vouches for 16 readable bytes; loadu has no
        // alignment requirement.
        Sse2(unsafe { _mm_loadu_si128(p.cast()) })
    }

    #[inline(always)]
    unsafe fn eq(self, b: u8) -> Self {
        // SAFETY: SSE2 is baseline on x86-64.
        Sse2(unsafe { _mm_cmpeq_epi8(self.0, _mm_set1_epi8(b as i8)) })
    }

    #[inline(always)]
    unsafe fn in_range(self, lo: u8, hi: u8) -> Self {
        // SSE2 compares bytes as signed only; `x - lo <= hi - lo` unsigned
        // is `min(x - lo, hi - lo) == x - lo`.
        // SAFETY: SSE2 is baseline on x86-64.
        unsafe {
            let t = _mm_sub_epi8(self.0, _mm_set1_epi8(lo as i8));
            let m = _mm_min_epu8(t, _mm_set1_epi8(hi.wrapping_sub(lo) as i8));
            Sse2(_mm_cmpeq_epi8(m, t))
        }
    }

    #[inline(always)]
    unsafe fn lookup(self, lo: &[u8; 16], hi: &[u8; 16]) -> Self {
        let mut bytes = [0u8; 16];
        // SAFETY: `bytes` is 16 writable bytes; SSE2 is baseline on x86-64.
        unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), self.0) };
        for b in &mut bytes {
            *b = lo[usize::from(*b & 15)] & hi[usize::from(*b >> 4)];
        }
        // SAFETY: as above.
        unsafe { Self::load(bytes.as_ptr()) }
    }

    #[inline(always)]
    unsafe fn any(self, bits: u8) -> Self {
        // A nonzero byte plus 0x7f, saturating, has its top bit set.
        // SAFETY: SSE2 is baseline on x86-64.
        unsafe {
            let t = _mm_and_si128(self.0, _mm_set1_epi8(bits as i8));
            Sse2(_mm_adds_epu8(t, _mm_set1_epi8(0x7f)))
        }
    }

    #[inline(always)]
    unsafe fn or(self, other: Self) -> Self {
        // SAFETY: SSE2 is baseline on x86-64.
        Sse2(unsafe { _mm_or_si128(self.0, other.0) })
    }

    #[inline(always)]
    unsafe fn mask(self) -> u64 {
        // SAFETY: SSE2 is baseline on x86-64.
        opaque(u64::from(unsafe { _mm_movemask_epi8(self.0) } as u16))
    }
}

/// An AVX2 register of 32 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Avx2(__m256i);

impl Vector for Avx2 {
    const BYTES: usize = 32;
    const FAST_LOOKUP: bool = true;

    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller vouches for 32 readable bytes and for AVX2;
        // loadu has no alignment requirement.
        Avx2(unsafe { _mm256_loadu_si256(p.cast()) })
    }

    #[inline(always)]
    unsafe fn eq(self, b: u8) -> Self {
        // SAFETY: the caller vouches for AVX2.
        Avx2(unsafe { _mm256_cmpeq_epi8(self.0, _mm256_set1_epi8(b as i8)) })
    }

    #[inline(always)]
    unsafe fn in_range(self, lo: u8, hi: u8) -> Self {
        // SAFETY: the caller vouches for AVX2.
        unsafe {
            let t = _mm256_sub_epi8(self.0, _mm256_set1_epi8(lo as i8));
            let m = _mm256_min_epu8(t, _mm256_set1_epi8(hi.wrapping_sub(lo) as i8));
            Avx2(_mm256_cmpeq_epi8(m, t))
        }
    }

    #[inline(always)]
    unsafe fn lookup(self, lo: &[u8; 16], hi: &[u8; 16]) -> Self {
        // `vpshufb` looks up within each 128-bit lane, so each table is
        // broadcast to both; the nibbles index it with bit 7 clear (a set
        // bit 7 would give 0). There is no byte shift: the 16-bit shift
        // brings in the next byte's bits, which the mask drops.
        // SAFETY: the tables are 16 readable bytes each; the caller
        // vouches for AVX2.
        unsafe {
            let lo_t = _mm256_broadcastsi128_si256(_mm_loadu_si128(lo.as_ptr().cast()));
            let hi_t = _mm256_broadcastsi128_si256(_mm_loadu_si128(hi.as_ptr().cast()));
            let nibble = _mm256_set1_epi8(0x0f);
            let l = _mm256_and_si256(self.0, nibble);
            let h = _mm256_and_si256(_mm256_srli_epi16(self.0, 4), nibble);
            Avx2(_mm256_and_si256(
                _mm256_shuffle_epi8(lo_t, l),
                _mm256_shuffle_epi8(hi_t, h),
            ))
        }
    }

    #[inline(always)]
    unsafe fn any(self, bits: u8) -> Self {
        // A nonzero byte plus 0x7f, saturating, has its top bit set.
        // SAFETY: the caller vouches for AVX2.
        unsafe {
            let t = _mm256_and_si256(self.0, _mm256_set1_epi8(bits as i8));
            Avx2(_mm256_adds_epu8(t, _mm256_set1_epi8(0x7f)))
        }
    }

    #[inline(always)]
    unsafe fn or(self, other: Self) -> Self {
        // SAFETY: the caller vouches for AVX2.
        Avx2(unsafe { _mm256_or_si256(self.0, other.0) })
    }

    #[inline(always)]
    unsafe fn mask(self) -> u64 {
        // SAFETY: the caller vouches for AVX2.
        opaque(u64::from(unsafe { _mm256_movemask_epi8(self.0) } as u32))
    }
}

/// The next digit run with SSE2.
///
/// # Safety
/// None beyond x86-64 itself; `unsafe` to match the AVX2 entry point.
pub(crate) unsafe fn digit_next_sse2(b: &mut Blocks<'_>, min: usize) -> Option<DigitRun> {
    // SAFETY: SSE2 is baseline on x86-64.
    unsafe { crate::digits::next_masked::<Sse2>(b, min) }
}

/// The next digit run with AVX2.
///
/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn digit_next_avx2(b: &mut Blocks<'_>, min: usize) -> Option<DigitRun> {
    // SAFETY: the caller vouches for AVX2.
    unsafe { crate::digits::next_masked::<Avx2>(b, min) }
}

/// The next base64 run with SSE2.
///
/// # Safety
/// None beyond x86-64 itself; `unsafe` to match the AVX2 entry point.
pub(crate) unsafe fn base64_next_sse2(b: &mut Blocks<'_>, min: usize) -> Option<(usize, usize)> {
    // SAFETY: SSE2 is baseline on x86-64.
    unsafe { crate::base64::next_masked::<Sse2>(b, min) }
}

/// The next base64 run with AVX2.
///
/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn base64_next_avx2(b: &mut Blocks<'_>, min: usize) -> Option<(usize, usize)> {
    // SAFETY: the caller vouches for AVX2.
    unsafe { crate::base64::next_masked::<Avx2>(b, min) }
}
