//! Per-architecture vector types and the `#[target_feature]` entry points
//! that instantiate the generic kernels with them.

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;
