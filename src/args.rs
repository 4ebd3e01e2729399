//! Command-line flags, as parsed by clap. Kept free of behaviour.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find secrets and personal data in support-archive dumps.
#[derive(Debug, Parser)]
#[command(name = "scour", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or stdin for secrets and personal data.
    ///
    /// Exit status: 0 no findings, 1 findings, 2 an error occurred (whatever
    /// could be scanned is still reported).
    Scan(ScanArgs),
    /// List or check the built-in rules.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (recursively); `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Pretty)]
    pub format: FormatArg,
    /// Write findings to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Print each secret in full. Off by default: findings show a masked
    /// preview and a fingerprint.
    #[arg(long)]
    pub reveal: bool,
    /// Scan files that look binary instead of skipping them.
    #[arg(long)]
    pub binary: bool,
    /// Colour in pretty output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Do not open zip, tar, tar.gz and gz archives (they are then binary
    /// files, skipped unless --binary).
    #[arg(long)]
    pub no_archives: bool,
    /// How many containers deep to open: archives inside archives, gzip
    /// layers, attachments inside e-mails.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_archive_depth: u32,
    /// Do not print the summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Bytes reported per chunk when reading a file (memory per thread is
    /// about this plus the rules' overlap).
    #[arg(long, value_name = "BYTES", default_value_t = 8 << 20, hide = true)]
    pub chunk_size: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Pretty,
    Json,
    Jsonl,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print one rule per line: id, category, severity, confidence, name.
    List,
    /// Compile every rule and check its examples and negative examples.
    Check,
}
