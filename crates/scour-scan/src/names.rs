//! Secrets in names: a file called `ghp_….txt`, an archive member named
//! after an access key, a JSON key that is a token. Names are printed with
//! every finding, error and warning, so unless secrets are revealed the
//! parts of a name that a rule matches are masked as findings are.

use std::borrow::Cow;
use std::collections::HashMap;

use scour_engine::Match;
use scour_report::Finding;

#[cfg(doc)]
use crate::Options;
use crate::{Report, Scanner};

impl Scanner {
    /// `name` (a path, an `outer!member` name, a JSON pointer, a message
    /// quoting one) with every secret the rules find in it masked (see
    /// [`scour_report::mask`]); unchanged unless [`Options::mask_names`].
    /// Masking is
    /// idempotent: a masked secret no longer matches.
    pub fn display_name<'n>(&self, name: &'n str) -> Cow<'n, str> {
        if !self.opts.mask_names || name.is_empty() {
            return Cow::Borrowed(name);
        }
        let bytes = name.as_bytes();
        let mut spans = Vec::new();
        let mut scratch = self.pool.take(&self.engine);
        self.engine.scan(bytes, &mut scratch, &mut |m: &Match<'_>| {
            spans.push(m.secret_range());
            true
        });
        self.pool.put(scratch);
        if spans.is_empty() {
            return Cow::Borrowed(name);
        }
        spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut out = String::with_capacity(name.len());
        let mut last = 0;
        for r in spans {
            if r.start < last {
                continue; // inside a span already masked
            }
            out.push_str(&String::from_utf8_lossy(&bytes[last..r.start]));
            out.push_str(&scour_report::mask(&bytes[r.clone()]));
            last = r.end;
        }
        out.push_str(&String::from_utf8_lossy(&bytes[last..]));
        Cow::Owned(out)
    }
}

/// Hands every report on with names (paths, pointers, messages) shown as
/// [`Scanner::display_name`] shows them.
pub(crate) struct MaskNames<'a> {
    pub(crate) scanner: &'a Scanner,
    pub(crate) inner: &'a mut dyn Report,
}

impl MaskNames<'_> {
    fn name(&self, s: &str) -> String {
        self.scanner.display_name(s).into_owned()
    }

    /// Masks `s` in place, remembering each distinct name's answer in
    /// `seen`: a file's findings repeat a handful of paths and pointers
    /// thousands of times, and each fresh answer is a scan.
    fn mask_in_place(&self, s: &mut String, seen: &mut HashMap<String, Option<String>>) {
        let masked = match seen.get(s.as_str()) {
            Some(m) => m.clone(),
            None => {
                let m = match self.scanner.display_name(s) {
                    Cow::Owned(m) => Some(m),
                    Cow::Borrowed(_) => None,
                };
                seen.insert(s.clone(), m.clone());
                m
            }
        };
        if let Some(m) = masked {
            *s = m;
        }
    }
}

impl Report for MaskNames<'_> {
    fn findings(&mut self, path: &str, mut findings: Vec<Finding>) {
        if self.scanner.opts.mask_names {
            let seen = &mut HashMap::new();
            for f in &mut findings {
                self.mask_in_place(&mut f.path, seen);
                if let Some(p) = &mut f.pointer {
                    self.mask_in_place(p, seen);
                }
                for l in &mut f.locations {
                    self.mask_in_place(&mut l.path, seen);
                    if let Some(p) = &mut l.pointer {
                        self.mask_in_place(p, seen);
                    }
                }
            }
        }
        let path = self.name(path);
        self.inner.findings(&path, findings)
    }

    fn scanned(&mut self, path: &str, bytes: u64) {
        let path = self.name(path);
        self.inner.scanned(&path, bytes)
    }

    fn skipped(&mut self, path: &str, reason: &str) {
        let path = self.name(path);
        self.inner.skipped(&path, reason)
    }

    fn warning(&mut self, path: &str, message: String) {
        let (path, message) = (self.name(path), self.name(&message));
        self.inner.warning(&path, message)
    }

    fn error(&mut self, path: &str, message: String) {
        let (path, message) = (self.name(path), self.name(&message));
        self.inner.error(&path, message)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, Scanner};

    fn scanner(reveal: bool) -> Scanner {
        let engine = scour_engine::EngineBuilder::new()
            .rules(scour_rules::builtin().unwrap())
            .build()
            .unwrap();
        Scanner::new(
            engine,
            Options {
                reveal,
                mask_names: !reveal,
                ..Options::default()
            },
        )
    }

    #[test]
    fn secrets_in_names_are_masked_unless_revealed() {
        let name = "in/bundle.zip!keys/AKIAG4OAFOWRXVCV3R6G.txt";
        let s = scanner(false);
        let shown = s.display_name(name);
        assert_eq!(shown, "in/bundle.zip!keys/AKIA****G.txt");
        assert_eq!(s.display_name(&shown), shown, "idempotent");
        assert_eq!(s.display_name("in/plain.txt"), "in/plain.txt");
        assert_eq!(scanner(true).display_name(name), name);
    }
}
