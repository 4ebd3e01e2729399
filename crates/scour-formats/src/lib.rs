//! Structure-aware readers for what support teams keep: HAR captures and
//! other JSON, URLs, cookie headers and form bodies, and encoded text.
//!
//! Plain text scanning finds provider-prefixed tokens; it misses a session
//! cookie with no prefix, a form password, a Basic credential or a token in
//! a base64 response body. The readers here understand those places and
//! hand them to the engine's field rules and text rules, and say where each
//! hit was: a JSON pointer, the decodings applied, and byte offsets.
//!
//! ```
//! use scour_engine::EngineBuilder;
//! use scour_formats::{scan_json, DecodeOptions, Hit};
//!
//! let engine = EngineBuilder::new().rules(scour_rules::builtin().unwrap()).build().unwrap();
//! let har = br#"{"log":{"entries":[{"request":{"headers":[
//!     {"name":"X-Okta-XsrfToken","value":"Xq8mZ3vR7tLw2KpN9bYc4HdJ6sFg1Ue5"}]}}]}}"#;
//! let mut found = Vec::new();
//! scan_json(&engine, &mut engine.scratch(), &DecodeOptions::default(), har, &mut |h: &Hit<'_>| {
//!     found.push((h.rule.id.clone(), h.origin.pointer.clone()));
//! })
//! .unwrap();
//! assert!(found.contains(&(
//!     "field.auth-header".to_string(),
//!     Some("/log/entries/0/request/headers/0/value".to_string())
//! )));
//! ```
#![deny(missing_docs)]

mod hit;
pub mod http;
mod tape;
mod text;
mod walk;
#[cfg(test)]
mod walk_tests;

pub use hit::{Hit, HitSink, Origin};
pub use tape::{Doc, ParseError, Text, Value};
pub use text::{
    base64_runs, decode_base64, inflate, looks_like_text, percent_runs, scan_decoded, scan_text,
    DecodeOptions,
};
pub use walk::{is_har, scan_json, scan_json_prescanned, DocKind, Stats, TextScan};
