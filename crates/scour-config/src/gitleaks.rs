//! Import of gitleaks rule files (`[[rules]]` with `id`, `regex`,
//! `secretGroup`, `entropy`, `keywords`, allowlists), so teams keep the
//! custom rules they already have.
//!
//! Each rule becomes a scour rule with the id `gitleaks.<id>`: its regex
//! gets the named group `secret` that scour's engine reports (the
//! `secretGroup`th group, else the first group, else the whole match, as
//! gitleaks does), its `entropy` becomes a minimum entropy, and its keywords
//! feed the engine's prefilter. A rule without keywords cannot be
//! prefiltered and a path-only rule has nothing to match in content: both
//! are skipped with a note rather than silently dropped.

use serde::Deserialize;

use scour_rules::{Category, Confidence, Rule, Severity, Validate};

use crate::allow::Allowlist;
use crate::error::{Error, ErrorKind};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    rules: Vec<GlRule>,
    #[serde(default)]
    allowlist: Option<GlAllow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    allowlist: Option<GlAllow>,
    #[serde(default)]
    allowlists: Vec<GlAllow>,
}

#[derive(Deserialize, Default)]
struct GlAllow {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Import {
    /// The converted rules.
    pub rules: Vec<Rule>,
    /// The file's global allowlist and each rule's own.
    pub allowlists: Vec<Allowlist>,
    /// Rules that could not be converted, each with why.
    pub skipped: Vec<String>,
}

/// True if `text` looks like a gitleaks rule file (`[[rules]]` tables)
/// rather than a scour one (`[[rule]]`).
pub fn is_gitleaks(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "[[rules]]")
}

/// Converts a gitleaks TOML rule file; `file` names it in errors.
pub fn import(file: &str, text: &str) -> Result<Import, Error> {
    let parsed: File = toml::from_str(text).map_err(|e| Error::toml(file, text, &e))?;
    let mut out = Import::default();
    if let Some(a) = &parsed.allowlist {
        out.allowlists.push(allowlist(file, a, None)?);
    }
    for r in parsed.rules {
        let id = format!("gitleaks.{}", sanitize(&r.id));
        let Some(regex) = &r.regex else {
            let why = if r.path.is_some() {
                "a path-only rule"
            } else {
                "no regex"
            };
            out.skipped.push(format!("{}: {why}; skipped", r.id));
            continue;
        };
        let keywords: Vec<String> = r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
        if keywords.is_empty() || keywords.iter().any(|k| !k.is_ascii() || k.is_empty()) {
            out.skipped.push(format!(
                "{}: no ASCII keywords, which scour needs to prefilter; skipped",
                r.id
            ));
            continue;
        }
        let pattern = with_secret_group(regex, r.secret_group.unwrap_or(0)).ok_or_else(|| {
            Error::new(
                file,
                ErrorKind::Invalid(format!(
                    "rule {}: no capture group {:?}",
                    r.id, r.secret_group
                )),
            )
        })?;
        for a in r.allowlist.iter().chain(&r.allowlists) {
            out.allowlists.push(allowlist(file, a, Some(&id))?);
        }
        out.rules.push(Rule {
            name: if r.description.is_empty() {
                r.id.clone()
            } else {
                r.description.clone()
            },
            description: format!("Imported from gitleaks rule `{}` in {file}.", r.id),
            id,
            category: Category::Secret,
            severity: Severity::High,
            confidence: Confidence::Medium,
            keywords,
            digits: None,
            separated: false,
            pattern,
            field: None,
            window: scour_rules::DEFAULT_WINDOW,
            validate: Validate {
                min_entropy: r.entropy,
                ..Validate::default()
            },
            examples: Vec::new(),
            negative_examples: Vec::new(),
            references: Vec::new(),
        });
    }
    Ok(out)
}

fn allowlist(file: &str, a: &GlAllow, rule: Option<&str>) -> Result<Allowlist, Error> {
    let mut list = Allowlist::new(file, &[], &a.paths, &a.regexes, &a.stopwords)?;
    list.rules = rule.map(str::to_string).into_iter().collect();
    Ok(list)
}

/// A gitleaks id as the last part of a scour id: lowercase, with anything
/// outside `[a-z0-9_-]` turned into `-`.
fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '-',
        })
        .collect()
}

/// `regex` with its `group`th capture group (1-based; 0 means the first
/// group if there is one, else the whole match) named `secret`. `None` if
/// there is no such group.
fn with_secret_group(regex: &str, group: usize) -> Option<String> {
    let opens = capture_opens(regex);
    let want = if group == 0 { 1 } else { group };
    let Some(&at) = opens.get(want - 1) else {
        return (group == 0).then(|| format!("(?P<secret>{regex})"));
    };
    let rest = &regex[at + 1..];
    // An existing name is replaced: `(?P<name>` or `(?<name>`.
    let body = if let Some(r) = rest.strip_prefix("?P<").or_else(|| rest.strip_prefix("?<")) {
        &r[r.find('>')? + 1..]
    } else {
        rest
    };
    Some(format!("{}(?P<secret>{body}", &regex[..at]))
}

/// Byte offsets of each capturing group's `(`, in order.
fn capture_opens(regex: &str) -> Vec<usize> {
    let b = regex.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut class) = (0, false);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' if !class => class = true,
            b']' if class => class = false,
            b'(' if !class => {
                let named = b[i + 1..].starts_with(b"?P<") || b[i + 1..].starts_with(b"?<");
                if b.get(i + 1) != Some(&b'?') || named {
                    out.push(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_is_named() {
        assert_eq!(with_secret_group("a(b)c", 0).unwrap(), "a(?P<secret>b)c");
        assert_eq!(
            with_secret_group(r"(?i)x\(([a-z]+)\)(\d+)", 2).unwrap(),
            r"(?i)x\(([a-z]+)\)(?P<secret>\d+)"
        );
        assert_eq!(
            with_secret_group("[(]abc", 0).unwrap(),
            "(?P<secret>[(]abc)"
        );
        assert_eq!(
            with_secret_group("(?:a)(?P<k>b)", 1).unwrap(),
            "(?:a)(?P<secret>b)"
        );
        assert_eq!(with_secret_group("(a)", 3), None);
    }

    #[test]
    fn imports_rules_and_allowlists() {
        let text = r#"
title = "custom"
[allowlist]
paths = ['''^testdata/''']

[[rules]]
id = "Acme-API-key"
description = "Acme API key"
regex = '''(?i)acme[_-]?key\s*[:=]\s*['"]?(acme_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["ACME"]
[rules.allowlist]
stopwords = ["example"]

[[rules]]
id = "no-keywords"
regex = '''x(y)'''

[[rules]]
id = "pem-files"
path = '''\.pem$'''
"#;
        assert!(is_gitleaks(text));
        let got = import("acme.toml", text).unwrap();
        assert_eq!(got.rules.len(), 1);
        let r = &got.rules[0];
        assert_eq!(r.id, "gitleaks.acme-api-key");
        assert_eq!(r.keywords, ["acme"]);
        assert!(r.pattern.contains("(?P<secret>acme_"), "{}", r.pattern);
        assert_eq!(r.validate.min_entropy, Some(3.0));
        assert_eq!(got.allowlists.len(), 2);
        assert!(got.allowlists[0].skips_path("testdata/a.txt"));
        assert!(got.allowlists[1].allows(&r.id, "x", "acme_example"));
        assert_eq!(got.skipped.len(), 2, "{:?}", got.skipped);
    }
}
