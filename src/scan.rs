//! `scour scan`: walk the inputs, scan them in parallel, report findings.
//!
//! Files are the unit of parallelism here. Each worker thread owns a
//! [`Worker`] (engine scratch plus a reusable read buffer) and scans one
//! input at a time with the shared [`Scanner`]. Findings are held until the
//! end so that the same secret found in many files becomes one finding
//! (see [`crate::triage`]); with `--db` they are also recorded as each file
//! finishes, which is what lets a killed scan resume.

use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use scour_config::{Allowlist, Config, RuleSet};
use scour_engine::EngineBuilder;
use scour_report::{FileError, Finding, Summary};
use scour_scan::{Options, Report, Scanner, Worker};
use scour_state::{content_hash, FileMeta, StateDb};

use crate::args::{RuleSource, ScanArgs};
use crate::output::Output;
use crate::progress::Progress;
use crate::triage::{self, Triage};

/// Everything a scan shares across threads.
struct Scan {
    scanner: Scanner,
    summary: Mutex<Summary>,
    workers: Vec<Mutex<Worker>>,
    allow: Vec<Allowlist>,
    reveal: bool,
    /// Findings not (or not yet) in the database.
    findings: Mutex<Vec<Finding>>,
    db: Option<Mutex<StateDb>>,
    /// With `--db`: the files of this run, whose stored findings are reported.
    visited: Mutex<HashSet<String>>,
    progress: Progress,
    found: AtomicU64,
    finished: AtomicU64,
    recorded: AtomicU64,
    abort_after: Option<u64>,
}

/// One input to scan.
enum Input {
    File(PathBuf),
    Stdin,
}

/// The configuration (`--config`, `./scour.toml`, or none) and the rules
/// and allowlists it and the `--rules` files make.
pub fn load_rules(src: &RuleSource) -> anyhow::Result<(Config, RuleSet)> {
    let config = match (&src.config, src.no_config) {
        (Some(path), _) => Config::load(path)?,
        (None, false) => Config::discover(Path::new("."))?.unwrap_or_else(Config::empty),
        (None, true) => Config::empty(),
    };
    let builtin = scour_rules::builtin().context("loading built-in rules")?;
    let set = config.ruleset(builtin, &src.rule_files)?;
    Ok((config, set))
}

/// The worker threads (`-j N`, default one per CPU).
pub fn worker_pool(threads: Option<usize>) -> anyhow::Result<(usize, rayon::ThreadPool)> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    Ok((threads, pool))
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (threads, pool) = worker_pool(args.threads)?;
    let (config, set) = load_rules(&args.rules)?;
    let triage = Triage::new(&args.triage)?;
    let mut rules = set.rules;
    if args.db.is_none() {
        // Without stored state nothing can ask for other rules later.
        rules.retain(|r| triage.wants_rule(&r.id, r.category, r.severity));
        if rules.is_empty() {
            anyhow::bail!("the filters leave no rule to run");
        }
    }
    let engine = EngineBuilder::new()
        .rules(rules)
        .build()
        .context("compiling rules")?;

    let out = Output::open(args.output.as_deref(), args.format, args.color)?;
    let mut opts = Options {
        // Kept so that allowlists can look at secrets; dropped before
        // anything is printed or stored unless --reveal.
        reveal: true,
        binary: args.binary,
        chunk_size: args.chunk_size,
        // Every occurrence is listed with --no-dedup, however many.
        max_locations: if args.triage.no_dedup {
            usize::MAX
        } else {
            scour_report::MAX_LOCATIONS
        },
        archives: !args.no_archives,
        mask_names: !args.reveal,
        ..Options::default()
    };
    let a = &config.archives;
    opts.max_depth = args
        .max_archive_depth
        .or(a.max_depth)
        .unwrap_or(opts.max_depth);
    opts.limits.max_depth = opts.max_depth;
    opts.limits.max_total_bytes = a.max_total_bytes.unwrap_or(opts.limits.max_total_bytes);
    opts.limits.max_ratio = a.max_ratio.unwrap_or(opts.limits.max_ratio);
    opts.limits.max_members = a.max_members.unwrap_or(opts.limits.max_members);
    opts.limits.max_member_bytes = a.max_member_bytes.unwrap_or(opts.limits.max_member_bytes);

    let db = match &args.db {
        Some(p) => Some(Mutex::new(StateDb::open(p)?)),
        None => None,
    };
    let show_progress = !args.no_progress && !args.quiet && io::stderr().is_terminal();
    let mut summary = Summary::default();
    for note in &set.notes {
        summary.warnings.push(FileError {
            path: "--rules".into(),
            message: note.clone(),
        });
    }
    let scanner = Scanner::new(engine, opts);
    let workers = (0..threads).map(|_| Mutex::new(scanner.worker())).collect();
    let scan = Scan {
        scanner,
        summary: Mutex::new(summary),
        workers,
        allow: set.allowlists,
        reveal: args.reveal,
        findings: Mutex::new(Vec::new()),
        db,
        visited: Mutex::new(HashSet::new()),
        progress: Progress::new(show_progress, &args.paths),
        found: AtomicU64::new(0),
        finished: AtomicU64::new(0),
        recorded: AtomicU64::new(0),
        abort_after: args.abort_after,
    };

    pool.install(|| {
        inputs(&args.paths, &scan)
            .par_bridge()
            .for_each(|input| scan.one(input));
    });
    scan.progress.finish();

    let mut summary = scan.summary.into_inner().unwrap();
    let mut findings = scan.findings.into_inner().unwrap();
    if let Some(db) = scan.db {
        let mut db = db.into_inner().unwrap();
        db.flush()?;
        findings.extend(db.findings(Some(&scan.visited.into_inner().unwrap()))?);
    }
    // Within the scan's pool: deduplication spreads some work over threads.
    let findings = pool.install(|| triage.apply(findings, &mut summary))?;
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    // Also within it: the JSON printers render large files on every thread.
    pool.install(|| {
        out.write(
            scan.scanner.engine().rules(),
            &findings,
            &summary,
            args.quiet,
        )
    })
}

/// Expands the command-line paths into inputs, lazily, so a walk over
/// millions of files starts scanning at once. Walk errors (unreadable
/// directories, missing paths, link loops) are recorded and the walk goes on.
fn inputs<'a>(paths: &'a [PathBuf], scan: &'a Scan) -> impl Iterator<Item = Input> + Send + 'a {
    paths
        .iter()
        .flat_map(move |path| -> Box<dyn Iterator<Item = Input> + Send + 'a> {
            if path.as_os_str() == "-" {
                return Box::new(std::iter::once(Input::Stdin));
            }
            Box::new(
                walkdir::WalkDir::new(path)
                    .follow_links(false)
                    .into_iter()
                    .filter_map(move |entry| {
                        match entry {
                            Ok(e) if e.file_type().is_file() => Some(Input::File(e.into_path())),
                            // Symlinks given on the command line are followed by walkdir;
                            // links met inside a tree are not, so a dump cannot point the
                            // scan outside itself or into a loop.
                            Ok(e) if e.file_type().is_symlink() => {
                                scan.skipped("symlink");
                                None
                            }
                            Ok(e) if e.file_type().is_dir() => None,
                            Ok(_) => {
                                scan.skipped("not a regular file");
                                None
                            }
                            Err(err) => {
                                let at = err.path().unwrap_or(path).display().to_string();
                                let msg = err
                                    .io_error()
                                    .map_or_else(|| err.to_string(), |e| e.to_string());
                                scan.error(&at, msg);
                                None
                            }
                        }
                    }),
            )
        })
}

impl Scan {
    fn one(&self, input: Input) {
        let index = rayon::current_thread_index().unwrap_or(0) % self.workers.len();
        let mut worker = self.workers[index].lock().unwrap();
        let mut report = Collect::new(self);
        match &input {
            Input::Stdin => {
                self.scanner
                    .scan_reader("-", &mut io::stdin().lock(), &mut worker, &mut report);
                self.keep(report.findings);
            }
            Input::File(path) => {
                let real = path.display().to_string();
                // Reports and the state database name the file with any
                // secret in its name masked (unless --reveal).
                let name = self.scanner.display_name(&real).into_owned();
                if self.allow.iter().any(|a| a.skips_path(&real)) {
                    self.skipped("allowlisted path");
                } else if self.db.is_some() {
                    self.with_state(path, &name, &mut worker, report);
                } else {
                    self.scanner
                        .scan_file(path, &name, &mut worker, &mut report);
                    self.keep(report.findings);
                }
                let size = std::fs::symlink_metadata(path).map_or(0, |m| m.len());
                let files = self.finished.fetch_add(1, Ordering::Relaxed) + 1;
                self.progress
                    .done(size, files, self.found.load(Ordering::Relaxed));
            }
        }
    }

    /// Scans `path` unless the state already has it (or its content), and
    /// records the result.
    fn with_state(&self, path: &Path, name: &str, worker: &mut Worker, mut report: Collect<'_>) {
        let db = self.db.as_ref().expect("called with --db");
        self.visited.lock().unwrap().insert(name.to_string());
        let state = (|| -> Result<Option<(FileMeta, String, bool)>, String> {
            let meta = FileMeta::of(path).map_err(|e| e.to_string())?;
            if db
                .lock()
                .unwrap()
                .unchanged(name, meta)
                .map_err(|e| e.to_string())?
            {
                return Ok(None);
            }
            let hash = content_hash(path).map_err(|e| e.to_string())?;
            let seen = db
                .lock()
                .unwrap()
                .content_seen(&hash)
                .map_err(|e| e.to_string())?;
            Ok(Some((meta, hash, seen)))
        })();
        let (meta, hash) = match state {
            Err(e) => return self.error(name, e),
            Ok(None) => return self.skipped("already scanned (--db)"),
            Ok(Some((meta, hash, true))) => {
                if let Err(e) = db.lock().unwrap().record_alias(name, meta, &hash) {
                    self.error(name, e.to_string());
                }
                return self.skipped("same content as another file");
            }
            Ok(Some((meta, hash, false))) => (meta, hash),
        };
        self.scanner.scan_file(path, name, worker, &mut report);
        if report.failed {
            // Not recorded, so the next run tries again; its findings are
            // still reported now.
            return self.keep(report.findings);
        }
        let mut db = db.lock().unwrap();
        if let Err(e) = db.record_scan(name, meta, &hash, &report.findings) {
            drop(db);
            self.error(name, e.to_string());
            return self.keep(report.findings);
        }
        let n = self.recorded.fetch_add(1, Ordering::SeqCst) + 1;
        if self.abort_after == Some(n) {
            // Stands in for a kill at a known point: what was committed
            // stays, the rest of the run never happens.
            let _ = db.flush();
            std::process::exit(3);
        }
    }

    fn keep(&self, findings: Vec<Finding>) {
        if !findings.is_empty() {
            self.findings.lock().unwrap().extend(findings);
        }
    }

    fn skipped(&self, reason: &str) {
        self.summary.lock().unwrap().skip(reason);
    }

    fn error(&self, path: &str, message: String) {
        self.summary.lock().unwrap().errors.push(FileError {
            path: self.scanner.display_name(path).into_owned(),
            message: self.scanner.display_name(&message).into_owned(),
        });
    }
}

/// One top-level input's results: counts and problems go to the shared
/// summary at once, findings are collected (allowlists applied, secrets
/// dropped unless revealed) for the caller to keep or record.
struct Collect<'a> {
    scan: &'a Scan,
    findings: Vec<Finding>,
    failed: bool,
}

impl<'a> Collect<'a> {
    fn new(scan: &'a Scan) -> Collect<'a> {
        Collect {
            scan,
            findings: Vec::new(),
            failed: false,
        }
    }
}

impl Report for Collect<'_> {
    fn findings(&mut self, _path: &str, mut findings: Vec<Finding>) {
        let dropped = triage::screen(&mut findings, &self.scan.allow, self.scan.reveal);
        self.scan
            .summary
            .lock()
            .unwrap()
            .suppress("allowlist", dropped);
        self.scan
            .found
            .fetch_add(findings.len() as u64, Ordering::Relaxed);
        self.findings.extend(findings);
    }

    fn scanned(&mut self, _path: &str, bytes: u64) {
        let mut s = self.scan.summary.lock().unwrap();
        s.files_scanned += 1;
        s.bytes_scanned += bytes;
    }

    fn skipped(&mut self, _path: &str, reason: &str) {
        self.scan.skipped(reason)
    }

    fn warning(&mut self, path: &str, message: String) {
        self.scan.summary.lock().unwrap().warnings.push(FileError {
            path: path.to_string(),
            message,
        });
    }

    fn error(&mut self, path: &str, message: String) {
        self.failed = true;
        self.scan.error(path, message)
    }
}
