//! `scour config init|check`.

use std::process::ExitCode;

use anyhow::{bail, Context};
use scour_config::Config;

use crate::args::{ConfigArgs, ConfigCommand};

pub fn run(args: ConfigArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ConfigCommand::Init { path, force } => {
            if path.exists() && !force {
                bail!("{} exists (--force overwrites it)", path.display());
            }
            std::fs::write(&path, scour_config::DEFAULT)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        ConfigCommand::Check { path } => {
            let config = Config::load(&path)?;
            let builtin = scour_rules::builtin().context("loading built-in rules")?;
            let set = config.ruleset(builtin, &[])?;
            for note in &set.notes {
                eprintln!("note: {note}");
            }
            println!(
                "{}: OK ({} rules enabled, {} allowlists)",
                path.display(),
                set.rules.len(),
                set.allowlists.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
