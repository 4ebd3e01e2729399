//! Merging findings of the same secret, and their liveness.

use std::cmp::Ordering;

use scour_rules::{Confidence, Rule, Severity};
use serde::{Deserialize, Serialize};

use crate::time::{cmp_rfc3339, format_rfc3339, parse_rfc3339};
use crate::{Finding, Location};

/// Whether a secret would still be accepted, judged offline from the
/// validity times it carries (JWT claims, cookie expiry) at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Liveness {
    /// Has an expiry, which lies after the instant, and no `nbf` after it.
    Live,
    /// Its expiry lies at or before the instant.
    Expired,
    /// Its `nbf` lies after the instant.
    NotYetValid,
    /// Carries no expiry: nothing offline says whether it still works.
    Unknown,
}

impl Liveness {
    /// The lowercase name: `live`, `expired`, `not-yet-valid` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Expired => "expired",
            Liveness::NotYetValid => "not-yet-valid",
            Liveness::Unknown => "unknown",
        }
    }
}

/// Whether [`Finding::fold`] checks places against the list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Places {
    Check,
    New,
    Seen,
}

/// Most places listed per finding; [`Finding::occurrences`] counts the rest.
pub const MAX_LOCATIONS: usize = 32;

impl Finding {
    /// Sets [`Finding::liveness`] as of `now` (Unix seconds).
    ///
    /// A secret without an expiry is `unknown` rather than live: a session
    /// cookie or an opaque API token may or may not have been revoked, and
    /// only the issuer can say.
    pub fn assess(&mut self, now: i64) {
        let at = |s: &Option<String>| s.as_deref().and_then(parse_rfc3339);
        let liveness = match (at(&self.not_before), at(&self.expires_at)) {
            (Some(nbf), _) if nbf > now => Liveness::NotYetValid,
            (_, Some(exp)) if exp <= now => Liveness::Expired,
            (_, Some(_)) => Liveness::Live,
            (_, None) => Liveness::Unknown,
        };
        self.liveness = Some(liveness);
    }

    /// Folds `other`, a finding of the same secret, into this one: its
    /// places join [`Finding::locations`] (each place once, at most
    /// [`MAX_LOCATIONS`] listed), [`Finding::occurrences`] counts them all,
    /// validity times fill in what this one lacks, and when two rules found
    /// the same bytes the more confident, then more severe, then more
    /// specific rule names the finding (rules in the `field` and `generic`
    /// namespaces are the least specific).
    ///
    /// The list is capped because a secret pasted into every record of a
    /// multi-GiB export would otherwise cost memory in proportion to the
    /// input, and checking each new place against the list would cost time
    /// in proportion to its square.
    pub fn merge(&mut self, other: Finding) {
        self.fold(other, Places::Check, MAX_LOCATIONS);
    }

    /// [`Finding::merge`] for a caller that knows which places are new (it
    /// keeps its own index of them): `new_place` false merges only the rule
    /// and the times. At most `cap` places are listed. A caller that has
    /// not built the repeat's finding yet need not: see
    /// [`Finding::merge_repeat`], tested to give the same result.
    pub fn merge_known(&mut self, other: Finding, new_place: bool, cap: usize) {
        let places = if new_place { Places::New } else { Places::Seen };
        self.fold(other, places, cap);
    }

    /// Merges a repeat of this finding's secret, known only by the rule
    /// that found it and its place, as [`Finding::merge_known`] would merge
    /// a finding built for it, without building one: no fingerprint, mask
    /// or owned strings for every repeat of a secret. `place` is called
    /// only when the place is new and gets listed. The validity times are
    /// the caller's to merge, as a [`Validity`].
    pub fn merge_repeat(
        &mut self,
        rule: &Rule,
        new_place: bool,
        place: impl FnOnce() -> Location,
        cap: usize,
    ) {
        self.list_own_place();
        if new_place {
            if self.locations.len() < cap {
                self.locations.push(place());
            }
            self.occurrences += 1;
        }
        if rank(rule.confidence, rule.severity, &rule.id) > self.rank() {
            self.rule.clone_from(&rule.id);
            self.name.clone_from(&rule.name);
            self.category = rule.category;
            self.severity = rule.severity;
            self.confidence = rule.confidence;
        }
    }

    /// Starts the list of places with this finding's own, when empty.
    fn list_own_place(&mut self) {
        if self.locations.is_empty() {
            self.locations.push(self.location());
            self.occurrences = 1;
        }
    }

    fn rank(&self) -> (Confidence, Severity, bool) {
        rank(self.confidence, self.severity, &self.rule)
    }

    fn fold(&mut self, mut other: Finding, places: Places, cap: usize) {
        self.list_own_place();
        // `other` is ours to take apart: its place moves into the list
        // rather than being copied (a secret repeated thousands of times in
        // a file is merged thousands of times).
        let (theirs, unlisted) = if places == Places::Seen {
            (Vec::new(), 0)
        } else if other.locations.is_empty() {
            (vec![other.take_location()], 0)
        } else {
            let listed = other.locations.len() as u64;
            (
                std::mem::take(&mut other.locations),
                other.occurrences.saturating_sub(listed),
            )
        };
        let mut added = unlisted;
        for loc in theirs {
            if places == Places::Check && self.locations.contains(&loc) {
                continue;
            }
            if self.locations.len() < cap {
                self.locations.push(loc);
            }
            added += 1;
        }
        if places != Places::Seen {
            self.occurrences += added;
        }
        let better = other.rank() > self.rank();
        // Order-independent, so that which thread finished first never
        // shows: the latest capture and the latest expiry (if any sighting
        // says the secret still works, it may), the earliest start.
        // RFC 3339 UTC strings of one shape compare as the instants do.
        // Validity::merge keeps the same times.
        keep(&mut self.captured_at, other.captured_at, std::cmp::max);
        keep(&mut self.expires_at, other.expires_at, std::cmp::max);
        keep(&mut self.issued_at, other.issued_at, std::cmp::min);
        keep(&mut self.not_before, other.not_before, std::cmp::min);
        if better {
            self.rule = other.rule;
            self.name = other.name;
            self.category = other.category;
            self.severity = other.severity;
            self.confidence = other.confidence;
        }
    }

    /// One finding per listed place, for listing every occurrence
    /// (`--no-dedup`; places beyond [`MAX_LOCATIONS`] are counted, not kept).
    pub fn split(self) -> Vec<Finding> {
        if self.locations.len() <= 1 {
            return vec![self];
        }
        let mut base = self;
        let locations = std::mem::take(&mut base.locations);
        base.occurrences = 1;
        locations
            .into_iter()
            .map(|l| {
                let mut f = base.clone();
                f.path = l.path;
                f.line = l.line;
                f.column = l.column;
                f.start = l.start;
                f.end = l.end;
                f.pointer = l.pointer;
                f.decoders = l.decoders;
                f
            })
            .collect()
    }
}

/// A finding's validity times as Unix seconds, for a caller merging many
/// sightings of one secret (see [`Finding::merge_repeat`]): merged as
/// [`Finding::merge`] merges the RFC 3339 strings they are written as, and
/// written once, rather than formatted for every sighting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    /// See [`Finding::captured_at`].
    pub captured: Option<i64>,
    /// See [`Finding::issued_at`].
    pub issued: Option<i64>,
    /// See [`Finding::not_before`].
    pub not_before: Option<i64>,
    /// See [`Finding::expires_at`].
    pub expires: Option<i64>,
}

impl Validity {
    /// Folds in `other`'s times, keeping those [`Finding::merge`] keeps:
    /// compared as their strings compare ([`cmp_rfc3339`]), and on a tie
    /// the one `std::cmp::max` or `min` would pick.
    pub fn merge(&mut self, other: Validity) {
        keep(&mut self.captured, other.captured, latest);
        keep(&mut self.expires, other.expires, latest);
        keep(&mut self.issued, other.issued, earliest);
        keep(&mut self.not_before, other.not_before, earliest);
    }

    /// Sets `f`'s validity times to these, as RFC 3339 strings.
    pub fn write(self, f: &mut Finding) {
        f.captured_at = self.captured.map(format_rfc3339);
        f.issued_at = self.issued.map(format_rfc3339);
        f.not_before = self.not_before.map(format_rfc3339);
        f.expires_at = self.expires.map(format_rfc3339);
    }
}

fn latest(a: i64, b: i64) -> i64 {
    match cmp_rfc3339(a, b) {
        Ordering::Greater => a,
        _ => b,
    }
}

fn earliest(a: i64, b: i64) -> i64 {
    match cmp_rfc3339(a, b) {
        Ordering::Greater => b,
        _ => a,
    }
}

fn keep<T>(mine: &mut Option<T>, theirs: Option<T>, pick: fn(T, T) -> T) {
    *mine = match (mine.take(), theirs) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
}

fn rank(confidence: Confidence, severity: Severity, rule: &str) -> (Confidence, Severity, bool) {
    let specific = !(rule.starts_with("field.") || rule.starts_with("generic."));
    (confidence, severity, specific)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::finding;

    #[test]
    fn liveness_at_an_instant() {
        let mut f = finding("test.alpha", "a", b"FAKE_alpha_0123456789", false);
        f.assess(100);
        assert_eq!(f.liveness, Some(Liveness::Unknown));
        f.expires_at = Some("1970-01-01T00:10:00Z".into());
        f.assess(599);
        assert_eq!(f.liveness, Some(Liveness::Live));
        f.assess(600);
        assert_eq!(f.liveness, Some(Liveness::Expired));
        f.not_before = Some("1970-01-01T00:05:00Z".into());
        f.assess(299);
        assert_eq!(f.liveness, Some(Liveness::NotYetValid));
    }

    #[test]
    fn merge_then_split_gives_every_place_back() {
        let a = finding("test.alpha", "a.txt", b"FAKE_alpha_0123456789", false);
        let mut b = a.clone();
        b.path = "b.txt".into();
        b.line = 7;
        b.expires_at = Some("2030-01-01T00:00:00Z".into());
        let mut m = a.clone();
        m.merge(b.clone());
        m.merge(b.clone());
        assert_eq!(m.occurrences, 2);
        assert_eq!(m.locations.len(), 2);
        assert_eq!(m.expires_at, b.expires_at);
        let mut earlier = b.clone();
        earlier.expires_at = Some("2029-01-01T00:00:00Z".into());
        let mut other_way = earlier.clone();
        other_way.merge(m.clone());
        m.merge(earlier);
        assert_eq!(m.expires_at.as_deref(), Some("2030-01-01T00:00:00Z"));
        assert_eq!(other_way.expires_at, m.expires_at);
        let parts = m.split();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].path.as_str(), parts[0].line), ("a.txt", 1));
        assert_eq!((parts[1].path.as_str(), parts[1].line), ("b.txt", 7));
        assert!(parts
            .iter()
            .all(|p| p.occurrences == 1 && p.locations.is_empty()));
    }

    #[test]
    fn a_repeat_merges_as_a_finding_built_for_it() {
        let rules = crate::test_util::rules();
        let secret = b"FAKE_alpha_0123456789";
        // Rules, places (a repeated place is not new) and validity times,
        // some of them outside four-digit years.
        let far = 300_000_000_000;
        let sightings = [
            (2, 10, Validity::default()),
            (
                3,
                10,
                Validity {
                    captured: Some(100),
                    expires: Some(far),
                    ..Validity::default()
                },
            ),
            (
                0,
                20,
                Validity {
                    captured: Some(50),
                    issued: Some(-70_000_000_000),
                    expires: Some(5000),
                    ..Validity::default()
                },
            ),
            (
                1,
                30,
                Validity {
                    not_before: Some(7),
                    issued: Some(-90_000_000_000),
                    expires: Some(far + 1),
                    ..Validity::default()
                },
            ),
            (0, 40, Validity::default()),
        ];
        let build = |(rule, line, v): (usize, u64, Validity)| {
            let mut f = Finding::new(&rules[rule], "a.txt", line, 1, 0, 21, secret, false);
            v.write(&mut f);
            f
        };
        for cap in [1, 2, MAX_LOCATIONS] {
            let mut built = build(sightings[0]);
            let mut repeated = built.clone();
            let mut times = sightings[0].2;
            for pair in sightings.windows(2) {
                let (rule, line, v) = pair[1];
                let new_place = line != pair[0].1;
                built.merge_known(build(pair[1]), new_place, cap);
                let place = || build(pair[1]).location();
                repeated.merge_repeat(&rules[rule], new_place, place, cap);
                times.merge(v);
            }
            times.write(&mut repeated);
            assert_eq!(repeated, built, "cap {cap}");
        }
    }

    #[test]
    fn places_beyond_the_cap_are_counted_not_listed() {
        let a = finding("test.alpha", "a.txt", b"FAKE_alpha_0123456789", false);
        let mut m = a.clone();
        for line in 2..=(MAX_LOCATIONS as u64 + 500) {
            let mut b = a.clone();
            b.line = line;
            m.merge(b);
        }
        // A place already listed is not counted again.
        m.merge(a.clone());
        assert_eq!(m.occurrences, MAX_LOCATIONS as u64 + 500);
        assert_eq!(m.locations.len(), MAX_LOCATIONS);
        // Merging a capped finding carries its unlisted count along.
        let mut n = finding("test.alpha", "b.txt", b"FAKE_alpha_0123456789", false);
        n.merge(m.clone());
        assert_eq!(n.occurrences, m.occurrences + 1);
        assert_eq!(n.locations.len(), MAX_LOCATIONS);
    }
}
