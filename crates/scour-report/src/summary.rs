//! Scan totals and their human-readable rendering.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::finding::{category_str, Finding};
use crate::pretty::{escape_controls, BOLD, RED, RESET};

/// Totals of one scan, or of one thread's share of it (see [`Summary::merge`]).
///
/// Serializes to the `summary` object of the `json` format, with keys in
/// declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files (and stdin) whose contents were scanned.
    pub files_scanned: u64,
    /// Bytes of content scanned.
    pub bytes_scanned: u64,
    /// Findings reported.
    pub findings: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings per category (`secret`, `pii`).
    pub by_category: BTreeMap<String, u64>,
    /// Inputs not scanned, per reason (`binary`, `empty`, ...): files,
    /// archive members, mail parts and HAR bodies alike.
    pub skipped: BTreeMap<String, u64>,
    /// Every per-file error, in the order met.
    pub errors: Vec<FileError>,
    /// Problems that did not stop a file from being scanned, such as a
    /// malformed JSON document scanned as plain text instead.
    pub warnings: Vec<FileError>,
    /// Wall-clock time of the scan, in milliseconds.
    pub elapsed_ms: u64,
    /// Findings left out, per reason (`baseline`, `allowlist`, `filter`...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub suppressed: BTreeMap<String, u64>,
}

/// An error that stopped one file from being scanned; the scan went on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The file's path, as given.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl Summary {
    /// Counts one finding.
    pub fn add_finding(&mut self, f: &Finding) {
        self.findings += 1;
        *self.by_rule.entry(f.rule.clone()).or_default() += 1;
        *self
            .by_category
            .entry(category_str(f.category).to_string())
            .or_default() += 1;
    }

    /// Counts `n` findings left out for `reason`.
    pub fn suppress(&mut self, reason: &str, n: u64) {
        if n > 0 {
            *self.suppressed.entry(reason.to_string()).or_default() += n;
        }
    }

    /// Forgets the finding counts, to count a final list again.
    pub fn clear_findings(&mut self) {
        self.findings = 0;
        self.by_rule.clear();
        self.by_category.clear();
    }

    /// Counts one file skipped for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// Records a per-file error.
    pub fn error(&mut self, path: &str, message: impl std::fmt::Display) {
        self.errors.push(FileError {
            path: path.to_string(),
            message: message.to_string(),
        });
    }

    /// Adds `other`'s counts and errors to this one. Elapsed time is the
    /// larger of the two, since per-thread summaries cover the same wall-clock
    /// interval.
    pub fn merge(&mut self, other: Summary) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.findings += other.findings;
        for (maps, theirs) in [
            (&mut self.by_rule, other.by_rule),
            (&mut self.by_category, other.by_category),
            (&mut self.skipped, other.skipped),
            (&mut self.suppressed, other.suppressed),
        ] {
            for (k, n) in theirs {
                *maps.entry(k).or_default() += n;
            }
        }
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
        self.elapsed_ms = self.elapsed_ms.max(other.elapsed_ms);
    }

    /// A human summary for stderr: what was scanned and how fast, findings by
    /// category and by rule (most frequent first), skipped files by reason
    /// and every error with its path. `color` adds ANSI emphasis.
    pub fn render_text(&self, color: bool) -> String {
        let (bold, red, reset) = if color {
            (BOLD, RED, RESET)
        } else {
            ("", "", "")
        };
        let mut s = String::new();
        let mib = self.bytes_scanned as f64 / (1024.0 * 1024.0);
        let secs = self.elapsed_ms as f64 / 1000.0;
        let _ = write!(
            s,
            "scanned {} {}, {mib:.1} MiB in {secs:.2}s",
            self.files_scanned,
            plural(self.files_scanned, "file", "files"),
        );
        if self.elapsed_ms > 0 {
            let _ = write!(s, " ({:.1} MiB/s)", mib / secs);
        }
        s.push('\n');

        let _ = write!(
            s,
            "{bold}{} {}{reset}",
            self.findings,
            plural(self.findings, "finding", "findings")
        );
        if !self.by_category.is_empty() {
            s.push_str(": ");
            s.push_str(&list(&self.by_category));
        }
        s.push('\n');
        let mut rules: Vec<(&String, &u64)> = self.by_rule.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let width = rules.first().map_or(0, |(_, n)| n.to_string().len());
        for (rule, n) in rules {
            let _ = writeln!(s, "  {n:>width$}  {}", escape_controls(rule));
        }

        if !self.suppressed.is_empty() {
            let total: u64 = self.suppressed.values().sum();
            let _ = writeln!(s, "not shown ({total}): {}", list(&self.suppressed));
        }

        if !self.skipped.is_empty() {
            let total: u64 = self.skipped.values().sum();
            let _ = writeln!(s, "not scanned ({total}): {}", list(&self.skipped));
        }

        if !self.warnings.is_empty() {
            let n = self.warnings.len() as u64;
            let _ = writeln!(s, "{n} {}:", plural(n, "warning", "warnings"));
            for e in &self.warnings {
                let _ = writeln!(
                    s,
                    "  {}: {}",
                    escape_controls(&e.path),
                    escape_controls(&e.message)
                );
            }
        }

        if !self.errors.is_empty() {
            let n = self.errors.len() as u64;
            let _ = writeln!(s, "{red}{n} {}{reset}:", plural(n, "error", "errors"));
            for e in &self.errors {
                let _ = writeln!(
                    s,
                    "  {}: {}",
                    escape_controls(&e.path),
                    escape_controls(&e.message)
                );
            }
        }
        s
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `3 binary, 1 empty`, most frequent first.
fn list(counts: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{n} {}", escape_controls(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Summary {
        let mut s = Summary {
            files_scanned: 3,
            bytes_scanned: 3 * 1024 * 1024,
            findings: 2,
            elapsed_ms: 1500,
            ..Summary::default()
        };
        s.by_rule.insert("test.a".into(), 2);
        s.by_category.insert("secret".into(), 2);
        s.skip("binary");
        s.error("x.log", "permission denied");
        s
    }

    #[test]
    fn merge_adds_counts() {
        let mut a = sample();
        let mut b = sample();
        b.by_rule.insert("test.b".into(), 1);
        b.by_category.insert("pii".into(), 1);
        b.findings += 1;
        b.skip("empty");
        b.elapsed_ms = 2000;
        a.merge(b);
        assert_eq!(a.files_scanned, 6);
        assert_eq!(a.bytes_scanned, 6 * 1024 * 1024);
        assert_eq!(a.findings, 5);
        assert_eq!(a.by_rule["test.a"], 4);
        assert_eq!(a.by_rule["test.b"], 1);
        assert_eq!(a.by_category["secret"], 4);
        assert_eq!(a.by_category["pii"], 1);
        assert_eq!(a.skipped["binary"], 2);
        assert_eq!(a.skipped["empty"], 1);
        assert_eq!(a.errors.len(), 2);
        assert_eq!(a.elapsed_ms, 2000);
    }

    #[test]
    fn render_text_lists_everything() {
        let mut s = sample();
        s.by_rule.insert("test.b".into(), 5);
        s.error("bad\x1bname", "oops");
        let text = s.render_text(false);
        assert!(
            text.contains("scanned 3 files, 3.0 MiB in 1.50s (2.0 MiB/s)"),
            "{text}"
        );
        assert!(text.contains("2 findings: 2 secret"), "{text}");
        let (b, a) = (text.find("test.b").unwrap(), text.find("test.a").unwrap());
        assert!(b < a, "rules sorted by count, descending:\n{text}");
        assert!(text.contains("not scanned (1): 1 binary"), "{text}");
        assert!(
            text.contains("2 errors:\n  x.log: permission denied\n"),
            "{text}"
        );
        assert!(
            !text.contains('\x1b'),
            "no raw escapes without color: {text}"
        );
        assert!(s.render_text(true).contains("\x1b[1m"));
    }

    #[test]
    fn render_text_of_empty_scan() {
        let text = Summary::default().render_text(false);
        assert_eq!(text, "scanned 0 files, 0.0 MiB in 0.00s\n0 findings\n");
    }
}
