//! Which rules can be confirmed by an anchored search at each keyword hit
//! instead of an unanchored search over a window around it.
//!
//! Most token rules look like `(?:^|[^A-Za-z0-9])ghp_[A-Za-z0-9]{36}`: a
//! short boundary, then a literal that is one of the rule's keywords. Every
//! match of such a rule starts a fixed, small number of bytes before a
//! keyword hit, so trying the regex *anchored* at those few positions finds
//! every match the window search would, and a failing attempt costs a few
//! bytes instead of a whole window (±256 bytes or more). On the benchmark
//! corpus this is where most of the confirmation time went.
//!
//! The analysis works on the parsed pattern: split the top-level
//! concatenation into a *lead* (items of bounded, short length, such as a
//! boundary class or `^`) and the rest, and require that every prefix
//! literal of the rest starts with one of the rule's keywords (ASCII case
//! folded, as the keyword search matches). Anything it cannot prove keeps
//! the window search, which is always correct.
//!
//! Assignment rules have a second shape: `(?:^|[^A-Za-z0-9_.-])` then a
//! name such as `db_password` (`[a-z0-9_.-]*?password`), so the keyword
//! sits anywhere in a run of name bytes. Their matches start at the lead
//! before the *run*: the engine steps back from the keyword over name bytes
//! to where the run begins. That holds when the run's byte set contains
//! every byte a match may have between the lead and a keyword, and the lead
//! matches no byte of the set (so a run cannot begin inside the lead). The
//! rule with this shape was a seventh of the corpus's confirmation time.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Repetition};

/// Longest lead tried: each byte of lead is one more anchored attempt per hit.
const MAX_LEAD: usize = 2;

/// Where a rule's matches may start relative to the start of a keyword hit:
/// `min..=max` bytes before it, or, with `run`, before the start of the run
/// of `run` bytes that ends at the keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lead {
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) run: Option<ByteSet>,
}

impl Lead {
    /// Where the lead ends for a keyword hit at `kw_start`: the hit itself,
    /// or the start of the run of name bytes that ends there.
    ///
    /// `before` is the same rule's previous hit, as (start, base), hits
    /// coming in order: when the run reaches back to it, it shares its
    /// base, so no byte is stepped over twice, however long the run.
    pub(crate) fn base(
        &self,
        haystack: &[u8],
        kw_start: usize,
        before: Option<(usize, usize)>,
    ) -> usize {
        let Some(run) = &self.run else {
            return kw_start;
        };
        let floor = before.map_or(0, |(at, _)| at.min(kw_start));
        let mut at = kw_start;
        while at > floor && run.contains(haystack[at - 1]) {
            at -= 1;
        }
        match before {
            Some((prev, base)) if at == prev && prev < kw_start => base,
            _ => at,
        }
    }
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn union(&mut self, other: &ByteSet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    fn disjoint(&self, other: &ByteSet) -> bool {
        self.0.iter().zip(other.0).all(|(a, b)| a & b == 0)
    }
}

/// The lead of `hir` if every match of it starts `lead` bytes before one of
/// `keywords` (lowercase), or None if that cannot be shown.
pub(crate) fn lead(hir: &Hir, keywords: &[String]) -> Option<Lead> {
    if keywords.is_empty() {
        return None;
    }
    let items: &[Hir] = match hir.kind() {
        HirKind::Concat(items) => items,
        _ => std::slice::from_ref(hir),
    };
    let mut lead = Lead {
        min: 0,
        max: 0,
        run: None,
    };
    for (i, item) in items.iter().enumerate() {
        let rest = Hir::concat(items[i..].to_vec());
        if prefixes_start_with(&rest, keywords) {
            return Some(lead);
        }
        if let Some(run) = run_then_keyword(&rest, keywords) {
            if i == 1 && bounds_run(&items[0], &run) {
                lead.run = Some(run);
                return Some(lead);
            }
        }
        let props = item.properties();
        lead.min += props.minimum_len()?;
        lead.max += props.maximum_len()?;
        if lead.max > MAX_LEAD {
            return None;
        }
    }
    None
}

/// The byte set of a run that every match of `hir` begins with, up to a
/// keyword: `hir`'s leading repetitions of classes are taken away (their
/// classes make the set), and every prefix literal of what remains must be
/// bytes of the set, then a keyword. None if that cannot be shown.
fn run_then_keyword(hir: &Hir, keywords: &[String]) -> Option<ByteSet> {
    let mut run = ByteSet::default();
    let stripped = strip_runs(hir, &mut run);
    if run.is_empty() {
        return None;
    }
    // Folded literals are lowercase: a letter counts as a run byte only if
    // both of its cases are, whichever the haystack holds.
    let in_run =
        |b: u8| run.contains(b.to_ascii_lowercase()) && run.contains(b.to_ascii_uppercase());
    every_prefix(&stripped, |bytes| {
        (0..bytes.len()).any(|at| {
            bytes[..at].iter().all(|&b| in_run(b)) && starts_with_keyword(&bytes[at..], keywords)
        })
    })
    .then_some(run)
}

/// `hir` without the repetitions of a class (or of a byte) it may begin
/// with, whose bytes are added to `run`.
fn strip_runs(hir: &Hir, run: &mut ByteSet) -> Hir {
    match hir.kind() {
        HirKind::Concat(items) if !items.is_empty() => {
            if let Some(set) = repeated_bytes(&items[0]) {
                run.union(&set);
                return strip_runs(&Hir::concat(items[1..].to_vec()), run);
            }
            let mut v = items.clone();
            v[0] = strip_runs(&items[0], run);
            Hir::concat(v)
        }
        HirKind::Alternation(items) => {
            Hir::alternation(items.iter().map(|h| strip_runs(h, run)).collect())
        }
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(strip_runs(&cap.sub, run)),
            ..cap.clone()
        }),
        _ => match repeated_bytes(hir) {
            Some(set) => {
                run.union(&set);
                Hir::empty()
            }
            None => hir.clone(),
        },
    }
}

/// The bytes of `hir` if it repeats one class or byte (`[a-z0-9_]*?`).
fn repeated_bytes(hir: &Hir) -> Option<ByteSet> {
    let HirKind::Repetition(rep) = hir.kind() else {
        return None;
    };
    bytes_of_unit(&rep.sub)
}

/// The bytes `hir` matches if it matches exactly one byte.
fn bytes_of_unit(hir: &Hir) -> Option<ByteSet> {
    let mut set = ByteSet::default();
    match hir.kind() {
        HirKind::Literal(lit) if lit.0.len() == 1 => set.insert(lit.0[0]),
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.iter() {
                (r.start()..=r.end()).for_each(|b| set.insert(b));
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.to_byte_class()?.iter() {
                (r.start()..=r.end()).for_each(|b| set.insert(b));
            }
        }
        HirKind::Capture(cap) => return bytes_of_unit(&cap.sub),
        _ => return None,
    }
    Some(set)
}

/// True if `hir` says where a run begins: each of its alternatives is
/// either one byte outside `run` or the start of the text or of a line
/// (with line breaks outside `run`). Then the byte before a run's first
/// byte is never a run byte, so the run is the longest one ending at the
/// keyword. A word boundary would not do: `\b` holds inside `a.b`.
fn bounds_run(hir: &Hir, run: &ByteSet) -> bool {
    use regex_syntax::hir::Look;
    match hir.kind() {
        HirKind::Alternation(v) => v.iter().all(|h| bounds_run(h, run)),
        HirKind::Capture(cap) => bounds_run(&cap.sub, run),
        HirKind::Look(Look::Start) => true,
        HirKind::Look(Look::StartLF | Look::StartCRLF) => {
            !run.contains(b'\n') && !run.contains(b'\r')
        }
        HirKind::Literal(_) | HirKind::Class(_) => {
            bytes_of_unit(hir).is_some_and(|set| set.disjoint(run))
        }
        _ => false,
    }
}

/// True if every match of `hir` starts with one of `keywords`.
fn prefixes_start_with(hir: &Hir, keywords: &[String]) -> bool {
    every_prefix(hir, |bytes| starts_with_keyword(bytes, keywords))
}

/// True if `hir` (case folded) has a finite, non-empty set of prefix
/// literals and `ok` holds for each; false when some match may start with
/// anything.
fn every_prefix(hir: &Hir, ok: impl Fn(&[u8]) -> bool) -> bool {
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(4096);
    let seq = extractor.extract(&fold_case(hir));
    seq.literals()
        .is_some_and(|lits| !lits.is_empty() && lits.iter().all(|l| ok(l.as_bytes())))
}

/// True if `bytes` starts with one of `keywords` (ASCII case-insensitive).
fn starts_with_keyword(bytes: &[u8], keywords: &[String]) -> bool {
    keywords
        .iter()
        .any(|k| bytes.len() >= k.len() && bytes[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
}

/// `hir` with ASCII case folded away: literals lowercased and classes that
/// are one letter in both cases (`(?i:a)` is `[Aa]`) made that letter.
///
/// Keywords match case-insensitively, so the folded pattern's prefixes
/// decide the same question, and `(?i:authorization)` yields one literal
/// instead of 2^13 that the extractor would have to give up on.
fn fold_case(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Literal(lit) => Hir::literal(lit.0.to_ascii_lowercase()),
        HirKind::Class(class) => match one_letter(class) {
            Some(b) => Hir::literal([b]),
            None => hir.clone(),
        },
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(fold_case(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(fold_case(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Concat(items) => Hir::concat(items.iter().map(fold_case).collect()),
        HirKind::Alternation(items) => Hir::alternation(items.iter().map(fold_case).collect()),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
    }
}

/// The lowercase letter if `class` is exactly that letter in both cases.
fn one_letter(class: &Class) -> Option<u8> {
    let class = match class {
        Class::Bytes(c) => c.clone(),
        Class::Unicode(c) => c.to_byte_class()?,
    };
    let bytes: Vec<u8> = class
        .iter()
        .flat_map(|r| r.start()..=r.end())
        .take(3)
        .collect();
    match bytes[..] {
        [a, b] if a.is_ascii_uppercase() && b == a.to_ascii_lowercase() => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead_of(pattern: &str, keywords: &[&str]) -> Option<Lead> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap();
        let kws: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        lead(&hir, &kws)
    }

    #[test]
    fn literal_prefix_after_a_boundary() {
        let l = lead_of(
            r"(?:^|[^A-Za-z0-9_-])(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,})",
            &["eyj"],
        );
        assert_eq!(
            l,
            Some(Lead {
                min: 0,
                max: 1,
                run: None
            })
        );
        assert_eq!(
            lead_of(r"(?P<secret>ghp_[A-Za-z0-9]{36})\b", &["ghp_"]),
            Some(Lead {
                min: 0,
                max: 0,
                run: None
            })
        );
    }

    #[test]
    fn case_insensitive_prefix_and_alternatives() {
        assert_eq!(
            lead_of(r"(?i:cookie)\s*:\s*(?P<secret>\S+)", &["cookie"]),
            Some(Lead {
                min: 0,
                max: 0,
                run: None
            })
        );
        // Too many case variants to list: folded first.
        assert_eq!(
            lead_of(r"(?i:authorization)\s*:\s*(?i:bearer)", &["authorization"]),
            Some(Lead {
                min: 0,
                max: 0,
                run: None
            })
        );
        assert_eq!(
            lead_of(
                r"(?:A3T[A-Z0-9]|AKIA|ASIA)(?P<secret>[A-Z0-9]{16})",
                &["a3t", "akia", "asia"]
            ),
            Some(Lead {
                min: 0,
                max: 0,
                run: None
            })
        );
    }

    fn run_of(pattern: &str, keywords: &[&str]) -> Option<(usize, usize, Vec<u8>)> {
        let l = lead_of(pattern, keywords)?;
        let run = l.run?;
        Some((
            l.min,
            l.max,
            (0..=255u8).filter(|&b| run.contains(b)).collect(),
        ))
    }

    #[test]
    fn keyword_inside_a_name_leads_from_the_name() {
        let name: Vec<u8> =
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".to_vec();
        assert_eq!(
            run_of(
                r"(?:^|[^A-Za-z0-9_.-])(?i:[a-z0-9_.-]*?(?:pass(?:word)?|token))\s*=\s*(?P<secret>\S+)",
                &["pass", "token"]
            ),
            Some((0, 1, name.clone()))
        );
        // Bytes before the keyword in another branch must be name bytes too.
        assert_eq!(
            run_of(
                r"(?:^|[^A-Za-z0-9_.-])(?:(?-i:X?PASS|KPASS):|(?i:[a-z0-9_.-]*?pass))=(?P<secret>\S+)",
                &["pass"]
            ),
            Some((0, 1, name))
        );
        assert_eq!(
            run_of(
                r"(?:^|[^a-z_])(?:\$PASS|[a-z_]*pass)=(?P<secret>\S+)",
                &["pass"]
            ),
            None
        );
        // The lead must not match a name byte, or a run could start in it.
        assert_eq!(
            run_of(r"(?:^|[^a-z])[a-z_]*token=(?P<secret>\S+)", &["token"]),
            None
        );
        // A word boundary can hold inside a run of `[a-z.]`.
        assert_eq!(run_of(r"\b[a-z.]*token=(?P<secret>\S+)", &["token"]), None);
    }

    #[test]
    fn the_base_is_where_the_run_starts() {
        let l = lead_of(r"(?:^|[^a-z_])[a-z_]*token=(?P<secret>\S+)", &["token"]).unwrap();
        let hay = b"x; db_auth_token=1";
        assert_eq!(l.base(hay, 11, None), 3);
        // From the previous hit in the same name (`auth` at 6)...
        assert_eq!(l.base(hay, 11, Some((6, 3))), 3);
        // ...but not from one in another name.
        assert_eq!(l.base(b"a_token b_token", 10, Some((2, 0))), 8);
        assert_eq!(l.base(b"token=1", 0, None), 0);
    }

    #[test]
    fn keyword_inside_the_match_keeps_the_window() {
        // The keyword may sit anywhere in a name of up to 32 bytes, with no
        // boundary before it to say where the name begins.
        assert_eq!(
            lead_of(r"[a-z0-9_]{0,32}token\s*=\s*(?P<secret>\S+)", &["token"]),
            None
        );
        // A keyword that is only part of the alternatives.
        assert_eq!(lead_of(r"(?:xoxb|xoxp)-(?P<secret>\w+)", &["xoxb"]), None);
        // A keyword longer than what the pattern guarantees.
        assert_eq!(lead_of(r"gh(?P<secret>\w+)", &["ghp_"]), None);
        // Too long a lead.
        assert_eq!(lead_of(r"[a-z]{3}ghp_(?P<secret>\w+)", &["ghp_"]), None);
        // No keywords (number rules use digit runs).
        assert_eq!(lead_of(r"(?P<secret>[0-9]{9})", &[]), None);
    }
}

#[cfg(test)]
mod builtin {
    use crate::{EngineBuilder, Match};

    fn engine() -> crate::Engine {
        let rules = scour_rules::builtin().unwrap();
        EngineBuilder::new().rules(rules).build().unwrap()
    }

    /// A pattern edit that silently turns a token rule back into a window
    /// search costs speed, not correctness; this catches it.
    #[test]
    fn token_rules_are_anchored() {
        let e = engine();
        for id in [
            "jwt.token",
            "github.pat-classic",
            "aws.access-key-id",
            "slack.bot-token",
            "stripe.secret-key-live",
            "okta.api-token",
        ] {
            let i = e.rules.iter().position(|r| r.id == id).unwrap();
            assert!(e.leads[i].is_some(), "{id} is not anchored");
        }
        let anchored = e.leads.iter().filter(|l| l.is_some()).count();
        assert!(anchored * 2 > e.rules.len(), "only {anchored} anchored");
    }

    fn jwts(hay: &[u8]) -> Vec<(usize, usize)> {
        let e = engine();
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(hay, &mut s, &mut |m: &Match<'_>| {
            if m.rule().id == "jwt.token" {
                out.push((m.secret_range().start, m.secret_range().end));
            }
            true
        });
        out
    }

    fn matches(e: &crate::Engine, hay: &[u8]) -> Vec<(String, usize, usize)> {
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(hay, &mut s, &mut |m: &Match<'_>| {
            let r = m.secret_range();
            out.push((m.rule().id.clone(), r.start, r.end));
            true
        });
        out
    }

    /// Anchored confirmation is a shortcut: on every rule's examples, one by
    /// one and run together in several ways, it finds exactly what the
    /// window search finds.
    #[test]
    fn anchored_confirmation_equals_the_window_search() {
        let anchored = engine();
        let mut windowed = engine();
        windowed.leads.iter_mut().for_each(|l| *l = None);
        let samples: Vec<&str> = anchored
            .rules
            .iter()
            .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
            .map(String::as_str)
            .collect();
        let mut inputs: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
        // Separators that end a value (a value glued to the next example
        // runs on for hundreds of bytes, and where the two searches then cut
        // it is an artefact of window ends), some of them starting the next
        // name with name bytes, as in `db_password`.
        for sep in ["\n", " ", "\",\"", "; ", "&", "\nmy_", " db.", "\"x-"] {
            inputs.push(samples.join(sep));
        }
        // Names with several keywords, far apart: the window search merges
        // their windows, the anchored one tries the name's start again
        // with the farther reach.
        inputs.push(format!(
            "x token_{}_password=Vq8#mLz2pX7k ",
            "a".repeat(240)
        ));
        inputs.push(format!(" token{}password=Vq8#mLz2pX7k ", "a".repeat(300)));
        let mut total = 0;
        for input in &inputs {
            let a = matches(&anchored, input.as_bytes());
            let w = matches(&windowed, input.as_bytes());
            let only_a: Vec<_> = a.iter().filter(|m| !w.contains(m)).collect();
            let only_w: Vec<_> = w.iter().filter(|m| !a.contains(m)).collect();
            for m in only_a.iter().chain(&only_w).take(6) {
                let from = m.1.saturating_sub(60);
                eprintln!("{m:?} {:?}", &input[from..(m.2 + 10).min(input.len())]);
            }
            assert!(
                only_a.is_empty() && only_w.is_empty(),
                "anchored only {only_a:?}, window only {only_w:?}"
            );
            total += a.len();
        }
        // Not vacuous: the examples hold thousands of matches.
        assert!(total > 1000, "{total}");
    }

    /// A name longer than the rule's window: the window search cannot see
    /// the boundary before it, the anchored search steps back to it.
    #[test]
    fn a_name_longer_than_the_window_is_read_whole() {
        let e = engine();
        let hay = format!(" {}token=Vq8#mLz2pX7k ", "a".repeat(300));
        let found: Vec<_> = matches(&e, hay.as_bytes())
            .into_iter()
            .filter(|m| m.0 == "generic.credential-assignment")
            .map(|m| &hay[m.1..m.2])
            .collect();
        assert_eq!(found, ["Vq8#mLz2pX7k"]);
    }

    #[test]
    fn anchored_confirmation_honours_the_lead() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJlLWZha2UtMTIzNDU2Nzg";
        // At the very start (`^`), after a boundary byte, twice in a row.
        let hay = format!("{jwt} x={jwt}");
        let first = (0, jwt.len());
        let second = (jwt.len() + 3, 2 * jwt.len() + 3);
        assert_eq!(jwts(hay.as_bytes()), vec![first, second]);
        // Glued to a token character: not a match, as with a window search.
        assert_eq!(jwts(format!("a{jwt}").as_bytes()), vec![]);
    }
}
