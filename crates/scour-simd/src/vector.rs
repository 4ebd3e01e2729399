//! The small vector trait every kernel is written against once, and the
//! byte classifiers built on it.
//!
//! A classifier turns 64 bytes into bit masks, bit `i` standing for byte
//! `i`; the run kernels then work on the masks alone.

/// The operations the classifiers need from a SIMD register of bytes.
///
/// The methods are `unsafe` because they run CPU instructions the caller
/// must know the CPU has: implementations are only used from functions
/// compiled for (and only called on) a CPU with the matching feature.
pub(crate) trait Vector: Copy {
    /// Bytes per vector.
    const BYTES: usize;

    /// Loads `BYTES` bytes from `p`, unaligned.
    ///
    /// # Safety
    /// `p..p + BYTES` must be readable, and the CPU must have the feature.
    unsafe fn load(p: *const u8) -> Self;

    /// Every byte equal to `b` set to `0xff`, others to 0.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn eq(self, b: u8) -> Self;

    /// Every byte in `lo..=hi` (unsigned) set to `0xff`, others to 0.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn in_range(self, lo: u8, hi: u8) -> Self;

    /// Bytewise or.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn or(self, other: Self) -> Self;

    /// The top bit of each byte, byte `i` as bit `i`.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn mask(self) -> u64;
}

/// Byte classes a run kernel needs, as masks over a 64-byte block.
pub(crate) trait Classes {
    /// The class masks of one vector, byte `i` as bit `i`.
    ///
    /// # Safety
    /// The CPU must have `V`'s feature.
    unsafe fn classify_vector<V: Vector>(v: V) -> [u64; 3];

    /// Masks for `p..p + 64`.
    ///
    /// Written as a plain loop over plain generic calls (no closures), so
    /// that all of it inlines into the `#[target_feature]` entry point and
    /// is compiled with the feature.
    ///
    /// # Safety
    /// `p..p + 64` must be readable, and the CPU must have `V`'s feature.
    #[inline(always)]
    unsafe fn classify<V: Vector>(p: *const u8) -> [u64; 3] {
        let mut out = [0u64; 3];
        let mut k = 0;
        while k < 64 {
            // SAFETY: `k + V::BYTES <= 64` and the caller vouches for
            // `p..p + 64` and for the CPU feature.
            let m = unsafe { Self::classify_vector(V::load(p.add(k))) };
            for (o, m) in out.iter_mut().zip(m) {
                *o |= m << k;
            }
            k += V::BYTES;
        }
        out
    }
}

/// Digits and number separators: `[digit, separator, 0]`.
pub(crate) struct DigitClasses;

impl Classes for DigitClasses {
    #[inline(always)]
    unsafe fn classify_vector<V: Vector>(v: V) -> [u64; 3] {
        // SAFETY: the caller vouches for the CPU feature.
        unsafe {
            let digit = v.in_range(b'0', b'9');
            let sep = v
                .eq(b' ')
                .or(v.in_range(b'(', b')'))
                .or(v.eq(b'+'))
                .or(v.in_range(b'-', b'/'));
            [digit.mask(), sep.mask(), 0]
        }
    }
}

/// Base64 characters and letters: `[base64, uppercase, lowercase]`.
pub(crate) struct Base64Classes;

impl Classes for Base64Classes {
    #[inline(always)]
    unsafe fn classify_vector<V: Vector>(v: V) -> [u64; 3] {
        // SAFETY: the caller vouches for the CPU feature.
        unsafe {
            let upper = v.in_range(b'A', b'Z');
            let lower = v.in_range(b'a', b'z');
            let b64 = upper
                .or(lower)
                .or(v.in_range(b'0', b'9'))
                .or(v.eq(b'+'))
                .or(v.eq(b'/'))
                .or(v.eq(b'-'))
                .or(v.eq(b'_'));
            [b64.mask(), upper.mask(), lower.mask()]
        }
    }
}
