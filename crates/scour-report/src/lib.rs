//! Reporting for scour: turns findings into output.
//!
//! A scan produces [`Finding`]s (owned, with a [`fingerprint`] and a
//! [`mask`]ed preview; the secret itself only when the caller asks to reveal
//! it) and a [`Summary`] of what was scanned. A [`Printer`], made by
//! [`printer`] for one [`Format`], writes them as they arrive: pretty text
//! for people, a JSON document, JSON Lines, or SARIF 2.1.0 for code-scanning
//! tools. Printers never hold findings back, so millions of them cost no
//! memory. [`Summary::render_text`] gives the human summary for stderr.
//!
//! ```
//! use scour_report::{printer, Finding, Format, Summary};
//!
//! let rules = scour_rules::builtin().unwrap();
//! let rule = rules.iter().find(|r| r.id == "okta.api-token").unwrap();
//! let content = b"Authorization: SSWS 00FAKEfake0123456789FAKEfake0123456789abXy";
//! let (start, end) = (20, content.len());
//! let finding = Finding::new(
//!     rule, "headers.txt", 1, 21, start as u64, end as u64, &content[start..end], false,
//! );
//! assert_eq!(finding.masked, "00FA****Xy");
//! assert_eq!(finding.secret, None);
//!
//! let mut summary = Summary::default();
//! summary.files_scanned = 1;
//! summary.bytes_scanned = content.len() as u64;
//! summary.add_finding(&finding);
//!
//! let mut out = printer(Format::Jsonl, Box::new(std::io::stdout()), false, &rules);
//! out.file("headers.txt", &[finding])?;
//! out.finish(&summary)?;
//! assert!(summary.render_text(false).contains("1 finding: 1 secret"));
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(missing_docs)]

mod finding;
mod json;
mod merge;
mod pretty;
mod sarif;
mod summary;
#[cfg(test)]
mod test_util;
pub mod time;

use std::io::Write;

pub use finding::{
    category_str, confidence_str, fingerprint, mask, severity_str, Finding, Location,
};
pub use merge::{Liveness, Validity, MAX_LOCATIONS};
pub use summary::{FileError, Summary};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Findings grouped by file, one line each, for a terminal.
    Pretty,
    /// One JSON document: `{"findings":[...],"summary":{...}}`.
    Json,
    /// One JSON finding object per line.
    Jsonl,
    /// A SARIF 2.1.0 log with one run.
    Sarif,
}

/// A sink for findings that writes them in some [`Format`] as they arrive.
///
/// The `json` and `jsonl` printers render a file with many findings on the
/// threads of the current rayon pool (the global one unless called inside
/// [`rayon::ThreadPool::install`]); the output is the same either way.
pub trait Printer: Send {
    /// All findings of one file (or stdin), called once per file that has
    /// findings, from one thread at a time.
    fn file(&mut self, path: &str, findings: &[Finding]) -> std::io::Result<()>;
    /// Called once at the end; writes trailers (JSON summary, SARIF closing)
    /// and flushes.
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()>;
}

/// A printer for `format` writing to `out` (buffered internally).
///
/// `color` adds ANSI colors to the pretty format and is ignored by the
/// others. `rules` are the rules the scan ran with; SARIF lists them as the
/// tool's rule descriptors, and the other formats ignore them.
pub fn printer(
    format: Format,
    out: Box<dyn Write + Send>,
    color: bool,
    rules: &[scour_rules::Rule],
) -> Box<dyn Printer> {
    match format {
        Format::Pretty => Box::new(pretty::PrettyPrinter::new(out, color)),
        Format::Json => Box::new(json::JsonPrinter::new(out)),
        Format::Jsonl => Box::new(json::JsonlPrinter::new(out)),
        Format::Sarif => Box::new(sarif::SarifPrinter::new(out, rules)),
    }
}
