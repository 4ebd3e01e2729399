//! Allowlists: places and values that are known not to be secrets.

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;

use crate::error::{Error, ErrorKind};

/// One allowlist: a finding it matches is dropped.
///
/// A finding matches when the allowlist applies to its rule (all rules
/// when [`Allowlist::rules`] is empty) and any one of the matchers hits:
/// a path glob or path regex, a regex on the secret, or a stop word that the
/// secret contains (case-insensitively). Path matchers also let a scan skip
/// whole files, when the allowlist covers every rule.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    /// Rule ids this allowlist is limited to; empty for every rule.
    pub rules: Vec<String>,
    globs: Option<GlobSet>,
    path_regexes: Vec<Regex>,
    secrets: Vec<Regex>,
    stopwords: Vec<String>,
}

impl Allowlist {
    /// An allowlist from raw entries; `file` names the source in errors.
    pub fn new(
        file: &str,
        globs: &[String],
        path_regexes: &[String],
        secrets: &[String],
        stopwords: &[String],
    ) -> Result<Allowlist, Error> {
        let invalid = |what: &str, v: &str, e: &dyn std::fmt::Display| {
            Error::new(file, ErrorKind::Invalid(format!("{what} {v:?}: {e}")))
        };
        let globs = if globs.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(Glob::new(g).map_err(|e| invalid("path glob", g, &e))?);
            }
            Some(b.build().map_err(|e| invalid("path globs", "", &e))?)
        };
        let compile = |what: &str, list: &[String]| -> Result<Vec<Regex>, Error> {
            list.iter()
                .map(|r| Regex::new(r).map_err(|e| invalid(what, r, &e)))
                .collect()
        };
        Ok(Allowlist {
            rules: Vec::new(),
            globs,
            path_regexes: compile("path regex", path_regexes)?,
            secrets: compile("secret regex", secrets)?,
            stopwords: stopwords.iter().map(|s| s.to_lowercase()).collect(),
        })
    }

    /// True if nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.globs.is_none()
            && self.path_regexes.is_empty()
            && self.secrets.is_empty()
            && self.stopwords.is_empty()
    }

    /// True if `path` is allowlisted for every rule, so the file need not
    /// be scanned at all.
    pub fn skips_path(&self, path: &str) -> bool {
        self.rules.is_empty() && self.path_matches(path)
    }

    fn path_matches(&self, path: &str) -> bool {
        let path = path.strip_prefix("./").unwrap_or(path);
        self.globs.as_ref().is_some_and(|g| g.is_match(path))
            || self.path_regexes.iter().any(|r| r.is_match(path))
    }

    /// True if a finding of `rule` in `path` with `secret` is allowlisted.
    pub fn allows(&self, rule: &str, path: &str, secret: &str) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|r| r == rule) {
            return false;
        }
        if self.path_matches(path) || self.secrets.iter().any(|r| r.is_match(secret)) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn each_matcher_allows() {
        let a = Allowlist::new(
            "t",
            &s(&["**/fixtures/**", "*.lock"]),
            &s(&["^vendor/"]),
            &s(&["^AKIAFAKE"]),
            &s(&["Example"]),
        )
        .unwrap();
        assert!(a.skips_path("./x/fixtures/a.har"));
        assert!(a.skips_path("Cargo.lock"));
        assert!(a.skips_path("vendor/x.txt"));
        assert!(!a.skips_path("src/main.rs"));
        assert!(a.allows("r.x", "src/a", "AKIAFAKE0000"));
        assert!(a.allows("r.x", "src/a", "my-EXAMPLE-key"));
        assert!(!a.allows("r.x", "src/a", "AKIAREAL0000"));
    }

    #[test]
    fn rule_scoped_allowlist_never_skips_files() {
        let mut a = Allowlist::new("t", &s(&["**"]), &[], &[], &[]).unwrap();
        a.rules = s(&["only.this"]);
        assert!(!a.skips_path("a"));
        assert!(a.allows("only.this", "a", "x"));
        assert!(!a.allows("other.rule", "a", "x"));
    }

    #[test]
    fn bad_patterns_are_errors_naming_them() {
        let e = Allowlist::new("c.toml", &[], &[], &s(&["("]), &[]).unwrap_err();
        assert!(
            e.to_string().starts_with("c.toml: secret regex \"(\""),
            "{e}"
        );
    }
}
