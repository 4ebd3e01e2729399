//! Structure-aware scanning of JSON documents, HAR captures included.
//!
//! The whole document is scanned as text first (so nothing is missed, and
//! offsets are exact); then the parsed tree is walked once, in document
//! order, to (1) give each of those hits the JSON pointer of the string
//! holding it, (2) hand named fields to the engine's field rules: HAR
//! headers, cookies, query and form parameters, and every JSON member
//! whose value is a string, (3) look inside what plain text scanning cannot
//! see: escaped strings, base64 bodies, nested JSON in request bodies and
//! websocket frames, URLs' query strings and fragments.
//!
//! Long escaped strings (ticket bodies with line breaks) are the exception
//! to "text first": the text scan searches no keyword inside them, and the
//! walk scans them once, unescaped. Reading them both ways cost a sixth of
//! a corpus scan. What the unescaped scan finds written verbatim is
//! reported at its document offset, as the text scan would have; what the
//! escapes hid is reported with `json-unescape`.

use std::ops::Range;
use std::sync::Arc;

use base64::Engine as _;
use scour_engine::{Engine, Match, Scratch};
use scour_rules::Place;

use crate::hit::{Hit, HitSink, Origin};
use crate::http;
use crate::tape::{Doc, ParseError, Text, Value};
use crate::text::{scan_decoded, scan_text, DecodeOptions};

/// Deepest nesting the walker descends into; deeper values are still
/// covered by the text scan, without pointers.
const MAX_DEPTH: usize = 512;

/// What kind of JSON document was scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    /// A HAR capture (`{"log": {"entries": [...]}}`).
    Har,
    /// Any other JSON document.
    Json,
}

/// Counts of things the walker skipped or could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Base64 response bodies of binary types (images, fonts) not scanned.
    pub binary_bodies: u64,
    /// Strings that looked like JSON but did not parse (scanned as text).
    pub nested_json_errors: u64,
    /// Values nested deeper than the walker descends.
    pub too_deep: u64,
}

/// True if the document's root looks like a HAR capture.
pub fn is_har(doc: &Doc<'_>) -> bool {
    doc.root()
        .get("log")
        .is_some_and(|log| log.get("entries").is_some())
}

/// Scans one JSON document: the text scan, then the structural walk.
/// On a parse error nothing has been reported; the caller falls back to a
/// plain text scan and says so.
pub fn scan_json(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    raw: &[u8],
    sink: &mut dyn HitSink,
) -> Result<(DocKind, Stats), ParseError> {
    scan_json_with(engine, scratch, opts, raw, None, sink)
}

/// The text scan of a JSON document's bytes, given the ranges it skips
/// (see [`scan_json_prescanned`]): its matches as (rule index, secret
/// range), in order.
pub type TextScan<'f> = dyn FnMut(&[Range<usize>], &mut Scratch) -> Vec<(usize, Range<usize>)> + 'f;

/// [`scan_json`] with the text scan of `raw` done by the caller, once the
/// document has parsed: `text_scan` gets the ranges to skip (the insides
/// of escaped strings, see [`Engine::scan_skipping`]). A caller scans a
/// big document's bytes in parallel pieces this way, while the walk itself
/// stays one pass.
pub fn scan_json_prescanned(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    raw: &[u8],
    text_scan: &mut TextScan<'_>,
    sink: &mut dyn HitSink,
) -> Result<(DocKind, Stats), ParseError> {
    scan_json_with(engine, scratch, opts, raw, Some(text_scan), sink)
}

/// Escaped strings at least this long are left out of the text scan and
/// scanned unescaped only; shorter ones are scanned both ways, which costs
/// little and keeps `"key": "value"` matches that reach into them whole.
const MIN_HOLE: usize = 64;

fn scan_json_with(
    engine: &Engine,
    scratch: &mut Scratch,
    opts: &DecodeOptions,
    raw: &[u8],
    text_scan: Option<&mut TextScan<'_>>,
    sink: &mut dyn HitSink,
) -> Result<(DocKind, Stats), ParseError> {
    let mut copy = raw.to_vec();
    let doc = Doc::parse(raw, &mut copy)?;
    let kind = if is_har(&doc) {
        DocKind::Har
    } else {
        DocKind::Json
    };
    let holes = holes(&doc);
    let raw_hits = match text_scan {
        Some(f) => f(&holes, scratch),
        None => {
            let mut hits = Vec::new();
            engine.scan_skipping(raw, 0..raw.len(), &holes, scratch, &mut |m: &Match<'_>| {
                hits.push((m.rule_index(), m.secret_range()));
                true
            });
            hits
        }
    };
    let mut w = Walker {
        engine,
        scratch,
        opts,
        sink,
        raw,
        raw_hits,
        next_raw: 0,
        path: Vec::new(),
        stats: Stats::default(),
        nested: None,
        depth: 0,
        captured: None,
        cookie: None,
        body: None,
        unscanned: holes,
    };
    w.value(doc.root(), None);
    // `holes` follows the walk, so the walk reaches every hole; should one
    // be missed all the same, it gets the text scan rather than nothing.
    for hole in std::mem::take(&mut w.unscanned) {
        w.text_scan_hole(hole, None);
    }
    w.flush_raw(usize::MAX, None);
    Ok((kind, w.stats))
}

/// True if `text` is one base64 run, padding included (found by the vector
/// kernel: image bodies are megabytes).
pub(crate) fn one_base64_run(text: &[u8]) -> bool {
    // A run's length bound leaves out its `=` padding.
    crate::text::base64_runs(text, text.len().saturating_sub(2))
        .next()
        .is_some_and(|run| run.len() == text.len())
}

/// What the text scan leaves to the walk, in document order: the raw
/// spans of string values (not keys) of at least [`MIN_HOLE`] bytes that
/// the walk reaches and reads better itself. Those are escaped strings,
/// which [`Walker::string`] scans unescaped, and base64 HAR bodies, which
/// [`Walker::content`] decodes (binary types: the decoding pass alone): their
/// base64 text holds nothing a rule reads. A hole the walk ends up not
/// reading gets the text scan after all ([`Walker::text_scan_hole`]).
fn holes(doc: &Doc<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // (value, its key as the walker passes it on, the walker's depth)
    let mut stack = vec![(doc.root(), None, 0)];
    while let Some((v, key, depth)) = stack.pop() {
        if let Some(t) = v.as_text() {
            if t.escaped && t.span.len() >= MIN_HOLE {
                out.push(t.span);
            }
        } else if depth < MAX_DEPTH {
            if key == Some("content") && v.get_str("encoding") == Some("base64") {
                if let Some(t) = v.get("text").and_then(|t| t.as_text()) {
                    if !t.escaped && t.span.len() >= MIN_HOLE {
                        out.push(t.span);
                    }
                }
            }
            stack.extend(
                v.members()
                    .map(|(k, child)| (child, Some(k.value), depth + 1)),
            );
            stack.extend(v.elements().map(|el| (el, key, depth + 1)));
        }
    }
    out.sort_unstable_by_key(|r| r.start);
    out
}

/// How [`Walker::content`] read a base64 HAR body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Decoded (and inflated, and walked): the walk over its string
    /// leaves it alone.
    Decoded,
    /// A binary type, not decoded: the walk over its string only runs the
    /// decoding pass, which still finds text in a mislabelled body.
    Binary,
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

struct Walker<'w, 'a> {
    engine: &'w Engine,
    scratch: &'w mut Scratch,
    opts: &'w DecodeOptions,
    sink: &'w mut dyn HitSink,
    raw: &'a [u8],
    /// Hits of the text scan, in order; emitted as the walk passes them.
    raw_hits: Vec<(usize, Range<usize>)>,
    next_raw: usize,
    path: Vec<Seg<'a>>,
    stats: Stats,
    /// For a document nested inside a string: that string's origin, which
    /// every hit inside inherits.
    nested: Option<Origin>,
    depth: usize,
    /// The current HAR entry's `startedDateTime`, given to every origin.
    captured: Option<Arc<str>>,
    /// The cookie whose value is being scanned; see [`Origin::cookie`].
    cookie: Option<Arc<str>>,
    /// Where the base64 HAR body that [`Walker::content`] read starts,
    /// and how it read it.
    body: Option<(usize, Body)>,
    /// What the text scan left to the walk (see [`holes`]) and the walk
    /// has not read yet, in document order. Empty when nested.
    unscanned: Vec<Range<usize>>,
}

impl<'w, 'a> Walker<'w, 'a> {
    /// The pointer of the value being walked. Built only when a hit needs
    /// it: most strings hold nothing, and building a pointer per string was
    /// an eighth of the HAR walk's time.
    fn pointer(&self) -> String {
        match &self.nested {
            Some(o) => o.pointer.clone().unwrap_or_default(),
            None => pointer_of(&self.path),
        }
    }

    /// The origin of bytes `value` taken from string `t` (a verbatim
    /// sub-slice when possible, else decoded with `decoder`).
    /// At top level the origin has no pointer yet: [`PointerSink`] adds it
    /// to the hits that need it.
    fn origin_in(&self, t: &Text<'a>, value: &[u8], decoder: Option<&'static str>) -> Origin {
        let pointer = self.nested.as_ref().and_then(|o| o.pointer.clone());
        // Where this document's byte 0 is in the outer document, if the
        // document is a verbatim slice of it (always, at top level).
        let base = match &self.nested {
            None => Some(0),
            Some(outer) => outer.base,
        };
        let offset = (value.as_ptr() as usize)
            .checked_sub(t.value.as_ptr() as usize)
            .filter(|&o| o + value.len() <= t.value.len() && !t.escaped && decoder.is_none());
        if let (Some(b), Some(o)) = (base, offset) {
            let mut origin = Origin::raw(b + t.span.start + o).at(pointer);
            origin.captured = self.captured.clone();
            origin.cookie = self.cookie.clone();
            return origin;
        }
        let (mut decoders, anchor) = match &self.nested {
            None => (Vec::new(), t.span.start),
            Some(outer) => (outer.decoders.clone(), outer.anchor),
        };
        if t.escaped {
            decoders.push("json-unescape");
        }
        decoders.extend(decoder);
        Origin {
            pointer,
            decoders,
            base: None,
            anchor,
            captured: self.captured.clone(),
            cookie: self.cookie.clone(),
        }
    }

    /// Emits text-scan hits that start before `upto`, with `pointer`.
    fn flush_raw(&mut self, upto: usize, pointer: Option<&str>) {
        while let Some((rule, range)) = self.raw_hits.get(self.next_raw).cloned() {
            if range.start >= upto {
                break;
            }
            self.next_raw += 1;
            let mut origin = Origin::raw(0).at(pointer.map(str::to_string));
            origin.captured = self.captured.clone();
            let hit = Hit {
                rule: self.engine.rule(rule),
                rule_index: rule,
                secret: &self.raw[range.clone()],
                range,
                rule_decoders: &[],
                origin: &origin,
            };
            self.sink.hit(&hit);
        }
    }

    fn field(
        &mut self,
        place: Place,
        name: &str,
        value: &[u8],
        t: &Text<'a>,
        decoder: Option<&'static str>,
    ) {
        if !self.engine.field_may_apply(place, name.as_bytes()) {
            return;
        }
        let origin = self.origin_in(t, value, decoder);
        let sink = &mut PointerSink::new(&mut *self.sink, &self.path);
        self.engine.scan_field(
            place,
            name.as_bytes(),
            value,
            self.scratch,
            &mut |m: &Match<'_>| {
                sink.hit(&Hit::new(m, &origin));
                true
            },
        );
    }

    fn value(&mut self, v: Value<'_, 'a>, key: Option<&'a str>) {
        if let Some(t) = v.as_text() {
            self.string(&t, key);
            return;
        }
        if self.depth >= MAX_DEPTH {
            self.stats.too_deep += 1;
            return;
        }
        self.depth += 1;
        let entry = v.is_object() && self.is_har_entry();
        let outer_captured = if entry {
            let started = v.get_str("startedDateTime").map(Arc::from);
            std::mem::replace(&mut self.captured, started)
        } else {
            None
        };
        if v.is_object() {
            self.object(v, key);
            for (k, child) in v.members() {
                self.path.push(Seg::Key(k.value));
                self.text_hits(&k);
                if let Some(s) = child.as_text() {
                    self.field(Place::Json, k.value, s.value.as_bytes(), &s, None);
                }
                self.value(child, Some(k.value));
                self.path.pop();
            }
        } else {
            for (i, el) in v.elements().enumerate() {
                self.path.push(Seg::Index(i));
                self.value(el, key);
                self.path.pop();
            }
        }
        if entry {
            self.captured = outer_captured;
        }
        self.depth -= 1;
    }

    /// True at an element of a top-level `entries` array (a HAR entry).
    fn is_har_entry(&self) -> bool {
        self.nested.is_none()
            && matches!(
                self.path.as_slice(),
                [.., Seg::Key("entries"), Seg::Index(_)]
            )
    }

    /// Takes `t` off the list of unscanned holes, if it is one.
    fn take_hole(&mut self, t: &Text<'a>) -> Option<Range<usize>> {
        if self.nested.is_some() {
            return None;
        }
        let i = self
            .unscanned
            .binary_search_by_key(&t.span.start, |r| r.start)
            .ok()?;
        Some(self.unscanned.remove(i))
    }

    /// The text scan of a hole that is not scanned unescaped: its matches
    /// that the text scan of the document did not already report. The
    /// engine's overlap around the hole is context enough, as for a piece
    /// of a chunked scan; the whole document would cost its length per hole.
    fn text_scan_hole(&mut self, hole: Range<usize>, pointer: Option<String>) {
        let ov = self.engine.overlap();
        let ctx = hole.start.saturating_sub(ov)..(hole.end + ov).min(self.raw.len());
        let report = hole.start - ctx.start..hole.end - ctx.start;
        let mut found = Vec::new();
        self.engine.scan_reporting(
            &self.raw[ctx.clone()],
            report,
            self.scratch,
            &mut |m: &Match<'_>| {
                let r = m.secret_range();
                found.push((m.rule_index(), r.start + ctx.start..r.end + ctx.start));
                true
            },
        );
        let mut origin = Origin::raw(0).at(pointer);
        origin.captured = self.captured.clone();
        for (rule, range) in found {
            if self.raw_hits.contains(&(rule, range.clone())) {
                continue;
            }
            self.sink.hit(&Hit {
                rule: self.engine.rule(rule),
                rule_index: rule,
                secret: &self.raw[range.clone()],
                range,
                rule_decoders: &[],
                origin: &origin,
            });
        }
    }

    /// Gives the text-scan hits inside string `t` their pointer.
    fn text_hits(&mut self, t: &Text<'a>) {
        if self.nested.is_some() {
            return;
        }
        self.flush_raw(t.span.start, None);
        let inside = self.raw_hits.get(self.next_raw);
        if inside.is_some_and(|(_, r)| r.start < t.span.end) {
            let pointer = self.pointer();
            self.flush_raw(t.span.end, Some(&pointer));
        }
    }

    fn string(&mut self, t: &Text<'a>, key: Option<&'a str>) {
        self.text_hits(t);
        let bytes = t.value.as_bytes();
        // A HAR body in base64: its text holds nothing a rule reads, and it
        // was left out of the text scan (see `holes`). `content` decoded
        // (and inflated, and walked) it, unless it is of a binary type.
        let body = self
            .body
            .filter(|&(at, _)| at == t.span.start)
            .map(|(_, how)| how);
        if body.is_some() {
            self.take_hole(t);
        }
        if body == Some(Body::Decoded) {
            return;
        }
        // A hole this walk does not scan unescaped (a body said to be
        // base64 that is not) gets the text scan after all.
        if !t.escaped || bytes.len() < 8 {
            if let Some(hole) = self.take_hole(t) {
                self.text_scan_hole(hole, Some(self.pointer()));
            }
        }
        // Too short to hide an encoded secret or a URL with parameters; the
        // text scan and the field rules have seen it already.
        if bytes.len() < 8 {
            return;
        }
        // Text scans have seen this string's bytes already: at top level
        // the scan of the whole document, and inside a nested document the
        // scan of the string or body that holds it (see `maybe_json`,
        // `content`). Only an escaped string's meaning is new; the
        // decoding pass looks for what is encoded inside either.
        if t.escaped {
            // The text scan saw the escaped form; scan what it means.
            // Not a sub-slice of `t`, so the origin says `json-unescape`.
            let origin = self.origin_in(t, &[], None);
            // What the text scan already found in this string's raw bytes
            // is not reported again from its unescaped copy: one secret,
            // one place (escapes elsewhere in a ticket body are common).
            let seen: Vec<(usize, &[u8])> = self.raw_hits[..self.next_raw]
                .iter()
                .rev()
                .take_while(|(_, r)| r.start >= t.span.start)
                .map(|(_, r)| (r.start, &self.raw[r.clone()]))
                .collect();
            // The text scan skipped this string's inside: what is found
            // here verbatim is reported as the text scan would have.
            let verbatim = self.take_hole(t).map(|_| {
                Verbatim::new(
                    &self.raw[t.span.clone()],
                    t.span.start,
                    self.captured.clone(),
                )
            });
            scan_text(
                self.engine,
                self.scratch,
                self.opts,
                bytes,
                &origin,
                &mut SkipSeen {
                    sink: &mut PointerSink::new(&mut *self.sink, &self.path),
                    seen: &seen,
                    depth: origin.decoders.len(),
                    verbatim,
                },
            );
        } else {
            let origin = self.origin_in(t, bytes, None);
            scan_decoded(
                self.engine,
                self.scratch,
                self.opts,
                bytes,
                &origin,
                0,
                &mut PointerSink::new(&mut *self.sink, &self.path),
            );
        }
        let trimmed = t.value.trim();
        let embedded = (trimmed.starts_with('{') && trimmed.ends_with('}'))
            || (trimmed.starts_with('[') && trimmed.ends_with(']'));
        if embedded && !matches!(key, Some("text" | "data")) {
            self.maybe_json(t, false);
        }
        let url_key = key.is_some_and(|k| {
            matches!(
                k,
                "url" | "redirectURL" | "title" | "href" | "content_url" | "link"
            )
        });
        // Absolute URLs are handled by the decoding pass over every string;
        // relative ones under URL-ish keys (`/cb?code=...`) only here.
        if url_key && !(t.value.starts_with("http://") || t.value.starts_with("https://")) {
            self.url(t.value, t);
        }
    }

    fn url(&mut self, url: &'a str, t: &Text<'a>) {
        for part in http::url_params(url) {
            for p in http::params(part, false) {
                self.param_field(Place::Query, &p, t);
            }
        }
    }

    /// A parsed parameter: verbatim when decoding changed nothing, so its
    /// offsets stay exact.
    fn param_field(&mut self, place: Place, p: &http::Param<'a>, t: &Text<'a>) {
        let decoder = p.decoded().then_some("percent");
        let value: &[u8] = if decoder.is_none() {
            p.raw.as_bytes()
        } else {
            &p.value
        };
        self.field(place, &p.name, value, t, decoder);
    }

    /// HAR semantics, recognised by shape: `{name, value}` objects in
    /// header, cookie, query and form arrays, request bodies, response
    /// content, websocket frames.
    fn object(&mut self, v: Value<'_, 'a>, key: Option<&'a str>) {
        let pair = || Some((v.get("name")?.as_str()?, v.get("value")?));
        match key {
            Some("headers") => {
                if let Some((name, value)) = pair() {
                    if let Some(t) = value.as_text() {
                        self.path.push(Seg::Key("value"));
                        self.header(name, &t);
                        self.path.pop();
                    }
                }
            }
            Some(k @ ("cookies" | "queryString" | "params")) => {
                if let Some((name, value)) = pair() {
                    if let Some(t) = value.as_text() {
                        let place = match k {
                            "cookies" => Place::Cookie,
                            "queryString" => Place::Query,
                            _ => Place::Form,
                        };
                        let expires = v.get_str("expires").filter(|_| k == "cookies");
                        self.cookie = expires.map(|e| Arc::from(format!("Expires={e}")));
                        self.path.push(Seg::Key("value"));
                        self.param(place, name, &t);
                        self.path.pop();
                        self.cookie = None;
                    }
                }
            }
            Some("postData") => {
                let mime = v.get_str("mimeType").unwrap_or("");
                if let Some(t) = v.get("text").and_then(|x| x.as_text()) {
                    self.path.push(Seg::Key("text"));
                    if mime.contains("x-www-form-urlencoded") {
                        self.form(&t);
                    } else {
                        self.maybe_json(&t, mime.contains("json"));
                    }
                    self.path.pop();
                }
            }
            Some("content") => self.content(v),
            Some("_webSocketMessages") => {
                if let Some(t) = v.get("data").and_then(|x| x.as_text()) {
                    self.path.push(Seg::Key("data"));
                    self.maybe_json(&t, false);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn header(&mut self, name: &str, t: &Text<'a>) {
        self.field(Place::Header, name, t.value.as_bytes(), t, None);
        match name.to_ascii_lowercase().as_str() {
            "cookie" => {
                for (n, val) in http::cookie_pairs(t.value) {
                    self.field(Place::Cookie, n, val.as_bytes(), t, None);
                }
            }
            "set-cookie" => {
                // Several cookies may be folded into one value, one per line.
                for line in t.value.split('\n') {
                    if let Some((n, val)) = http::set_cookie_pair(line) {
                        self.cookie = Some(Arc::from(line));
                        self.field(Place::Cookie, n, val.as_bytes(), t, None);
                        self.cookie = None;
                    }
                }
            }
            "referer" | "location" | "origin" | ":path" | "content-location" => {
                self.url(t.value, t)
            }
            _ => {}
        }
    }

    fn param(&mut self, place: Place, name: &str, t: &Text<'a>) {
        // Cookie values are opaque: the raw string is what gets replayed.
        if place != Place::Cookie && t.value.contains('%') {
            let decoded: Vec<u8> = percent_encoding::percent_decode(t.value.as_bytes()).collect();
            if decoded != t.value.as_bytes() {
                self.field(place, name, &decoded, t, Some("percent"));
                return;
            }
        }
        self.field(place, name, t.value.as_bytes(), t, None);
    }

    fn form(&mut self, t: &Text<'a>) {
        for p in http::params(t.value, true) {
            self.param_field(Place::Form, &p, t);
        }
    }

    fn content(&mut self, v: Value<'_, 'a>) {
        let mime = v.get_str("mimeType").unwrap_or("");
        let Some(t) = v.get("text").and_then(|x| x.as_text()) else {
            return;
        };
        self.path.push(Seg::Key("text"));
        if v.get_str("encoding") == Some("base64") {
            if http::is_binary_mime(mime) {
                self.stats.binary_bodies += 1;
                // Unless it is base64, the text scan reads it (see `holes`).
                if one_base64_run(t.value.as_bytes()) {
                    self.body = Some((t.span.start, Body::Binary));
                }
            } else {
                let cleaned: Vec<u8> = t
                    .value
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                if let Ok(mut decoded) = base64::engine::general_purpose::STANDARD.decode(&cleaned)
                {
                    self.body = Some((t.span.start, Body::Decoded));
                    let mut origin = self.origin_in(&t, &[], Some("base64"));
                    origin.pointer = Some(self.pointer());
                    // A body captured still compressed (Content-Encoding: gzip).
                    if let Some((inflated, how)) = crate::text::inflate(&decoded, self.opts.max_run)
                    {
                        decoded = inflated;
                        origin.decoders.push(how);
                    }
                    scan_text(
                        self.engine,
                        self.scratch,
                        self.opts,
                        &decoded,
                        &origin,
                        self.sink,
                    );
                    if mime.contains("json")
                        || decoded.first().is_some_and(|b| matches!(b, b'{' | b'['))
                    {
                        self.nested_doc(&decoded, origin);
                    } else if mime.contains("x-www-form-urlencoded") {
                        if let Ok(s) = std::str::from_utf8(&decoded) {
                            self.decoded_form(s, &origin);
                        }
                    }
                }
            }
        } else {
            self.maybe_json(&t, mime.contains("json"));
        }
        self.path.pop();
    }

    fn decoded_form(&mut self, s: &str, origin: &Origin) {
        for p in http::params(s, true) {
            let sink = &mut *self.sink;
            self.engine.scan_field(
                Place::Form,
                p.name.as_bytes(),
                &p.value,
                self.scratch,
                &mut |m: &Match<'_>| {
                    sink.hit(&Hit::new(m, origin));
                    true
                },
            );
        }
    }

    /// Walks a string that holds a JSON document of its own.
    fn maybe_json(&mut self, t: &Text<'a>, declared: bool) {
        let s = t.value.trim_start();
        if !(declared || s.starts_with('{') || s.starts_with('[')) || s.len() < 2 {
            return;
        }
        let origin = self
            .origin_in(t, t.value.as_bytes(), None)
            .at(Some(self.pointer()));
        self.nested_doc(t.value.as_bytes(), origin);
    }

    fn nested_doc(&mut self, bytes: &[u8], origin: Origin) {
        if self.depth >= MAX_DEPTH
            || self
                .nested
                .as_ref()
                .is_some_and(|o| o.decoders.len() >= self.opts.max_depth)
        {
            self.stats.too_deep += 1;
            return;
        }
        let mut copy = bytes.to_vec();
        let Ok(doc) = Doc::parse(bytes, &mut copy) else {
            self.stats.nested_json_errors += 1;
            return;
        };
        let mut inner = Walker {
            engine: self.engine,
            scratch: self.scratch,
            opts: self.opts,
            sink: self.sink,
            raw: bytes,
            raw_hits: Vec::new(),
            next_raw: 0,
            path: Vec::new(),
            stats: Stats::default(),
            nested: Some(origin),
            depth: self.depth + 1,
            captured: self.captured.clone(),
            cookie: None,
            body: None,
            unscanned: Vec::new(),
        };
        inner.value(doc.root(), None);
        let s = inner.stats;
        self.stats.binary_bodies += s.binary_bodies;
        self.stats.nested_json_errors += s.nested_json_errors;
        self.stats.too_deep += s.too_deep;
    }
}

/// RFC 6901: `/`-separated keys and indices, `~` written `~0` and `/` `~1`.
fn pointer_of(path: &[Seg<'_>]) -> String {
    use std::fmt::Write as _;
    let mut p = String::new();
    for seg in path {
        p.push('/');
        match seg {
            Seg::Key(k) => {
                for c in k.chars() {
                    match c {
                        '~' => p.push_str("~0"),
                        '/' => p.push_str("~1"),
                        c => p.push(c),
                    }
                }
            }
            Seg::Index(i) => {
                let _ = write!(p, "{i}");
            }
        }
    }
    p
}

/// Forwards hits except direct matches (no decoding past `depth`) of a
/// secret in `seen`.
struct SkipSeen<'s, 'v> {
    sink: &'s mut dyn HitSink,
    /// The text scan's hits in the string: (document offset, secret).
    seen: &'v [(usize, &'v [u8])],
    depth: usize,
    /// For a string the text scan skipped: where its raw text is, so that
    /// hits found verbatim in it are reported at their document offsets.
    verbatim: Option<Verbatim<'v>>,
}

impl HitSink for SkipSeen<'_, '_> {
    fn hit(&mut self, hit: &Hit<'_>) {
        let direct = hit.origin.decoders.len() == self.depth && hit.rule_decoders.is_empty();
        let seen = |bytes: &[u8]| self.seen.iter().any(|&(_, s)| s == bytes);
        let Some(v) = self.verbatim.as_mut().filter(|_| direct) else {
            // The text scan read all of this string: a secret it found is
            // not reported again, wherever in the string it was found.
            if !(direct && seen(hit.secret)) {
                self.sink.hit(hit);
            }
            return;
        };
        // The text scan read only what windows from outside reached: the
        // engine's matches here are compared with its hits by place.
        if hit.rule.field.is_some() {
            // A field rule on a URL's parameter: its offsets are in the
            // parameter, and the engine's matches came first.
            if !(seen(hit.secret) || v.mapped.iter().any(|m| m == hit.secret)) {
                self.sink.hit(hit);
            }
            return;
        }
        let Some(start) = v.locate(hit.range.start, hit.secret) else {
            if !seen(hit.secret) {
                self.sink.hit(hit);
            }
            return;
        };
        if self
            .seen
            .iter()
            .any(|&(at, s)| at == start && s == hit.secret)
        {
            return;
        }
        v.mapped.push(hit.secret.to_vec());
        let mut origin = Origin::raw(0);
        origin.captured = v.captured.clone();
        self.sink.hit(&Hit {
            range: start..start + hit.secret.len(),
            origin: &origin,
            ..hit.clone()
        });
    }
}

/// The raw text of an escaped string, for finding where its unescaped
/// bytes are written verbatim.
pub(crate) struct Verbatim<'r> {
    /// The string's raw contents.
    raw: &'r [u8],
    /// Their document offset.
    at: usize,
    captured: Option<Arc<str>>,
    /// A (raw, unescaped) offset pair known to correspond: hits arrive in
    /// order, so each search resumes where the last one stopped.
    cursor: (usize, usize),
    /// The secrets reported at document offsets so far: like those the
    /// text scan found, they are not reported again from the unescaped text.
    mapped: Vec<Vec<u8>>,
}

impl<'r> Verbatim<'r> {
    pub(crate) fn new(raw: &'r [u8], at: usize, captured: Option<Arc<str>>) -> Verbatim<'r> {
        Verbatim {
            raw,
            at,
            captured,
            cursor: (0, 0),
            mapped: Vec::new(),
        }
    }

    /// The document offset of `bytes`, found at offset `start` of the
    /// unescaped string, if the raw text holds them there unescaped.
    pub(crate) fn locate(&mut self, start: usize, bytes: &[u8]) -> Option<usize> {
        if start < self.cursor.1 {
            self.cursor = (0, 0);
        }
        let (mut i, mut j) = self.cursor;
        while j < start {
            // Up to the next escape (or `start`), raw and unescaped agree.
            let plain = memchr::memchr(b'\\', self.raw.get(i..)?).unwrap_or(usize::MAX);
            let step = plain.min(start - j);
            if step > 0 {
                i += step;
                j += step;
                continue;
            }
            let (raw_len, len) = escape_len(&self.raw[i..])?;
            i += raw_len;
            j += len;
        }
        self.cursor = (i, j);
        let here = self.raw.get(i..i + bytes.len())?;
        // No escape inside, so equal bytes are the same bytes.
        (j == start && here == bytes && memchr::memchr(b'\\', here).is_none())
            .then_some(self.at + i)
    }
}

/// The length of the escape `raw` starts with, and of what it stands for.
pub(crate) fn escape_len(raw: &[u8]) -> Option<(usize, usize)> {
    if raw.get(1) != Some(&b'u') {
        return Some((2, 1));
    }
    let unit = |at: usize| {
        let hex = std::str::from_utf8(raw.get(at + 2..at + 6)?).ok()?;
        u32::from_str_radix(hex, 16).ok()
    };
    let first = unit(0)?;
    if (0xD800..0xDC00).contains(&first)
        && raw.get(6..8) == Some(&b"\\u"[..])
        && unit(6).is_some_and(|u| (0xDC00..0xE000).contains(&u))
    {
        return Some((12, 4));
    }
    let len = match first {
        0..0x80 => 1,
        0x80..0x800 => 2,
        _ => 3,
    };
    Some((6, len))
}

/// Forwards hits, giving those without a pointer the pointer of `path`,
/// built on the first such hit.
struct PointerSink<'s, 'p, 'a> {
    sink: &'s mut dyn HitSink,
    path: &'p [Seg<'a>],
    pointer: Option<String>,
}

impl<'s, 'p, 'a> PointerSink<'s, 'p, 'a> {
    fn new(sink: &'s mut dyn HitSink, path: &'p [Seg<'a>]) -> Self {
        PointerSink {
            sink,
            path,
            pointer: None,
        }
    }
}

impl HitSink for PointerSink<'_, '_, '_> {
    fn hit(&mut self, hit: &Hit<'_>) {
        if hit.origin.pointer.is_some() {
            return self.sink.hit(hit);
        }
        let path = self.path;
        let pointer = self.pointer.get_or_insert_with(|| pointer_of(path));
        let origin = hit.origin.clone().at(Some(pointer.clone()));
        self.sink.hit(&Hit {
            origin: &origin,
            ..hit.clone()
        });
    }
}
