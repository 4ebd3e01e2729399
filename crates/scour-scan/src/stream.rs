//! Streams read in bounded chunks, each chunk split into pieces scanned in
//! parallel: text, and JSON Lines record by record.
//!
//! Files are the CLI's unit of parallelism, so one huge file (a 2 GiB
//! ticket export) would otherwise keep one core busy while the others
//! idle. Each chunk of a stream (8 MiB by default) is cut into pieces of at
//! least [`MIN_PIECE`] bytes, scanned on the rayon pool with scratch space
//! from a shared pool, and the pieces' findings are then given line numbers
//! in order, on the calling thread. Memory stays one chunk per stream.
//!
//! Text pieces carry the engine's overlap on either side as context and
//! report only matches that start inside them, as chunks do. JSON Lines
//! chunks end at line ends (see [`Chunker::align_to_lines`]) and pieces are
//! cut at line ends, so every record is parsed whole; a record longer than
//! a chunk is scanned as text.

use std::io::{self, Read};
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;
use scour_engine::{Match, Scratch};
use scour_formats::{scan_decoded, scan_json, Hit, Origin};
use scour_input::{Chunker, LineCounter};

use crate::collect::{Collector, Pending};
use crate::scanner::{Report, Scanner, Worker};

/// Smallest piece worth a task of its own.
pub(crate) const MIN_PIECE: usize = 512 << 10;

/// Scratch space for pieces scanned on other threads, reused across inputs.
#[derive(Default)]
pub(crate) struct ScratchPool(Mutex<Vec<Scratch>>);

/// What one JSON Lines piece found besides findings.
#[derive(Default)]
struct LinesOutcome {
    /// Records that did not parse (scanned as text).
    bad: u64,
    /// Line number, within the piece (0-based), of the first of them.
    first_bad: Option<u64>,
}

impl Scanner {
    /// A text stream, in bounded chunks, each scanned in parallel pieces.
    /// Returns the bytes read.
    pub(crate) fn text(
        &self,
        name: &str,
        rdr: &mut dyn Read,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<u64> {
        let Worker { scratch, chunker } = w;
        let mut lines = LineCounter::new();
        let mut collector = Collector::new(self.opts.max_locations);
        // Where the encoded run going on at the current chunk's start began.
        let mut run_from: Option<u64> = None;
        let bytes = chunker.for_each(rdr, |chunk| {
            let pieces = split(chunk.data, chunk.report.clone(), false);
            let found = self.each_piece(scratch, &pieces, |scratch, piece| {
                let mut pending = Pending::default();
                let interior = piece.start != chunk.report.start;
                let seam = Seam {
                    interior,
                    run_from: run_from.filter(|_| !interior),
                    more: !chunk.last,
                };
                self.text_piece(
                    name,
                    chunk.data,
                    chunk.offset,
                    piece,
                    seam,
                    scratch,
                    &mut pending,
                );
                pending
            });
            for mut pending in found {
                pending.place(chunk.data, chunk.offset, &mut lines, &mut collector);
            }
            let end = chunk.offset + chunk.report.end as u64;
            lines.advance(chunk.data, chunk.offset, end);
            run_from = run_start(chunk.data, chunk.report.end).map(|i| match (i, run_from) {
                // The run fills what this chunk holds of it: it began earlier.
                (0, Some(from)) => from,
                _ => chunk.offset + i as u64,
            });
            true
        });
        // What was read before a read error is reported, then the error.
        self.finish_stream(name, collector, report);
        bytes
    }

    /// A JSON Lines stream: whole records, walked as JSON, in parallel
    /// pieces; records that do not parse, and records longer than a chunk,
    /// are scanned as text. Returns the bytes read.
    pub(crate) fn json_lines_stream(
        &self,
        name: &str,
        rdr: &mut dyn Read,
        w: &mut Worker,
        report: &mut dyn Report,
    ) -> io::Result<u64> {
        let mut chunker =
            Chunker::new(self.opts.chunk_size, self.engine.overlap()).align_to_lines();
        let mut lines = LineCounter::new();
        let mut collector = Collector::new(self.opts.max_locations);
        let mut outcome = LinesOutcome::default();
        let mut line_base = 0u64;
        let mut long_records = 0u64;
        let bytes = chunker.for_each(rdr, |chunk| {
            let mut rest = chunk.report.clone();
            if chunk.offset == 0 && chunk.data[rest.clone()].starts_with(b"\xEF\xBB\xBF") {
                rest.start += 3;
            }
            // The part of a record longer than a chunk: text.
            let nl = memchr::memchr(b'\n', &chunk.data[rest.clone()]);
            let text_end = match nl {
                None if chunk.mid_line || !chunk.last => Some(rest.end),
                Some(nl) if chunk.mid_line => Some(rest.start + nl + 1),
                _ => None,
            };
            let mut pieces = Vec::new();
            let text_piece = text_end.map(|end| rest.start..end);
            if let Some(t) = &text_piece {
                pieces.push(t.clone());
                long_records += !chunk.mid_line as u64;
                rest.start = t.end;
            }
            if !rest.is_empty() || pieces.is_empty() {
                pieces.extend(split(chunk.data, rest, true));
            }
            let found = self.each_piece(&mut w.scratch, &pieces, |scratch, piece| {
                let mut pending = Pending::default();
                let got = if text_piece.as_ref() == Some(&piece) {
                    let seam = Seam {
                        more: !chunk.last,
                        ..Seam::default()
                    };
                    self.text_piece(
                        name,
                        chunk.data,
                        chunk.offset,
                        piece.clone(),
                        seam,
                        scratch,
                        &mut pending,
                    );
                    LinesOutcome::default()
                } else {
                    let shift = chunk.offset + piece.start as u64;
                    self.json_lines_piece(
                        name,
                        &chunk.data[piece.clone()],
                        shift,
                        scratch,
                        &mut pending,
                    )
                };
                (
                    pending,
                    got,
                    memchr::memchr_iter(b'\n', &chunk.data[piece]).count() as u64,
                )
            });
            for (mut pending, got, newlines) in found {
                pending.place(chunk.data, chunk.offset, &mut lines, &mut collector);
                outcome.bad += got.bad;
                if outcome.first_bad.is_none() {
                    outcome.first_bad = got.first_bad.map(|l| line_base + l);
                }
                line_base += newlines;
            }
            let end = chunk.offset + chunk.report.end as u64;
            lines.advance(chunk.data, chunk.offset, end);
            true
        });
        if long_records > 0 {
            report.warning(
                name,
                format!(
                    "{long_records} JSON Lines record(s) longer than {} bytes: scanned as text",
                    self.opts.chunk_size
                ),
            );
        }
        self.warn_bad_records(name, &outcome, report);
        self.finish_stream(name, collector, report);
        bytes
    }

    /// JSON Lines held whole in memory.
    pub(crate) fn json_lines(
        &self,
        name: &str,
        body: &[u8],
        shift: u64,
        scratch: &mut Scratch,
        pending: &mut Pending,
        report: &mut dyn Report,
    ) {
        let outcome = self.json_lines_piece(name, body, shift, scratch, pending);
        self.warn_bad_records(name, &outcome, report);
    }

    /// One JSON document per line; lines that do not parse are scanned as
    /// text. `body` starts at stream offset `shift`.
    fn json_lines_piece(
        &self,
        name: &str,
        body: &[u8],
        shift: u64,
        scratch: &mut Scratch,
        pending: &mut Pending,
    ) -> LinesOutcome {
        let mut start = 0;
        let mut out = LinesOutcome::default();
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            let line_shift = shift + start as u64;
            start += line.len() + 1;
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            let mut sink = |h: &Hit<'_>| pending.push(h, name, line_shift, self.opts.reveal);
            let parsed = trimmed.first() == Some(&b'{')
                && scan_json(&self.engine, scratch, &self.opts.decode, line, &mut sink).is_ok();
            if !parsed {
                out.bad += 1;
                out.first_bad.get_or_insert(i as u64);
                self.text_whole(name, line, line_shift, scratch, pending);
            }
        }
        out
    }

    /// Logs that merely start with a JSON line are JSON Lines only by
    /// shape; their other lines are text, not damage. Files named as JSON
    /// Lines get a warning for records that did not parse.
    fn warn_bad_records(&self, name: &str, outcome: &LinesOutcome, report: &mut dyn Report) {
        let named = matches!(
            crate::scanner::extension(name).as_str(),
            "jsonl" | "ndjson" | "jsonlines"
        );
        if let Some(line) = outcome.first_bad.filter(|_| named) {
            report.warning(
                name,
                format!(
                    "{} JSON Lines record(s) did not parse (first on line {}): scanned as text",
                    outcome.bad,
                    line + 1
                ),
            );
        }
    }

    /// Scans `piece` of `data` (at stream offset `offset`) as text: the engine over the piece with the
    /// engine's overlap as context on either side, then nested decoding of
    /// the encoded runs that start in the piece. An interior piece skips
    /// a run that merely continues from the piece before (that piece
    /// decodes it whole); see [`Seam`] for runs cut by a chunk's edges.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text_piece(
        &self,
        name: &str,
        data: &[u8],
        offset: u64,
        piece: Range<usize>,
        seam: Seam,
        scratch: &mut Scratch,
        pending: &mut Pending,
    ) {
        let ov = self.engine.overlap();
        let ctx = piece.start.saturating_sub(ov)..(piece.end + ov).min(data.len());
        let shift = offset + ctx.start as u64;
        let origin = Origin::raw(0);
        let reveal = self.opts.reveal;
        let report = piece.start - ctx.start..piece.end - ctx.start;
        self.engine
            .scan_reporting(&data[ctx.clone()], report, scratch, &mut |m: &Match<'_>| {
                pending.push(&Hit::new(m, &origin), name, shift, reveal);
                true
            });
        let mut start = piece.start;
        if seam.interior && start > 0 && is_run_byte(data[start - 1]) {
            while start < piece.end && is_run_byte(data[start]) {
                start += 1;
            }
        } else if let Some(from) = seam.run_from {
            // A run longer than a chunk: decode from a whole base64
            // quantum (4 characters) of it, counted from its start.
            let skew = ((offset + start as u64 - from) % 4) as usize;
            if skew != 0 {
                start = (start + 4 - skew).min(piece.end);
            }
        }
        let mut end = piece.end;
        while end < data.len() && is_run_byte(data[end]) {
            end += 1;
        }
        let mut stop = end.max(ctx.end);
        if seam.more && stop == data.len() {
            // The last run goes on in the next chunk: cut it on a whole
            // quantum too, or it does not decode at all.
            let from = run_start(data, stop).map_or(stop, |i| i.max(start));
            stop -= (stop - from) % 4;
        }
        let tail = Origin::raw(start);
        scan_decoded(
            &self.engine,
            scratch,
            &self.opts.decode,
            &data[start..stop],
            &tail,
            0,
            &mut |h: &Hit<'_>| {
                if h.anchor() < piece.end {
                    pending.push(h, name, offset, reveal);
                }
            },
        );
    }

    /// The engine's matches over all of `data` as (rule index, secret
    /// range), in order: the text scan a JSON walk starts from, done in
    /// parallel pieces when `data` is big enough to split.
    pub(crate) fn raw_hits(&self, data: &[u8], own: &mut Scratch) -> Vec<(usize, Range<usize>)> {
        let pieces = split(data, 0..data.len(), false);
        let ov = self.engine.overlap();
        let parts = self.each_piece(own, &pieces, |scratch, piece| {
            let ctx = piece.start.saturating_sub(ov)..(piece.end + ov).min(data.len());
            let report = piece.start - ctx.start..piece.end - ctx.start;
            let mut hits = Vec::new();
            self.engine
                .scan_reporting(&data[ctx.clone()], report, scratch, &mut |m: &Match<'_>| {
                    let r = m.secret_range();
                    hits.push((m.rule_index(), r.start + ctx.start..r.end + ctx.start));
                    true
                });
            hits
        });
        parts.concat()
    }

    /// Runs `f` on every piece, in parallel when there are several, and
    /// returns the results in piece order. A single piece runs here, with
    /// the caller's scratch.
    fn each_piece<T: Send>(
        &self,
        own: &mut Scratch,
        pieces: &[Range<usize>],
        f: impl Fn(&mut Scratch, Range<usize>) -> T + Sync,
    ) -> Vec<T> {
        if pieces.len() <= 1 {
            return pieces.iter().map(|p| f(own, p.clone())).collect();
        }
        pieces
            .par_iter()
            .map(|p| {
                let mut scratch = self.pool.take(&self.engine);
                let out = f(&mut scratch, p.clone());
                self.pool.put(scratch);
                out
            })
            .collect()
    }

    fn finish_stream(&self, name: &str, collector: Collector, report: &mut dyn Report) {
        let findings = collector.into_findings();
        if !findings.is_empty() {
            report.findings(name, findings);
        }
    }
}

impl ScratchPool {
    fn take(&self, engine: &scour_engine::Engine) -> Scratch {
        let pooled = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        pooled.unwrap_or_else(|| engine.scratch())
    }

    fn put(&self, scratch: Scratch) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(scratch);
    }
}

/// Cuts `report` into pieces for the pool's threads: at least
/// [`MIN_PIECE`] bytes each, two per thread at most, and when `lines`,
/// ending at line ends.
fn split(data: &[u8], report: Range<usize>, lines: bool) -> Vec<Range<usize>> {
    let want = (2 * rayon::current_num_threads()).max(1);
    let size = (report.len() / want).max(MIN_PIECE);
    let mut out = Vec::new();
    let mut start = report.start;
    while start < report.end {
        let mut end = (start + size).min(report.end);
        if lines && end < report.end {
            end = match memchr::memchr(b'\n', &data[end..report.end]) {
                Some(nl) => end + nl + 1,
                None => report.end,
            };
        }
        if report.end - end < size / 2 {
            end = report.end; // no sliver at the end
        }
        out.push(start..end);
        start = end;
    }
    if out.is_empty() {
        out.push(report);
    }
    out
}

/// Where a text piece sits in its stream, for encoded runs cut by the
/// edges of its chunk.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seam {
    /// Not the first piece of its chunk: a run going on from the piece
    /// before is decoded there.
    pub(crate) interior: bool,
    /// The piece starts inside an encoded run that began at this stream
    /// offset, in an earlier chunk.
    pub(crate) run_from: Option<u64>,
    /// More of the stream follows the chunk.
    pub(crate) more: bool,
}

/// Start of the run of encoded-run bytes that ends at `end` (exclusive),
/// None if the byte before `end` is not one.
fn run_start(data: &[u8], end: usize) -> Option<usize> {
    if end == 0 || !is_run_byte(data[end - 1]) {
        return None;
    }
    let mut i = end - 1;
    while i > 0 && is_run_byte(data[i - 1]) {
        i -= 1;
    }
    Some(i)
}

/// Bytes of base64 (either alphabet) and percent-encoded runs.
fn is_run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-' | b'%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_tile_the_report_and_end_at_line_ends() {
        let mut data = Vec::new();
        for i in 0..200_000u32 {
            data.extend_from_slice(format!("{{\"n\":{i}}}\n").as_bytes());
        }
        for lines in [false, true] {
            let report = 3..data.len() - 5;
            let pieces = split(&data, report.clone(), lines);
            assert!(pieces.len() > 1);
            assert_eq!(pieces[0].start, report.start);
            assert_eq!(pieces.last().unwrap().end, report.end);
            for w in pieces.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                if lines {
                    assert_eq!(data[w[0].end - 1], b'\n');
                }
            }
            assert!(pieces.iter().all(|p| p.len() >= MIN_PIECE / 2));
        }
        assert_eq!(split(&data, 0..100, true), vec![0..100]);
        assert_eq!(split(&data, 5..5, false), vec![5..5]);
    }
}
