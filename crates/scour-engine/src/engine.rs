use regex_automata::{meta, util::captures::Captures, Anchored, Input, Span};
use scour_rules::{FieldDecode, Place, Rule};

use crate::anchor::Lead;
use crate::keywords::Keywords;
use crate::sink::{Match, Sink};
use crate::validate;

/// A compiled, immutable rule set. Cheap to share across threads.
#[derive(Debug)]
pub struct Engine {
    pub(crate) rules: Vec<Rule>,
    /// Each rule's regex, compiled on first use.
    pub(crate) compiled: Vec<LazyRule>,
    /// Every rule's keywords, searched at once.
    pub(crate) prefilter: Keywords,
    /// For rules whose matches start just before a keyword hit, how far
    /// before: they are confirmed by anchored searches at the hits instead
    /// of searches over windows (see [`crate::anchor`]).
    pub(crate) leads: Vec<Option<Lead>>,
    /// For each keyword pattern id, the rules that own it.
    pub(crate) owners: Vec<Vec<u32>>,
    pub(crate) keyword_lens: Vec<usize>,
    pub(crate) overlap: usize,
    /// How far around the reported range a keyword hit can matter to the
    /// rules with ordinary windows (up to [`FAR_WINDOW`]): twice their
    /// widest window plus the longest keyword. [`Engine::overlap`] is set
    /// by the few rules with huge windows (a SAML response, a PEM block),
    /// and a chunked scan's context is that wide on both sides; beyond
    /// this margin only [`Engine::far`] is searched.
    pub(crate) near: usize,
    /// The keywords of rules with windows wider than [`FAR_WINDOW`], as
    /// `(searcher, keyword id of each pattern)`; None when there are none.
    pub(crate) far: Option<(Keywords, Vec<u32>)>,
    /// The longest keyword's length less one: how far past a boundary a
    /// keyword that starts before it reaches.
    pub(crate) spill: usize,
    /// Indices of field rules, which [`Engine::scan_field`] applies.
    pub(crate) field_rules: Vec<u32>,
    /// For each place, which field names any field rule may apply to.
    pub(crate) field_index: FieldIndex,
    /// Number rules: the digit-run length each needs, and whether the run
    /// must hold a separator ([`Rule::separated`]).
    pub(crate) digit_rules: Vec<(u32, usize, bool)>,
    /// The shortest of those, or None without number rules.
    pub(crate) min_digits: Option<usize>,
}

#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub(crate) regex: meta::Regex,
    pub(crate) secret_group: usize,
    /// The `secret` group is the whole pattern.
    pub(crate) whole_secret: bool,
}

impl CompiledRule {
    /// The leftmost-first match in `input`, as (whole match, secret group);
    /// the group is None when it did not take part in the match.
    fn find(
        &self,
        cache: &mut meta::Cache,
        caps: &mut Captures,
        input: &Input<'_>,
    ) -> Option<(Span, Option<Span>)> {
        if self.whole_secret {
            let m = self.regex.search_with(cache, input)?;
            return Some((m.span(), Some(m.span())));
        }
        self.regex.search_captures_with(cache, input, caps);
        let whole = caps.get_match()?;
        Some((whole.span(), caps.get_group(self.secret_group)))
    }
}

/// Windows up to this wide are ordinary; rules with wider ones (SAML
/// responses, PEM and PGP key blocks, JWTs) are few, and their keywords
/// alone are searched in the far context of a chunked scan.
pub(crate) const FAR_WINDOW: usize = 4096;

/// A rule's regex, compiled the first time a keyword hit needs it. Patterns
/// are validated when the engine is built, so compiling cannot fail here
/// except on the regex engine's size limits, which [`Engine::compile_all`]
/// (run by `rules check` and its test) would have reported.
#[derive(Debug, Default)]
pub(crate) struct LazyRule(std::sync::OnceLock<CompiledRule>);

/// Per-thread mutable state for [`Engine::scan`]: regex caches and buffers
/// reused from scan to scan, so the hot path does not allocate per match.
/// A rule's cache is made the first time this thread runs the rule.
#[derive(Debug)]
pub struct Scratch {
    slots: Vec<Option<(meta::Cache, Captures)>>,
    /// The window currently being grown for each rule, as `(start, end)`.
    open: Vec<Option<(usize, usize)>>,
    /// The rules whose `open` slot is set. Most haystacks (a JSON string, a
    /// header value) touch a handful of the hundreds of rules, so clearing
    /// and closing visit only these, not every slot.
    touched: Vec<u32>,
    /// Closed windows: `(rule, start, end)`.
    windows: Vec<(u32, usize, usize)>,
    /// Keyword hits of anchored rules: `(rule, hit start, hit end)`.
    anchors: Vec<(u32, usize, usize)>,
    /// The keyword search's hits in one part of the haystack, as
    /// `(start, keyword)`.
    hits: Vec<(usize, u32)>,
    /// Confirmed matches of the current scan, before ordering and dedup.
    found: Vec<Found>,
    /// Decoded field values (Basic credentials).
    decoded: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct Found {
    rule: u32,
    secret: (usize, usize),
    whole: (usize, usize),
}

impl Engine {
    /// The rules, in the order rule indices refer to.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule at `index`, as given by [`Match::rule_index`].
    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// How many bytes of context a chunked scan must overlap so that every
    /// match starting in a chunk lies entirely within the chunk's overlap.
    pub fn overlap(&self) -> usize {
        self.overlap
    }

    /// Fresh scratch space for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            slots: (0..self.rules.len()).map(|_| None).collect(),
            open: vec![None; self.rules.len()],
            touched: Vec::new(),
            windows: Vec::new(),
            anchors: Vec::new(),
            hits: Vec::new(),
            found: Vec::new(),
            decoded: Vec::new(),
        }
    }

    /// Compiles every rule now rather than on first use, and reports the
    /// first that fails. Start-up stays fast without it; callers that load
    /// rules from users' files call it to fail early.
    pub fn compile_all(&self) -> Result<(), crate::Error> {
        for (i, rule) in self.rules.iter().enumerate() {
            if self.compiled[i].0.get().is_none() {
                let c = crate::builder::compile_rule(rule)?;
                let _ = self.compiled[i].0.set(c);
            }
        }
        Ok(())
    }

    /// Rule `r`'s compiled regex, compiling it on first use.
    pub(crate) fn compiled(&self, r: usize) -> &CompiledRule {
        self.compiled[r].0.get_or_init(|| {
            crate::builder::compile_rule(&self.rules[r])
                .unwrap_or_else(|e| panic!("{e} (pattern validated at build)"))
        })
    }

    /// Scans all of `haystack`, reporting every match to `sink`.
    pub fn scan<S: Sink + ?Sized>(&self, haystack: &[u8], scratch: &mut Scratch, sink: &mut S) {
        self.scan_reporting(haystack, 0..haystack.len(), scratch, sink)
    }

    /// Scans `haystack` but reports only matches whose secret starts inside
    /// `report`. The bytes outside `report` are context: a chunked scan passes
    /// each chunk with [`Engine::overlap`] bytes on either side, so that a
    /// match straddling a seam is reported exactly once.
    pub fn scan_reporting<S: Sink + ?Sized>(
        &self,
        haystack: &[u8],
        report: std::ops::Range<usize>,
        scratch: &mut Scratch,
        sink: &mut S,
    ) {
        self.scan_skipping(haystack, report, &[], scratch, sink)
    }

    /// [`Engine::scan_reporting`], with no keyword (or digit run) searched
    /// for inside the `skip` ranges (sorted, disjoint). Windows opened by
    /// keywords outside them still reach into them.
    ///
    /// A JSON reader skips the insides of escaped strings this way: it
    /// scans their unescaped text instead, which holds the same secrets
    /// (read the way the writer meant them), and scanning both cost a sixth
    /// of a corpus scan.
    pub fn scan_skipping<S: Sink + ?Sized>(
        &self,
        haystack: &[u8],
        report: std::ops::Range<usize>,
        skip: &[std::ops::Range<usize>],
        scratch: &mut Scratch,
        sink: &mut S,
    ) {
        debug_assert!(skip.windows(2).all(|w| w[0].end <= w[1].start));
        self.collect_windows(haystack, &report, skip, scratch);
        scratch.found.clear();
        for wi in 0..scratch.windows.len() {
            let (rule, start, end) = scratch.windows[wi];
            // Every match lies in its window: a window outside the reported
            // range cannot yield a secret that starts inside it.
            if end <= report.start || start >= report.end {
                continue;
            }
            self.confirm(haystack, rule, start, end, &report, scratch);
        }
        self.confirm_anchored(haystack, &report, scratch);
        self.emit(haystack, scratch, sink);
    }

    /// True if some field rule may apply to a field called `name` in
    /// `place`; false means [`Engine::scan_field`] would find nothing, so a
    /// structure-aware reader can skip the field without preparing it.
    pub fn field_may_apply(&self, place: Place, name: &[u8]) -> bool {
        self.field_index.may_apply(place, name)
    }

    /// Applies the field rules to one named field, such as the header
    /// `Authorization` or the cookie `sid`, handed over by a structure-aware
    /// reader. Matches point into `value`, or into the decoded value when the
    /// rule decodes it first; [`Match::decoders`] says which.
    pub fn scan_field<S: Sink + ?Sized>(
        &self,
        place: Place,
        name: &[u8],
        value: &[u8],
        scratch: &mut Scratch,
        sink: &mut S,
    ) {
        for &r in &self.field_rules {
            let rule = &self.rules[r as usize];
            let field = rule.field.as_ref().expect("field rule");
            if !field.applies(place, name) {
                continue;
            }
            let (hay, decoders): (&[u8], &'static [&'static str]) = match field.decode {
                None => (value, &[]),
                Some(FieldDecode::BasicAuth) => {
                    if !decode_basic(value, &mut scratch.decoded) {
                        continue;
                    }
                    (&scratch.decoded, &["base64"])
                }
            };
            let compiled = self.compiled(r as usize);
            let (cache, caps) = slot(&mut scratch.slots, r as usize, compiled);
            let mut at = 0;
            while at <= hay.len() {
                let input = Input::new(hay).range(at..);
                let Some((whole, secret)) = compiled.find(cache, caps, &input) else {
                    break;
                };
                at = whole.end.max(whole.start + 1);
                let Some(secret) = secret else { continue };
                if !accept(rule, hay, secret.range()) {
                    continue;
                }
                let m = Match {
                    rule,
                    rule_index: r as usize,
                    haystack: hay,
                    secret: (secret.start, secret.end),
                    whole: (whole.start, whole.end),
                    decoders,
                };
                if !sink.matched(&m) {
                    return;
                }
            }
        }
    }

    /// Stage one: keyword hits become per-rule windows, merged as they come.
    ///
    /// All keywords are searched within [`Engine::near`] bytes of `report`;
    /// farther out, only the keywords of rules with far-reaching windows.
    /// Hits arrive in order of position, as [`Engine::open_window`] needs.
    fn collect_windows(
        &self,
        haystack: &[u8],
        report: &std::ops::Range<usize>,
        skip: &[std::ops::Range<usize>],
        scratch: &mut Scratch,
    ) {
        scratch.windows.clear();
        scratch.anchors.clear();
        debug_assert!(scratch.touched.is_empty());
        let len = haystack.len();
        let near = report.start.saturating_sub(self.near)..(report.end + self.near).min(len);
        // A keyword starting just before a boundary ends just after it.
        let spill = self.spill;
        let mut hits = std::mem::take(&mut scratch.hits);
        if let Some((far, ids)) = &self.far {
            if near.start > 0 {
                far.find_all(&haystack[..(near.start + spill).min(len)], &mut hits);
                for &(start, kw) in &hits {
                    if start < near.start && !skipped(skip, start) {
                        self.keyword_hit(scratch, ids[kw as usize], start, len, true);
                    }
                }
            }
        }
        for part in unskipped(near.clone(), skip) {
            let bytes = &haystack[part.start..(part.end + spill).min(len)];
            self.prefilter.find_all(bytes, &mut hits);
            for &(start, kw) in &hits {
                let start = part.start + start;
                if start < part.end {
                    self.keyword_hit(scratch, kw, start, len, false);
                }
            }
        }
        if let Some((far, ids)) = &self.far {
            if near.end < len {
                far.find_all(&haystack[near.end..], &mut hits);
                for &(start, kw) in &hits {
                    let start = near.end + start;
                    if !skipped(skip, start) {
                        self.keyword_hit(scratch, ids[kw as usize], start, len, true);
                    }
                }
            }
        }
        scratch.hits = hits;
        if let Some(min) = self.min_digits {
            for part in unskipped(near.clone(), skip) {
                for (start, end, digits) in crate::digits::digit_runs(&haystack[part.clone()], min)
                {
                    let (start, end) = (part.start + start, part.start + end);
                    let bare = end - start == digits;
                    for &(r, need, separated) in &self.digit_rules {
                        if digits >= need && !(bare && separated) {
                            self.open_window(scratch, r, start, end, len);
                        }
                    }
                }
            }
        }
        for r in scratch.touched.drain(..) {
            if let Some((s, e)) = scratch.open[r as usize].take() {
                scratch.windows.push((r, s, e));
            }
        }
    }

    /// Hands a hit of keyword `kw` at `start` to the rules that own it (to
    /// only those with far-reaching windows when `far_only`).
    fn keyword_hit(
        &self,
        scratch: &mut Scratch,
        kw: u32,
        start: usize,
        len: usize,
        far_only: bool,
    ) {
        let end = start + self.keyword_lens[kw as usize];
        for &r in &self.owners[kw as usize] {
            if far_only && self.rules[r as usize].window <= FAR_WINDOW {
                continue;
            }
            if self.leads[r as usize].is_some() {
                scratch.anchors.push((r, start, end));
            } else {
                self.open_window(scratch, r, start, end, len);
            }
        }
    }

    /// Opens (or grows) rule `r`'s window around a prefilter hit at
    /// `start..end`. Hits for one rule arrive in ascending order, so a
    /// window that cannot grow any more is closed for good.
    fn open_window(&self, scratch: &mut Scratch, r: u32, start: usize, end: usize, len: usize) {
        let w = self.rules[r as usize].window;
        let (start, end) = (start.saturating_sub(w), (end + w).min(len));
        match &mut scratch.open[r as usize] {
            Some((_, open_end)) if start <= *open_end => *open_end = (*open_end).max(end),
            slot => match slot.replace((start, end)) {
                Some((s, e)) => scratch.windows.push((r, s, e)),
                None => scratch.touched.push(r),
            },
        }
    }

    /// Stage two: run one rule's regex inside one window and validate.
    fn confirm(
        &self,
        haystack: &[u8],
        rule: u32,
        start: usize,
        end: usize,
        report: &std::ops::Range<usize>,
        scratch: &mut Scratch,
    ) {
        let r = rule as usize;
        let compiled = self.compiled(r);
        let (cache, caps) = slot(&mut scratch.slots, r, compiled);
        let mut at = start;
        while at < end {
            let input = Input::new(haystack).range(at..end);
            let Some((whole, secret)) = compiled.find(cache, caps, &input) else {
                break;
            };
            // Step past this match (at least one byte, for empty matches).
            at = whole.end.max(whole.start + 1);
            let Some(secret) = secret else { continue };
            if report.contains(&secret.start) && accept(&self.rules[r], haystack, secret.range()) {
                scratch.found.push(Found {
                    rule,
                    secret: (secret.start, secret.end),
                    whole: (whole.start, whole.end),
                });
            }
        }
    }

    /// Stage two for anchored rules: at each keyword hit, try the regex
    /// anchored at the few positions a match may start (the rule's lead).
    /// Hits are taken per rule in order, and a hit inside the previous match
    /// of the same rule is skipped, so the matches are the same
    /// non-overlapping ones a window search finds.
    fn confirm_anchored(
        &self,
        haystack: &[u8],
        report: &std::ops::Range<usize>,
        scratch: &mut Scratch,
    ) {
        scratch.anchors.sort_unstable();
        // (rule, end of its last match)
        let mut last: Option<(u32, usize)> = None;
        // The previous hit: (rule, its start, its base, the end it was
        // tried up to). Hits in one name (`db_auth_token` holds `auth` and
        // `token`) share a base, found once, and are tried again only if
        // they reach farther.
        let mut prev: Option<(u32, usize, usize, usize)> = None;
        for ai in 0..scratch.anchors.len() {
            let (rule, kw_start, kw_end) = scratch.anchors[ai];
            let r = rule as usize;
            let lead = self.leads[r].expect("anchored rule");
            let end = (kw_end + self.rules[r].window).min(haystack.len());
            let before = prev
                .filter(|p| p.0 == rule)
                .map(|(_, at, base, _)| (at, base));
            let base = lead.base(haystack, kw_start, before);
            let again = prev.is_some_and(|(pr, _, pb, pe)| pr == rule && pb == base && pe >= end);
            prev = Some((rule, kw_start, base, end));
            if again {
                continue;
            }
            let done = match last {
                Some((lr, e)) if lr == rule => e,
                _ => 0,
            };
            let compiled = self.compiled(r);
            // Earliest start first, as a leftmost search would find it.
            for back in (lead.min..=lead.max).rev() {
                let Some(start) = base.checked_sub(back) else {
                    continue;
                };
                if start < done {
                    continue;
                }
                let (cache, caps) = slot(&mut scratch.slots, r, compiled);
                let input = Input::new(haystack)
                    .range(start..end)
                    .anchored(Anchored::Yes);
                let Some((whole, secret)) = compiled.find(cache, caps, &input) else {
                    continue;
                };
                last = Some((rule, whole.end.max(whole.start + 1)));
                if let Some(secret) = secret {
                    if report.contains(&secret.start)
                        && accept(&self.rules[r], haystack, secret.range())
                    {
                        scratch.found.push(Found {
                            rule,
                            secret: (secret.start, secret.end),
                            whole: (whole.start, whole.end),
                        });
                    }
                }
                break;
            }
        }
    }

    /// Orders matches by offset and keeps one match per secret span: when
    /// several rules capture exactly the same bytes, the most specific one
    /// (highest confidence, then severity, then rule order) is reported.
    fn emit<S: Sink + ?Sized>(&self, haystack: &[u8], scratch: &mut Scratch, sink: &mut S) {
        let rank = |f: &Found| {
            let rule = &self.rules[f.rule as usize];
            (
                std::cmp::Reverse(rule.confidence),
                std::cmp::Reverse(rule.severity),
                f.rule,
            )
        };
        scratch
            .found
            .sort_unstable_by(|a, b| a.secret.cmp(&b.secret).then_with(|| rank(a).cmp(&rank(b))));
        scratch.found.dedup_by_key(|f| f.secret);
        for f in &scratch.found {
            let m = Match {
                rule: &self.rules[f.rule as usize],
                rule_index: f.rule as usize,
                haystack,
                secret: f.secret,
                whole: f.whole,
                decoders: &[],
            };
            if !sink.matched(&m) {
                return;
            }
        }
    }
}

/// True if `at` lies in one of the sorted, disjoint `skip` ranges.
pub(crate) fn skipped(skip: &[std::ops::Range<usize>], at: usize) -> bool {
    let i = skip.partition_point(|r| r.end <= at);
    skip.get(i).is_some_and(|r| r.start <= at)
}

/// The parts of `range` outside the sorted, disjoint `skip` ranges.
pub(crate) fn unskipped(
    range: std::ops::Range<usize>,
    skip: &[std::ops::Range<usize>],
) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let first = skip.partition_point(|r| r.end <= range.start);
    let mut at = range.start;
    let mut holes = skip[first..].iter();
    std::iter::from_fn(move || {
        while at < range.end {
            let Some(hole) = holes.next() else {
                let part = at..range.end;
                at = range.end;
                return Some(part);
            };
            let part = at..hole.start.min(range.end);
            at = at.max(hole.end);
            if !part.is_empty() {
                return Some(part);
            }
        }
        None
    })
}

/// Whether a regex match's secret at `secret` in `hay` is reported: not
/// empty, passing the rule's validators, free of control bytes, and not
/// part of a `[REDACTED:...]` marker that `scour redact` wrote.
///
/// No credential or personal datum holds a NUL or a bell; a match holding
/// one is binary noise that a permissive class (`[^\s"']+`) ran through,
/// and it could not be redacted in an encoded spelling either (a URL
/// percent-encodes such bytes). Line breaks and tabs stay allowed: key
/// blocks span lines.
fn accept(rule: &Rule, hay: &[u8], secret: std::ops::Range<usize>) -> bool {
    let bytes = &hay[secret.clone()];
    !secret.is_empty()
        && validate::passes(&rule.validate, bytes)
        && !bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
        && !validate::inside_redaction_marker(hay, secret.start)
}

/// Decodes `Basic <base64>` (scheme optional, case-insensitive) into `out`.
/// Returns false unless the result is `user:password` text.
fn decode_basic(value: &[u8], out: &mut Vec<u8>) -> bool {
    use base64::Engine as _;
    let mut v = value.trim_ascii();
    if v.len() > 6 && v[..6].eq_ignore_ascii_case(b"basic ") {
        v = v[6..].trim_ascii_start();
    }
    out.clear();
    let ok = base64::engine::general_purpose::STANDARD
        .decode_vec(v, out)
        .is_ok()
        || {
            out.clear();
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode_vec(v, out)
                .is_ok()
        };
    ok && out.contains(&b':') && !out.iter().any(|&b| b < 0x20 || b == 0x7f)
}

/// This thread's cache and capture slots for rule `r`, made on first use.
fn slot<'s>(
    slots: &'s mut [Option<(meta::Cache, Captures)>],
    r: usize,
    compiled: &CompiledRule,
) -> (&'s mut meta::Cache, &'s mut Captures) {
    let (cache, caps) = slots[r].get_or_insert_with(|| {
        (
            compiled.regex.create_cache(),
            compiled.regex.create_captures(),
        )
    });
    (cache, caps)
}

/// Per place: the exact names (lowercase), name fragments, and whether a
/// rule takes every name. Exclusions are left to [`scour_rules::Field::applies`]: the
/// index may say yes where a rule then declines, never the reverse.
#[derive(Debug, Default)]
pub(crate) struct FieldIndex {
    places: Vec<(Place, PlaceIndex)>,
}

#[derive(Debug, Default)]
struct PlaceIndex {
    exact: std::collections::HashSet<Vec<u8>, foldhash::fast::RandomState>,
    /// One search for all the lowercase `name_contains` fragments: every field of a HAR or JSON
    /// document is asked about, and a comparison per fragment per position
    /// cost 2% of a corpus scan.
    contains: Option<aho_corasick::AhoCorasick>,
    any: bool,
}

impl FieldIndex {
    pub(crate) fn new<'r>(fields: impl Iterator<Item = &'r scour_rules::Field>) -> FieldIndex {
        let mut index = FieldIndex::default();
        // Each place's fragments, in the order of `index.places`.
        let mut fragments: Vec<Vec<Vec<u8>>> = Vec::new();
        for f in fields {
            for &place in &f.places {
                let at = match index.places.iter().position(|(p, _)| *p == place) {
                    Some(i) => i,
                    None => {
                        index.places.push((place, PlaceIndex::default()));
                        fragments.push(Vec::new());
                        index.places.len() - 1
                    }
                };
                let pi = &mut index.places[at].1;
                for n in &f.names {
                    if n == "*" {
                        pi.any = true;
                    } else {
                        pi.exact.insert(n.to_ascii_lowercase().into_bytes());
                    }
                }
                fragments[at].extend(
                    f.name_contains
                        .iter()
                        .map(|c| c.to_ascii_lowercase().into_bytes()),
                );
            }
        }
        for ((_, pi), fragments) in index.places.iter_mut().zip(fragments) {
            if !fragments.is_empty() {
                let search = aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&fragments)
                    .expect("a few short literals always compile");
                pi.contains = Some(search);
            }
        }
        index
    }

    fn may_apply(&self, place: Place, name: &[u8]) -> bool {
        let Some((_, pi)) = self.places.iter().find(|(p, _)| *p == place) else {
            return false;
        };
        if pi.any {
            return true;
        }
        let mut buf = [0u8; 64];
        let Some(lower) = buf.get_mut(..name.len()) else {
            return true;
        };
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        pi.exact.contains(&*lower) || pi.contains.as_ref().is_some_and(|c| c.is_match(&*lower))
    }
}
