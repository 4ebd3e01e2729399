//! What structure-aware scanning reports: an engine match plus where it was.

use std::ops::Range;
use std::sync::Arc;

use scour_engine::{Match, Rule};

/// Where the scanned bytes of a match came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// RFC 6901 pointer to the JSON string holding the bytes, if any.
    pub pointer: Option<String>,
    /// Decodings applied to reach the bytes, outermost first.
    pub decoders: Vec<&'static str>,
    /// Document offset of the scanned bytes' first byte, when they are a
    /// verbatim slice of the document (no decoding).
    pub base: Option<usize>,
    /// Document offset to use for line and column when the bytes are decoded.
    pub anchor: usize,
    /// The `startedDateTime` of the HAR entry holding the bytes, as written.
    pub captured: Option<Arc<str>>,
    /// The expiry of the cookie holding the bytes, as written: a Set-Cookie
    /// line (`name=value; Expires=...; Max-Age=...`), or `Expires=` and the
    /// `expires` of a HAR cookie object.
    pub cookie: Option<Arc<str>>,
}

impl Origin {
    /// Bytes that are a verbatim slice of the document at `base`.
    pub fn raw(base: usize) -> Origin {
        Origin {
            pointer: None,
            decoders: Vec::new(),
            base: Some(base),
            anchor: base,
            captured: None,
            cookie: None,
        }
    }

    /// The same place, after one more decoding step.
    pub fn decoded(&self, decoder: &'static str) -> Origin {
        let mut decoders = self.decoders.clone();
        decoders.push(decoder);
        Origin {
            pointer: self.pointer.clone(),
            decoders,
            base: None,
            anchor: self.anchor,
            captured: self.captured.clone(),
            cookie: self.cookie.clone(),
        }
    }

    /// The same origin with the pointer and capture context of `outer`, for
    /// bytes found verbatim inside `outer`'s.
    pub fn inside(mut self, outer: &Origin) -> Origin {
        self.pointer = outer.pointer.clone();
        self.captured = outer.captured.clone();
        self.cookie = outer.cookie.clone();
        self
    }

    /// The same origin with a pointer.
    pub fn at(mut self, pointer: Option<String>) -> Origin {
        self.pointer = pointer;
        self
    }
}

/// One finding with its provenance.
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    /// The rule that matched.
    pub rule: &'a Rule,
    /// Its index in the engine's rule list ([`scour_engine::Engine::rules`]),
    /// for callers that keep hits beyond the scan.
    pub rule_index: usize,
    /// The secret's bytes.
    pub secret: &'a [u8],
    /// The secret's range within the scanned (possibly decoded) bytes.
    pub range: Range<usize>,
    /// Decodings a field rule applied on top of the origin's (Basic auth).
    pub rule_decoders: &'static [&'static str],
    /// Where the scanned bytes came from.
    pub origin: &'a Origin,
}

impl<'a> Hit<'a> {
    /// A hit from an engine match over bytes from `origin`.
    pub fn new(m: &Match<'a>, origin: &'a Origin) -> Hit<'a> {
        Hit {
            rule: m.rule(),
            rule_index: m.rule_index(),
            secret: m.secret(),
            range: m.secret_range(),
            rule_decoders: m.decoders(),
            origin,
        }
    }

    /// True if the secret's bytes are a verbatim slice of the document.
    pub fn verbatim(&self) -> bool {
        self.origin.base.is_some() && self.rule_decoders.is_empty()
    }

    /// Start and end of the secret: document offsets when verbatim, else
    /// offsets within the decoded bytes.
    pub fn span(&self) -> (usize, usize) {
        match self.origin.base {
            Some(base) if self.rule_decoders.is_empty() => {
                (base + self.range.start, base + self.range.end)
            }
            _ => (self.range.start, self.range.end),
        }
    }

    /// Document offset for line and column numbers.
    pub fn anchor(&self) -> usize {
        match self.origin.base {
            Some(base) if self.rule_decoders.is_empty() => base + self.range.start,
            Some(base) => base,
            None => self.origin.anchor,
        }
    }

    /// Every decoding applied, outermost first.
    pub fn decoders(&self) -> Vec<&'static str> {
        let mut d = self.origin.decoders.clone();
        d.extend_from_slice(self.rule_decoders);
        d
    }
}

/// Receives hits from structure-aware scanning.
pub trait HitSink {
    /// One hit.
    fn hit(&mut self, hit: &Hit<'_>);
}

impl<F: FnMut(&Hit<'_>)> HitSink for F {
    fn hit(&mut self, hit: &Hit<'_>) {
        self(hit)
    }
}
