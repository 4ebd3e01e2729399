//! Turning hits into reported findings: line numbers, and one finding per
//! secret per file with all its places.

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
        self.items.push((hit.anchor() as u64 + shift, f));
    }

    /// Assigns line and column from `data` (which starts at unit offset
    /// `data_offset` and covers every pending anchor from the counter's
    /// position on) and moves the findings into `out`.
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
            lines.advance(data, data_offset, anchor.min(end));
            f.line = lines.line();
            f.column = lines.column();
            out.add(f);
        }
    }
}

/// The findings of one unit, one per distinct secret.
#[derive(Default)]
pub(crate) struct Collector {
    findings: Vec<Finding>,
    by_fingerprint: HashMap<String, usize>,
}

impl Collector {
    /// Adds a finding, merging it into an earlier one for the same secret.
    /// When two rules found the same bytes, the more confident, then more
    /// severe, then more specific rule names the finding (rules in the
    /// `field` and `generic` namespaces are the least specific).
    pub(crate) fn add(&mut self, f: Finding) {
        match self.by_fingerprint.get(&f.fingerprint) {
            None => {
                self.by_fingerprint
                    .insert(f.fingerprint.clone(), self.findings.len());
                self.findings.push(f);
            }
            Some(&i) => {
                let kept = &mut self.findings[i];
                let loc = f.location();
                if kept.locations.is_empty() {
                    kept.locations.push(kept.location());
                }
                if !kept.locations.contains(&loc) {
                    kept.locations.push(loc);
                }
                if rank(&f) > rank(kept) {
                    kept.rule = f.rule;
                    kept.name = f.name;
                    kept.category = f.category;
                    kept.severity = f.severity;
                    kept.confidence = f.confidence;
                }
            }
        }
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        let mut v = self.findings;
        for f in &mut v {
            if f.locations.len() == 1 {
                f.locations.clear();
            }
        }
        v
    }
}

fn rank(f: &Finding) -> (scour_rules::Confidence, scour_rules::Severity, bool) {
    let specific = !(f.rule.starts_with("field.") || f.rule.starts_with("generic."));
    (f.confidence, f.severity, specific)
}
