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
            // The tail: copy into a zeroed block. NUL is in no class, so
            // the padding ends every run exactly at the haystack's end.
            let mut block = [0u8; 64];
            block[..rest.len()].copy_from_slice(rest);
            // SAFETY: `block` is 64 readable bytes; the caller vouches for
            // the CPU feature.
            unsafe { C::classify::<V>(block.as_ptr()) }
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
