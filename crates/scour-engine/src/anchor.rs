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
//! folded, as the keyword automaton matches). Anything it cannot prove keeps
//! the window search, which is always correct.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Repetition};

/// Longest lead tried: each byte of lead is one more anchored attempt per hit.
const MAX_LEAD: usize = 2;

/// Where a rule's matches may start relative to the start of a keyword hit:
/// `min..=max` bytes before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lead {
    pub(crate) min: usize,
    pub(crate) max: usize,
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
    let mut lead = Lead { min: 0, max: 0 };
    for (i, item) in items.iter().enumerate() {
        let rest = Hir::concat(items[i..].to_vec());
        if prefixes_start_with(&rest, keywords) {
            return Some(lead);
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

/// True if every match of `hir` starts with one of `keywords`.
fn prefixes_start_with(hir: &Hir, keywords: &[String]) -> bool {
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(4096);
    let seq = extractor.extract(&fold_case(hir));
    let Some(literals) = seq.literals() else {
        return false; // infinite: some match may start with anything
    };
    !literals.is_empty()
        && literals.iter().all(|lit| {
            let bytes = lit.as_bytes();
            keywords.iter().any(|k| {
                bytes.len() >= k.len() && bytes[..k.len()].eq_ignore_ascii_case(k.as_bytes())
            })
        })
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
        assert_eq!(l, Some(Lead { min: 0, max: 1 }));
        assert_eq!(
            lead_of(r"(?P<secret>ghp_[A-Za-z0-9]{36})\b", &["ghp_"]),
            Some(Lead { min: 0, max: 0 })
        );
    }

    #[test]
    fn case_insensitive_prefix_and_alternatives() {
        assert_eq!(
            lead_of(r"(?i:cookie)\s*:\s*(?P<secret>\S+)", &["cookie"]),
            Some(Lead { min: 0, max: 0 })
        );
        // Too many case variants to list: folded first.
        assert_eq!(
            lead_of(r"(?i:authorization)\s*:\s*(?i:bearer)", &["authorization"]),
            Some(Lead { min: 0, max: 0 })
        );
        assert_eq!(
            lead_of(
                r"(?:A3T[A-Z0-9]|AKIA|ASIA)(?P<secret>[A-Z0-9]{16})",
                &["a3t", "akia", "asia"]
            ),
            Some(Lead { min: 0, max: 0 })
        );
    }

    #[test]
    fn keyword_inside_the_match_keeps_the_window() {
        // The keyword may sit anywhere in a name of up to 32 bytes.
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
