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
//! report only matches that start inside them, as chunks do. Encoded runs
//! (base64, percent-encoding, URLs) can be far longer than the overlap, so
//! text chunks ([`word_cut`]) and pieces ([`split`]) end between words, and
//! each piece decodes the words that touch it whole ([`whole_words`]),
//! reporting only what is anchored inside it: chunked and whole-buffer scans report the same
//! findings for every word shorter than a chunk, and memory stays one
//! chunk (plus twice the overlap) however long a line is. A longer word
//! (a 100 MiB base64 line) is cut at chunk ends as before. JSON Lines
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
        let mut collector = self.collector(name);
        // Where the encoded run going on at the current chunk's start began.
        let mut run_from: Option<u64> = None;
        let bytes = chunker.for_each(rdr, |chunk| {
            let pieces = split(
                chunk.data,
                chunk.report.clone(),
                self.text_ends,
                self.min_piece,
            );
            let found = self.each_piece(scratch, &pieces, |scratch, piece| {
                let mut pending = Pending::default();
                let seam = Seam {
                    run_from: run_from.filter(|_| piece.start == chunk.report.start),
                    more: !chunk.last,
                };
                self.text_piece(chunk.data, chunk.offset, piece, seam, scratch, &mut pending);
                pending
            });
            for pending in found {
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
        let mut chunker = Chunker::new(self.opts.chunk_size, self.engine.overlap())
            .align_to_lines()
            .cut_with(word_cut);
        let mut lines = LineCounter::new();
        let mut collector = self.collector(name);
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
                pieces.extend(split(chunk.data, rest, Ends::Lines, self.min_piece));
            }
            let found = self.each_piece(&mut w.scratch, &pieces, |scratch, piece| {
                let mut pending = Pending::default();
                let got = if text_piece.as_ref() == Some(&piece) {
                    let seam = Seam {
                        more: !chunk.last,
                        ..Seam::default()
                    };
                    self.text_piece(
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
                    self.json_lines_piece(&chunk.data[piece.clone()], shift, scratch, &mut pending)
                };
                (
                    pending,
                    got,
                    memchr::memchr_iter(b'\n', &chunk.data[piece]).count() as u64,
                )
            });
            for (pending, got, newlines) in found {
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
        let outcome = self.json_lines_piece(body, shift, scratch, pending);
        self.warn_bad_records(name, &outcome, report);
    }

    /// One JSON document per line; lines that do not parse are scanned as
    /// text. `body` starts at stream offset `shift`.
    fn json_lines_piece(
        &self,
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
            let mut sink = |h: &Hit<'_>| pending.push(h, line_shift);
            let parsed = trimmed.first() == Some(&b'{')
                && scan_json(&self.engine, scratch, &self.opts.decode, line, &mut sink).is_ok();
            if !parsed {
                out.bad += 1;
                out.first_bad.get_or_insert(i as u64);
                self.text_whole(line, line_shift, scratch, pending);
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

    /// Scans `piece` of `data` (at stream offset `offset`) as text: the
    /// engine over the piece with the engine's overlap as context on either
    /// side, then nested decoding.
    ///
    /// Every hit belongs to the piece holding its anchor (where its line
    /// and column are taken), so neighbours never report the same hit. A
    /// decoded hit's anchor lies in the word (bytes between whitespace or
    /// quotes) its encoded run is part of, or, for a Basic credential, in
    /// the `Basic` word before it; so decoding covers every word that
    /// touches the piece, whole, and the word after a trailing `Basic `.
    /// Decoding a run cut at a seam would find nothing, or garbage. Pieces
    /// end between words (see [`split`]), so only that `Basic` word and
    /// words longer than a chunk cross them; words reach past the piece only
    /// as far as `data` does, and chunks end between words (see
    /// [`word_cut`]), so that is every word shorter than a chunk. A word
    /// longer than a chunk (a 100 MiB base64 line) is decoded from and to
    /// whole base64 quanta counted from where it began (see [`Seam`]), or
    /// nothing past its first chunk would decode.
    pub(crate) fn text_piece(
        &self,
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
        let report = piece.start - ctx.start..piece.end - ctx.start;
        self.engine
            .scan_reporting(&data[ctx.clone()], report, scratch, &mut |m: &Match<'_>| {
                pending.push(&Hit::new(m, &origin), shift);
                true
            });
        let mut words = whole_words(data, piece.clone());
        if let Some(from) = seam.run_from.filter(|_| words.start < piece.start) {
            // Inside a word longer than a chunk: decode from the first
            // whole quantum of the run in the piece (the chunk before
            // decoded up to there), so that hits are anchored in it.
            let skew = ((offset + piece.start as u64 - from) % 4) as usize;
            words.start = (piece.start + (4 - skew) % 4).min(words.end);
        }
        // The last word goes on in the next chunk, which decodes it from
        // the first whole quantum at or after this piece's end: decode up
        // to a whole quantum of its run, and leave the next chunk the hits
        // whose quantum starts there or later, so none is reported twice.
        let mut handed_on = None;
        if seam.more && words.end == data.len() {
            let from = match (run_start(data, words.end), seam.run_from) {
                (Some(0), Some(from)) => from,
                (Some(i), _) => offset + i.max(words.start) as u64,
                (None, _) => offset + words.end as u64,
            };
            words.end -= ((offset + words.end as u64 - from) % 4) as usize;
            handed_on = Some(piece.end);
        }
        let tail = Origin::raw(words.start);
        scan_decoded(
            &self.engine,
            scratch,
            &self.opts.decode,
            &data[words],
            &tail,
            0,
            &mut |h: &Hit<'_>| {
                let passed_on = handed_on.is_some_and(|cut| {
                    h.origin.decoders == ["base64"] && h.anchor() + h.range.start / 3 * 4 >= cut
                });
                if piece.contains(&h.anchor()) && !passed_on {
                    pending.push(h, offset);
                }
            },
        );
    }

    /// The engine's matches over all of `data` as (rule index, secret
    /// range), in order, with no keyword searched in the `skip` ranges: the
    /// text scan a JSON walk starts from, done in parallel pieces when
    /// `data` is big enough to split.
    pub(crate) fn raw_hits(
        &self,
        data: &[u8],
        skip: &[Range<usize>],
        own: &mut Scratch,
    ) -> Vec<(usize, Range<usize>)> {
        let pieces = split(data, 0..data.len(), Ends::Anywhere, self.min_piece);
        let ov = self.engine.overlap();
        let parts = self.each_piece(own, &pieces, |scratch, piece| {
            let ctx = piece.start.saturating_sub(ov)..(piece.end + ov).min(data.len());
            let report = piece.start - ctx.start..piece.end - ctx.start;
            // The skipped ranges that meet the context, in its offsets.
            let first = skip.partition_point(|r| r.end <= ctx.start);
            let skip: Vec<Range<usize>> = skip[first..]
                .iter()
                .take_while(|r| r.start < ctx.end)
                .map(|r| r.start.max(ctx.start) - ctx.start..r.end.min(ctx.end) - ctx.start)
                .collect();
            let mut hits = Vec::new();
            self.engine.scan_skipping(
                &data[ctx.clone()],
                report,
                &skip,
                scratch,
                &mut |m: &Match<'_>| {
                    let r = m.secret_range();
                    hits.push((m.rule_index(), r.start + ctx.start..r.end + ctx.start));
                    true
                },
            );
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

    fn finish_stream(&self, name: &str, collector: Collector<'_>, report: &mut dyn Report) {
        let findings = collector.into_findings();
        if !findings.is_empty() {
            report.findings(name, findings);
        }
    }
}

impl ScratchPool {
    pub(crate) fn take(&self, engine: &scour_engine::Engine) -> Scratch {
        let pooled = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        pooled.unwrap_or_else(|| engine.scratch())
    }

    pub(crate) fn put(&self, scratch: Scratch) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(scratch);
    }
}

/// Where pieces of a chunk may end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ends {
    /// Anywhere (the engine alone: its overlap covers any match).
    Anywhere,
    /// After a word break: text, so that a long encoded run is decoded by
    /// one piece rather than by every piece it spans.
    Words,
    /// After a line end: JSON Lines records.
    Lines,
}

/// Cuts `report` into pieces for the pool's threads: at least `min`
/// bytes each ([`MIN_PIECE`]), four per thread at most, each ending as
/// `ends` says (or at the end of the report, when no such place follows).
/// Pieces of one chunk cost unevenly (a line of tickets is not a line of
/// logs), and a core waits for the slowest before the next chunk; with
/// four per thread instead of two a 430 MB JSONL file kept the two cores
/// 1.78 rather than 1.6 busy, 11% faster.
fn split(data: &[u8], report: Range<usize>, ends: Ends, min: usize) -> Vec<Range<usize>> {
    let want = (4 * rayon::current_num_threads()).max(1);
    let size = (report.len() / want).max(min).max(1);
    let mut out = Vec::new();
    let mut start = report.start;
    while start < report.end {
        let mut end = (start + size).min(report.end);
        if end < report.end {
            let rest = &data[end..report.end];
            let next = match ends {
                Ends::Anywhere => Some(0),
                Ends::Lines => memchr::memchr(b'\n', rest).map(|nl| nl + 1),
                Ends::Words => (0..rest.len())
                    .find(|&i| word_break(rest[i]) && !basic_space(data, end + i))
                    .map(|i| i + 1),
            };
            end = next.map_or(report.end, |n| end + n);
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

/// Where a text piece sits in its stream, for a word longer than a chunk,
/// which is cut at the chunk's edges instead of between words.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seam {
    /// The piece is the first of its chunk, which starts inside an encoded
    /// run that began at this stream offset, in an earlier chunk.
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

/// Bytes that end a word: what no encoded run, URL or percent-encoded
/// run the decoders look at crosses (see `scour_formats::percent_runs`).
fn word_break(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>')
}

/// True if `data[at]` is the space of a `Basic ` that starts a Basic
/// credential, whose hit is anchored at `Basic` but read from the word
/// after the space.
fn basic_space(data: &[u8], at: usize) -> bool {
    data[at] == b' ' && at >= 5 && data[at - 5..at].eq_ignore_ascii_case(b"basic")
}

/// `piece` widened to whole words of `data`: back to the start of the
/// word it starts in, on to the end of the word it ends in, and over the
/// word after a trailing `Basic `.
fn whole_words(data: &[u8], piece: Range<usize>) -> Range<usize> {
    let mut lo = piece.start;
    while lo > 0 && !word_break(data[lo - 1]) {
        lo -= 1;
    }
    let word_end = |mut at: usize| {
        while at < data.len() && !word_break(data[at]) {
            at += 1;
        }
        at
    };
    let mut hi = word_end(piece.end);
    if hi < data.len() && basic_space(data, hi) {
        hi = word_end(hi + 1);
    }
    lo..hi
}

/// Where a chunk of a text stream ends: after the last word break of its
/// reported part, so no word is split between chunks and each is decoded
/// whole by the chunk it starts in (a space that ends `Basic ` is not a
/// break: the credential's word goes with it). A part without a break (a
/// word longer than a chunk, such as a 100 MiB base64 line) is cut where it
/// is; memory stays bounded by the chunk size either way.
pub(crate) fn word_cut(part: &[u8]) -> Option<usize> {
    let mut end = part.len();
    while let Some(at) = part[..end].iter().rposition(|&b| word_break(b)) {
        if !basic_space(part, at) {
            return Some(at + 1);
        }
        end = at;
    }
    None
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
        for ends in [Ends::Anywhere, Ends::Lines, Ends::Words] {
            let lines = ends == Ends::Lines;
            let report = 3..data.len() - 5;
            let pieces = split(&data, report.clone(), ends, MIN_PIECE);
            assert!(pieces.len() > 1);
            assert_eq!(pieces[0].start, report.start);
            assert_eq!(pieces.last().unwrap().end, report.end);
            for w in pieces.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                if lines {
                    assert_eq!(data[w[0].end - 1], b'\n');
                }
                if ends == Ends::Words {
                    assert!(word_break(data[w[0].end - 1]));
                }
            }
            assert!(pieces.iter().all(|p| p.len() >= MIN_PIECE / 2));
        }
        // A word longer than the report (a base64 line) is one piece, so
        // it is decoded once, not once per piece.
        let line = vec![b'Q'; 4 * MIN_PIECE];
        assert_eq!(
            split(&line, 0..line.len(), Ends::Words, MIN_PIECE),
            vec![0..line.len()]
        );
        assert!(split(&line, 0..line.len(), Ends::Anywhere, MIN_PIECE).len() > 1);
        assert_eq!(split(&data, 0..100, Ends::Lines, MIN_PIECE), vec![0..100]);
        assert_eq!(split(&data, 5..5, Ends::Anywhere, MIN_PIECE), vec![5..5]);
    }
}
