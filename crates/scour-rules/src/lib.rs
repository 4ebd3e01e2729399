//! Detection rules as data.
//!
//! A rule says what a secret or a piece of personal data looks like: the
//! literal keywords that must occur near it (used by the engine's prefilter),
//! a regular expression with a named capture `secret`, and the validators that
//! the captured value must pass. Rules live in TOML files under `rules/`, are
//! embedded in the binary at build time, and carry their own positive and
//! negative examples so that a test (and `scour rules check`) can prove each
//! one does what it claims.
//!
//! This crate only loads and checks the *shape* of rules; compiling and
//! running them is the engine's job.
//!
//! ```
//! let rules = scour_rules::builtin().unwrap();
//! assert!(rules.iter().any(|r| r.id == "okta.api-token"));
//! ```
#![deny(missing_docs)]

mod error;
mod rule;

pub use error::{Error, ErrorKind};
pub use rule::{
    Category, Checksum, Confidence, Field, FieldDecode, Place, Rule, Severity, Validate,
};

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// The default confirmation window, in bytes on either side of a keyword hit.
pub const DEFAULT_WINDOW: usize = 256;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

/// Parses one rule file. `origin` names the file in errors.
pub fn parse(origin: &str, text: &str) -> Result<Vec<Rule>, Error> {
    let file: RuleFile = toml::from_str(text).map_err(|e| Error::parse(origin, e))?;
    for r in &file.rule {
        r.check_shape()
            .map_err(|msg| Error::invalid(origin, &r.id, msg))?;
    }
    Ok(file.rule)
}

/// Loads every built-in rule, in file order, and checks that ids are unique.
pub fn builtin() -> Result<Vec<Rule>, Error> {
    let mut all: Vec<Rule> = Vec::new();
    for (name, text) in RULE_FILES {
        all.extend(parse(name, text)?);
    }
    check_unique(&all)?;
    Ok(all)
}

/// Fails if two rules share an id: ids are what baselines and fingerprints
/// are keyed on, so a duplicate would silently merge two detectors.
pub fn check_unique(rules: &[Rule]) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    for r in rules {
        if !seen.insert(r.id.as_str()) {
            return Err(Error::invalid(
                "<rule set>",
                &r.id,
                "duplicate rule id".into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let rules = builtin().unwrap();
        assert!(!rules.is_empty());
    }

    #[test]
    fn unknown_field_is_an_error_naming_the_file() {
        let err = parse(
            "x.toml",
            "[[rule]]\nid='a.b'\nname='n'\ndescription='d'\ncategory='secret'\nseverity='low'\nconfidence='low'\nkeywords=['ab']\npattern='(?P<secret>ab)'\nexamples=['ab']\nbogus=1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
        assert!(err.to_string().contains("bogus"), "{err}");
    }

    #[test]
    fn shape_checks_catch_missing_capture_and_bad_id() {
        let base = |id: &str, pat: &str| {
            format!("[[rule]]\nid='{id}'\nname='n'\ndescription='d'\ncategory='pii'\nseverity='low'\nconfidence='low'\nkeywords=['ab']\npattern='{pat}'\nexamples=['ab']\n")
        };
        assert!(parse("f", &base("a.b", "(?P<secret>ab)")).is_ok());
        let e = parse("f", &base("a.b", "ab")).unwrap_err().to_string();
        assert!(e.contains("secret"), "{e}");
        let e = parse("f", &base("NoDot", "(?P<secret>ab)"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("id"), "{e}");
    }
}
