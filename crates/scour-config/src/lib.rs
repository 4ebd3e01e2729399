//! Configuration for scour: `scour.toml` and imported rule files.
//!
//! A [`Config`] says which rules to turn off, where extra rules live (in
//! scour's own rule format or in gitleaks' format), what is known not to be
//! a secret ([`Allowlist`]: path globs, regexes on the secret, stop words),
//! entropy thresholds, and archive limits. [`Config::ruleset`] applies it to
//! the built-in rules. Errors name the file, the line and the key, so a typo
//! in a CI configuration is a one-line fix.
//!
//! ```
//! let config = scour_config::Config::parse("scour.toml", r#"
//! [rules]
//! disable = ["generic.password-assignment"]
//! [allowlist]
//! paths = ["**/fixtures/**"]
//! [entropy]
//! rules = { "generic.credential-assignment" = 4.2 }
//! "#).unwrap();
//! let set = config.ruleset(scour_rules::builtin().unwrap(), &[]).unwrap();
//! assert!(!set.rules.iter().any(|r| r.id == "generic.password-assignment"));
//! assert!(set.allowlists[0].skips_path("a/fixtures/x.har"));
//!
//! let bad = scour_config::Config::parse("scour.toml", "[archives]\nmax_depth = \"x\"\n");
//! assert!(bad.unwrap_err().to_string().starts_with("scour.toml:2: key `archives.max_depth`"));
//! ```
#![deny(missing_docs)]

mod allow;
mod error;
pub mod gitleaks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use scour_rules::Rule;

pub use allow::Allowlist;
pub use error::{Error, ErrorKind};

/// The file name looked for in the working directory.
pub const FILE_NAME: &str = "scour.toml";

/// The commented default written by `scour config init`.
pub const DEFAULT: &str = include_str!("default.toml");

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    allowlist: RawAllow,
    #[serde(default)]
    entropy: RawEntropy,
    #[serde(default)]
    archives: Archives,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    files: Vec<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEntropy {
    #[serde(default)]
    default: Option<f64>,
    #[serde(default)]
    rules: BTreeMap<String, f64>,
}

/// Archive limits from `[archives]`; unset ones keep scour's defaults.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Archives {
    /// Containers deep to open.
    pub max_depth: Option<u32>,
    /// Decompressed bytes across one top-level input.
    pub max_total_bytes: Option<u64>,
    /// Decompressed/compressed ratio above which a member is cut off.
    pub max_ratio: Option<u64>,
    /// Members across one top-level input.
    pub max_members: Option<u64>,
    /// Decompressed bytes of one member.
    pub max_member_bytes: Option<u64>,
}

/// A loaded `scour.toml`.
#[derive(Debug)]
pub struct Config {
    file: String,
    text: String,
    dir: PathBuf,
    disable: Vec<String>,
    rule_files: Vec<PathBuf>,
    allow: Allowlist,
    entropy_default: Option<f64>,
    entropy_rules: BTreeMap<String, f64>,
    /// Archive limits.
    pub archives: Archives,
}

/// Rules and allowlists ready for a scan.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Every enabled rule.
    pub rules: Vec<Rule>,
    /// Every allowlist (the config's first, then imported files').
    pub allowlists: Vec<Allowlist>,
    /// Notes about imported rules that were skipped.
    pub notes: Vec<String>,
}

impl Config {
    /// The configuration `scour` uses when there is no file.
    pub fn empty() -> Config {
        Config::parse("<default>", "").expect("an empty configuration parses")
    }

    /// Loads `path`.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let file = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::new(&file, ErrorKind::Io(e)))?;
        let mut c = Config::parse(&file, &text)?;
        c.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(c)
    }

    /// `scour.toml` in `dir`, if there is one.
    pub fn discover(dir: &Path) -> Result<Option<Config>, Error> {
        let path = dir.join(FILE_NAME);
        if path.is_file() {
            Config::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Parses configuration text; `file` names it in errors. Relative rule
    /// file paths are taken from the working directory.
    pub fn parse(file: &str, text: &str) -> Result<Config, Error> {
        let raw: Raw = toml::from_str(text).map_err(|e| Error::toml(file, text, &e))?;
        let a = &raw.allowlist;
        let allow = Allowlist::new(file, &a.paths, &[], &a.secrets, &a.stopwords)
            .map_err(|e| e.at(line_of(text, "[allowlist]"), Some("allowlist".into())))?;
        Ok(Config {
            file: file.to_string(),
            text: text.to_string(),
            dir: PathBuf::new(),
            disable: raw.rules.disable,
            rule_files: raw.rules.files,
            allow,
            entropy_default: raw.entropy.default,
            entropy_rules: raw.entropy.rules,
            archives: raw.archives,
        })
    }

    /// The built-in rules with this configuration applied, plus the rules of
    /// the configured rule files and of `extra_files` (`--rules`), each in
    /// scour's format or gitleaks'. Unknown rule ids are errors: a typo must
    /// not leave a noisy rule on.
    pub fn ruleset(&self, builtin: Vec<Rule>, extra_files: &[PathBuf]) -> Result<RuleSet, Error> {
        let mut set = RuleSet {
            rules: builtin,
            ..RuleSet::default()
        };
        if !self.allow.is_empty() {
            set.allowlists.push(self.allow.clone());
        }
        let configured = self.rule_files.iter().map(|p| self.dir.join(p));
        for path in configured.chain(extra_files.iter().cloned()) {
            load_rule_file(&path, &mut set)?;
        }
        scour_rules::check_unique(&set.rules)
            .map_err(|e| Error::new(&self.file, ErrorKind::Invalid(e.to_string())))?;
        for id in &self.disable {
            self.known(&set.rules, id, "rules.disable")?;
        }
        set.rules.retain(|r| !self.disable.contains(&r.id));
        for (id, &min) in &self.entropy_rules {
            self.known(&set.rules, id, "entropy.rules")?;
            if let Some(r) = set.rules.iter_mut().find(|r| &r.id == id) {
                r.validate.min_entropy = Some(min);
            }
        }
        if let Some(min) = self.entropy_default {
            for r in &mut set.rules {
                if r.validate.min_entropy.is_some() && !self.entropy_rules.contains_key(&r.id) {
                    r.validate.min_entropy = Some(min);
                }
            }
        }
        Ok(set)
    }

    fn known(&self, rules: &[Rule], id: &str, key: &str) -> Result<(), Error> {
        if rules.iter().any(|r| r.id == id) {
            return Ok(());
        }
        Err(Error::new(
            &self.file,
            ErrorKind::Invalid(format!("unknown rule id {id:?}")),
        )
        .at(line_of(&self.text, &format!("\"{id}\"")), Some(key.into())))
    }
}

/// Loads one rule file, gitleaks or scour format, into `set`.
fn load_rule_file(path: &Path, set: &mut RuleSet) -> Result<(), Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::new(&file, ErrorKind::Io(e)))?;
    if gitleaks::is_gitleaks(&text) {
        let got = gitleaks::import(&file, &text)?;
        set.rules.extend(got.rules);
        set.allowlists.extend(got.allowlists);
        set.notes
            .extend(got.skipped.into_iter().map(|s| format!("{file}: {s}")));
    } else {
        let rules = scour_rules::parse(&file, &text)
            .map_err(|e| Error::new(&file, ErrorKind::Invalid(e.to_string())))?;
        set.rules.extend(rules);
    }
    Ok(())
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|i| text[..i].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests;
