use super::*;

fn builtin() -> Vec<Rule> {
    scour_rules::builtin().unwrap()
}

#[test]
fn default_file_parses_and_changes_nothing() {
    let c = Config::parse("scour.toml", DEFAULT).unwrap();
    let set = c.ruleset(builtin(), &[]).unwrap();
    assert_eq!(set.rules.len(), builtin().len());
    assert!(set.allowlists.is_empty());
    assert_eq!(c.archives, Archives::default());
}

#[test]
fn errors_name_file_line_and_key() {
    let e = Config::parse(
        "c.toml",
        "[rules]\ndisable = []\n[archives]\n\nmax_ratio = -1\n",
    )
    .unwrap_err();
    assert_eq!(e.line(), Some(5));
    assert_eq!(e.key(), Some("archives.max_ratio"));
    assert!(
        e.to_string()
            .starts_with("c.toml:5: key `archives.max_ratio`: "),
        "{e}"
    );

    let e = Config::parse("c.toml", "[allowlist]\npathz = []\n").unwrap_err();
    assert_eq!((e.line(), e.key()), (Some(2), Some("allowlist.pathz")));
    assert!(e.to_string().contains("unknown field `pathz`"), "{e}");

    let c = Config::parse("c.toml", "[rules]\ndisable = [\n  \"no.such-rule\",\n]\n").unwrap();
    let e = c.ruleset(builtin(), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "c.toml:3: key `rules.disable`: unknown rule id \"no.such-rule\""
    );
}

#[test]
fn entropy_thresholds_apply() {
    let c = Config::parse(
        "c",
        "[entropy]\ndefault = 5.5\nrules = { \"generic.credential-assignment\" = 1.5 }\n",
    )
    .unwrap();
    let set = c.ruleset(builtin(), &[]).unwrap();
    let get = |id: &str| {
        set.rules
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .validate
            .min_entropy
    };
    assert_eq!(get("generic.credential-assignment"), Some(1.5));
    let with_entropy = set
        .rules
        .iter()
        .filter(|r| r.id != "generic.credential-assignment" && r.validate.min_entropy.is_some())
        .count();
    assert!(with_entropy > 0);
    assert!(set
        .rules
        .iter()
        .filter(|r| r.id != "generic.credential-assignment")
        .all(|r| r.validate.min_entropy.map_or(true, |m| m == 5.5)));
}

#[test]
fn rule_files_of_both_formats_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        r#"[[rule]]
id = "acme.token"
name = "Acme token"
description = "Fake."
category = "secret"
severity = "high"
confidence = "high"
keywords = ["acmetok_"]
pattern = '(?P<secret>acmetok_[0-9a-f]{16})'
examples = ["acmetok_0123456789abcdef"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("gl.toml"),
        "[[rules]]\nid = \"x\"\nregex = '''zz_([0-9]{8})'''\nkeywords = [\"zz_\"]\n",
    )
    .unwrap();
    let cfg = dir.path().join("scour.toml");
    std::fs::write(&cfg, "[rules]\nfiles = [\"mine.toml\"]\n").unwrap();
    let c = Config::load(&cfg).unwrap();
    let set = c.ruleset(builtin(), &[dir.path().join("gl.toml")]).unwrap();
    assert!(set.rules.iter().any(|r| r.id == "acme.token"));
    assert!(set.rules.iter().any(|r| r.id == "gitleaks.x"));
}
