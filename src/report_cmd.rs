//! `scour report`: render the findings stored by `scan --db`.

use std::process::ExitCode;

use anyhow::Context;
use scour_report::Summary;
use scour_state::StateDb;

use crate::args::ReportArgs;
use crate::output::Output;
use crate::triage::Triage;

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    if !args.db.is_file() {
        anyhow::bail!("{}: no such database", args.db.display());
    }
    let triage = Triage::new(&args.triage)?;
    let db = StateDb::open(&args.db)?;
    let (files, bytes) = db.totals()?;
    let mut summary = Summary {
        files_scanned: files,
        bytes_scanned: bytes,
        ..Summary::default()
    };
    let mut stored = db.findings(None)?;
    crate::triage::screen(&mut stored, &[], args.reveal);
    let findings = triage.apply(stored, &mut summary)?;
    let rules = scour_rules::builtin().context("loading built-in rules")?;
    let out = Output::open(args.output.as_deref(), args.format, args.color)?;
    out.write(&rules, &findings, &summary, args.quiet)
}
