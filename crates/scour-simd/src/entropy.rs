//! Shannon entropy, equal bit for bit to [`crate::scalar::shannon_entropy`].
//!
//! The reference visits all 256 counts and takes a logarithm per byte
//! value present. Secrets are short (20 to 100 bytes), so that loop, not
//! the counting, is the cost. Here the counting also sets a bit per byte
//! value seen, the sum visits only those values, in the same ascending
//! order, and `-p log2 p` is computed once per distinct count (most counts
//! in a short random string are 1 or 2). The terms and their order are the
//! reference's, so the sum is the same `f64`.
//!
//! There is no vector variant: counting is a scatter, which neither SSE2,
//! AVX2 nor NEON has, and once only the present values are visited, what
//! is left per value is a logarithm and a sum in a fixed order (the order
//! is what makes the result the reference's `f64`), neither of which
//! vectorises without changing the result.

use crate::scalar::entropy_term;
use crate::Variant;

/// Counts up to this many distinct values reuse a memoised term.
const MEMO: usize = 16;

/// Every variant, the scalar one included, runs [`sparse`]; the reference
/// stays in [`crate::scalar`] for the tests and benchmarks.
pub(crate) fn shannon_entropy(_variant: Variant, bytes: &[u8]) -> f64 {
    sparse(bytes)
}

/// The entropy summed over the byte values present only.
pub(crate) fn sparse(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    if bytes.len() > usize::from(u16::MAX) {
        // Long inputs have most byte values present and the logarithms
        // are no longer the cost.
        return crate::scalar::shannon_entropy(bytes);
    }
    let mut counts = [0u16; 256];
    let mut seen = [0u64; 4];
    for &b in bytes {
        counts[usize::from(b)] += 1;
        seen[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    let n = bytes.len() as f64;
    let mut memo = [f64::NAN; MEMO];
    seen.iter()
        .enumerate()
        .flat_map(|(w, &bits)| Bits(bits).map(move |i| w * 64 + i))
        .map(|v| {
            let c = u32::from(counts[v]);
            match memo.get_mut(c as usize) {
                Some(t) if !t.is_nan() => *t,
                Some(t) => {
                    *t = entropy_term(c, n);
                    *t
                }
                None => entropy_term(c, n),
            }
        })
        .sum()
}

/// The set bits of a word, lowest first.
struct Bits(u64);

impl Iterator for Bits {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(i)
    }
}
