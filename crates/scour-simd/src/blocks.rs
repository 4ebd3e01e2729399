//! A cursor over a haystack in 64-byte blocks of class masks.

use crate::vector::{Classes, Vector};

/// The masks of the 64 bytes from `base`; bytes past the end of the
/// haystack have every mask bit clear, so they belong to no class and end
/// any run.
pub(crate) struct Blocks<'h> {
    pub hay: &'h [u8],
    /// Where the search goes on (what the scalar kernel calls `i`).
    pub pos: usize,
    /// First byte of the loaded block; meaningless until `loaded`.
    pub base: usize,
    pub loaded: bool,
    pub masks: [u64; 3],
}

impl<'h> Blocks<'h> {
    pub fn new(hay: &'h [u8]) -> Self {
        Blocks {
            hay,
            pos: 0,
            base: 0,
            loaded: false,
            masks: [0; 3],
        }
    }

    /// Loads the block starting at `at` (which may be past the end).
    ///
    /// # Safety
    /// The CPU must have `V`'s feature.
    #[inline(always)]
    pub unsafe fn load<V: Vector, C: Classes>(&mut self, at: usize) {
        let rest = self.hay.get(at..).unwrap_or_default();
        self.base = at;
        self.loaded = true;
        self.masks = if rest.len() >= 64 {
            // SAFETY: 64 bytes from `rest`'s start are in bounds; the
            // caller vouches for the CPU feature.
            unsafe { C::classify::<V>(rest.as_ptr()) }
        } else if rest.is_empty() {
            [0; 3]
        } else {
            // SAFETY: forwarded from the caller.
            unsafe { tail::<V, C>(rest) }
        };
    }

    /// Makes sure the loaded block holds `at`.
    ///
    /// # Safety
    /// The CPU must have `V`'s feature.
    #[inline(always)]
    pub unsafe fn cover<V: Vector, C: Classes>(&mut self, at: usize) {
        if !self.loaded || at < self.base || at - self.base >= 64 {
            // SAFETY: forwarded from the caller.
            unsafe { self.load::<V, C>(at) };
        }
    }

    /// The first position at or after `pos` whose byte is in class `k`,
    /// loading blocks as needed; `None` at the end of the haystack.
    ///
    /// # Safety
    /// The CPU must have `V`'s feature.
    #[inline(always)]
    pub unsafe fn find<V: Vector, C: Classes>(&mut self, k: usize) -> Option<usize> {
        loop {
            if self.pos >= self.hay.len() {
                return None;
            }
            // SAFETY: forwarded from the caller.
            unsafe { self.cover::<V, C>(self.pos) };
            let m = self.masks[k] >> (self.pos - self.base);
            if m != 0 {
                return Some(self.pos + m.trailing_zeros() as usize);
            }
            self.pos = self.base + 64;
        }
    }
}

/// The masks of a haystack's last `rest.len()` (1 to 63) bytes, with the
/// bits past them clear.
///
/// Texts are mostly short (JSON strings), so this is often the only block
/// of a call. From one vector up, it loads whole vectors in place, the
/// last one ending at the haystack's end and overlapping the one before:
/// the overlap classifies the same bytes into the same bits. Only a tail
/// shorter than one vector is copied into a zeroed buffer (NUL is in no
/// class, so the padding ends every run exactly at the haystack's end),
/// with fixed-size copies rather than a call to `memcpy`.
///
/// # Safety
/// The CPU must have `V`'s feature.
#[inline(always)]
unsafe fn tail<V: Vector, C: Classes>(rest: &[u8]) -> [u64; 3] {
    let n = rest.len();
    if n < V::BYTES {
        let mut block = [0u8; 64];
        copy_short(&mut block, rest);
        // SAFETY: `block` holds 64 readable bytes, at least `V::BYTES`;
        // the caller vouches for the CPU feature.
        return unsafe { C::classify_vector(V::load(block.as_ptr())) };
    }
    let mut out = [0u64; 3];
    let mut k = 0;
    while k + V::BYTES <= n {
        // SAFETY: `k + V::BYTES <= n`, so the vector is inside `rest`; the
        // caller vouches for the CPU feature.
        let m = unsafe { C::classify_vector(V::load(rest.as_ptr().add(k))) };
        merge(&mut out, m, k);
        k += V::BYTES;
    }
    if k < n {
        let at = n - V::BYTES;
        // SAFETY: `at + V::BYTES == n`, inside `rest`; the caller vouches
        // for the CPU feature.
        let m = unsafe { C::classify_vector(V::load(rest.as_ptr().add(at))) };
        merge(&mut out, m, at);
    }
    out
}

/// Ors one vector's masks, for the bytes from `at` (below 64), into a
/// block's.
#[inline(always)]
pub(crate) fn merge(out: &mut [u64; 3], m: [u64; 3], at: usize) {
    for (o, m) in out.iter_mut().zip(m) {
        *o |= m << at;
    }
}

/// Copies `src` (shorter than 32 bytes) to the start of `dst` with at most
/// two fixed-size, possibly overlapping copies.
#[inline(always)]
fn copy_short(dst: &mut [u8; 64], src: &[u8]) {
    let n = src.len();
    debug_assert!(n < 32);
    if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..n].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        // 1 to 3 bytes: the first, the middle and the last cover them.
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// Bits `from..64`.
#[inline(always)]
pub(crate) fn from_bit(from: usize) -> u64 {
    u64::MAX << from
}

/// Bits `0..to`, for `to < 64`.
#[inline(always)]
pub(crate) fn below_bit(to: u32) -> u64 {
    (1u64 << to) - 1
}
