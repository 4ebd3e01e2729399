//! `scour scan`: walk the inputs, scan them in parallel, print findings.
//!
//! Files are the unit of parallelism here. Each worker thread owns a
//! [`Worker`] (engine scratch plus a reusable read buffer) and scans one
//! input at a time with the shared [`Scanner`]; each input's findings reach
//! the printer in one piece, so output stays grouped by file.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use scour_engine::EngineBuilder;
use scour_report::{FileError, Finding, Format, Printer, Summary};
use scour_scan::{Options, Report, Scanner, Worker};

use crate::args::{ColorArg, FormatArg, ScanArgs};

/// Everything a scan shares across threads.
struct Scan {
    scanner: Scanner,
    printer: Mutex<Box<dyn Printer>>,
    summary: Mutex<Summary>,
    workers: Vec<Mutex<Worker>>,
}

/// One input to scan.
enum Input {
    File(PathBuf),
    Stdin,
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
    let opts = Options {
        reveal: args.reveal,
        binary: args.binary,
        chunk_size: args.chunk_size,
        ..Options::default()
    };
    let scanner = Scanner::new(engine, opts);
    let workers = (0..threads).map(|_| Mutex::new(scanner.worker())).collect();
    let scan = Scan {
        scanner,
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
    if let Err(e) = printer.finish(&summary) {
        stop_if_reader_gone(&e);
        return Err(e).context("writing output");
    }
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
                                scan.skipped(&e.path().display().to_string(), "symlink");
                                None
                            }
                            Ok(e) if e.file_type().is_dir() => None,
                            Ok(e) => {
                                scan.skipped(&e.path().display().to_string(), "not a regular file");
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
        let mut report = Shared(self);
        match &input {
            Input::Stdin => {
                self.scanner
                    .scan_reader("-", &mut io::stdin().lock(), &mut worker, &mut report)
            }
            Input::File(path) => {
                self.scanner
                    .scan_file(path, &path.display().to_string(), &mut worker, &mut report)
            }
        }
    }
}

/// Forwards one worker's results to the shared printer and summary.
struct Shared<'a>(&'a Scan);

impl Report for Shared<'_> {
    fn findings(&mut self, path: &str, findings: Vec<Finding>) {
        {
            let mut s = self.0.summary.lock().unwrap();
            findings.iter().for_each(|f| s.add_finding(f));
        }
        if let Err(e) = self.0.printer.lock().unwrap().file(path, &findings) {
            stop_if_reader_gone(&e);
            self.error(path, format!("writing output: {e}"));
        }
    }

    fn scanned(&mut self, _path: &str, bytes: u64) {
        let mut s = self.0.summary.lock().unwrap();
        s.files_scanned += 1;
        s.bytes_scanned += bytes;
    }

    fn skipped(&mut self, path: &str, reason: &str) {
        self.0.skipped(path, reason)
    }

    fn warning(&mut self, path: &str, message: String) {
        self.0.summary.lock().unwrap().warnings.push(FileError {
            path: path.to_string(),
            message,
        });
    }

    fn error(&mut self, path: &str, message: String) {
        self.0.error(path, message)
    }
}

impl Scan {
    fn skipped(&self, _path: &str, reason: &str) {
        self.summary.lock().unwrap().skip(reason);
    }

    fn error(&self, path: &str, message: String) {
        self.summary.lock().unwrap().errors.push(FileError {
            path: path.to_string(),
            message,
        });
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
