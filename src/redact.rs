//! `scour redact`: scan each input, then write a copy with every secret
//! found replaced.
//!
//! Two passes: the scanner (with `reveal`) finds the secrets of every
//! input, then one [`Redactor`] built from all of them rewrites each input,
//! so every copy of a secret changes, even where the scan reported it only
//! once or not at all (a token found in a HAR header and pasted in a mail's
//! prose). Inputs are the unit of parallelism, as in `scan`. An input whose
//! scan hit an error is not written: its unscanned parts could hold
//! secrets.

use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{bail, Context};
use rayon::prelude::*;
use scour_engine::EngineBuilder;
use scour_redact::{JwtMode, Outcome, Redactor, RedactorBuilder, Secret};
use scour_report::Finding;
use scour_rules::Category;
use scour_scan::{Options, Report, Scanner, Worker};

use crate::args::{JwtArg, RedactArgs};

/// One input and where its copy goes.
struct Job {
    src: Src,
    /// None: stdout (or nowhere, with --dry-run).
    dest: Option<PathBuf>,
}

enum Src {
    File(PathBuf),
    Stdin,
}

impl Src {
    fn name(&self) -> String {
        match self {
            Src::File(p) => p.display().to_string(),
            Src::Stdin => "-".to_string(),
        }
    }
}

#[derive(Default)]
struct Totals {
    inputs: u64,
    with_findings: u64,
    replaced: u64,
    findings: u64,
    errors: u64,
}

struct Ctx {
    scanner: Scanner,
    builder: RedactorBuilder,
    pii: bool,
    allow: Vec<scour_config::Allowlist>,
    dry_run: bool,
    in_place: bool,
    totals: Mutex<Totals>,
    /// Serializes what goes to stdout and stderr.
    out: Mutex<()>,
}

pub fn run(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let (jobs, missing, not_copied) = jobs(&args)?;
    let (_, pool) = crate::scan::worker_pool(args.threads)?;
    // The same rules and allowlists as `scan`: what scan reports is what
    // redact removes.
    let (_, set) = crate::scan::load_rules(&args.rules)?;
    let engine = EngineBuilder::new()
        .rules(set.rules)
        .build()
        .context("compiling rules")?;
    let opts = Options {
        reveal: true,
        max_depth: args.max_archive_depth,
        ..Options::default()
    };
    let builder = RedactorBuilder::new()
        .jwt(match args.jwt {
            JwtArg::Signature => JwtMode::Signature,
            JwtArg::Full => JwtMode::Full,
        })
        .max_depth(args.max_archive_depth)
        .max_in_memory(opts.max_structured)
        .chunk_size(opts.chunk_size)
        .limits(opts.limits.clone());
    let cx = Ctx {
        scanner: Scanner::new(engine, opts),
        builder,
        pii: args.pii,
        allow: set.allowlists,
        dry_run: args.dry_run,
        in_place: args.in_place,
        totals: Mutex::new(Totals {
            errors: missing.len() as u64,
            ..Totals::default()
        }),
        out: Mutex::new(()),
    };
    for m in &missing {
        eprintln!("scour: error: {}", cx.scanner.display_name(m));
    }
    for p in &not_copied {
        let p = p.display().to_string();
        eprintln!(
            "scour: warning: {}: not a regular file, not copied",
            cx.scanner.display_name(&p)
        );
    }
    // Every input is rewritten with the secrets found in all of them, so a
    // token found in one file's header is also removed from another
    // file's prose, where no rule would have spotted it.
    let scanned: Vec<Scanned> = pool.install(|| {
        jobs.par_iter()
            .map_init(|| cx.scanner.worker(), |w, job| cx.scan(job, w))
            .collect()
    });
    let secrets = scanned
        .iter()
        .flat_map(|s| &s.findings)
        .filter_map(|f| {
            Some(Secret {
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                value: f.secret_bytes()?.to_vec(),
            })
        })
        .collect();
    let redactor = cx.builder.clone().build(secrets);
    pool.install(|| {
        jobs.par_iter()
            .zip(&scanned)
            .for_each(|(job, s)| cx.write(job, s, &redactor))
    });
    let t = cx.totals.into_inner().unwrap();
    if !args.quiet {
        let verb = if args.dry_run {
            "would redact"
        } else {
            "redacted"
        };
        eprintln!(
            "scour: {verb} {} finding(s) in {} of {} input(s){}; {} error(s)",
            t.findings,
            t.with_findings,
            t.inputs,
            if args.dry_run {
                String::new()
            } else {
                format!(", {} replacement(s)", t.replaced)
            },
            t.errors
        );
    }
    Ok(ExitCode::from(if t.errors > 0 {
        2
    } else if t.findings > 0 {
        1
    } else {
        0
    }))
}

/// Expands the arguments into inputs with their destinations.
/// Paths that cannot be read are returned apart, to be reported as errors
/// while the other inputs are redacted, and so are links and other
/// non-files inside trees, which are not copied (both are reported once
/// the scanner exists, which masks secrets in names).
fn jobs(args: &RedactArgs) -> anyhow::Result<(Vec<Job>, Vec<String>, Vec<PathBuf>)> {
    let mut found: Vec<(Src, PathBuf)> = Vec::new();
    let mut missing = Vec::new();
    let mut not_copied = Vec::new();
    let mut any_dir = false;
    for arg in &args.paths {
        if arg.as_os_str() == "-" {
            if args.in_place {
                bail!("--in-place cannot rewrite stdin");
            }
            found.push((Src::Stdin, PathBuf::from("stdin")));
            continue;
        }
        let meta = match fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                missing.push(format!("{}: {e}", arg.display()));
                continue;
            }
        };
        if meta.is_dir() {
            any_dir = true;
            for e in walkdir::WalkDir::new(arg)
                .follow_links(false)
                .sort_by_file_name()
            {
                let e = match e {
                    Ok(e) => e,
                    Err(e) => {
                        missing.push(format!("{}: {e}", arg.display()));
                        continue;
                    }
                };
                if e.file_type().is_file() {
                    let rel = e.path().strip_prefix(arg).unwrap_or(e.path()).to_path_buf();
                    found.push((Src::File(e.into_path()), rel));
                } else if !e.file_type().is_dir() {
                    // Links inside a tree are not followed (as in `scan`),
                    // so they are neither read nor copied.
                    not_copied.push(e.into_path());
                }
            }
        } else {
            let rel = PathBuf::from(arg.file_name().unwrap_or(arg.as_os_str()));
            found.push((Src::File(arg.clone()), rel));
        }
    }
    let single = args.paths.len() == 1 && !any_dir;
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .map(|(src, rel)| {
            let dest = if args.dry_run {
                None
            } else if args.in_place {
                match &src {
                    Src::File(p) => Some(p.clone()),
                    Src::Stdin => None,
                }
            } else {
                match &args.output {
                    Some(o) if single => Some(o.clone()),
                    Some(o) => Some(o.join(&rel)),
                    None if single => None,
                    None => bail!("several inputs: give -o DIR or --in-place"),
                }
            };
            if let (Some(d), false) = (&dest, args.in_place) {
                if !seen.insert(d.clone()) {
                    bail!("two inputs would be written to {}", d.display());
                }
                if let Src::File(p) = &src {
                    if same_file(p, d) {
                        bail!("{} is an input; use --in-place to replace it", d.display());
                    }
                }
            }
            Ok(Job { src, dest })
        })
        .collect::<anyhow::Result<_>>()
        .map(|jobs| (jobs, missing, not_copied))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The first pass's result for one input.
struct Scanned {
    findings: Vec<Finding>,
    errors: Vec<(String, String)>,
    /// What stdin held, spooled to an anonymous temporary file for the
    /// second pass (so memory stays bounded whatever its size).
    stdin: Option<File>,
}

impl Ctx {
    /// First pass: the secrets of one input.
    fn scan(&self, job: &Job, w: &mut Worker) -> Scanned {
        let name = job.src.name();
        let mut scan = Collect::default();
        let stdin = match &job.src {
            Src::File(p) => {
                self.scanner.scan_file(p, &name, w, &mut scan);
                None
            }
            Src::Stdin => {
                let spooled = tempfile::tempfile().and_then(|mut f| {
                    io::copy(&mut io::stdin().lock(), &mut f)?;
                    f.seek(SeekFrom::Start(0))?;
                    Ok(f)
                });
                match spooled {
                    Ok(mut f) => {
                        self.scanner.scan_reader(&name, &mut f, w, &mut scan);
                        Some(f)
                    }
                    Err(e) => {
                        scan.error(&name, format!("reading stdin: {e}"));
                        None
                    }
                }
            }
        };
        let findings: Vec<Finding> = scan
            .findings
            .into_iter()
            .filter(|f| self.pii || f.category != Category::Pii)
            .filter(|f| {
                let secret = f.secret.as_deref().unwrap_or("");
                !self
                    .allow
                    .iter()
                    .any(|a| a.allows(&f.rule, &f.path, secret))
            })
            .collect();
        let mut t = self.totals.lock().unwrap();
        t.inputs += 1;
        t.findings += findings.len() as u64;
        t.with_findings += u64::from(!findings.is_empty());
        Scanned {
            findings,
            errors: scan.errors,
            stdin,
        }
    }

    /// Second pass: writes the copy of one input (or lists its findings).
    fn write(&self, job: &Job, scanned: &Scanned, redactor: &Redactor) {
        let name = job.src.name();
        if !scanned.errors.is_empty() {
            for (path, msg) in &scanned.errors {
                self.error(&format!("{path}: {msg} (not written)"));
            }
            return;
        }
        if self.dry_run {
            let _g = self.out.lock().unwrap();
            let mut out = io::stdout().lock();
            for f in &scanned.findings {
                let at = f
                    .pointer
                    .as_deref()
                    .map_or_else(|| format!("line {}", f.line), |p| format!("pointer {p}"));
                let _ = writeln!(
                    out,
                    "{}\t{at}\t{}\t{}",
                    f.path,
                    scour_redact::marker(&f.rule, &f.fingerprint),
                    f.masked
                );
            }
            return;
        }
        let stdin = scanned.stdin.as_ref();
        let result = match &job.dest {
            Some(dest) => write_file(redactor, &job.src, stdin, dest, self.in_place),
            None => write_stdout(redactor, &job.src, stdin),
        };
        match result {
            Ok(outcome) => {
                self.totals.lock().unwrap().replaced += outcome.replaced;
                for (path, msg) in outcome.problems {
                    self.warn(&format!("{path}: {msg}"));
                }
            }
            Err(e) => self.error(&format!("{name}: {e:#} (not written)")),
        }
    }

    /// Errors and warnings name inputs and members: secrets in those names
    /// are masked, as in every report.
    fn error(&self, msg: &str) {
        self.totals.lock().unwrap().errors += 1;
        let msg = self.scanner.display_name(msg);
        let _g = self.out.lock().unwrap();
        eprintln!("scour: error: {msg}");
    }

    fn warn(&self, msg: &str) {
        let msg = self.scanner.display_name(msg);
        let _g = self.out.lock().unwrap();
        eprintln!("scour: warning: {msg}");
    }
}

/// Rewrites `src` into `out` (any writer that can seek, for zips).
fn rewrite<W: Write + Seek>(
    r: &Redactor,
    src: &Src,
    stdin: Option<&File>,
    out: &mut W,
) -> anyhow::Result<Outcome> {
    Ok(match (src, stdin) {
        (Src::File(p), _) => r.redact_file(p, &p.display().to_string(), out)?,
        (Src::Stdin, Some(mut f)) => {
            f.seek(SeekFrom::Start(0))?;
            r.redact_reader("-", &mut io::BufReader::new(f), out)?
        }
        (Src::Stdin, None) => bail!("stdin could not be read"),
    })
}

/// Writes to a temporary file next to `dest`, then renames it over
/// `dest`: a crash never leaves a half-written file in its place. The
/// copy gets the input's permissions.
fn write_file(
    r: &Redactor,
    src: &Src,
    stdin: Option<&File>,
    dest: &Path,
    in_place: bool,
) -> anyhow::Result<Outcome> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, tmp);
    let outcome = rewrite(r, src, stdin, &mut out)?;
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    if let Src::File(p) = src {
        let perms = fs::metadata(p)?.permissions();
        fs::set_permissions(tmp.path(), perms)?;
    }
    if in_place {
        // The original goes away at the rename: make sure the copy is on disk.
        tmp.as_file().sync_all()?;
    }
    tmp.persist(dest)
        .with_context(|| format!("renaming into {}", dest.display()))?;
    Ok(outcome)
}

/// Stdout cannot seek (a zip writer needs to), so the copy goes through
/// an anonymous temporary file.
fn write_stdout(r: &Redactor, src: &Src, stdin: Option<&File>) -> anyhow::Result<Outcome> {
    let mut tmp = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
    let outcome = rewrite(r, src, stdin, &mut tmp)?;
    let mut tmp: File = tmp.into_inner().map_err(|e| e.into_error())?;
    tmp.seek(SeekFrom::Start(0))?;
    io::copy(&mut tmp, &mut io::stdout().lock())?;
    Ok(outcome)
}

/// The scan's results for one input.
#[derive(Default)]
struct Collect {
    findings: Vec<Finding>,
    errors: Vec<(String, String)>,
}

impl Report for Collect {
    fn findings(&mut self, _path: &str, findings: Vec<Finding>) {
        self.findings.extend(findings);
    }
    fn scanned(&mut self, _path: &str, _bytes: u64) {}
    fn skipped(&mut self, _path: &str, _reason: &str) {}
    fn warning(&mut self, _path: &str, _message: String) {}
    fn error(&mut self, path: &str, message: String) {
        self.errors.push((path.to_string(), message));
    }
}
