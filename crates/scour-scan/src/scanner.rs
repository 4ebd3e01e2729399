use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

use scour_archive::{ArchiveKind, Budget, MemberSink, SkipReason};
use scour_engine::{Engine, Match, Scratch};
use scour_formats::{scan_json_prescanned, DecodeOptions, Hit, Origin};
use scour_input::{sniff, Chunker, LineCounter, Sniff, SNIFF_LEN};
use scour_report::Finding;
use scour_rules::Place;

use crate::collect::{Collector, Pending};

/// A nested zip larger than this is spooled to a temporary file rather
/// than held in memory (random access needs one or the other).
const SPOOL_AFTER: u64 = 64 << 20;

/// What to scan and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Keep each secret in full in findings (`--reveal`).
    pub reveal: bool,
    /// Scan inputs that look binary instead of skipping them.
    pub binary: bool,
    /// Bytes reported per chunk of a text stream.
    pub chunk_size: usize,
    /// Largest input read whole for structured parsing (JSON, CSV); bigger
    /// ones are scanned as text in chunks, with a warning.
    pub max_structured: u64,
    /// Nested decoding.
    pub decode: DecodeOptions,
    /// How many containers (mails, archives, gzip layers) deep to open.
    pub max_depth: u32,
    /// Read zip, tar, tar.gz and gz archives (`--no-archives` turns it off).
    pub archives: bool,
    /// Limits against archive bombs, for one top-level input and all it holds.
    pub limits: scour_archive::Limits,
    /// Largest single message read from a mailbox.
    pub max_message: usize,
    /// Most places listed per finding of one input; the rest are counted
    /// in `occurrences`. Bounds memory when a secret repeats millions of
    /// times; `usize::MAX` lists every place (`--no-dedup`).
    pub max_locations: usize,
    /// Mask the secrets that rules find in names (file and member names,
    /// JSON pointers, messages quoting them) wherever a name is reported;
    /// see [`Scanner::display_name`]. On by default; `--reveal` turns it
    /// off. Separate from `reveal`, which callers set to look at secrets
    /// (allowlists, redaction) before deciding what to show.
    pub mask_names: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reveal: false,
            binary: false,
            chunk_size: 8 << 20,
            max_structured: 512 << 20,
            decode: DecodeOptions::default(),
            max_depth: 3,
            archives: true,
            limits: scour_archive::Limits::default(),
            max_message: 256 << 20,
            max_locations: scour_report::MAX_LOCATIONS,
            mask_names: true,
        }
    }
}

/// Where results go. Every call names the input it is about (a path, `-`
/// for stdin, or `outer!member` inside containers).
pub trait Report {
    /// The findings of one input, one per distinct secret (not called when
    /// there are none).
    fn findings(&mut self, path: &str, findings: Vec<Finding>);
    /// An input was scanned, `bytes` long.
    fn scanned(&mut self, path: &str, bytes: u64);
    /// An input (or part of one) was not scanned, and why.
    fn skipped(&mut self, path: &str, reason: &str);
    /// Something was off but the input was still scanned.
    fn warning(&mut self, path: &str, message: String);
    /// An input could not be scanned.
    fn error(&mut self, path: &str, message: String);
}

/// A compiled engine plus options: immutable, shared by all threads.
pub struct Scanner {
    pub(crate) engine: Engine,
    pub(crate) opts: Options,
    /// Scratch for pieces of one input scanned on other threads.
    pub(crate) pool: crate::stream::ScratchPool,
    /// Smallest piece of a chunk scanned as a task of its own
    /// ([`crate::stream::MIN_PIECE`]; tests lower it to put seams
    /// everywhere).
    pub(crate) min_piece: usize,
    /// Where pieces of a text chunk end: between words, so that a long
    /// encoded run is decoded by one piece. Tests put them anywhere, to
    /// check that pieces decode the words they cut whole anyway.
    pub(crate) text_ends: crate::stream::Ends,
}

/// Per-thread scratch space, reused from input to input.
pub struct Worker {
    pub(crate) scratch: Scratch,
    pub(crate) chunker: Chunker,
}

impl Scanner {
    /// A scanner running `engine` with `opts`.
    pub fn new(engine: Engine, opts: Options) -> Scanner {
        Scanner {
            engine,
            opts,
            pool: Default::default(),
            min_piece: crate::stream::MIN_PIECE,
            text_ends: crate::stream::Ends::Words,
        }
    }

    /// The engine (for its rules).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Fresh per-thread state.
    pub fn worker(&self) -> Worker {
        Worker {
            scratch: self.engine.scratch(),
            chunker: Chunker::new(self.opts.chunk_size, self.engine.overlap())
                .cut_with(crate::stream::word_cut),
        }
    }

    /// Scans the file at `path`, naming it `name` in reports.
    pub fn scan_file(&self, path: &Path, name: &str, w: &mut Worker, report: &mut dyn Report) {
        let report = &mut crate::names::MaskNames {
            scanner: self,
            inner: report,
        };
        let budget = Budget::new(self.opts.limits.clone());
        let level = Level {
            depth: 0,
            budget: &budget,
        };
        let result = File::open(path).and_then(|mut f| {
            let size = f.metadata()?.len();
            if self.opts.archives && self.is_zip_file(&mut f)? {
                // A zip on disk is read in place, with random access.
                self.zip(name, f, level, w, report);
                return Ok(());
            }
            self.scan_stream(name, &mut f, Some(size), level, w, report)
        });
        if let Err(e) = result {
            report.error(name, e.to_string());
        }
    }

    /// Scans a stream (stdin, a pipe), naming it `name` in reports.
    pub fn scan_reader(
        &self,
        name: &str,
        rdr: &mut dyn Read,
        w: &mut Worker,
        report: &mut dyn Report,
    ) {
        let report = &mut crate::names::MaskNames {
            scanner: self,
            inner: report,
        };
        let budget = Budget::new(self.opts.limits.clone());
        let level = Level {
            depth: 0,
            budget: &budget,
        };
        if let Err(e) = self.scan_stream(name, rdr, None, level, w, report) {
            report.error(name, e.to_string());
        }
    }

    /// Scans bytes held in memory, naming them `name` in reports.
    pub fn scan_bytes(&self, name: &str, bytes: &[u8], w: &mut Worker, report: &mut dyn Report) {
        let mut c = Cursor::new(bytes);
        self.scan_reader(name, &mut c, w, report)
    }

    /// Scans one input, `depth` containers deep, dispatching on its content.
    fn scan_stream(
        &self,
        name: &str,
        rdr: &mut dyn Read,
        size: Option<u64>,
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<()> {
        let mut prefix = Vec::with_capacity(SNIFF_LEN);
        if let Err(e) = rdr.take(SNIFF_LEN as u64).read_to_end(&mut prefix) {
            return self.cut_short(name, &prefix, e, w, report);
        }
        if prefix.is_empty() {
            report.skipped(name, "empty");
            return Ok(());
        }
        if self.opts.archives {
            if let Some(kind) = scour_archive::detect(&prefix) {
                return self.archive(name, kind, prefix, rdr, level, w, report);
            }
        }
        match sniff(&prefix) {
            Sniff::Binary if !self.opts.binary => {
                report.skipped(name, "binary");
                return Ok(());
            }
            Sniff::Utf16 { big_endian } => {
                let Some(all) = self.read_whole(name, prefix, rdr, size, w, report)? else {
                    return Ok(());
                };
                let text = utf16_to_utf8(&all[2..], big_endian);
                let decoder = if big_endian { "utf-16be" } else { "utf-16le" };
                let mut report = Transcoded {
                    inner: report,
                    decoder,
                };
                return self.structured_or_text(name, &text, w, &mut report);
            }
            _ => {}
        }
        if level.depth < self.opts.max_depth {
            if scour_mail::looks_like_mbox(&prefix) {
                return self.mbox(name, &mut Cursor::new(prefix).chain(rdr), level, w, report);
            }
            if scour_mail::looks_like_eml(&prefix) {
                let Some(all) = self.read_whole(name, prefix, rdr, size, w, report)? else {
                    return Ok(());
                };
                self.eml(name, &format!("{name}!"), &all, level, w, report);
                return Ok(());
            }
        }
        let body = strip_bom(&prefix);
        let json_like = matches!(
            body.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        );
        if json_like && !is_csv(name) && is_json_lines(name, body) {
            let rdr = &mut Cursor::new(prefix).chain(rdr);
            let bytes = self.json_lines_stream(name, rdr, w, report)?;
            report.scanned(name, bytes);
            return Ok(());
        }
        if json_like || is_csv(name) {
            let Some(all) = self.read_whole(name, prefix, rdr, size, w, report)? else {
                return Ok(());
            };
            return self.structured_or_text(name, &all, w, report);
        }
        let bytes = self.text(name, &mut Cursor::new(prefix).chain(rdr), w, report)?;
        report.scanned(name, bytes);
        Ok(())
    }

    /// Reads the rest of a stream into memory if it fits the structured
    /// limit; otherwise scans it as text and returns None.
    fn read_whole(
        &self,
        name: &str,
        prefix: Vec<u8>,
        rdr: &mut dyn Read,
        size: Option<u64>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<Option<Vec<u8>>> {
        let limit = self.opts.max_structured;
        let mut all = prefix;
        if !size.is_some_and(|s| s > limit) {
            if let Err(e) = rdr.take(limit + 1 - all.len() as u64).read_to_end(&mut all) {
                return self.cut_short(name, &all, e, w, report).map(|()| None);
            }
            if all.len() as u64 <= limit {
                return Ok(Some(all));
            }
        }
        report.warning(
            name,
            format!("larger than {limit} bytes: scanned as text, without structure"),
        );
        let n = self.text(name, &mut Cursor::new(all).chain(rdr), w, report)?;
        report.scanned(name, n);
        Ok(None)
    }

    /// A stream that failed after `read` bytes (a truncated `.gz`): those
    /// are scanned as text, since a cut document is not well-formed, and
    /// the error is returned for the caller to report.
    fn cut_short(
        &self,
        name: &str,
        read: &[u8],
        err: io::Error,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<()> {
        if !read.is_empty() && (self.opts.binary || !matches!(sniff(read), Sniff::Binary)) {
            self.plain(name, read, w, report);
        }
        Err(err)
    }

    /// An input held whole in memory: JSON (HAR), JSON Lines, CSV or text.
    fn structured_or_text(
        &self,
        name: &str,
        all: &[u8],
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<()> {
        let shift = (all.len() - strip_bom(all).len()) as u64;
        let body = strip_bom(all);
        let mut pending = Pending::default();
        let first = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| body[i]);
        let mut as_text = true;
        if matches!(first, Some(b'{' | b'[')) {
            if is_json_lines(name, body) {
                self.json_lines(name, body, shift, &mut w.scratch, &mut pending, report);
                as_text = false;
            } else {
                let mut sink = |h: &Hit<'_>| pending.push(h, shift);
                match scan_json_prescanned(
                    &self.engine,
                    &mut w.scratch,
                    &self.opts.decode,
                    body,
                    &mut |skip, scratch| self.raw_hits(body, skip, scratch),
                    &mut sink,
                ) {
                    Ok((_, stats)) => {
                        as_text = false;
                        for _ in 0..stats.binary_bodies {
                            report.skipped(name, "har: binary response body");
                        }
                        if stats.too_deep > 0 {
                            report.warning(
                                name,
                                format!(
                                    "{} values nested too deep to walk (still scanned as text)",
                                    stats.too_deep
                                ),
                            );
                        }
                    }
                    Err(e) => {
                        let at = e
                            .offset
                            .map_or_else(String::new, |o| format!(" at byte {}", o as u64 + shift));
                        report.warning(
                            name,
                            format!("malformed JSON{at} ({}): scanned as text", e.message),
                        );
                    }
                }
            }
        }
        if as_text {
            self.text_whole(body, shift, &mut w.scratch, &mut pending);
            if is_csv(name) {
                self.csv_columns(body, shift, w, &mut pending);
            }
        }
        let mut collector = self.collector(name);
        pending.place(all, 0, &mut LineCounter::new(), &mut collector);
        self.finish(name, all.len() as u64, collector, report);
        Ok(())
    }

    /// True if the file starts with a zip signature; leaves it rewound.
    fn is_zip_file(&self, f: &mut File) -> io::Result<bool> {
        let mut magic = Vec::with_capacity(scour_archive::DETECT_LEN);
        (&mut *f)
            .take(scour_archive::DETECT_LEN as u64)
            .read_to_end(&mut magic)?;
        f.seek(SeekFrom::Start(0))?;
        Ok(scour_archive::detect(&magic) == Some(ArchiveKind::Zip))
    }

    /// An archive met while streaming. Zips need random access, so a
    /// nested one is read into memory, or into a temporary file past
    /// [`SPOOL_AFTER`] (its size is bounded by the member limit); tar and
    /// gzip stream through.
    #[allow(clippy::too_many_arguments)]
    fn archive(
        &self,
        name: &str,
        kind: ArchiveKind,
        prefix: Vec<u8>,
        rdr: &mut dyn Read,
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<()> {
        if level.depth >= self.opts.max_depth {
            report.skipped(name, "archive: nested deeper than --max-archive-depth");
            return Ok(());
        }
        let input = Cursor::new(prefix).chain(rdr);
        match kind {
            ArchiveKind::Zip => {
                let limit = level.budget.limits().max_member_bytes;
                let mut input = input.take(limit + 1);
                let mut head = Vec::new();
                (&mut input).take(SPOOL_AFTER).read_to_end(&mut head)?;
                if (head.len() as u64) < SPOOL_AFTER {
                    self.zip(name, Cursor::new(head), level, w, report);
                    return Ok(());
                }
                // Too big to hold (up to the member limit, 1 GiB, per
                // nesting level and thread): spooled to an anonymous
                // temporary file, removed when closed.
                let mut file = tempfile::tempfile()?;
                file.write_all(&head)?;
                drop(head);
                let n = SPOOL_AFTER + io::copy(&mut input, &mut file)?;
                if n > limit {
                    report.skipped(name, "archive: nested zip larger than the member limit");
                    return Ok(());
                }
                file.seek(SeekFrom::Start(0))?;
                self.zip(name, io::BufReader::new(file), level, w, report);
            }
            ArchiveKind::Tar => {
                let base = format!("{name}!");
                self.members(name, base, level, w, report, |sink, b| {
                    scour_archive::read_tar(input, false, b, sink)
                });
            }
            ArchiveKind::Gzip => {
                // The decompressed stream keeps the file's name: findings in
                // `capture.har.gz` are reported there, and a tar inside reads
                // `dump.tar.gz!dir/file`.
                self.members(name, String::new(), level, w, report, |sink, b| {
                    scour_archive::read_gzip(input, name, b, sink)
                });
            }
        }
        Ok(())
    }

    fn zip<R: Read + io::Seek>(
        &self,
        name: &str,
        input: R,
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) {
        if level.depth >= self.opts.max_depth {
            report.skipped(name, "archive: nested deeper than --max-archive-depth");
            return;
        }
        self.members(name, format!("{name}!"), level, w, report, |sink, b| {
            scour_archive::read_zip(input, b, sink)
        });
    }

    /// Reads an archive with `read`, each member an input named
    /// `{base}{member}`, then reports how the archive as a whole went.
    fn members(
        &self,
        name: &str,
        base: String,
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
        read: impl FnOnce(&mut Members<'_, '_>, &mut Budget) -> Result<(), scour_archive::Error>,
    ) {
        let (result, seen) = {
            let mut sink = Members {
                scanner: self,
                base,
                level,
                w,
                report: &mut *report,
                seen: 0,
            };
            (read(&mut sink, &mut level.budget.share()), sink.seen)
        };
        if result.is_ok() && seen == 0 {
            // An archive without a file in it is counted like an empty file.
            report.skipped(name, "empty");
        }
        self.archive_done(name, result, report);
    }

    /// Damage is an error naming the archive (what came before it was
    /// scanned); a limit that stopped the whole archive is a warning, its
    /// members already counted as skipped.
    fn archive_done(
        &self,
        name: &str,
        result: Result<(), scour_archive::Error>,
        report: &mut dyn Report,
    ) {
        match result {
            Ok(()) => {}
            Err(e) => match e.kind() {
                scour_archive::ErrorKind::LimitExceeded(reason) => {
                    report.warning(name, format!("archive not read to the end: {reason}"))
                }
                // The message starts with "archive: " already.
                _ => report.error(name, e.to_string()),
            },
        }
    }

    /// Streams a mailbox message by message; never holds more than one.
    fn mbox(
        &self,
        name: &str,
        rdr: &mut dyn Read,
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<()> {
        let mut mbox = scour_mail::Mbox::new(
            io::BufReader::with_capacity(1 << 20, rdr),
            self.opts.max_message,
        );
        let mut bytes = 0u64;
        while let Some(msg) = mbox.next_message() {
            let msg = msg?;
            let label = format!("{name}!{}", msg.index + 1);
            bytes += msg.data.len() as u64;
            if msg.truncated {
                report.skipped(
                    &label,
                    "mail: message larger than the limit (scanned in part)",
                );
            }
            self.eml(&label, &format!("{label}/"), msg.data, level, w, report);
        }
        report.scanned(name, bytes);
        Ok(())
    }

    /// One message: its header block and every leaf part are inputs of
    /// their own, named `{base}{part}`, so attachments are recognised by
    /// content (a HAR attached to a mail is walked as HAR).
    fn eml(
        &self,
        name: &str,
        base: &str,
        message: &[u8],
        level: Level<'_>,
        w: &mut Worker,
        report: &mut dyn Report,
    ) {
        let result = scour_mail::parts(message, &mut |part| {
            let sub = format!("{base}{}", part.name);
            let data: &[u8] = &part.data;
            if part.content_type == "text/rfc822-headers" {
                // A header block looks like a message itself: scan it as text.
                self.plain(&sub, data, w, report);
                return;
            }
            if let Err(e) = self.scan_stream(
                &sub,
                &mut Cursor::new(data),
                Some(data.len() as u64),
                level.deeper(),
                w,
                report,
            ) {
                report.error(&sub, e.to_string());
            }
        });
        if let Err(e) = result {
            report.warning(
                name,
                format!("not a readable e-mail ({e}): scanned as text"),
            );
            self.plain(name, message, w, report);
        }
    }

    /// Bytes in memory scanned as text, whatever they look like.
    fn plain(&self, name: &str, bytes: &[u8], w: &mut Worker, report: &mut dyn Report) {
        let mut pending = Pending::default();
        self.text_whole(bytes, 0, &mut w.scratch, &mut pending);
        let mut collector = self.collector(name);
        pending.place(bytes, 0, &mut LineCounter::new(), &mut collector);
        self.finish(name, bytes.len() as u64, collector, report);
    }

    /// Where the findings of the unit `name` are gathered.
    pub(crate) fn collector<'a>(&'a self, name: &'a str) -> Collector<'a> {
        Collector::new(
            self.engine.rules(),
            name,
            self.opts.reveal,
            self.opts.max_locations,
        )
    }

    fn finish(&self, name: &str, bytes: u64, collector: Collector<'_>, report: &mut dyn Report) {
        report.scanned(name, bytes);
        let findings = collector.into_findings();
        if !findings.is_empty() {
            report.findings(name, findings);
        }
    }

    /// Text held whole: the engine, then nested decoding.
    pub(crate) fn text_whole(
        &self,
        body: &[u8],
        shift: u64,
        scratch: &mut Scratch,
        pending: &mut Pending,
    ) {
        let seam = crate::stream::Seam::default();
        self.text_piece(body, shift, 0..body.len(), seam, scratch, pending);
    }

    /// CSV cells by column header; cells are verbatim when unquoted.
    fn csv_columns(&self, body: &[u8], shift: u64, w: &mut Worker, pending: &mut Pending) {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(body);
        let headers: Vec<Vec<u8>> = match rdr.byte_headers() {
            Ok(h) => h.iter().map(|c| c.trim_ascii().to_vec()).collect(),
            Err(_) => return,
        };
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = rdr.read_byte_record(&mut record) {
            let Some(pos) = record.position().map(|p| p.byte() as usize) else {
                continue;
            };
            let mut cursor = pos;
            for (i, cell) in record.iter().enumerate() {
                let Some(header) = headers.get(i) else { break };
                if cell.is_empty() {
                    continue;
                }
                let found =
                    memchr::memmem::find(&body[cursor.min(body.len())..], cell).map(|o| cursor + o);
                let origin = match found {
                    Some(at) => {
                        cursor = at + cell.len();
                        Origin::raw(at)
                    }
                    None => Origin {
                        anchor: pos,
                        ..Origin::default()
                    }
                    .decoded("csv"),
                };
                self.engine.scan_field(
                    Place::Column,
                    header,
                    cell,
                    &mut w.scratch,
                    &mut |m: &Match<'_>| {
                        pending.push(&Hit::new(m, &origin), shift);
                        true
                    },
                );
            }
        }
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

pub(crate) fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '\\', '!']).next().unwrap_or(name);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_csv(name: &str) -> bool {
    matches!(extension(name).as_str(), "csv" | "tsv")
}

/// JSON Lines by name, or by shape: a first line that closes a value and a
/// next line that opens one.
fn is_json_lines(name: &str, body: &[u8]) -> bool {
    if matches!(extension(name).as_str(), "jsonl" | "ndjson" | "jsonlines") {
        return true;
    }
    let Some(nl) = memchr::memchr(b'\n', body) else {
        return false;
    };
    let (first, rest) = (body[..nl].trim_ascii(), body[nl + 1..].trim_ascii_start());
    matches!(first.last(), Some(b'}' | b']')) && matches!(rest.first(), Some(b'{' | b'['))
}

/// Findings of a transcoded input: offsets are into the transcoded text,
/// so the transcoding is listed first among each place's decoders, as for
/// any secret found in decoded bytes (lines are the file's: transcoding
/// keeps every line break).
struct Transcoded<'r> {
    inner: &'r mut dyn Report,
    decoder: &'static str,
}

impl Report for Transcoded<'_> {
    fn findings(&mut self, path: &str, mut findings: Vec<Finding>) {
        for f in &mut findings {
            f.decoders.insert(0, self.decoder.to_string());
            for l in &mut f.locations {
                l.decoders.insert(0, self.decoder.to_string());
            }
        }
        self.inner.findings(path, findings)
    }
    fn scanned(&mut self, path: &str, bytes: u64) {
        self.inner.scanned(path, bytes)
    }
    fn skipped(&mut self, path: &str, reason: &str) {
        self.inner.skipped(path, reason)
    }
    fn warning(&mut self, path: &str, message: String) {
        self.inner.warning(path, message)
    }
    fn error(&mut self, path: &str, message: String) {
        self.inner.error(path, message)
    }
}

fn utf16_to_utf8(b: &[u8], big_endian: bool) -> Vec<u8> {
    let units = b.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    s.into_bytes()
}

/// Hands each archive member to the scanner as an input of its own.
struct Members<'a, 'w> {
    scanner: &'a Scanner,
    /// Prefix of member names: `outer.zip!`, or empty for a gzip layer.
    base: String,
    level: Level<'a>,
    w: &'w mut Worker,
    report: &'w mut dyn Report,
    /// Members delivered or skipped so far.
    seen: u64,
}

impl MemberSink for Members<'_, '_> {
    fn member(&mut self, name: &str, data: &mut dyn Read) -> io::Result<()> {
        self.seen += 1;
        let sub = if self.base.is_empty() {
            name.to_string()
        } else {
            format!("{}{name}", self.base)
        };
        let result =
            self.scanner
                .scan_stream(&sub, data, None, self.level.deeper(), self.w, self.report);
        match result {
            // A limit: the archive reader reports the member as skipped.
            Err(e) if scour_archive::LimitExceeded::find(&e).is_some() => Err(e),
            // A gzip layer's one member is the archive itself: its damage
            // is reported once, by the archive, as truncated.
            Err(e) if self.base.is_empty() => Err(e),
            Err(e) => {
                self.report.error(&sub, e.to_string());
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    fn skipped(&mut self, name: &str, reason: SkipReason) {
        self.seen += 1;
        let sub = if self.base.is_empty() {
            name.to_string()
        } else {
            format!("{}{name}", self.base)
        };
        self.report.skipped(&sub, reason.as_str());
    }
}

/// How deep inside containers an input is, and the bomb budget shared by
/// everything inside one top-level input.
#[derive(Clone, Copy)]
struct Level<'b> {
    depth: u32,
    budget: &'b Budget,
}

impl Level<'_> {
    fn deeper(self) -> Self {
        Level {
            depth: self.depth + 1,
            ..self
        }
    }
}
