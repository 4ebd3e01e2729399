//! Feeding bytes to the engine with bounded memory.
//!
//! Files of any size are read in fixed-size chunks into one reused buffer;
//! consecutive chunks share an overlap (the engine's [`overlap`]) so that a
//! match straddling a seam is seen whole, and each chunk says which part of
//! it is *reported* so that the match is reported exactly once. Line and
//! column numbers are computed incrementally, only where findings are.
//!
//! [`overlap`]: https://docs.rs/scour-engine
//!
//! ```
//! use scour_input::{Chunker, LineCounter};
//!
//! let data = b"one\ntwo\nthree secret\n".repeat(1000);
//! let mut chunker = Chunker::new(4096, 64);
//! let mut lines = LineCounter::new();
//! let mut total = 0;
//! chunker.for_each(&data[..], |chunk| {
//!     total += chunk.report.len();
//!     lines.advance(chunk.data, chunk.offset, chunk.offset + chunk.report.end as u64);
//!     true
//! }).unwrap();
//! assert_eq!(total, data.len());
//! assert_eq!(lines.line(), 3001);
//! ```
#![deny(missing_docs)]

mod chunk;
mod kind;
mod lines;

pub use chunk::{Chunk, Chunker, Cut};
pub use kind::{sniff, Sniff, SNIFF_LEN};
pub use lines::LineCounter;
