//! Resumable `--db` scans, `scour report`, SARIF schema validation and the
//! progress bar, end to end through the binary.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::triage::stderr;
use crate::util::{findings, json, scour, Dir, Fake};

/// 60 log files with one or two fake secrets each, a few sharing a secret
/// with another file and four that are byte-for-byte copies.
fn corpus(dir: &Dir) -> usize {
    let mut fake = Fake::new(21);
    let shared = fake.okta();
    let mut n = 0;
    for i in 0..56 {
        let mut text = format!("ticket {i}\nAuthorization: SSWS {}\n", fake.okta());
        if i % 7 == 0 {
            text.push_str(&format!("retry with SSWS {shared}\n"));
        }
        if i % 5 == 0 {
            text.push_str(&format!("aws_access_key_id = {}\n", fake.aws_key_id()));
        }
        dir.write(&format!("dump/t{i:02}/case.log"), &text);
        n += 1;
        if i % 14 == 3 {
            dir.write(&format!("dump/copies/c{i:02}.log"), &text);
            n += 1;
        }
    }
    n
}

/// The findings of a JSON report as a comparable set (rule, fingerprint,
/// every place).
fn key(v: &Value) -> BTreeSet<String> {
    findings(v)
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.as_object_mut().unwrap().remove("liveness");
            f.to_string()
        })
        .collect()
}

#[test]
fn killed_scan_resumes_with_the_same_findings_and_rescans_nothing_done() {
    let dir = Dir::new();
    let total = corpus(&dir);
    let full = scour(dir.path(), &["scan", "-f", "json", "-j", "2", "dump"], None);
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let full = json(&full);
    assert_eq!(full["summary"]["files_scanned"], total);

    // Killed after 20 recorded files.
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "-j",
            "2",
            "--db",
            "s.db",
            "--abort-after",
            "20",
            "dump",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let stored = json(&scour(
        dir.path(),
        &["report", "--db", "s.db", "-f", "json"],
        None,
    ));
    let recorded = stored["summary"]["files_scanned"].as_u64().unwrap();
    assert!(recorded >= 20 && (recorded as usize) < total, "{recorded}");

    let resumed = scour(
        dir.path(),
        &["scan", "-f", "json", "-j", "2", "--db", "s.db", "dump"],
        None,
    );
    assert_eq!(resumed.status.code(), Some(1), "{}", stderr(&resumed));
    let resumed = json(&resumed);
    let s = &resumed["summary"];
    let already = s["skipped"]["already scanned (--db)"].as_u64().unwrap();
    let same = s["skipped"]["same content as another file"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(already, recorded, "{s:#}");
    assert_eq!(
        s["files_scanned"].as_u64().unwrap() + already + same,
        total as u64,
        "{s:#}"
    );
    assert!(same >= 1, "copies are not scanned twice: {s:#}");
    assert_eq!(key(&resumed), key(&full));

    // A third run scans nothing, and still reports everything.
    let again = json(&scour(
        dir.path(),
        &["scan", "-f", "json", "--db", "s.db", "dump"],
        None,
    ));
    assert_eq!(again["summary"]["files_scanned"], 0);
    assert_eq!(key(&again), key(&full));

    // A changed file is scanned again.
    let mut fake = Fake::new(99);
    let fresh = fake.okta();
    dir.write("dump/t01/case.log", format!("now SSWS {fresh}\n"));
    let changed = json(&scour(
        dir.path(),
        &["scan", "-f", "json", "--db", "s.db", "dump"],
        None,
    ));
    assert_eq!(changed["summary"]["files_scanned"], 1);

    // Every format renders from the database.
    let report = json(&scour(
        dir.path(),
        &["report", "--db", "s.db", "-f", "json"],
        None,
    ));
    assert_eq!(key(&report), key(&changed));
    let jsonl = scour(dir.path(), &["report", "--db", "s.db", "-f", "jsonl"], None);
    assert_eq!(
        String::from_utf8_lossy(&jsonl.stdout).lines().count(),
        findings(&report).len()
    );
    let pretty = scour(dir.path(), &["report", "--db", "s.db"], None);
    assert!(String::from_utf8_lossy(&pretty.stdout).contains("dump/t01/case.log"));
    let sarif = scour(dir.path(), &["report", "--db", "s.db", "-f", "sarif"], None);
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings(&report).len()
    );
    assert_valid_sarif(&sarif);
}

#[test]
fn stored_secrets_are_shown_only_with_reveal() {
    let dir = Dir::new();
    let token = Fake::new(23).okta();
    dir.write("a.log", format!("SSWS {token}\n"));
    let out = scour(dir.path(), &["scan", "-q", "--db", "s.db", "a.log"], None);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    let plain = scour(dir.path(), &["report", "--db", "s.db", "-f", "jsonl"], None);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains(&token));
    let shown = scour(
        dir.path(),
        &["report", "--db", "s.db", "-f", "jsonl", "--reveal"],
        None,
    );
    assert!(
        !String::from_utf8_lossy(&shown.stdout).contains(&token),
        "not stored"
    );

    scour(
        dir.path(),
        &["scan", "-q", "--db", "r.db", "--reveal", "a.log"],
        None,
    );
    let plain = scour(dir.path(), &["report", "--db", "r.db", "-f", "jsonl"], None);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains(&token));
    let shown = scour(
        dir.path(),
        &["report", "--db", "r.db", "-f", "jsonl", "--reveal"],
        None,
    );
    assert!(String::from_utf8_lossy(&shown.stdout).contains(&token));
}

fn assert_valid_sarif(doc: &Value) {
    let schema: Value = serde_json::from_str(include_str!("../data/sarif/sarif-schema-2.1.0.json"))
        .expect("vendored schema parses");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let dir = Dir::new();
    let mut fake = Fake::new(22);
    let token = fake.okta();
    dir.write("a.log", format!("SSWS {token}\nagain SSWS {token}\n"));
    dir.write(
        "b.log",
        format!("SSWS {token}\naws_access_key_id = {}\n", fake.aws_key_id()),
    );
    dir.write("bad.zip", b"PK\x03\x04 truncated");
    let out = scour(
        dir.path(),
        &["scan", "-f", "sarif", "--now", "2024-01-01T00:00:00Z", "."],
        None,
    );
    let doc: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert!(!doc["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_valid_sarif(&doc);
    // The check is real: a result without its message is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let schema: Value =
        serde_json::from_str(include_str!("../data/sarif/sarif-schema-2.1.0.json")).unwrap();
    assert!(!jsonschema::is_valid(&schema, &broken));
}

#[test]
fn progress_bar_only_on_a_terminal() {
    let dir = Dir::new();
    corpus(&dir);
    let bin = env!("CARGO_BIN_EXE_scour");
    // `script` gives the command a pseudo-terminal for stdout and stderr.
    let run = |extra: &str| {
        let cmd = format!("{bin} scan -j 1 -o out.json -f json {extra} dump");
        let out = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("script(1) runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = run("");
    assert!(
        shown.contains("ETA") && shown.contains("files"),
        "{shown:?}"
    );
    let hidden = run("--no-progress");
    assert!(!hidden.contains("ETA"), "{hidden:?}");
    // Not a terminal: no bar either.
    let out = scour(dir.path(), &["scan", "-f", "json", "dump"], None);
    assert!(!stderr(&out).contains("ETA"));
}
