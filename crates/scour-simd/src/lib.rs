//! Vectorised byte kernels for scour's hot loops.
//!
//! Each kernel has a scalar version, which is the reference and the
//! fallback, and vector versions for x86-64 (SSE2, AVX2, chosen at run
//! time) and aarch64 (NEON). The vector versions classify 64 bytes at a
//! time into bit masks (one bit per byte) and then follow the scalar
//! algorithm on the masks with bit operations, so a run of digits or of
//! base64 costs a few instructions per 64 bytes instead of a branch per
//! byte. Property tests check that every variant returns exactly what the
//! scalar one does.
//!
//! ```
//! let runs: Vec<_> = scour_simd::digit_runs(b"call (415) 555-0132 now", 10).collect();
//! assert_eq!(runs, [(6, 19, 10)]);
//! let b64: Vec<_> = scour_simd::base64_runs(b"key=QWxhZGRpbjpvcGVu ok", 8).collect();
//! assert_eq!(b64, [&b"QWxhZGRpbjpvcGVu"[..]]);
//! assert_eq!(scour_simd::shannon_entropy(b"abababab"), 1.0);
//! ```
#![deny(missing_docs)]

mod arch;
mod base64;
mod blocks;
mod digits;
mod entropy;
pub mod scalar;
mod vector;

use std::sync::atomic::{AtomicU8, Ordering};

pub use base64::Base64Runs;
pub use digits::DigitRuns;

/// One implementation of the kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Plain Rust, byte at a time: the reference, and the fallback.
    Scalar,
    /// x86-64 SSE2 (every x86-64 CPU has it), 16 bytes per vector.
    Sse2,
    /// x86-64 AVX2, 32 bytes per vector, when the CPU has it.
    Avx2,
    /// aarch64 NEON (every aarch64 CPU has it), 16 bytes per vector.
    Neon,
}

impl Variant {
    /// Every variant, fastest last.
    pub const ALL: [Variant; 4] = [Variant::Scalar, Variant::Sse2, Variant::Avx2, Variant::Neon];

    /// True if this CPU (and build) can run the variant.
    pub fn is_available(self) -> bool {
        match self {
            Variant::Scalar => true,
            Variant::Sse2 => cfg!(target_arch = "x86_64"),
            Variant::Neon => cfg!(target_arch = "aarch64"),
            Variant::Avx2 => avx2_detected(),
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn avx2_detected() -> bool {
    std::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2_detected() -> bool {
    false
}

/// A set of kernels bound to one [`Variant`] the CPU is known to support.
///
/// Holding a `Kernels` is the proof that its variant may run, so the
/// unsafe vector code behind it needs no check per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernels {
    variant: Variant,
}

/// The variant [`Kernels::best`] picked, cached: 0 means not yet detected.
static BEST: AtomicU8 = AtomicU8::new(0);

impl Kernels {
    /// Kernels for `variant`, or `None` if this CPU cannot run it.
    pub fn new(variant: Variant) -> Option<Kernels> {
        variant.is_available().then_some(Kernels { variant })
    }

    /// The fastest kernels this CPU runs. Detection runs once per process.
    ///
    /// `SCOUR_SIMD=scalar` (or `sse2`, `avx2`, `neon`) in the environment
    /// picks a variant instead, if the CPU runs it: for measuring one
    /// against another end to end, and a way around a kernel suspected of
    /// a bug. Under Miri this is always the scalar variant, which Miri can
    /// check fully; the vector variants can still be asked for by name.
    pub fn best() -> Kernels {
        let code = BEST.load(Ordering::Relaxed);
        if let Some(&variant) = Variant::ALL.get(usize::from(code).wrapping_sub(1)) {
            return Kernels { variant };
        }
        let variant = Self::detect();
        let code = Variant::ALL.iter().position(|&v| v == variant).unwrap_or(0) + 1;
        BEST.store(code as u8, Ordering::Relaxed);
        Kernels { variant }
    }

    fn detect() -> Variant {
        if cfg!(miri) {
            return Variant::Scalar;
        }
        let asked = std::env::var("SCOUR_SIMD").unwrap_or_default();
        if let Some(v) = Variant::ALL
            .into_iter()
            .find(|v| format!("{v:?}").eq_ignore_ascii_case(&asked) && v.is_available())
        {
            return v;
        }
        // SSE2 wins over scalar for the run kernels but AVX2 wins over
        // SSE2; NEON is the only vector choice on aarch64.
        [Variant::Avx2, Variant::Sse2, Variant::Neon]
            .into_iter()
            .find(|v| v.is_available())
            .unwrap_or(Variant::Scalar)
    }

    /// The variant these kernels run.
    pub fn variant(self) -> Variant {
        self.variant
    }

    /// Runs of at least `min` digits, as [`scalar::digit_runs`] defines them.
    pub fn digit_runs(self, hay: &[u8], min: usize) -> DigitRuns<'_> {
        DigitRuns::new(self.variant, hay, min)
    }

    /// Runs of base64 characters, as [`scalar::base64_runs`] defines them.
    pub fn base64_runs(self, text: &[u8], min: usize) -> Base64Runs<'_> {
        Base64Runs::new(self.variant, text, min)
    }

    /// Shannon entropy in bits per byte, bit for bit equal to
    /// [`scalar::shannon_entropy`].
    pub fn shannon_entropy(self, bytes: &[u8]) -> f64 {
        entropy::shannon_entropy(self.variant, bytes)
    }
}

/// [`Kernels::digit_runs`] with the best kernels for this CPU.
pub fn digit_runs(hay: &[u8], min: usize) -> DigitRuns<'_> {
    Kernels::best().digit_runs(hay, min)
}

/// [`Kernels::base64_runs`] with the best kernels for this CPU.
pub fn base64_runs(text: &[u8], min: usize) -> Base64Runs<'_> {
    Kernels::best().base64_runs(text, min)
}

/// [`Kernels::shannon_entropy`] with the best kernels for this CPU.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    Kernels::best().shannon_entropy(bytes)
}
