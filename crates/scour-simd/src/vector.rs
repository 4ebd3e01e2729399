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

    /// Whether [`Vector::lookup`] is one instruction per table (a byte
    /// shuffle: AVX2 `vpshufb`, NEON `tbl`) rather than a fallback, so
    /// classifiers should use it.
    const FAST_LOOKUP: bool;

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

    /// Per byte `b`, `lo[b & 15] & hi[b >> 4]`: a class that is a union
    /// of nibble rectangles is one lookup pair for any number of ranges.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn lookup(self, lo: &[u8; 16], hi: &[u8; 16]) -> Self;

    /// Every byte sharing a set bit with `bits` gets its top bit set (for
    /// [`Vector::mask`]), others get it clear.
    ///
    /// # Safety
    /// The CPU must have the feature.
    unsafe fn any(self, bits: u8) -> Self;

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
            crate::blocks::merge(&mut out, m, k);
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
            if V::FAST_LOOKUP {
                base64_lookup(v)
            } else {
                base64_compare(v)
            }
        }
    }
}

/// Base64 classes with compares: three range tests of three instructions
/// each, four equality tests, six ors and three movemasks, 22 in all per
/// vector. For vectors without a byte shuffle (SSE2).
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
unsafe fn base64_compare<V: Vector>(v: V) -> [u64; 3] {
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

/// Base64 classes from one nibble-table lookup: the nibbles (three
/// instructions), two shuffles and an and, then per class an and, a
/// compare and a movemask; 13 instructions per vector where
/// [`base64_compare`] takes 22, and no longer per extra range.
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
unsafe fn base64_lookup<V: Vector>(v: V) -> [u64; 3] {
    // SAFETY: the caller vouches for the CPU feature.
    unsafe {
        let t = v.lookup(&B64_LO, &B64_HI);
        [
            t.any(u8::MAX).mask(),
            t.any(UPPER_BITS).mask(),
            t.any(LOWER_BITS).mask(),
        ]
    }
}

/// The base64 alphabets as rectangles of (high nibble, low nibbles), one
/// bit each: [`Vector::lookup`] sets a bit exactly for the bytes in its
/// rectangle, so a byte is in a class iff it has one of the class's bits.
/// Bytes from 0x80 have high nibbles no rectangle has.
const B64_RECTS: [(u8, u8, u16); 7] = [
    // (bit, high nibble, low nibbles as a bit set)
    (UPPER_BITS & 1, 0x4, 0xfffe),               // A-O
    (UPPER_BITS & 2, 0x5, 0x07ff),               // P-Z
    (LOWER_BITS & 4, 0x6, 0xfffe),               // a-o
    (LOWER_BITS & 8, 0x7, 0x07ff),               // p-z
    (0x10, 0x3, 0x03ff),                         // 0-9
    (0x20, 0x2, 1 << 0xb | 1 << 0xd | 1 << 0xf), // + - /
    (0x40, 0x5, 1 << 0xf),                       // _
];

/// The bits of [`B64_RECTS`] that are uppercase letters.
const UPPER_BITS: u8 = 0x03;
/// The bits of [`B64_RECTS`] that are lowercase letters.
const LOWER_BITS: u8 = 0x0c;

/// [`Vector::lookup`]'s table for the low nibble.
const B64_LO: [u8; 16] = nibble_table(false);
/// [`Vector::lookup`]'s table for the high nibble.
const B64_HI: [u8; 16] = nibble_table(true);

/// One of the two tables of [`B64_RECTS`], built at compile time.
const fn nibble_table(high: bool) -> [u8; 16] {
    let mut t = [0u8; 16];
    let mut r = 0;
    while r < B64_RECTS.len() {
        let (bit, hi, lows) = B64_RECTS[r];
        let mut n = 0;
        while n < 16 {
            let hit = if high {
                n == hi as usize
            } else {
                lows >> n & 1 == 1
            };
            if hit {
                t[n] |= bit;
            }
            n += 1;
        }
        r += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::merge;

    /// The masks the scalar predicates give.
    fn want(bytes: &[u8; 64]) -> [u64; 3] {
        let mut out = [0u64; 3];
        for (i, &b) in bytes.iter().enumerate() {
            let classes = [
                crate::scalar::is_b64(b),
                b.is_ascii_uppercase(),
                b.is_ascii_lowercase(),
            ];
            for (o, c) in out.iter_mut().zip(classes) {
                *o |= u64::from(c) << i;
            }
        }
        out
    }

    /// Both base64 classifiers, on `V`, against the scalar predicates for
    /// every byte value: the lookup path is checked on every vector type,
    /// including the ones whose kernels keep the compares.
    ///
    /// # Safety
    /// The CPU must have `V`'s feature.
    unsafe fn base64_classifiers_agree<V: Vector>() {
        for chunk in 0..4 {
            let bytes: [u8; 64] = std::array::from_fn(|i| (chunk * 64 + i) as u8);
            let (mut lookup, mut compare) = ([0u64; 3], [0u64; 3]);
            let mut k = 0;
            while k < 64 {
                // SAFETY: `k + V::BYTES <= 64`; the caller vouches for
                // the CPU feature.
                unsafe {
                    let v = V::load(bytes.as_ptr().add(k));
                    merge(&mut lookup, base64_lookup(v), k);
                    merge(&mut compare, base64_compare(v), k);
                }
                k += V::BYTES;
            }
            assert_eq!(lookup, want(&bytes), "lookup, bytes from {}", chunk * 64);
            assert_eq!(compare, want(&bytes), "compare, bytes from {}", chunk * 64);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_base64_classes() {
        // SAFETY: SSE2 is baseline on x86-64.
        unsafe { base64_classifiers_agree::<crate::arch::x86_64::Sse2>() }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_base64_classes() {
        /// # Safety
        /// The CPU must have AVX2.
        #[target_feature(enable = "avx2")]
        unsafe fn run() {
            // SAFETY: forwarded from the caller.
            unsafe { base64_classifiers_agree::<crate::arch::x86_64::Avx2>() }
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: just checked.
            unsafe { run() }
        }
    }

    #[cfg(target_arch = "aarch64")]
    #[test]
    fn neon_base64_classes() {
        // SAFETY: NEON is baseline on aarch64.
        unsafe { base64_classifiers_agree::<crate::arch::aarch64::Neon>() }
    }
}
