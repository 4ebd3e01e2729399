//! The floor: what scanning a corpus costs before a single rule is
//! confirmed, on this machine.
//!
//! ```sh
//! cargo bench --bench floor -- .bench-cache/corpus-7-200M            # table
//! cargo bench --bench floor -- DIR --runs 5 --json floor.json        # also JSON
//! ```
//!
//! A throughput target means little without knowing what the hardware
//! allows. Whatever else a scan of a support archive does, it must at least
//! read every file, inflate every compressed member it opens, and search
//! every resulting byte for the rules' literal keywords; a structure-aware
//! scan also parses every JSON document. This program does that and
//! nothing more, with scour's own pieces: the archive readers of
//! `scour-archive` (with `scour scan`'s default limits and nesting depth,
//! and its binary sniffing), the keyword search of `scour-engine` (the
//! fastest literal search we have measured for the full rule pack, faster
//! than an Aho-Corasick DFA and than ripgrep over the same keywords) and
//! the simd-json tape of `scour-formats`. No rule is confirmed, nothing is
//! decoded (MIME, base64, percent, UTF-16), no finding is built or
//! written, so the figures approximate from below what any scan with
//! scour's coverage costs with these components. Where it is not exactly
//! scour's route it does less: JSON is recognised by file extension (a
//! JSON ticket attached under another name is not parsed), and mail is
//! searched as it is, not decoded into its parts.
//!
//! Each stage is timed alone on one thread over every file (best of
//! `--runs`), which gives its CPU cost; the sum divided by the threads is
//! the wall time of perfect scaling. Then all stages run together over the
//! files in parallel (rayon over the files sorted by size, largest first;
//! rayon splits that list in halves, so the order is loose), which gives
//! a measured wall time. Throughput is the corpus's size on disk over time,
//! the measure the comparison harness (`benches/compare/run.py`) uses for
//! scour and its peers. The counts (files, units, bytes, keyword hits,
//! documents) are printed so that two runs can be seen to do the same work.

use std::borrow::Cow;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use scour_archive::{
    detect, read_gzip, read_tar, read_zip, ArchiveKind, Budget, Limits, MemberSink, SkipReason,
    DETECT_LEN,
};
use scour_engine::keywords::Keywords;
use scour_formats::Doc;
use scour_input::{sniff, Sniff};

const USAGE: &str = "usage: floor DIR [--runs N] [--json FILE]";

fn main() {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("floor: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let files = match list_files(&args.dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("floor: {}: no files", args.dir.display());
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("floor: {}: {e}", args.dir.display());
            std::process::exit(2);
        }
    };
    let keywords = rule_keywords();
    let search = Keywords::new(&keywords);

    // Stage by stage, one thread: the CPU each costs.
    let (read_time, raw) = best(args.runs, || {
        files
            .iter()
            .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .collect::<Vec<_>>()
    });
    let disk: u64 = raw.iter().map(|b| b.len() as u64).sum();
    let (inflate_time, units) = best(args.runs, || {
        let mut units = Units::default();
        for (path, bytes) in files.iter().zip(&raw) {
            expand(&name_of(path), bytes, &mut units);
        }
        units
    });
    let (search_time, hits) = best(args.runs, || {
        let mut hits = Vec::new();
        let mut total = 0u64;
        for (_, data) in &units.items {
            search.find_all(data, &mut hits);
            total += hits.len() as u64;
        }
        total
    });
    let (json_time, docs) = best(args.runs, || {
        let mut copy = Vec::new();
        units
            .items
            .iter()
            .map(|(name, data)| parse_json(name, data, &mut copy))
            .sum::<u64>()
    });

    // All together, in parallel over files: the floor's wall time.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(raw[i].len()));
    let (wall, check) = best(args.runs, || {
        order
            .par_iter()
            .map(|&i| {
                let bytes = std::fs::read(&files[i]).expect("read");
                let mut units = Units::default();
                expand(&name_of(&files[i]), &bytes, &mut units);
                let (mut hits, mut copy, mut n) = (Vec::new(), Vec::new(), 0u64);
                for (name, data) in &units.items {
                    search.find_all(data, &mut hits);
                    n += hits.len() as u64 + parse_json(name, data, &mut copy);
                }
                n
            })
            .sum::<u64>()
    });
    assert_eq!(check, hits + docs, "the parallel pass did different work");

    let report = Report {
        dir: args.dir.display().to_string(),
        files: files.len(),
        disk,
        units: units.items.len(),
        expanded: units.items.iter().map(|(_, d)| d.len() as u64).sum(),
        skipped: units.skipped,
        keywords: keywords.len(),
        hits,
        docs,
        threads: rayon::current_num_threads(),
        runs: args.runs,
        read: read_time,
        inflate: inflate_time,
        search: search_time,
        json: json_time,
        wall,
    };
    print!("{}", report.markdown());
    if let Some(out) = &args.json {
        if let Err(e) = std::fs::write(out, report.json()) {
            eprintln!("floor: {}: {e}", out.display());
            std::process::exit(2);
        }
    }
}

struct Args {
    dir: PathBuf,
    runs: usize,
    json: Option<PathBuf>,
}

impl Args {
    fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let (mut dir, mut runs, mut json) = (None, 3, None);
        while let Some(a) = it.next() {
            match a.as_str() {
                // `cargo bench` passes this to every bench binary.
                "--bench" => {}
                "--runs" => {
                    runs = it
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|&n| n > 0)
                        .ok_or("--runs takes a positive number")?;
                }
                "--json" => json = Some(PathBuf::from(it.next().ok_or("--json takes a file")?)),
                _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
                _ if dir.is_none() => dir = Some(PathBuf::from(a)),
                _ => return Err(format!("one directory only ({a})")),
            }
        }
        Ok(Args {
            dir: dir.ok_or("no directory given")?,
            runs,
            json,
        })
    }
}

/// Every regular file below `dir`, in a stable order.
fn list_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// The distinct keywords of the built-in rules: stage one's search.
fn rule_keywords() -> Vec<String> {
    let mut keywords: Vec<String> = Vec::new();
    for k in scour_rules::builtin()
        .expect("built-in rules")
        .iter()
        .flat_map(|r| &r.keywords)
    {
        if !keywords.contains(k) {
            keywords.push(k.clone());
        }
    }
    keywords
}

/// Runs `f` `runs` times; the shortest time and the last result.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut shortest = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        shortest = shortest.min(t.elapsed());
        result = Some(r);
    }
    (shortest, result.expect("runs > 0"))
}

/// What a scan searches: each file that is not an archive, and each member
/// of the archives, decompressed; binary ones and archives nested too deep
/// are left out and counted, as `scour scan` skips them.
#[derive(Default)]
struct Units<'a> {
    items: Vec<(String, Cow<'a, [u8]>)>,
    /// Members the archive limits cut off, binary inputs, archives nested
    /// deeper than the limit.
    skipped: u64,
}

impl<'a> Units<'a> {
    fn push(&mut self, name: &str, data: Cow<'a, [u8]>) {
        if sniff(&data) == Sniff::Binary {
            self.skipped += 1;
        } else {
            self.items.push((name.to_string(), data));
        }
    }
}

/// Adds the file `name` to `units`, opening it if it is an archive: as
/// `scour scan` does, each archive (gzip included, so a `.tar.gz` is two)
/// is a level, and one at `max_depth` is skipped, not searched.
fn expand<'a>(name: &str, bytes: &'a [u8], units: &mut Units<'a>) {
    let limits = Limits::default();
    let max_depth = limits.max_depth;
    let mut walk = Walk {
        depth: 0,
        max_depth,
        budget: Budget::new(limits),
        units,
    };
    match detect(&bytes[..bytes.len().min(DETECT_LEN)]) {
        Some(kind) => walk.open(kind, name, bytes),
        None => walk.units.push(name, Cow::Borrowed(bytes)),
    }
}

struct Walk<'w, 'a> {
    /// Archives this walk's archive is inside of.
    depth: u32,
    max_depth: u32,
    budget: Budget,
    units: &'w mut Units<'a>,
}

impl Walk<'_, '_> {
    /// Reads the archive `bytes` of `kind`, its members one level deeper. A
    /// damaged archive keeps what was read of it: the floor measures work,
    /// not verdicts.
    fn open(&mut self, kind: ArchiveKind, name: &str, bytes: &[u8]) {
        if self.depth >= self.max_depth {
            self.units.skipped += 1;
            return;
        }
        let mut budget = self.budget.share();
        let mut inner = Walk {
            depth: self.depth + 1,
            max_depth: self.max_depth,
            budget: self.budget.share(),
            units: &mut *self.units,
        };
        let _ = match kind {
            ArchiveKind::Zip => read_zip(Cursor::new(bytes), &mut budget, &mut inner),
            ArchiveKind::Tar => read_tar(bytes, false, &mut budget, &mut inner),
            ArchiveKind::Gzip => read_gzip(bytes, name, &mut budget, &mut inner),
        };
    }
}

impl MemberSink for Walk<'_, '_> {
    fn member(&mut self, name: &str, data: &mut dyn Read) -> io::Result<()> {
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes)?;
        match detect(&bytes[..bytes.len().min(DETECT_LEN)]) {
            Some(kind) => self.open(kind, name, &bytes),
            None => self.units.push(name, Cow::Owned(bytes)),
        }
        Ok(())
    }

    fn skipped(&mut self, _name: &str, _reason: SkipReason) {
        self.units.skipped += 1;
    }
}

/// Parses `data` with simd-json if its name says JSON: a `.har` or `.json`
/// is one document, a `.jsonl` one per line. Returns how many parsed.
fn parse_json(name: &str, data: &[u8], copy: &mut Vec<u8>) -> u64 {
    let ext = name.rsplit('.').next().unwrap_or("");
    let docs: Box<dyn Iterator<Item = &[u8]>> = match ext {
        "har" | "json" => Box::new(std::iter::once(data)),
        "jsonl" | "ndjson" => Box::new(data.split(|&b| b == b'\n').filter(|l| !l.is_empty())),
        _ => return 0,
    };
    let mut parsed = 0;
    for doc in docs {
        // simd-json parses a mutable copy, as the scan does.
        copy.clear();
        copy.extend_from_slice(doc);
        if Doc::parse(doc, copy).is_ok() {
            parsed += 1;
        }
    }
    parsed
}

struct Report {
    dir: String,
    files: usize,
    disk: u64,
    units: usize,
    expanded: u64,
    skipped: u64,
    keywords: usize,
    hits: u64,
    docs: u64,
    threads: usize,
    runs: usize,
    read: Duration,
    inflate: Duration,
    search: Duration,
    json: Duration,
    wall: Duration,
}

const MIB: f64 = 1024.0 * 1024.0;

impl Report {
    /// On-disk MiB per second of `t`.
    fn rate(&self, t: Duration) -> f64 {
        self.disk as f64 / MIB / t.as_secs_f64()
    }

    fn cpu(&self) -> Duration {
        self.read + self.inflate + self.search + self.json
    }

    fn markdown(&self) -> String {
        let mut s = format!(
            "Floor on {}: {} files, {:.1} MiB on disk; {} units, {:.1} MiB after inflating \
             ({} binary, cut off by a limit or nested too deep, left out); {} keywords, {} hits; {} JSON documents. \
             Best of {} runs.\n\n",
            self.dir,
            self.files,
            self.disk as f64 / MIB,
            self.units,
            self.expanded as f64 / MIB,
            self.skipped,
            self.keywords,
            self.hits,
            self.docs,
            self.runs,
        );
        s += "| stage | time | on-disk MiB/s |\n|---|---:|---:|\n";
        for (stage, t) in [
            ("read every file (page cache), 1 thread", self.read),
            ("inflate archives to their members, 1 thread", self.inflate),
            ("keyword search over every unit, 1 thread", self.search),
            ("simd-json tape of every JSON document, 1 thread", self.json),
            ("all of the above, 1 thread (sum)", self.cpu()),
        ] {
            s += &format!(
                "| {stage} | {:.3} s | {:.0} |\n",
                t.as_secs_f64(),
                self.rate(t)
            );
        }
        let ideal = self.cpu() / self.threads as u32;
        s += &format!(
            "| the sum spread evenly over {} threads (perfect scaling) | {:.3} s | {:.0} |\n",
            self.threads,
            ideal.as_secs_f64(),
            self.rate(ideal)
        );
        s += &format!(
            "| all of the above in parallel over files, {} threads (measured) | {:.3} s | {:.0} |\n",
            self.threads,
            self.wall.as_secs_f64(),
            self.rate(self.wall)
        );
        s
    }

    fn json(&self) -> String {
        let ideal = self.cpu() / self.threads as u32;
        format!(
            concat!(
                "{{\"dir\": {:?}, \"files\": {}, \"disk_bytes\": {}, \"units\": {}, ",
                "\"expanded_bytes\": {}, \"skipped\": {}, \"keywords\": {}, \"hits\": {}, ",
                "\"json_docs\": {}, \"threads\": {}, \"runs\": {}, \"read_s\": {}, ",
                "\"inflate_s\": {}, \"search_s\": {}, \"json_s\": {}, \"cpu_s\": {}, ",
                "\"ideal_wall_s\": {}, \"wall_s\": {}}}\n"
            ),
            self.dir,
            self.files,
            self.disk,
            self.units,
            self.expanded,
            self.skipped,
            self.keywords,
            self.hits,
            self.docs,
            self.threads,
            self.runs,
            self.read.as_secs_f64(),
            self.inflate.as_secs_f64(),
            self.search.as_secs_f64(),
            self.json.as_secs_f64(),
            self.cpu().as_secs_f64(),
            ideal.as_secs_f64(),
            self.wall.as_secs_f64(),
        )
    }
}
