use crate::util::{findings, json, scour, Dir, Fake};

#[test]
fn finds_an_okta_token_with_every_field_and_no_secret_by_default() {
    let dir = Dir::new();
    let token = Fake::new(1).okta();
    dir.write(
        "ticket.log",
        format!("line one\n  GET /api/v1/users Authorization: SSWS {token}\n"),
    );
    let out = scour(
        dir.path(),
        &["scan", "--format", "json", "ticket.log"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let f = findings(&v)
        .iter()
        .find(|f| f["rule"] == "okta.api-token")
        .expect("okta finding");
    assert_eq!(f["path"], "ticket.log");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 41);
    assert_eq!(f["category"], "secret");
    assert_eq!(f["severity"], "critical");
    let start = f["start"].as_u64().unwrap() as usize;
    assert_eq!(f["end"].as_u64().unwrap() as usize - start, token.len());
    assert_eq!(
        start,
        "line one\n  GET /api/v1/users Authorization: SSWS ".len()
    );
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 64);
    assert!(f.get("secret").is_none());
    let masked = f["masked"].as_str().unwrap();
    assert!(!token.contains(masked.trim_matches('*')) || masked.len() < token.len() / 2);
    // The full token appears nowhere in any output without --reveal.
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&token));
    assert_eq!(v["summary"]["files_scanned"], 1);
    assert_eq!(v["summary"]["findings"], findings(&v).len());
}

#[test]
fn reveal_prints_the_secret() {
    let dir = Dir::new();
    let token = Fake::new(2).okta();
    dir.write("a.txt", format!("Authorization: SSWS {token}\n"));
    let out = scour(
        dir.path(),
        &["scan", "-f", "json", "--reveal", "a.txt"],
        None,
    );
    let v = json(&out);
    assert_eq!(findings(&v)[0]["secret"], token.as_str());
}

#[test]
fn clean_input_exits_zero() {
    let dir = Dir::new();
    dir.write(
        "notes.txt",
        "Customer reports the dashboard is slow after the upgrade.\n",
    );
    let out = scour(dir.path(), &["scan", "."], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn missing_path_is_an_error_naming_it_and_the_scan_goes_on() {
    let dir = Dir::new();
    let key = Fake::new(3).aws_key_id();
    dir.write("ok.txt", format!("aws_access_key_id = {key}\n"));
    let out = scour(
        dir.path(),
        &["scan", "-f", "json", "no-such-file.har", "ok.txt"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let errors = v["summary"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["path"]
        .as_str()
        .unwrap()
        .contains("no-such-file.har"));
    assert!(
        findings(&v).iter().any(|f| f["path"] == "ok.txt"),
        "the readable file is still scanned"
    );
}

#[test]
fn binary_files_are_skipped_and_counted_unless_asked() {
    let dir = Dir::new();
    let token = Fake::new(4).okta();
    let mut blob = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    blob.extend(format!(" SSWS {token} ").bytes());
    dir.write("core.bin", &blob);
    let out = scour(dir.path(), &["scan", "-f", "json", "."], None);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["summary"]["skipped"]["binary"], 1);
    assert_eq!(v["summary"]["files_scanned"], 0);
    let out = scour(dir.path(), &["scan", "-f", "json", "--binary", "."], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&json(&out)).len(), 1);
}

#[test]
fn stdin_is_scanned_as_dash() {
    let dir = Dir::new();
    let token = Fake::new(5).okta();
    let input = format!("x-header: 1\nAuthorization: SSWS {token}\n");
    let out = scour(
        dir.path(),
        &["scan", "-f", "jsonl", "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], "-");
    assert_eq!(lines[0]["line"], 2);
}

#[test]
fn sarif_output_is_sarif_2_1_0_with_rules_and_fingerprints() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        format!("Authorization: SSWS {}\n", Fake::new(6).okta()),
    );
    let out = scour(dir.path(), &["scan", "-f", "sarif", "a.txt"], None);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let idx = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], result["ruleId"]);
    assert_eq!(result["ruleId"], "okta.api-token");
    assert_eq!(
        result["partialFingerprints"]["scour/v1"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}

#[test]
fn output_file_and_pretty_format() {
    let dir = Dir::new();
    let token = Fake::new(7).okta();
    dir.write("a.txt", format!("Authorization: SSWS {token}\n"));
    let out = scour(dir.path(), &["scan", "-o", "report.txt", "a.txt"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        report.contains("a.txt") && report.contains("okta.api-token"),
        "{report}"
    );
    assert!(!report.contains(&token));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("okta.api-token"),
        "summary on stderr: {summary}"
    );
}

#[test]
fn a_token_across_a_chunk_seam_is_found_exactly_once() {
    let dir = Dir::new();
    let mut fake = Fake::new(8);
    let mut text = String::new();
    let mut tokens = Vec::new();
    for i in 0..200 {
        text.push_str(&"lorem ipsum dolor ".repeat(i % 7 + 1));
        let t = fake.okta();
        text.push_str(&format!("\nAuthorization: SSWS {t}\n"));
        tokens.push(t);
    }
    dir.write("big.log", &text);
    let whole = json(&scour(dir.path(), &["scan", "-f", "json", "big.log"], None));
    for chunk in ["97", "1000", "4099"] {
        let chunked = json(&scour(
            dir.path(),
            &["scan", "-f", "json", "--chunk-size", chunk, "big.log"],
            None,
        ));
        let key = |v: &serde_json::Value| {
            let mut k: Vec<(u64, u64, u64)> = findings(v)
                .iter()
                .map(|f| {
                    (
                        f["start"].as_u64().unwrap(),
                        f["line"].as_u64().unwrap(),
                        f["column"].as_u64().unwrap(),
                    )
                })
                .collect();
            k.sort();
            k
        };
        assert_eq!(key(&whole), key(&chunked), "chunk size {chunk}");
    }
    let okta = findings(&whole)
        .iter()
        .filter(|f| f["rule"] == "okta.api-token")
        .count();
    assert_eq!(okta, tokens.len());
}

#[test]
fn directories_are_walked_recursively_and_files_reported_per_path() {
    let dir = Dir::new();
    let mut fake = Fake::new(9);
    dir.write(
        "case-1/attachments/session.log",
        format!("SSWS {}\n", fake.okta()),
    );
    dir.write(
        "case-2/notes.txt",
        format!("key id {}\n", fake.aws_key_id()),
    );
    dir.write("case-2/clean.txt", "nothing to see\n");
    let v = json(&scour(dir.path(), &["scan", "-f", "json", "."], None));
    let mut paths: Vec<String> = findings(&v)
        .iter()
        .map(|f| f["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        ["./case-1/attachments/session.log", "./case-2/notes.txt"]
    );
    assert_eq!(v["summary"]["files_scanned"], 3);
}

#[test]
fn placeholders_do_not_fire() {
    let dir = Dir::new();
    dir.write(
        "doc.md",
        "Authorization: SSWS ${OKTA_TOKEN}\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\npassword: ********\napi_key=your-api-key-here\n",
    );
    let out = scour(dir.path(), &["scan", "-f", "json", "doc.md"], None);
    assert_eq!(
        findings(&json(&out)).len(),
        0,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn rules_check_passes_and_list_has_every_rule() {
    let dir = Dir::new();
    let out = scour(dir.path(), &["rules", "check"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = scour(dir.path(), &["rules", "list"], None);
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(
        text.lines().count() >= 120,
        "{} rules",
        text.lines().count()
    );
    assert!(text.lines().any(|l| l.starts_with("okta.api-token")));
}

#[test]
fn sample_corpus_has_findings_of_both_categories() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = scour(root, &["scan", "-f", "json", "corpora/sample"], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert!(v["summary"]["by_category"]["secret"].as_u64().unwrap() > 10);
    assert!(v["summary"]["by_category"]["pii"].as_u64().unwrap() > 10);
}

#[test]
fn a_closed_pipe_ends_the_scan_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = Dir::new();
    let mut fake = Fake::new(12);
    for i in 0..400 {
        dir.write(
            &format!("f{i}.log"),
            format!("SSWS {}\nkey {}\n", fake.okta(), fake.aws_key_id()),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_scour"))
        .args(["scan", "-j1", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone now, like `scour scan | head -1`.
    let out = child.wait_with_output().unwrap();
    assert!(!first.is_empty());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}
