//! Stage one's literal search: every occurrence of every keyword,
//! overlapping, ASCII case-insensitive.
//!
//! # Why not an Aho-Corasick DFA
//!
//! The rule pack has close to 400 keywords, case-insensitive. An
//! Aho-Corasick DFA over them walks one byte at a time, and each step's
//! table load needs the state the previous load returned: the walk is bound
//! by load latency, and its table does not fit in L1. Measured on the
//! corpus, it cost 2.4 ns per byte (13% of a scan) whether it found
//! anything or not.
//!
//! # How this works
//!
//! A shift-or filter in the family of Hyperscan's FDR, then an exact check:
//!
//! - Every two adjacent bytes (a *window*) are hashed to 12 bits, folding
//!   ASCII case. The hash of window `i` depends on the input only, not on
//!   anything computed before, so the loads of consecutive windows overlap
//!   in the CPU.
//! - Keywords are spread over eight *buckets*. For each hash, a table entry
//!   says, for each of the first [`WINDOWS`] windows of a keyword and each
//!   bucket, whether some keyword of that bucket has that hash there (a
//!   clear bit means "maybe").
//! - The state keeps the last [`WINDOWS`] entries, one byte each, shifted
//!   by one byte per position: `state = (state << 8) | entry`. Its top byte
//!   has a clear bit for bucket `b` only when every window of some keyword
//!   prefix of bucket `b` may end here. That is one shift, one OR and one
//!   compare per byte, with no dependency on a previous load.
//! - A candidate is checked exactly: the keywords whose last filtered
//!   window has this hash, in a candidate bucket, are compared with the
//!   input, case folded.
//!
//! Keywords shorter than `WINDOWS + 1` bytes have fewer windows; their
//! buckets take any value for the missing ones. Keywords are put in buckets
//! by their number of windows, so that a short keyword's "any" does not make
//! a long keyword's bucket match more often. A one-byte keyword (`@`) is a
//! window whose second byte is any byte.
//!
//! The matches are the same set an overlapping Aho-Corasick search reports
//! (a test checks it against the `aho-corasick` crate), delivered in order
//! of their start.

/// How many windows of each keyword the filter checks: the state is one
/// byte per window.
pub const WINDOWS: usize = 4;

/// Bits of a window's hash.
const HASH_BITS: u32 = 12;

/// A window's hash: six bits from each byte, the same for both cases of an
/// ASCII letter (bit 5 is dropped and bit 6 takes its place).
#[inline(always)]
fn fold(b: u8) -> u32 {
    ((b & 0x1f) | ((b & 0x40) >> 1)) as u32
}

#[inline(always)]
fn hash(a: u8, b: u8) -> usize {
    (fold(a) | (fold(b) << 6)) as usize
}

/// One keyword as the exact check sees it.
#[derive(Clone, Debug)]
struct Entry {
    /// The caller's index of the keyword.
    id: u32,
    /// The keyword's bucket, as a bit.
    bucket: u8,
    /// How many windows the filter checked (at most [`WINDOWS`]); the
    /// keyword starts `windows - 1` bytes before the candidate.
    windows: u8,
}

/// A compiled keyword set. Immutable and `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Keywords {
    /// For each window hash, per byte `j` (window `j` of a keyword, aligned
    /// so that the last filtered window is byte `WINDOWS - 1`), per bucket
    /// bit: clear when some keyword of the bucket may have this hash there.
    reach: Box<[u32]>,
    /// The state before the first byte: buckets take any value in the bytes
    /// their keywords do not fill; everything else "no match yet".
    start: u32,
    /// `entries[first[h]..first[h + 1]]`: the keywords whose last filtered
    /// window hashes to `h`.
    first: Box<[u32]>,
    entries: Box<[Entry]>,
    /// Each keyword's bytes, by the caller's index.
    keywords: Box<[Box<[u8]>]>,
    /// One-byte keywords (lower case), by the caller's index: the filter
    /// sees them only where a window starts, so not in the last byte.
    singles: Box<[(u8, u32)]>,
}

const _: () = assert!(WINDOWS * 8 <= 32);

impl Keywords {
    /// Compiles `keywords`; matches report their index in this slice.
    /// Empty keywords never match.
    pub fn new<K: AsRef<[u8]>>(keywords: &[K]) -> Keywords {
        let keywords: Box<[Box<[u8]>]> = keywords
            .iter()
            .map(|k| k.as_ref().to_ascii_lowercase().into_boxed_slice())
            .collect();
        let mut singles = Vec::new();
        // (windows, keyword index)
        let mut filtered = Vec::new();
        for (id, k) in keywords.iter().enumerate() {
            if k.len() == 1 {
                singles.push((k[0], id as u32));
            }
            if !k.is_empty() {
                filtered.push(((k.len() - 1).clamp(1, WINDOWS) as u8, id as u32));
            }
        }
        // Similar prefixes in one bucket share table bits, which keeps the
        // buckets' "maybe" sets small.
        filtered
            .sort_by(|a, b| (a.0, &keywords[a.1 as usize]).cmp(&(b.0, &keywords[b.1 as usize])));
        let buckets = assign_buckets(&filtered);

        let mut reach = vec![u32::MAX; 1 << HASH_BITS].into_boxed_slice();
        let mut start = u32::MAX;
        let mut by_hash: Vec<Vec<Entry>> = vec![Vec::new(); 1 << HASH_BITS];
        for (&(windows, id), &bucket) in filtered.iter().zip(&buckets) {
            let k = &keywords[id as usize];
            let bit = 1u8 << bucket;
            let skip = WINDOWS - windows as usize;
            for byte in 0..WINDOWS {
                let clear = !((bit as u32) << (8 * byte));
                if byte < skip {
                    // No window of this keyword here: any value will do.
                    reach.iter_mut().for_each(|r| *r &= clear);
                    start &= clear;
                } else {
                    for h in window_hashes(k, byte - skip) {
                        reach[h] &= clear;
                    }
                }
            }
            let entry = Entry {
                id,
                bucket: bit,
                windows,
            };
            for h in window_hashes(k, windows as usize - 1) {
                by_hash[h].push(entry.clone());
            }
        }
        let mut first = Vec::with_capacity(by_hash.len() + 1);
        let mut entries = Vec::new();
        for list in by_hash {
            first.push(entries.len() as u32);
            entries.extend(list);
        }
        first.push(entries.len() as u32);
        Keywords {
            reach,
            start,
            first: first.into_boxed_slice(),
            entries: entries.into_boxed_slice(),
            keywords,
            singles: singles.into_boxed_slice(),
        }
    }

    /// Puts `(start, keyword index)` in `hits` for every occurrence of every
    /// keyword in `haystack`, overlapping ones included, in order of
    /// `start`. Keywords starting at one place come in no set order.
    ///
    /// `hits` is the caller's buffer, reused across calls; it is cleared.
    pub fn find_all(&self, haystack: &[u8], hits: &mut Vec<(usize, u32)>) {
        hits.clear();
        self.filter(haystack, hits);
        if let Some((&last, before)) = haystack.split_last() {
            let at = before.len();
            for &(byte, id) in self.singles.iter() {
                if last.eq_ignore_ascii_case(&byte) {
                    hits.push((at, id));
                }
            }
        }
    }

    /// The filter and exact check, for keywords of two bytes or more.
    ///
    /// Four positions at a time: one 8-byte load gives the four windows'
    /// hashes, and their table entries, shifted by their distance from the
    /// block's end, are ORed into the state at once. The state's bytes 3..=6
    /// are then the top bytes the one-at-a-time form would have seen at the
    /// block's four positions, and one compare tests them all.
    fn filter(&self, haystack: &[u8], hits: &mut Vec<(usize, u32)>) {
        const LOW5: u64 = 0x1f1f_1f1f_1f1f_1f1f;
        const BIT6: u64 = 0x4040_4040_4040_4040;
        let reach: &[u32; 1 << HASH_BITS] = self.reach.as_ref().try_into().expect("table size");
        let pair = |f: u64| ((f & 0x3f) | ((f >> 2) & 0xfc0)) as usize;
        let mut state = self.start as u64;
        let mut i = 0;
        while let Some(block) = haystack.get(i..i + 8) {
            let x = u64::from_le_bytes(block.try_into().expect("8 bytes"));
            let f = (x & LOW5) | ((x & BIT6) >> 1);
            let h = [pair(f), pair(f >> 8), pair(f >> 16), pair(f >> 24)];
            state = (state << 32)
                | (reach[h[0]] as u64) << 24
                | (reach[h[1]] as u64) << 16
                | (reach[h[2]] as u64) << 8
                | reach[h[3]] as u64;
            if (state >> 24) as u32 != u32::MAX {
                for (k, &h) in h.iter().enumerate() {
                    let maybe = !(state >> (8 * (6 - k))) as u8;
                    if maybe != 0 {
                        self.check(haystack, i + k, h, maybe, hits);
                    }
                }
            }
            i += 4;
        }
        let top = 8 * (WINDOWS as u32 - 1);
        let mut state = state as u32;
        while let Some(&[a, b]) = haystack.get(i..i + 2) {
            let h = hash(a, b);
            state = (state << 8) | reach[h];
            let maybe = !(state >> top) as u8;
            if maybe != 0 {
                self.check(haystack, i, h, maybe, hits);
            }
            i += 1;
        }
    }

    /// The exact check of a candidate: the last filtered window is at `i`
    /// and hashes to `h`; `maybe` holds the buckets that passed.
    #[cold]
    #[inline(never)]
    fn check(&self, haystack: &[u8], i: usize, h: usize, maybe: u8, hits: &mut Vec<(usize, u32)>) {
        let (a, b) = (self.first[h] as usize, self.first[h + 1] as usize);
        for e in &self.entries[a..b] {
            if e.bucket & maybe == 0 {
                continue;
            }
            let Some(start) = (i + 1).checked_sub(e.windows as usize) else {
                continue;
            };
            let k = &self.keywords[e.id as usize];
            if haystack
                .get(start..start + k.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(k))
            {
                // The filter finds a keyword where its last filtered window
                // starts, which can put a short keyword before a longer one
                // starting up to three bytes earlier: move it back.
                let mut at = hits.len();
                while at > 0 && hits[at - 1].0 > start {
                    at -= 1;
                }
                hits.insert(at, (start, e.id));
            }
        }
    }
}

/// The hashes window `j` of keyword `k` may have: one, or for a one-byte
/// keyword every hash whose first byte is `k[0]`.
fn window_hashes(k: &[u8], j: usize) -> impl Iterator<Item = usize> + '_ {
    let second = match k.get(j + 1) {
        Some(&b) => fold(b)..fold(b) + 1,
        None => 0..64,
    };
    second.map(move |b| fold(k[j]) as usize | (b as usize) << 6)
}

/// Buckets for keywords sorted by their number of windows: at least one per
/// distinct number, the rest shared out by size; within one number,
/// consecutive keywords share a bucket.
fn assign_buckets(sorted: &[(u8, u32)]) -> Vec<u8> {
    const BUCKETS: usize = 8;
    let mut groups: Vec<(u8, usize)> = Vec::new();
    for &(w, _) in sorted {
        match groups.last_mut() {
            Some((gw, n)) if *gw == w => *n += 1,
            _ => groups.push((w, 1)),
        }
    }
    // At most WINDOWS groups, so every group gets a bucket.
    let mut share: Vec<usize> = vec![1; groups.len()];
    for _ in groups.len()..BUCKETS {
        // The next bucket goes to the group with most keywords per bucket.
        let Some(g) = (0..groups.len()).max_by_key(|&g| groups[g].1 * 1000 / share[g]) else {
            break;
        };
        share[g] += 1;
    }
    let mut out = Vec::with_capacity(sorted.len());
    let mut next = 0u8;
    for (g, &(_, n)) in groups.iter().enumerate() {
        let per = n.div_ceil(share[g]);
        for k in 0..n {
            out.push(next + (k / per) as u8);
        }
        next += share[g] as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    fn reference(keywords: &[&str], haystack: &[u8]) -> Vec<(usize, u32)> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .unwrap();
        let mut hits: Vec<(usize, u32)> = ac
            .find_overlapping_iter(haystack)
            .map(|m| (m.start(), m.pattern().as_u32()))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Our hits, checked to be in order of start, then sorted by keyword
    /// at each start like the reference's.
    fn ours(keywords: &[&str], haystack: &[u8]) -> Vec<(usize, u32)> {
        let mut hits = Vec::new();
        Keywords::new(keywords).find_all(haystack, &mut hits);
        assert!(hits.windows(2).all(|w| w[0].0 <= w[1].0), "{hits:?}");
        hits.sort_unstable();
        hits
    }

    #[test]
    fn finds_overlapping_keywords_of_every_length_in_either_case() {
        let keywords = [
            "@", "q~", "key", "auth", "api_key", "password", "pass", "word",
        ];
        let hay = b"Q~ x API_KEY=1 user@example.org PassWord: key";
        let hits = ours(&keywords, hay);
        assert_eq!(hits, reference(&keywords, hay));
        let found: Vec<&str> = hits.iter().map(|&(_, id)| keywords[id as usize]).collect();
        assert_eq!(
            found,
            ["q~", "api_key", "key", "@", "password", "pass", "word", "key"]
        );
        assert_eq!(hits[3], (19, 0));
    }

    #[test]
    fn keywords_at_both_ends_of_the_haystack() {
        let keywords = ["ab", "abc", "abcd", "abcdef", "f"];
        for hay in [&b"abcdef"[..], b"ab", b"xabcdef", b"abcdefab", b"f", b""] {
            assert_eq!(ours(&keywords, hay), reference(&keywords, hay), "{hay:?}");
        }
    }

    #[test]
    fn the_rule_packs_keywords_on_text_with_and_without_them() {
        let rules = scour_rules::builtin().unwrap();
        let mut keywords: Vec<&str> = Vec::new();
        for r in &rules {
            for k in &r.keywords {
                if !keywords.contains(&k.as_str()) {
                    keywords.push(k.as_str());
                }
            }
        }
        let mut hay = Vec::new();
        for r in &rules {
            for e in r.examples.iter().chain(&r.negative_examples) {
                hay.extend_from_slice(e.as_bytes());
                hay.extend_from_slice(b" \n");
            }
        }
        let hits = ours(&keywords, &hay);
        assert!(hits.len() > rules.len());
        assert_eq!(hits, reference(&keywords, &hay));
    }

    proptest::proptest! {
        #[test]
        fn equals_aho_corasick(
            keywords in proptest::collection::vec("[aAbB_=~@`{\\[é-]{1,7}", 1..40),
            // Bytes the case fold puts together (`@` and `` ` ``, `[` and
            // `{`, 0xc3 and 0xe3), and the halves of a UTF-8 `é`.
            hay in proptest::collection::vec(
                proptest::sample::select(b"aAbB_=~@`[{- \xc3\xa9\xe3".to_vec()),
                0..300,
            ),
        ) {
            let keywords: Vec<&str> = keywords.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(ours(&keywords, &hay), reference(&keywords, &hay));
        }
    }
}
