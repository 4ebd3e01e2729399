//! Scanning inputs end to end: what kind of input is this, how is it read,
//! and which findings does it hold.
//!
//! A [`Scanner`] owns a compiled engine and the options; each thread brings
//! a [`Worker`]. For every input (a file, a reader, bytes in memory) the
//! scanner looks at the content, not only the name: HAR and other JSON go
//! through the structure-aware walker (with pointers), JSON Lines line by
//! line, CSV with its column headers, UTF-16 is transcoded, binary is
//! skipped, and everything else is scanned as text in bounded chunks, with
//! nested decoding of base64 and percent-encoded runs. Findings of one
//! input are merged per secret, with all their places, and handed to the
//! caller's [`Report`], as are skips, warnings and errors, each naming the
//! input.
//!
//! ```
//! use scour_scan::{Options, Report, Scanner};
//! use scour_report::Finding;
//!
//! #[derive(Default)]
//! struct Collect(Vec<Finding>);
//! impl Report for Collect {
//!     fn findings(&mut self, _path: &str, f: Vec<Finding>) { self.0.extend(f) }
//!     fn scanned(&mut self, _path: &str, _bytes: u64) {}
//!     fn skipped(&mut self, _path: &str, _reason: &str) {}
//!     fn warning(&mut self, _path: &str, _message: String) {}
//!     fn error(&mut self, _path: &str, _message: String) {}
//! }
//!
//! let engine = scour_engine::EngineBuilder::new().rules(scour_rules::builtin().unwrap()).build().unwrap();
//! let scanner = Scanner::new(engine, Options::default());
//! let mut out = Collect::default();
//! let har = br#"{"log":{"entries":[{"request":{"cookies":[{"name":"sid","value":"102Tq8Zm3Vw7Lp2Kr9Xn4Bd6Hs"}]}}]}}"#;
//! scanner.scan_bytes("capture.har", har, &mut scanner.worker(), &mut out);
//! assert_eq!(out.0[0].rule, "field.session-cookie");
//! assert_eq!(out.0[0].pointer.as_deref(), Some("/log/entries/0/request/cookies/0/value"));
//! ```
#![deny(missing_docs)]

mod collect;
mod names;
mod scanner;
mod stream;
mod validity;

pub use collect::ALLOW_MARKER;
pub use scanner::{Options, Report, Scanner, Worker};

#[cfg(test)]
mod seams;
#[cfg(test)]
mod tests;
