//! Turning hits into reported findings: line numbers, validity times,
//! `scour:allow` markers, and one finding per secret per file with all its
//! places.
//!
//! Secrets repeat within a file (an address in every record of a ticket
//! export, a cookie in every request of a capture): on the benchmark
//! corpus fewer than half of the hits are the first of their secret in
//! their file or member. So a hit waits as
//! its place alone, its strings copied into buffers shared by the hits of
//! its piece, and a [`Finding`] with strings of its own (fingerprint,
//! masked preview, JWT claims, path, pointer) is built only for the first
//! place of each secret. Later places join that finding's list (made only
//! while the list has room) and may give it a better rule; see
//! [`Finding::merge_repeat`].

use std::collections::HashMap;
use std::ops::Range;

use scour_formats::Hit;
use scour_input::LineCounter;
use scour_report::{Finding, Location, Validity};
use scour_rules::Rule;

use crate::validity;

/// Hits of one unit (a file, an archive member), or of a piece of one,
/// waiting for line numbers.
#[derive(Default)]
pub(crate) struct Pending {
    hits: Vec<Sighting>,
    /// The hits' secrets, one after another.
    secrets: Vec<u8>,
    /// Their JSON pointers.
    pointers: String,
    /// Their decoders.
    decoders: Vec<&'static str>,
    contexts: validity::Contexts,
}

/// One hit, with its strings in its [`Pending`]'s buffers.
struct Sighting {
    /// Unit offset for line and column.
    anchor: u64,
    /// See [`Finding::start`].
    start: u64,
    /// See [`Finding::end`].
    end: u64,
    /// Index of the rule in the engine's list.
    rule: usize,
    /// The secret, in [`Pending::secrets`].
    secret: Range<usize>,
    /// The JSON pointer, if any, in [`Pending::pointers`].
    pointer: Option<Range<usize>>,
    /// The decoders applied, outermost first, in [`Pending::decoders`].
    decoders: Range<usize>,
    validity: validity::Context,
}

impl Pending {
    /// Records `hit`, whose document offsets are shifted by `shift` (the
    /// offset of the scanned slice within the unit).
    pub(crate) fn push(&mut self, hit: &Hit<'_>, shift: u64) {
        let (start, end) = hit.span();
        let (start, end) = if hit.verbatim() {
            (start as u64 + shift, end as u64 + shift)
        } else {
            (start as u64, end as u64)
        };
        let secret = self.secrets.len()..self.secrets.len() + hit.secret.len();
        self.secrets.extend_from_slice(hit.secret);
        let pointer = hit.origin.pointer.as_deref().map(|p| {
            self.pointers.push_str(p);
            self.pointers.len() - p.len()..self.pointers.len()
        });
        let first = self.decoders.len();
        self.decoders.extend_from_slice(&hit.origin.decoders);
        self.decoders.extend_from_slice(hit.rule_decoders);
        self.hits.push(Sighting {
            anchor: hit.anchor() as u64 + shift,
            start,
            end,
            rule: hit.rule_index,
            secret,
            pointer,
            decoders: first..self.decoders.len(),
            validity: self.contexts.of(hit.origin),
        });
    }

    /// Assigns line and column from `data` (which starts at unit offset
    /// `data_offset` and covers every pending anchor from the counter's
    /// position on) and hands the hits to `out`. Hits in text (no JSON
    /// pointer) on a line carrying the [`ALLOW_MARKER`] are dropped.
    pub(crate) fn place(
        mut self,
        data: &[u8],
        data_offset: u64,
        lines: &mut LineCounter,
        out: &mut Collector<'_>,
    ) {
        self.hits.sort_by_key(|h| h.anchor);
        let end = data_offset + data.len() as u64;
        for h in &self.hits {
            let at = h.anchor.clamp(data_offset, end);
            if h.pointer.is_none() && allowed(data, (at - data_offset) as usize) {
                continue;
            }
            lines.advance(data, data_offset, h.anchor.min(end));
            out.add(&self, h, lines.line(), lines.column());
        }
    }
}

/// The findings of one unit, one per distinct secret.
pub(crate) struct Collector<'a> {
    /// The engine's rules, which [`Sighting::rule`] indexes.
    rules: &'a [Rule],
    /// The unit's name: the path of every finding.
    path: &'a str,
    /// Keep each secret in full ([`crate::Options::reveal`]).
    reveal: bool,
    /// Most places listed per finding.
    cap: usize,
    findings: Vec<Finding>,
    /// What is kept for each finding while places arrive.
    kept: Vec<Kept>,
    /// Findings by their secret's bytes: the fingerprint is a hash of
    /// nothing else, so this groups as the fingerprint does, without a
    /// SHA-256 per hit.
    by_secret: HashMap<Box<[u8]>, usize, foldhash::fast::RandomState>,
}

/// What a [`Collector`] keeps beside a finding.
struct Kept {
    /// The last place recorded (start, end, line, column). The text scan
    /// and a field rule often report the same bytes; hits arrive ordered
    /// by place, so such a repeat is the previous place of its finding.
    /// Comparing with it, rather than searching the list or keeping a set
    /// of every place, keeps time and memory flat however often a secret
    /// repeats.
    last: (u64, u64, u64, u64),
    /// The secret's own validity times (JWT claims).
    claims: Validity,
    /// The validity times of all places so far, written to the finding at
    /// the end rather than formatted for every place.
    validity: Validity,
}

impl<'a> Collector<'a> {
    /// A collector for the unit `path`, whose hits index `rules`, listing
    /// at most `cap` places per finding.
    pub(crate) fn new(rules: &'a [Rule], path: &'a str, reveal: bool, cap: usize) -> Self {
        Collector {
            rules,
            path,
            reveal,
            cap,
            findings: Vec::new(),
            kept: Vec::new(),
            by_secret: HashMap::default(),
        }
    }

    /// Adds hit `h` of `pending` at `line` and `column`: the first place of
    /// its secret builds the finding, a later one merges into it (see
    /// [`Finding::merge_repeat`] for which rule names it).
    fn add(&mut self, pending: &Pending, h: &Sighting, line: u64, column: u64) {
        let secret = &pending.secrets[h.secret.clone()];
        let pointer = h.pointer.clone().map(|r| &pending.pointers[r]);
        let decoders = &pending.decoders[h.decoders.clone()];
        let rule = &self.rules[h.rule];
        let place = (h.start, h.end, line, column);
        let Some(&i) = self.by_secret.get(secret) else {
            let (path, reveal) = (self.path, self.reveal);
            let mut f = Finding::new(rule, path, line, column, h.start, h.end, secret, reveal);
            f.pointer = pointer.map(str::to_string);
            f.decoders = owned(decoders);
            let claims = validity::claims(secret);
            self.by_secret.insert(secret.into(), self.findings.len());
            self.findings.push(f);
            self.kept.push(Kept {
                last: place,
                claims,
                validity: validity::sighting(claims, h.validity),
            });
            return;
        };
        let kept = &mut self.kept[i];
        let new_place = kept.last != place;
        kept.last = place;
        kept.validity
            .merge(validity::sighting(kept.claims, h.validity));
        let path = self.path;
        let location = || Location {
            path: path.to_string(),
            line,
            column,
            start: h.start,
            end: h.end,
            pointer: pointer.map(str::to_string),
            decoders: owned(decoders),
        };
        self.findings[i].merge_repeat(rule, new_place, location, self.cap);
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        let mut v = self.findings;
        for (f, kept) in v.iter_mut().zip(self.kept) {
            kept.validity.write(f);
            if f.locations.len() == 1 {
                f.locations.clear();
                f.occurrences = 1;
            }
        }
        v
    }
}

fn owned(decoders: &[&str]) -> Vec<String> {
    decoders.iter().map(|d| d.to_string()).collect()
}

/// The inline marker that suppresses findings on its line in text sources.
pub const ALLOW_MARKER: &[u8] = b"scour:allow";

/// True if the line of `data` holding byte `at` carries [`ALLOW_MARKER`].
fn allowed(data: &[u8], at: usize) -> bool {
    let at = at.min(data.len());
    let start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i);
    memchr::memmem::find(&data[start..end], ALLOW_MARKER).is_some()
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn allow_marker_covers_its_line_only() {
        let text = b"a=1\nkey=FAKE # scour:allow\nkey=FAKE2\n";
        assert!(allowed(text, 8));
        assert!(!allowed(text, 2));
        assert!(!allowed(text, 31));
        assert!(allowed(b"scour:allow", 100));
    }
}
