//! Merging findings of the same secret, and their liveness.

use serde::{Deserialize, Serialize};

use crate::time::parse_rfc3339;
use crate::Finding;

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
    /// and the times. At most `cap` places are listed.
    pub fn merge_known(&mut self, other: Finding, new_place: bool, cap: usize) {
        let places = if new_place { Places::New } else { Places::Seen };
        self.fold(other, places, cap);
    }

    fn fold(&mut self, mut other: Finding, places: Places, cap: usize) {
        if self.locations.is_empty() {
            self.locations.push(self.location());
            self.occurrences = 1;
        }
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
        let better = rank(&other) > rank(self);
        // Order-independent, so that which thread finished first never
        // shows: the latest capture and the latest expiry (if any sighting
        // says the secret still works, it may), the earliest start.
        // RFC 3339 UTC strings of one shape compare as the instants do.
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

fn keep(mine: &mut Option<String>, theirs: Option<String>, pick: fn(String, String) -> String) {
    *mine = match (mine.take(), theirs) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
}

fn rank(f: &Finding) -> (scour_rules::Confidence, scour_rules::Severity, bool) {
    let specific = !(f.rule.starts_with("field.") || f.rule.starts_with("generic."));
    (f.confidence, f.severity, specific)
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
