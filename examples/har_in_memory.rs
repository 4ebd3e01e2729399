//! Scanning a HAR capture held in memory, as a support tool would before
//! storing an upload: JSON pointers say which header or cookie holds each
//! secret, and the entry's capture time and the token's own claims say
//! whether it would still work.
//!
//! Run with `cargo run --example har_in_memory`.

use scour_report::{time, Finding, Liveness};
use scour_scan::{Options, Report, Scanner};

/// A `Report` that keeps findings and counts problems.
#[derive(Default)]
struct Keep {
    findings: Vec<Finding>,
    problems: Vec<String>,
}

impl Report for Keep {
    fn findings(&mut self, _path: &str, findings: Vec<Finding>) {
        self.findings.extend(findings);
    }
    fn scanned(&mut self, _path: &str, _bytes: u64) {}
    fn skipped(&mut self, path: &str, reason: &str) {
        self.problems.push(format!("{path}: skipped: {reason}"));
    }
    fn warning(&mut self, path: &str, message: String) {
        self.problems.push(format!("{path}: {message}"));
    }
    fn error(&mut self, path: &str, message: String) {
        self.problems.push(format!("{path}: error: {message}"));
    }
}

// Fake token: header {"alg":"HS256"}, claims {"sub":"u1","exp":1709298000}
// (2024-03-01T13:00:00Z); the signature is random.
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MTcwOTI5ODAwMH0.Tq3Lm8Zw2Vr7Xp4Nb6Hs1Fy5q8mZ3vR7tLw2KpN9bYc";

fn main() {
    let har = format!(
        r#"{{"log":{{"version":"1.2","entries":[{{
            "startedDateTime":"2024-03-01T12:00:00.000Z",
            "request":{{"method":"GET","url":"https://app.test/api/me",
              "headers":[{{"name":"Authorization","value":"Bearer {JWT}"}}],
              "cookies":[{{"name":"sid","value":"102Tq8Zm3Vw7Lp2Kr9Xn4Bd6Hs"}}]}},
            "response":{{"status":200,"headers":[]}}}}]}}}}"#
    );

    let engine = scour_engine::EngineBuilder::new()
        .rules(scour_rules::builtin().expect("built-in rules"))
        .build()
        .expect("rules compile");
    let scanner = Scanner::new(engine, Options::default());
    let mut worker = scanner.worker();
    let mut out = Keep::default();
    scanner.scan_bytes("upload.har", har.as_bytes(), &mut worker, &mut out);

    let now = time::parse_rfc3339("2024-03-01T12:30:00Z").unwrap();
    for f in &mut out.findings {
        f.assess(now);
        println!(
            "{:<24} {:<48} {:<12} captured {}",
            f.rule,
            f.pointer.as_deref().unwrap_or("-"),
            f.liveness.map_or("-", Liveness::as_str),
            f.captured_at.as_deref().unwrap_or("-"),
        );
    }
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let token = out
        .findings
        .iter()
        .find(|f| f.expires_at.is_some())
        .expect("the bearer token");
    assert_eq!(token.liveness, Some(Liveness::Live));
    assert_eq!(token.captured_at.as_deref(), Some("2024-03-01T12:00:00Z"));
    assert!(out
        .findings
        .iter()
        .any(|f| f.pointer.as_deref() == Some("/log/entries/0/request/cookies/0/value")));
}

/// `cargo test` runs the example (declared with `test = true`), so it
/// cannot rot.
#[test]
fn example_runs() {
    main();
}
