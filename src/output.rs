//! Where findings go: a printer for the chosen format on stdout or a file,
//! the summary on stderr, and the exit code.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use scour_report::{Finding, Format, Summary};
use scour_rules::Rule;

use crate::args::{ColorArg, FormatArg};

pub struct Output {
    out: Box<dyn Write + Send>,
    format: Format,
    color: bool,
    stderr_color: bool,
}

impl Output {
    pub fn open(path: Option<&Path>, format: FormatArg, color: ColorArg) -> anyhow::Result<Output> {
        let (out, to_terminal): (Box<dyn Write + Send>, bool) = match path {
            Some(path) => {
                let file =
                    File::create(path).with_context(|| format!("creating {}", path.display()))?;
                (Box::new(io::BufWriter::new(file)), false)
            }
            None => (
                Box::new(io::BufWriter::new(io::stdout())),
                io::stdout().is_terminal(),
            ),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some();
        let on = |terminal: bool| match color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => terminal && !no_color,
        };
        Ok(Output {
            out,
            format: match format {
                FormatArg::Pretty => Format::Pretty,
                FormatArg::Json => Format::Json,
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Sarif => Format::Sarif,
            },
            color: on(to_terminal),
            stderr_color: on(io::stderr().is_terminal()),
        })
    }

    /// Prints the findings and (unless `quiet`, or the format is a JSON
    /// document that carries it) the summary. Exit status: 2 if any input
    /// failed, else 1 if anything was reported, else 0.
    pub fn write(
        self,
        rules: &[Rule],
        findings: &[Finding],
        summary: &Summary,
        quiet: bool,
    ) -> anyhow::Result<ExitCode> {
        let mut printer = scour_report::printer(self.format, self.out, self.color, rules);
        if let Err(e) = crate::triage::print(printer.as_mut(), findings, summary) {
            stop_if_reader_gone(&e);
            return Err(e).context("writing output");
        }
        if self.format != Format::Json && !quiet {
            eprint!("{}", summary.render_text(self.stderr_color));
        }
        Ok(ExitCode::from(if !summary.errors.is_empty() {
            2
        } else if !findings.is_empty() {
            1
        } else {
            0
        }))
    }
}

/// When the reader of our output goes away (`scour scan | head`), stop at
/// once and quietly, like other command-line tools. Output was being
/// written, so there were findings: exit 1.
fn stop_if_reader_gone(e: &io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(1);
    }
}
