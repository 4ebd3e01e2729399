use std::ops::Range;

use scour_rules::Rule;

/// A confirmed finding: spans into the scanned bytes, borrowed from the
/// caller and the engine. Copy what you need with [`Match::to_owned`].
#[derive(Clone, Copy, Debug)]
pub struct Match<'a> {
    pub(crate) rule: &'a Rule,
    pub(crate) rule_index: usize,
    pub(crate) haystack: &'a [u8],
    pub(crate) secret: (usize, usize),
    pub(crate) whole: (usize, usize),
    pub(crate) decoders: &'static [&'static str],
}

impl<'a> Match<'a> {
    /// The rule that matched.
    pub fn rule(&self) -> &'a Rule {
        self.rule
    }

    /// Index of the rule in the engine's rule list ([`crate::Engine::rules`]).
    pub fn rule_index(&self) -> usize {
        self.rule_index
    }

    /// The secret's bytes.
    pub fn secret(&self) -> &'a [u8] {
        &self.haystack[self.secret.0..self.secret.1]
    }

    /// Byte range of the secret in the scanned input.
    pub fn secret_range(&self) -> Range<usize> {
        self.secret.0..self.secret.1
    }

    /// Byte range of the whole pattern match (secret plus its context, such
    /// as a header name) in the scanned input.
    pub fn match_range(&self) -> Range<usize> {
        self.whole.0..self.whole.1
    }

    /// Decodings applied to the scanned input before matching, outermost
    /// first (for example `["base64"]` for a Basic credential); offsets are
    /// relative to the decoded bytes when this is not empty.
    pub fn decoders(&self) -> &'static [&'static str] {
        self.decoders
    }

    /// The scanned input this match points into.
    pub fn haystack(&self) -> &'a [u8] {
        self.haystack
    }

    /// An owned copy, for storing beyond the scan.
    pub fn to_owned(&self) -> OwnedMatch {
        OwnedMatch {
            rule_index: self.rule_index,
            secret_range: self.secret_range(),
            match_range: self.match_range(),
            secret: self.secret().to_vec(),
        }
    }
}

/// An owned copy of a [`Match`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedMatch {
    /// Index of the rule in the engine's rule list.
    pub rule_index: usize,
    /// Byte range of the secret in the scanned input.
    pub secret_range: Range<usize>,
    /// Byte range of the whole pattern match.
    pub match_range: Range<usize>,
    /// The secret's bytes.
    pub secret: Vec<u8>,
}

/// Receives matches as the engine confirms them, in ascending order of the
/// secret's start offset. The library never decides how results are stored.
pub trait Sink {
    /// Called once per confirmed match. Return `false` to stop the scan.
    fn matched(&mut self, m: &Match<'_>) -> bool;
}

impl<F: FnMut(&Match<'_>) -> bool> Sink for F {
    fn matched(&mut self, m: &Match<'_>) -> bool {
        self(m)
    }
}

impl Sink for Vec<OwnedMatch> {
    fn matched(&mut self, m: &Match<'_>) -> bool {
        self.push(m.to_owned());
        true
    }
}
