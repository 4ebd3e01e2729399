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
    /// Write copies of files with every secret replaced, keeping each
    /// format valid.
    ///
    /// Each input is scanned, then rewritten with every occurrence of every
    /// secret found (raw, JSON-escaped, percent-encoded, inside base64)
    /// replaced by `[REDACTED:<rule>:<first 8 hex of the fingerprint>]`.
    /// Archives (zip, tar, tar.gz, gz) and mail are rewritten in place,
    /// never extracted. Output goes to a temporary file next to the
    /// destination, renamed when complete.
    ///
    /// Exit status: 0 nothing to redact, 1 values were redacted (or would
    /// be, with --dry-run), 2 an error occurred (the other inputs are still
    /// redacted; an input with an error is not written).
    Redact(RedactArgs),
    /// List or check the built-in rules.
    Rules(RulesArgs),
    /// Write or check a scour.toml configuration.
    Config(ConfigArgs),
    /// Render the findings stored by `scan --db` in any output format.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Files or directories to redact (directories recursively); `-` reads
    /// stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Where to write: a file for one input, a directory for several
    /// (created; each output keeps its path relative to the input
    /// argument). Without it, a single input is written to stdout.
    #[arg(long, short = 'o', value_name = "OUT", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,
    /// Replace each input with its redacted copy, keeping its permissions.
    #[arg(long)]
    pub in_place: bool,
    /// Also redact personal data (e-mail addresses, phone numbers, names,
    /// addresses, card numbers, IBANs).
    #[arg(long)]
    pub pii: bool,
    /// List what would be replaced; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How much of a JSON Web Token to remove: `signature` keeps header
    /// and payload, `full` removes all of it.
    #[arg(long, value_enum, default_value_t = JwtArg::Signature)]
    pub jwt: JwtArg,
    /// Worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// How many containers deep to open: archives inside archives, gzip
    /// layers, attachments inside e-mails.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_archive_depth: u32,
    /// Do not print the summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub rules: RuleSource,
}

/// Where rules and allowlists come from; shared by `scan` and `redact`.
#[derive(Debug, Args)]
pub struct RuleSource {
    /// Configuration file [default: ./scour.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read ./scour.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Extra rules, in scour's rule format or gitleaks' TOML (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_files: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum JwtArg {
    Signature,
    Full,
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
    /// layers, attachments inside e-mails [default: 3, or scour.toml's].
    #[arg(long, value_name = "N")]
    pub max_archive_depth: Option<u32>,
    /// Do not print the summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Bytes reported per chunk when reading a file (memory per thread is
    /// about this plus the rules' overlap).
    #[arg(long, value_name = "BYTES", default_value_t = 8 << 20, hide = true)]
    pub chunk_size: usize,
    #[command(flatten)]
    pub rules: RuleSource,
    /// Keep scan state and findings in this SQLite file: a re-run skips
    /// files already scanned unchanged, so a killed scan resumes.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// No progress bar (it is only shown when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Stop after recording this many files in --db, as if killed (tests).
    #[arg(long, value_name = "N", hide = true, requires = "db")]
    pub abort_after: Option<u64>,
    #[command(flatten)]
    pub triage: TriageArgs,
}

/// Which findings to show and how to group them; shared by `scan` and
/// `report`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    /// List every occurrence as its own finding instead of one finding per
    /// secret with an occurrence count and all its places.
    #[arg(long)]
    pub no_dedup: bool,
    /// Report only findings whose rule and fingerprint are not in FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the reported findings' rules and fingerprints in FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline_write: Option<PathBuf>,
    /// Only findings that are live (an expiry still ahead) at --now.
    #[arg(long)]
    pub only_live: bool,
    /// The instant liveness is judged at, RFC 3339 (default: the clock).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Only findings of at least this severity.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<SeverityArg>,
    /// Only these categories.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub categories: Vec<CategoryArg>,
    /// Only these rule ids (repeatable or comma-separated).
    #[arg(long = "rule", value_delimiter = ',', value_name = "ID")]
    pub only_rules: Vec<String>,
    /// Not these rule ids (repeatable or comma-separated).
    #[arg(long = "exclude-rule", value_delimiter = ',', value_name = "ID")]
    pub exclude_rules: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CategoryArg {
    Secret,
    Pii,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented default scour.toml.
    Init {
        /// Where to write it.
        #[arg(default_value = "scour.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Load a configuration and its rule files and report problems.
    Check {
        /// The file to check.
        #[arg(default_value = "scour.toml")]
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The database written by `scour scan --db`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Pretty)]
    pub format: FormatArg,
    /// Write findings to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in pretty output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Do not print the summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print each secret in full, if the scan stored it (`scan --db
    /// --reveal`).
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub triage: TriageArgs,
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
