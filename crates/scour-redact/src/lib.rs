//! Rewriting support-archive dumps with known secrets replaced, keeping
//! every format valid and every byte without a secret unchanged.
//!
//! Detection is not done here: a scan (`scour-scan`) finds the secrets of
//! one input, and a [`Redactor`] built from them rewrites that input. Every
//! occurrence of every value is replaced, in each spelling it is stored in
//! (raw, JSON-escaped, percent-encoded, inside base64), so all copies in a
//! HAR capture change consistently. The replacement is
//! `[REDACTED:<rule>:<first 8 hex of the fingerprint>]`, which is valid
//! inside JSON strings, CSV cells and URLs, and which a later scan does not
//! report, so redacting twice changes nothing.
//!
//! Containers are rewritten, never extracted: gzip and tar stream through
//! with the same member names and order; zip members are re-compressed
//! only when they change and copied raw otherwise; e-mail parts are
//! decoded, redacted and encoded again with their transfer encoding.
//!
//! ```
//! use scour_redact::{RedactorBuilder, Secret};
//!
//! let har = br#"{"log":{"entries":[{"request":{"url":"https://a.test/cb?code=Zq8Xr2Lm9Kd4Vb7N","cookies":[{"name":"sid","value":"Zq8Xr2Lm9Kd4Vb7N"}]}}]}}"#;
//! let secret = Secret {
//!     rule: "oauth.authorization-code".into(),
//!     fingerprint: "3f2a9c41d0e5b7a8".into(),
//!     value: b"Zq8Xr2Lm9Kd4Vb7N".to_vec(),
//! };
//! let redactor = RedactorBuilder::new().build(vec![secret]);
//! let mut out = Vec::new();
//! let outcome = redactor.redact_reader("capture.har", &mut &har[..], &mut out).unwrap();
//! assert_eq!(outcome.replaced, 2);
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains(r#""name":"sid","value":"[REDACTED:oauth.authorization-code:3f2a9c41]""#));
//! assert!(!text.contains("Zq8Xr2Lm9Kd4Vb7N"));
//! ```
#![deny(missing_docs)]

mod archive;
mod dispatch;
mod encoded;
mod error;
mod mail;
mod needles;
mod stream;

pub use error::{Error, ErrorKind};
pub use needles::{marker, JwtMode, Secret};

use needles::Needles;

/// How to redact.
#[derive(Clone, Debug)]
pub struct RedactorBuilder {
    opts: Opts,
}

#[derive(Clone, Debug)]
struct Opts {
    jwt: JwtMode,
    max_depth: u32,
    max_in_memory: u64,
    chunk_size: usize,
    limits: scour_archive::Limits,
}

impl Default for RedactorBuilder {
    fn default() -> Self {
        RedactorBuilder::new()
    }
}

impl RedactorBuilder {
    /// Defaults matching the scanner's: JWT signatures removed, three
    /// containers deep, structured inputs up to 512 MiB held in memory.
    pub fn new() -> RedactorBuilder {
        RedactorBuilder {
            opts: Opts {
                jwt: JwtMode::Signature,
                max_depth: 3,
                max_in_memory: 512 << 20,
                chunk_size: 8 << 20,
                limits: scour_archive::Limits::default(),
            },
        }
    }

    /// How much of a JWT goes.
    pub fn jwt(mut self, mode: JwtMode) -> Self {
        self.opts.jwt = mode;
        self
    }

    /// How many containers (archives, gzip layers, mails) deep to rewrite;
    /// should match the scan that found the secrets.
    pub fn max_depth(mut self, depth: u32) -> Self {
        self.opts.max_depth = depth;
        self
    }

    /// Largest JSON, CSV or mail input rewritten in memory (with its
    /// structure); bigger ones are streamed as text.
    pub fn max_in_memory(mut self, bytes: u64) -> Self {
        self.opts.max_in_memory = bytes;
        self
    }

    /// Bytes per chunk when streaming text.
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.opts.chunk_size = bytes.max(4096);
        self
    }

    /// Limits on archive members read into memory.
    pub fn limits(mut self, limits: scour_archive::Limits) -> Self {
        self.opts.limits = limits;
        self
    }

    /// A redactor replacing `secrets`.
    pub fn build(self, secrets: Vec<Secret>) -> Redactor {
        Redactor {
            needles: Needles::new(&secrets, self.opts.jwt),
            utf16: Default::default(),
            secrets,
            opts: self.opts,
        }
    }
}

/// Replaces a fixed set of secrets in inputs. Immutable and `Send + Sync`.
pub struct Redactor {
    needles: Needles,
    /// For UTF-16 text (little-, then big-endian), built on first use.
    utf16: [std::sync::OnceLock<Needles>; 2],
    secrets: Vec<Secret>,
    opts: Opts,
}

/// What one rewrite did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Values replaced (each spelling counted where it occurred).
    pub replaced: u64,
    /// Parts that could not be rewritten and were copied unchanged, each
    /// with the member it concerns (`outer!member`) and why.
    pub problems: Vec<(String, String)>,
}

/// Per-call state threaded through the rewriters.
pub(crate) struct Cx {
    replaced: u64,
    problems: Vec<(String, String)>,
}

impl Cx {
    fn problem(&mut self, name: &str, msg: impl Into<String>) {
        self.problems.push((name.to_string(), msg.into()));
    }
}

impl Redactor {
    /// True if there is nothing to replace: inputs come out unchanged.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Text in memory: every spelling of every secret, then secrets inside
    /// percent-encoded runs (any mix of escaped and raw bytes), then inside
    /// base64 runs, `decoded` decodings deep (counted apart from
    /// containers, as the scanner does). None if nothing changed.
    fn text(&self, data: &[u8], decoded: u32, cx: &mut Cx) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(data.len() + data.len() / 8);
        let n = self.needles.replace(data, &mut out);
        cx.replaced += n;
        let mut changed = n > 0;
        if let Some(p) = self.percent_runs(&out, decoded, cx) {
            (out, changed) = (p, true);
        }
        let after = if decoded < encoded::MAX_DECODINGS {
            self.base64_runs(&out, decoded, cx)
        } else {
            None
        };
        match after {
            Some(b) => Some(b),
            None if changed => Some(out),
            None => None,
        }
    }
}
