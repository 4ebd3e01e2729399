//! From raw findings to the reported list, the same for `scan` and
//! `report`: deduplication across inputs, liveness at `--now`, filters,
//! baselines, then printing grouped by file.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use rayon::prelude::*;
use scour_config::Allowlist;
use scour_report::{Finding, Liveness, Printer, Summary};
use scour_rules::{Category, Severity};
use scour_state::Baseline;

use crate::args::{CategoryArg, SeverityArg, TriageArgs};

/// The reporting choices of one run.
pub struct Triage {
    dedup: bool,
    now: i64,
    only_live: bool,
    min_severity: Option<Severity>,
    categories: Vec<Category>,
    only_rules: Vec<String>,
    exclude_rules: Vec<String>,
    baseline: Option<Baseline>,
    baseline_write: Option<PathBuf>,
}

impl Triage {
    pub fn new(args: &TriageArgs) -> anyhow::Result<Triage> {
        let now = match &args.now {
            Some(t) => scour_report::time::parse_rfc3339(t)
                .with_context(|| format!("--now {t:?}: not an RFC 3339 time"))?,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        };
        let baseline = match &args.baseline {
            Some(p) => Some(Baseline::read(p)?),
            None => None,
        };
        if args.baseline.is_some() && args.baseline == args.baseline_write {
            bail!("--baseline and --baseline-write name the same file");
        }
        Ok(Triage {
            dedup: !args.no_dedup,
            now,
            only_live: args.only_live,
            min_severity: args.min_severity.map(|s| match s {
                SeverityArg::Low => Severity::Low,
                SeverityArg::Medium => Severity::Medium,
                SeverityArg::High => Severity::High,
                SeverityArg::Critical => Severity::Critical,
            }),
            categories: args
                .categories
                .iter()
                .map(|c| match c {
                    CategoryArg::Secret => Category::Secret,
                    CategoryArg::Pii => Category::Pii,
                })
                .collect(),
            only_rules: args.only_rules.clone(),
            exclude_rules: args.exclude_rules.clone(),
            baseline,
            baseline_write: args.baseline_write.clone(),
        })
    }

    /// True if findings of a rule with these traits can be reported at all;
    /// lets a scan without `--db` leave other rules out of the engine.
    pub fn wants_rule(&self, id: &str, category: Category, severity: Severity) -> bool {
        self.min_severity.map_or(true, |m| severity >= m)
            && (self.categories.is_empty() || self.categories.contains(&category))
            && (self.only_rules.is_empty() || self.only_rules.iter().any(|r| r == id))
            && !self.exclude_rules.iter().any(|r| r == id)
    }

    /// The final list, sorted by place. Counts what was left out in
    /// `summary` and writes the baseline file when asked.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        summary: &mut Summary,
    ) -> anyhow::Result<Vec<Finding>> {
        let mut list = if self.dedup {
            dedup(findings)
        } else {
            findings.into_iter().flat_map(Finding::split).collect()
        };
        for f in &mut list {
            f.assess(self.now);
        }
        let before = list.len();
        list.retain(|f| self.wants_rule(&f.rule, f.category, f.severity));
        summary.suppress("filter", (before - list.len()) as u64);
        if self.only_live {
            let before = list.len();
            list.retain(|f| f.liveness == Some(Liveness::Live));
            summary.suppress("not live", (before - list.len()) as u64);
        }
        if let Some(path) = &self.baseline_write {
            Baseline::write(path, &list)?;
        }
        if let Some(b) = &self.baseline {
            let before = list.len();
            list.retain(|f| !b.contains(f));
            summary.suppress("baseline", (before - list.len()) as u64);
        }
        list.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
        });
        summary.clear_findings();
        list.iter().for_each(|f| summary.add_finding(f));
        Ok(list)
    }
}

/// One finding per rule and secret across every input, with all places.
fn dedup(findings: Vec<Finding>) -> Vec<Finding> {
    // Threads finish in any order; merging in place order keeps the result
    // (the rule named when two tie) the same from run to run. Findings of
    // one place come from one input, in the order its scan found them,
    // which a stable sort keeps. An order of indices is sorted, not the
    // findings: a step then moves an index instead of a whole finding
    // (the sort and the merging run on one thread, after the scan).
    let mut order: Vec<usize> = (0..findings.len()).collect();
    let key = |i: usize| {
        let f = &findings[i];
        (&f.path, f.line, f.column, &f.rule)
    };
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    // Each finding's group, numbered in order of first appearance, looked
    // up by borrowed rule and fingerprint (no copy of either per finding).
    let mut groups: Vec<usize> = Vec::with_capacity(order.len());
    {
        let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(order.len());
        for &i in &order {
            let f = &findings[i];
            let next = index.len();
            groups.push(*index.entry((&f.rule, &f.fingerprint)).or_insert(next));
        }
    }
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut out: Vec<Finding> = Vec::new();
    for (&i, &g) in order.iter().zip(&groups) {
        let f = slots[i].take().expect("each finding is taken once");
        match out.get_mut(g) {
            Some(first) => first.merge(f),
            None => out.push(f),
        }
    }
    out.par_iter_mut()
        .filter(|f| !f.locations.is_empty())
        .for_each(|f| {
            f.locations
                .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
            let first = &f.locations[0];
            // The finding's own place is its first one, so output is stable
            // whatever order threads finished in.
            f.path = first.path.clone();
            f.line = first.line;
            f.column = first.column;
            f.start = first.start;
            f.end = first.end;
            f.pointer = first.pointer.clone();
            f.decoders = first.decoders.clone();
        });
    out
}

/// Drops allowlisted findings and, unless `reveal`, each secret (the scanner
/// keeps them so that allowlists can look at them).
pub fn screen(findings: &mut Vec<Finding>, allow: &[Allowlist], reveal: bool) -> u64 {
    let before = findings.len();
    if !allow.is_empty() {
        findings.retain(|f| {
            let secret = f.secret.as_deref().unwrap_or("");
            !allow.iter().any(|a| a.allows(&f.rule, &f.path, secret))
        });
    }
    if !reveal {
        findings.iter_mut().for_each(|f| f.secret = None);
    }
    (before - findings.len()) as u64
}

/// Prints `findings` (sorted by path) one file at a time, then the trailer.
pub fn print(
    printer: &mut dyn Printer,
    findings: &[Finding],
    summary: &Summary,
) -> std::io::Result<()> {
    let mut rest = findings;
    while let Some(first) = rest.first() {
        let n = rest.iter().take_while(|f| f.path == first.path).count();
        printer.file(&first.path, &rest[..n])?;
        rest = &rest[n..];
    }
    printer.finish(summary)
}
