//! The human-readable printer: findings grouped under their file's path.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use scour_rules::Severity;

use crate::finding::{severity_str, Finding};
use crate::{Printer, Summary};

pub(crate) const BOLD: &str = "\x1b[1m";
pub(crate) const RED: &str = "\x1b[31m";
pub(crate) const RESET: &str = "\x1b[0m";
const PATH: &str = "\x1b[1;35m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => RED,
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[34m",
    }
}

/// Replaces control characters with Rust-style escapes (`\n`, `\u{1b}`), so
/// a path or secret cannot move the cursor or recolour the terminal.
pub(crate) fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes, per file, the path and then one line per finding:
/// `  LINE:COL  SEVERITY  RULE-ID  MASKED  fp:FINGERPRINT-PREFIX`.
pub(crate) struct PrettyPrinter {
    out: BufWriter<Box<dyn Write + Send>>,
    color: bool,
    first: bool,
}

impl PrettyPrinter {
    pub(crate) fn new(out: Box<dyn Write + Send>, color: bool) -> PrettyPrinter {
        PrettyPrinter {
            out: BufWriter::new(out),
            color,
            first: true,
        }
    }
}

impl Printer for PrettyPrinter {
    fn file(&mut self, path: &str, findings: &[Finding]) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b"\n")?;
        }
        self.first = false;
        let path = escape_controls(path);
        if self.color {
            writeln!(self.out, "{PATH}{path}{RESET}")?;
        } else {
            writeln!(self.out, "{path}")?;
        }
        let pos_width = findings
            .iter()
            .map(|f| digits(f.line) + 1 + digits(f.column))
            .max()
            .unwrap_or(0);
        let rule_width = findings.iter().map(|f| f.rule.len()).max().unwrap_or(0);
        for f in findings {
            let pos = format!("{}:{}", f.line, f.column);
            let sev = severity_str(f.severity);
            let (on, off) = if self.color {
                (severity_color(f.severity), RESET)
            } else {
                ("", "")
            };
            writeln!(
                self.out,
                "  {pos:<pos_width$}  {on}{sev:<8}{off}  {rule:<rule_width$}  {masked}  fp:{fp}",
                rule = f.rule,
                masked = escape_controls(&f.masked),
                fp = f.fingerprint.get(..12).unwrap_or(&f.fingerprint),
            )?;
            if let Some(pointer) = &f.pointer {
                writeln!(self.out, "    at {}", escape_controls(pointer))?;
            }
            if !f.decoders.is_empty() {
                writeln!(self.out, "    decoded: {}", f.decoders.join(" > "))?;
            }
            if f.occurrences > 1 {
                let files = distinct_paths(f);
                if files > 1 {
                    writeln!(self.out, "    {} places in {files} files", f.occurrences)?;
                    // The other files, a few, so a reader knows where to look.
                    let mut shown = vec![f.path.as_str()];
                    for l in &f.locations {
                        if shown.len() > OTHER_FILES_SHOWN || shown.contains(&l.path.as_str()) {
                            continue;
                        }
                        shown.push(&l.path);
                        let at = escape_controls(&l.path);
                        writeln!(self.out, "    also {at}:{}:{}", l.line, l.column)?;
                    }
                    if files > shown.len() {
                        writeln!(self.out, "    and {} more files", files - shown.len())?;
                    }
                } else {
                    writeln!(self.out, "    {} places in this file", f.occurrences)?;
                }
            }
            if let (Some(l), Some(exp)) = (f.liveness, &f.expires_at) {
                writeln!(self.out, "    {} (expires {exp})", l.as_str())?;
            }
            if let Some(secret) = &f.secret {
                writeln!(self.out, "    secret: {}", escape_controls(secret))?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// Other files named under a finding found in many.
const OTHER_FILES_SHOWN: usize = 5;

fn distinct_paths(f: &Finding) -> usize {
    let mut paths: Vec<&str> = f.locations.iter().map(|l| l.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    paths.len()
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

#[cfg(test)]
mod tests {
    use crate::test_util::{finding, run};
    use crate::Format;

    #[test]
    fn groups_by_file_with_blank_line_between() {
        let a = finding("test.alpha", "a.txt", b"FAKE_alpha_0123456789", false);
        let mut b = finding("test.beta", "b\x1b[2J.txt", b"FAKE_beta_0123456789", true);
        b.line = 12;
        let text = run(
            Format::Pretty,
            false,
            &[("a.txt", vec![a.clone()]), ("b", vec![b])],
        );
        let fp = &a.fingerprint[..12];
        let expected = format!(
            "a.txt\n  1:5  critical  test.alpha  FAKE****9  fp:{fp}\n\nb\n  12:5  high      test.beta  FAKE****9  fp:",
        );
        assert!(text.starts_with(&expected), "{text}");
        assert!(
            text.contains("\n    secret: FAKE_beta_0123456789\n"),
            "{text}"
        );
        assert!(!text.contains("FAKE_alpha_0123456789"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text:?}");
    }

    #[test]
    fn colors_severity_and_escapes_path() {
        let f = finding("test.alpha", "x", b"FAKE_alpha_0123456789", false);
        let text = run(Format::Pretty, true, &[("evil\x1b[2J", vec![f])]);
        assert!(text.contains("\x1b[1;31mcritical\x1b[0m"), "{text:?}");
        assert!(text.contains("evil\\u{1b}[2J"), "{text:?}");
        assert!(!text.contains("\x1b[2J"), "{text:?}");
    }

    #[test]
    fn a_secret_in_many_files_names_the_others() {
        let a = finding("test.alpha", "a.txt", b"FAKE_alpha_0123456789", false);
        let mut merged = a.clone();
        for i in 0..8 {
            let mut other = a.clone();
            other.path = format!("f{i}.txt");
            other.line = 3;
            merged.merge(other);
        }
        let text = run(Format::Pretty, false, &[("a.txt", vec![merged])]);
        assert!(
            text.contains("\n    9 places in 9 files\n    also f0.txt:3:5\n"),
            "{text}"
        );
        assert!(
            text.contains("    also f4.txt:3:5\n    and 3 more files\n"),
            "{text}"
        );
        assert!(!text.contains("f5.txt"), "{text}");
    }

    #[test]
    fn finish_alone_writes_nothing() {
        assert_eq!(run(Format::Pretty, true, &[]), "");
    }
}
