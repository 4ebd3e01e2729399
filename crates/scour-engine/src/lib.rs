//! The scour detection engine.
//!
//! Scanning is two stages. A single multi-pattern literal search (a
//! shift-or filter over hashed byte pairs, see [`keywords`]) looks for
//! every rule's keywords at once; each hit opens a bounded window around it
//! for the rules that own that keyword. Overlapping windows of one rule are
//! merged, and only then does the rule's regular expression run, inside its
//! windows and never over the whole input. A match must pass the rule's
//! validators (entropy, checksum, JWT structure, length, placeholder filter)
//! before it reaches the caller's [`Sink`] as a [`Match`]: a span into the
//! caller's bytes, not a copy.
//!
//! The [`Engine`] is immutable and `Send + Sync`; each thread brings its own
//! [`Scratch`] (regex caches and buffers), so many threads share one engine.
//!
//! ```
//! use scour_engine::{EngineBuilder, Match};
//!
//! let engine = EngineBuilder::new()
//!     .rules(scour_rules::builtin().unwrap())
//!     .build()
//!     .unwrap();
//! let mut scratch = engine.scratch();
//! let hay = b"Authorization: SSWS 00Qm3vB8xK2pLr7TzYw4NcHd9sGf6jUe1aZoXyVb5t";
//! let mut found = Vec::new();
//! engine.scan(hay, &mut scratch, &mut |m: &Match<'_>| {
//!     found.push((m.rule().id.clone(), m.secret_range()));
//!     true
//! });
//! assert!(found.iter().any(|(id, r)| id == "okta.api-token" && r.start == 20));
//! ```
#![deny(missing_docs)]

mod anchor;
mod builder;
mod check;
mod digits;
mod engine;
mod error;
pub mod keywords;
mod sink;
pub mod validate;

pub use builder::EngineBuilder;
pub use check::{check_rules, Problem};
pub use digits::digit_runs;
pub use engine::{Engine, Scratch};
pub use error::{Error, ErrorKind};
pub use scour_rules::Rule;
pub use sink::{Match, OwnedMatch, Sink};

#[cfg(test)]
mod tests;
