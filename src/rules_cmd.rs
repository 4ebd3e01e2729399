//! `scour rules list|check`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::args::{RulesArgs, RulesCommand};

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let rules = scour_rules::builtin().context("loading built-in rules")?;
    match args.command {
        RulesCommand::List => {
            let mut out = std::io::stdout().lock();
            for r in &rules {
                writeln!(
                    out,
                    "{:<40} {:<6} {:<8} {:<6} {}",
                    r.id,
                    scour_report::category_str(r.category),
                    scour_report::severity_str(r.severity),
                    scour_report::confidence_str(r.confidence),
                    r.name
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Check => {
            let problems = scour_engine::check_rules(&rules);
            for p in &problems {
                eprintln!("{}: {}", p.rule, p.message);
            }
            let examples: usize = rules
                .iter()
                .map(|r| r.examples.len() + r.negative_examples.len())
                .sum();
            if problems.is_empty() {
                println!("{} rules OK ({} examples checked)", rules.len(), examples);
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} problem(s) in {} rules", problems.len(), rules.len());
                Ok(ExitCode::from(1))
            }
        }
    }
}
