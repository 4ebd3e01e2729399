//! Turning hits into reported findings: line numbers, validity times,
//! `scour:allow` markers, and one finding per secret per file with all its
//! places.

use std::collections::HashMap;

use scour_formats::Hit;
use scour_input::LineCounter;
use scour_report::Finding;

/// Hits of one unit (a file, an archive member) waiting for line numbers.
#[derive(Default)]
pub(crate) struct Pending {
    /// (document offset for line/column, finding without line/column).
    items: Vec<(u64, Finding)>,
}

impl Pending {
    /// Records `hit`, whose document offsets are shifted by `shift` (the
    /// offset of the scanned slice within the unit).
    pub(crate) fn push(&mut self, hit: &Hit<'_>, path: &str, shift: u64, reveal: bool) {
        let (start, end) = hit.span();
        let (start, end) = if hit.verbatim() {
            (start as u64 + shift, end as u64 + shift)
        } else {
            (start as u64, end as u64)
        };
        let mut f = Finding::new(hit.rule, path, 0, 0, start, end, hit.secret, reveal);
        f.pointer = hit.origin.pointer.clone();
        f.decoders = hit.decoders().into_iter().map(str::to_string).collect();
        crate::validity::annotate(&mut f, hit.secret, hit.origin);
        self.items.push((hit.anchor() as u64 + shift, f));
    }

    /// Assigns line and column from `data` (which starts at unit offset
    /// `data_offset` and covers every pending anchor from the counter's
    /// position on) and moves the findings into `out`. Findings in text (no
    /// JSON pointer) on a line carrying the [`ALLOW_MARKER`] are dropped.
    pub(crate) fn place(
        &mut self,
        data: &[u8],
        data_offset: u64,
        lines: &mut LineCounter,
        out: &mut Collector,
    ) {
        self.items.sort_by_key(|(anchor, _)| *anchor);
        for (anchor, mut f) in self.items.drain(..) {
            let end = data_offset + data.len() as u64;
            let at = anchor.clamp(data_offset, end);
            if f.pointer.is_none() && allowed(data, (at - data_offset) as usize) {
                continue;
            }
            lines.advance(data, data_offset, anchor.min(end));
            f.line = lines.line();
            f.column = lines.column();
            out.add(f);
        }
    }
}

/// The findings of one unit, one per distinct secret.
pub(crate) struct Collector {
    /// Most places listed per finding.
    cap: usize,
    findings: Vec<Finding>,
    by_fingerprint: HashMap<String, usize, foldhash::fast::RandomState>,
    /// The last place recorded for each finding. The text scan and a field
    /// rule often report the same bytes; hits arrive ordered by place, so
    /// such a repeat is the previous place of its finding. Comparing with
    /// it, rather than searching the list or keeping a set of every place,
    /// keeps time and memory flat however often a secret repeats.
    last: Vec<(u64, u64, u64, u64)>,
}

impl Collector {
    /// A collector listing at most `cap` places per finding.
    pub(crate) fn new(cap: usize) -> Collector {
        Collector {
            cap,
            findings: Vec::new(),
            by_fingerprint: HashMap::default(),
            last: Vec::new(),
        }
    }

    /// Adds a finding, merging it into an earlier one for the same secret
    /// (see [`Finding::merge`] for which rule names it).
    pub(crate) fn add(&mut self, f: Finding) {
        let i = match self.by_fingerprint.get(&f.fingerprint) {
            Some(&i) => i,
            None => self.findings.len(),
        };
        let place = (f.start, f.end, f.line, f.column);
        if i == self.findings.len() {
            self.by_fingerprint.insert(f.fingerprint.clone(), i);
            self.findings.push(f);
            self.last.push(place);
        } else {
            let new_place = self.last[i] != place;
            self.last[i] = place;
            self.findings[i].merge_known(f, new_place, self.cap);
        }
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        let mut v = self.findings;
        for f in &mut v {
            if f.locations.len() == 1 {
                f.locations.clear();
                f.occurrences = 1;
            }
        }
        v
    }
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
