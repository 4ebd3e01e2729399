//! `scour`: find and scrub secrets and personal data in support-archive dumps.
//!
//! `main` only parses flags and dispatches; each subcommand lives in its own
//! module, and all detection logic lives in the library crates.

mod args;
mod config_cmd;
mod output;
mod progress;
mod redact;
mod report_cmd;
mod rules_cmd;
mod scan;
mod triage;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Scan(a) => scan::run(a),
        args::Command::Redact(a) => redact::run(a),
        args::Command::Rules(a) => rules_cmd::run(a),
        args::Command::Config(a) => config_cmd::run(a),
        args::Command::Report(a) => report_cmd::run(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("scour: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
