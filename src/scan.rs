//! `scour scan`: walk the inputs, scan files in parallel, print findings.
//!
//! Files are the unit of parallelism here. Each worker thread owns a
//! [`Worker`] (the engine's scratch plus a reusable read buffer), scans one
//! file at a time in bounded chunks, and hands that file's findings to the
//! shared printer in one piece, so output stays grouped by file.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use scour_engine::{Engine, EngineBuilder, Match, Scratch};
use scour_input::{sniff, Chunker, LineCounter, Sniff, SNIFF_LEN};
use scour_report::{Finding, Format, Printer, Summary};

use crate::args::{ColorArg, FormatArg, ScanArgs};

/// Everything a scan needs, built once from the flags.
struct Scan {
    engine: Engine,
    reveal: bool,
    binary: bool,
    printer: Mutex<Box<dyn Printer>>,
    summary: Mutex<Summary>,
    workers: Vec<Mutex<Worker>>,
}

/// Per-thread state, reused from file to file.
struct Worker {
    scratch: Scratch,
    chunker: Chunker,
}

/// One input to scan.
enum Input {
    File(PathBuf),
    Stdin,
}

/// What scanning one input produced.
enum Outcome {
    Scanned { bytes: u64, findings: Vec<Finding> },
    Skipped(&'static str),
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    let rules = scour_rules::builtin().context("loading built-in rules")?;
    let engine = EngineBuilder::new()
        .rules(rules)
        .build()
        .context("compiling rules")?;

    let (out, to_terminal): (Box<dyn Write + Send>, bool) = match &args.output {
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
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let format = match args.format {
        FormatArg::Pretty => Format::Pretty,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Sarif => Format::Sarif,
    };
    let printer = scour_report::printer(format, out, color, engine.rules());
    let workers = (0..threads)
        .map(|_| {
            Mutex::new(Worker {
                scratch: engine.scratch(),
                chunker: Chunker::new(args.chunk_size, engine.overlap()),
            })
        })
        .collect();
    let scan = Scan {
        engine,
        reveal: args.reveal,
        binary: args.binary,
        printer: Mutex::new(printer),
        summary: Mutex::new(Summary::default()),
        workers,
    };

    pool.install(|| {
        inputs(&args.paths, &scan)
            .par_bridge()
            .for_each(|input| scan.one(input));
    });

    let mut summary = scan.summary.into_inner().unwrap();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let mut printer = scan.printer.into_inner().unwrap();
    printer.finish(&summary).context("writing output")?;
    if format != Format::Json && !args.quiet {
        let stderr_color = args.color == ColorArg::Always
            || (args.color == ColorArg::Auto && io::stderr().is_terminal());
        eprint!("{}", summary.render_text(stderr_color));
    }
    Ok(ExitCode::from(if !summary.errors.is_empty() {
        2
    } else if summary.findings > 0 {
        1
    } else {
        0
    }))
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
                                scan.skip("symlink");
                                None
                            }
                            Ok(e) if e.file_type().is_dir() => None,
                            Ok(_) => {
                                scan.skip("not a regular file");
                                None
                            }
                            Err(err) => {
                                let at = err.path().unwrap_or(path).to_path_buf();
                                let msg = err
                                    .io_error()
                                    .map_or_else(|| err.to_string(), |e| e.to_string());
                                scan.error(&at.display().to_string(), msg);
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
        let (name, result) = match &input {
            Input::Stdin => (
                "-".to_string(),
                self.scan_reader("-", io::stdin().lock(), &mut worker),
            ),
            Input::File(path) => {
                let name = path.display().to_string();
                let result = File::open(path).and_then(|f| self.scan_reader(&name, f, &mut worker));
                (name, result)
            }
        };
        drop(worker);
        match result {
            Ok(Outcome::Scanned { bytes, findings }) => {
                {
                    let mut s = self.summary.lock().unwrap();
                    s.files_scanned += 1;
                    s.bytes_scanned += bytes;
                    findings.iter().for_each(|f| s.add_finding(f));
                }
                if !findings.is_empty() {
                    if let Err(e) = self.printer.lock().unwrap().file(&name, &findings) {
                        self.error(&name, format!("writing output: {e}"));
                    }
                }
            }
            Ok(Outcome::Skipped(reason)) => self.skip(reason),
            Err(e) => self.error(&name, e.to_string()),
        }
    }

    /// Scans one stream chunk by chunk; memory stays bounded whatever its size.
    fn scan_reader(&self, name: &str, rdr: impl Read, worker: &mut Worker) -> io::Result<Outcome> {
        let Worker { scratch, chunker } = worker;
        let mut findings = Vec::new();
        let mut lines = LineCounter::new();
        let mut skipped = None;
        let bytes = chunker.for_each(rdr, |chunk| {
            if chunk.offset == 0 && chunk.report.start == 0 {
                if chunk.last && chunk.data.is_empty() {
                    skipped = Some("empty");
                    return false;
                }
                match sniff(&chunk.data[..chunk.data.len().min(SNIFF_LEN)]) {
                    Sniff::Binary if !self.binary => {
                        skipped = Some("binary");
                        return false;
                    }
                    Sniff::Utf16 { .. } => {
                        skipped = Some("utf-16 text");
                        return false;
                    }
                    _ => {}
                }
            }
            self.engine.scan_reporting(
                chunk.data,
                chunk.report.clone(),
                scratch,
                &mut |m: &Match<'_>| {
                    let range = m.secret_range();
                    let start = chunk.offset + range.start as u64;
                    lines.advance(chunk.data, chunk.offset, start);
                    findings.push(Finding::new(
                        m.rule(),
                        name,
                        lines.line(),
                        lines.column(),
                        start,
                        chunk.offset + range.end as u64,
                        m.secret(),
                        self.reveal,
                    ));
                    true
                },
            );
            lines.advance(
                chunk.data,
                chunk.offset,
                chunk.offset + chunk.report.end as u64,
            );
            true
        })?;
        Ok(match skipped {
            Some(reason) => Outcome::Skipped(reason),
            None => Outcome::Scanned { bytes, findings },
        })
    }

    fn skip(&self, reason: &str) {
        self.summary.lock().unwrap().skip(reason);
    }

    fn error(&self, path: &str, message: String) {
        self.summary
            .lock()
            .unwrap()
            .errors
            .push(scour_report::FileError {
                path: path.to_string(),
                message,
            });
    }
}
