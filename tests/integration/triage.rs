//! Triage features end to end through the binary: configuration, gitleaks
//! import, deduplication, baselines, `scour:allow`, liveness, filters.
//! Resumable state, SARIF validation and the progress bar are in
//! `state.rs`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::util::{findings, json, scour, Dir, Fake};

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fake signed JWT with these claims.
fn jwt(fake: &mut Fake, claims: &str) -> String {
    let sig = fake.chars(
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789_-",
        43,
    );
    format!(
        "{}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

fn by_rule<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings(v).iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn same_secret_in_many_files_is_one_finding_unless_no_dedup() {
    let dir = Dir::new();
    let token = Fake::new(11).okta();
    dir.write(
        "a.log",
        format!("x\nAuthorization: SSWS {token}\nSSWS {token}\n"),
    );
    dir.write("b/c.log", format!("Authorization: SSWS {token}\n"));
    let out = scour(dir.path(), &["scan", "-f", "json", "."], None);
    let v = json(&out);
    let okta = by_rule(&v, "okta.api-token");
    assert_eq!(okta.len(), 1, "{v:#}");
    assert_eq!(okta[0]["occurrences"], 3);
    let places: Vec<(String, u64)> = okta[0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("./a.log".into(), 2),
            ("./a.log".into(), 3),
            ("./b/c.log".into(), 1)
        ]
    );
    assert_eq!(v["summary"]["findings"], findings(&v).len());

    let out = scour(dir.path(), &["scan", "-f", "json", "--no-dedup", "."], None);
    let v = json(&out);
    let okta = by_rule(&v, "okta.api-token");
    assert_eq!(okta.len(), 3, "{v:#}");
    assert!(okta
        .iter()
        .all(|f| f["occurrences"] == 1 && f.get("locations").is_none()));
}

#[test]
fn a_secret_repeated_beyond_the_listing_cap_is_counted() {
    let dir = Dir::new();
    let token = Fake::new(12).okta();
    let repeats = scour_report::MAX_LOCATIONS + 18;
    let text: String = (0..repeats)
        .map(|i| format!("line {i}: Authorization: SSWS {token}\n"))
        .collect();
    dir.write("big.log", text);
    let out = scour(dir.path(), &["scan", "-f", "json", "."], None);
    let v = json(&out);
    let okta = by_rule(&v, "okta.api-token");
    assert_eq!(okta.len(), 1, "{v:#}");
    assert_eq!(okta[0]["occurrences"], repeats);
    let listed = okta[0]["locations"].as_array().unwrap();
    assert_eq!(listed.len(), scour_report::MAX_LOCATIONS);
    // --no-dedup lists every one.
    let out = scour(dir.path(), &["scan", "-f", "json", "--no-dedup", "."], None);
    assert_eq!(by_rule(&json(&out), "okta.api-token").len(), repeats);
}

#[test]
fn baseline_round_trip_suppresses_all_and_only_old_findings() {
    let dir = Dir::new();
    let mut fake = Fake::new(12);
    let (old1, old2, new) = (fake.okta(), fake.aws_key_id(), fake.okta());
    dir.write(
        "t/a.log",
        format!("SSWS {old1}\naws_access_key_id = {old2}\n"),
    );
    let out = scour(
        dir.path(),
        &["scan", "-f", "json", "--baseline-write", "base.json", "t"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let old_count = findings(&json(&out)).len();
    assert!(old_count >= 2);
    let base = std::fs::read_to_string(dir.path().join("base.json")).unwrap();
    assert!(!base.contains(&old1) && !base.contains(&old2), "{base}");

    // Nothing new, even though lines moved and the file was renamed.
    std::fs::remove_file(dir.path().join("t/a.log")).unwrap();
    dir.write(
        "t/moved.log",
        format!("\n\n# moved\naws_access_key_id = {old2}\nSSWS {old1}\n"),
    );
    let out = scour(
        dir.path(),
        &["scan", "-f", "json", "--baseline", "base.json", "t"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["summary"]["suppressed"]["baseline"], old_count);

    // One new secret: exactly it is reported.
    dir.write("t/new.log", format!("Authorization: SSWS {new}\n"));
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--reveal",
            "--baseline",
            "base.json",
            "t",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let secrets: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, [new.as_str()]);
}

#[test]
fn allow_marker_suppresses_its_line_in_text() {
    let dir = Dir::new();
    let mut fake = Fake::new(13);
    let (kept, allowed) = (fake.okta(), fake.okta());
    dir.write(
        "app.log",
        format!("SSWS {allowed} # test fixture scour:allow\nSSWS {kept}\n"),
    );
    let out = scour(
        dir.path(),
        &["scan", "-f", "json", "--reveal", "app.log"],
        None,
    );
    let v = json(&out);
    let secrets: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    assert!(secrets.contains(&kept.as_str()), "{v:#}");
    assert!(!secrets.contains(&allowed.as_str()), "{v:#}");
}

/// A HAR capture at 2024-03-01T10:00:00Z with three bearer JWTs (expired,
/// live, not yet valid at 2024-03-01T12:00:00Z) and a session cookie set
/// with `Max-Age=7200`.
fn har(dir: &Dir) -> (String, String, String) {
    let mut fake = Fake::new(14);
    let noon = 1_709_294_400; // 2024-03-01T12:00:00Z
    let expired = jwt(
        &mut fake,
        &format!(
            r#"{{"sub":"u1","iat":{},"exp":{}}}"#,
            noon - 7200,
            noon - 60
        ),
    );
    let live = jwt(
        &mut fake,
        &format!(
            r#"{{"sub":"u2","iat":{},"exp":{}}}"#,
            noon - 60,
            noon + 3600
        ),
    );
    let early = jwt(
        &mut fake,
        &format!(
            r#"{{"sub":"u3","nbf":{},"exp":{}}}"#,
            noon + 600,
            noon + 7200
        ),
    );
    let sid = fake.chars(
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789",
        26,
    );
    let entry = |token: &str, cookie: &str| {
        format!(
            r#"{{"startedDateTime":"2024-03-01T11:00:00.000+01:00","request":{{"method":"GET","url":"https://app.test/api","headers":[{{"name":"Authorization","value":"Bearer {token}"}}]}},"response":{{"status":200,"headers":[{cookie}]}}}}"#
        )
    };
    let set_cookie =
        format!(r#"{{"name":"Set-Cookie","value":"sid={sid}; Path=/; Max-Age=7200; HttpOnly"}}"#);
    let doc = format!(
        r#"{{"log":{{"version":"1.2","entries":[{},{},{}]}}}}"#,
        entry(&expired, &set_cookie),
        entry(&live, ""),
        entry(&early, "")
    );
    dir.write("capture.har", doc);
    (expired, live, early)
}

#[test]
fn liveness_of_jwts_and_cookies_at_a_fixed_now() {
    let dir = Dir::new();
    let (expired, live, early) = har(&dir);
    let now = "2024-03-01T12:00:00Z";
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--reveal",
            "--now",
            now,
            "capture.har",
        ],
        None,
    );
    let v = json(&out);
    let of = |secret: &str| {
        findings(&v)
            .iter()
            .find(|f| f["secret"] == secret)
            .unwrap_or_else(|| panic!("no finding for {secret}: {v:#}"))
            .clone()
    };
    let f = of(&expired);
    assert_eq!(f["liveness"], "expired");
    assert_eq!(f["expires_at"], "2024-03-01T11:59:00Z");
    assert_eq!(f["issued_at"], "2024-03-01T10:00:00Z");
    assert_eq!(f["captured_at"], "2024-03-01T10:00:00Z");
    assert_eq!(of(&live)["liveness"], "live");
    let f = of(&early);
    assert_eq!(f["liveness"], "not-yet-valid");
    assert_eq!(f["not_before"], "2024-03-01T12:10:00Z");
    let cookie = findings(&v)
        .iter()
        .find(|f| f["rule"] == "field.session-cookie")
        .expect("session cookie finding");
    // Max-Age counts from the capture: 10:00 + 2h, so it ends at noon.
    assert_eq!(cookie["expires_at"], "2024-03-01T12:00:00Z");
    assert_eq!(cookie["liveness"], "expired");

    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--reveal",
            "--only-live",
            "--now",
            "2024-03-01T11:59:59Z",
            "capture.har",
        ],
        None,
    );
    let v = json(&out);
    let mut live_secrets: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    live_secrets.sort_unstable();
    let mut want = vec![live.as_str(), cookie["secret"].as_str().unwrap()];
    want.sort_unstable();
    assert_eq!(live_secrets, want, "{v:#}");
    assert!(findings(&v).iter().all(|f| f["liveness"] == "live"));

    let out = scour(dir.path(), &["scan", "--now", "noon", "capture.har"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--now \"noon\""), "{}", stderr(&out));
}

#[test]
fn a_cookie_seen_in_several_entries_keeps_its_latest_capture_and_expiry() {
    // One session cookie set by three responses of one capture: the finding
    // is built at its first sighting and the others merge into it, so its
    // times must be those of all three (latest capture, latest expiry), not
    // of the first.
    let dir = Dir::new();
    let sid = Fake::new(15).chars(
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789",
        26,
    );
    let entry = |at: &str, max_age: u32| {
        format!(
            r#"{{"startedDateTime":"{at}","request":{{"method":"GET","url":"https://app.test/api","headers":[]}},"response":{{"status":200,"headers":[{{"name":"Set-Cookie","value":"sid={sid}; Path=/; Max-Age={max_age}; HttpOnly"}}]}}}}"#
        )
    };
    let doc = format!(
        r#"{{"log":{{"version":"1.2","entries":[{},{},{}]}}}}"#,
        entry("2024-03-01T10:00:00Z", 7200),
        entry("2024-03-01T11:30:00Z", 600),
        entry("2024-03-01T11:00:00Z", 7200),
    );
    dir.write("capture.har", doc);
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--now",
            "2024-03-01T12:30:00Z",
            "capture.har",
        ],
        None,
    );
    let v = json(&out);
    let cookie = by_rule(&v, "field.session-cookie");
    assert_eq!(cookie.len(), 1, "{v:#}");
    assert_eq!(cookie[0]["occurrences"], 3, "{v:#}");
    assert_eq!(cookie[0]["captured_at"], "2024-03-01T11:30:00Z");
    // 11:00 + 2 h is the latest of 12:00, 11:40 and 13:00.
    assert_eq!(cookie[0]["expires_at"], "2024-03-01T13:00:00Z");
    assert_eq!(cookie[0]["liveness"], "live");
}

#[test]
fn filters_by_severity_category_and_rule() {
    let dir = Dir::new();
    let mut fake = Fake::new(15);
    let (okta, aws) = (fake.okta(), fake.aws_key_id());
    dir.write(
        "mixed.log",
        format!("SSWS {okta}\naws_access_key_id = {aws}\ncontact: jane.doe@northwind-labs.io\n"),
    );
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["scan", "-f", "json", "mixed.log"];
        all.extend_from_slice(args);
        let v = json(&scour(dir.path(), &all, None));
        let mut r: Vec<String> = findings(&v)
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r
    };
    let all = rules(&[]);
    assert!(all.contains(&"okta.api-token".to_string()), "{all:?}");
    assert!(all.iter().any(|r| r == "pii.email"), "{all:?}");
    let pii = rules(&["--categories", "pii"]);
    assert!(
        !pii.is_empty() && pii.iter().all(|r| !all_secret(r)),
        "{pii:?}"
    );
    assert_eq!(rules(&["--rule", "okta.api-token"]), ["okta.api-token"]);
    let without = rules(&["--exclude-rule", "okta.api-token"]);
    assert!(!without.contains(&"okta.api-token".to_string()));
    assert_eq!(without.len(), all.len() - 1);
    let critical = rules(&["--min-severity", "critical"]);
    assert!(critical.contains(&"okta.api-token".to_string()));
    assert!(critical.len() < all.len(), "{critical:?}");
}

fn all_secret(rule: &str) -> bool {
    rule.starts_with("okta.") || rule.starts_with("aws.")
}

#[test]
fn config_file_disables_rules_and_allowlists_paths() {
    let dir = Dir::new();
    let mut fake = Fake::new(16);
    let (okta, aws) = (fake.okta(), fake.aws_key_id());
    dir.write(
        "src/a.log",
        format!("SSWS {okta}\naws_access_key_id = {aws}\n"),
    );
    dir.write("fixtures/b.log", format!("SSWS {}\n", fake.okta()));
    let out = scour(dir.path(), &["config", "init"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("scour.toml")).unwrap();
    let text = text
        .replace("disable = []", "disable = [\"okta.api-token\"]")
        .replace("paths = []", "paths = [\"**/fixtures/**\"]");
    dir.write("scour.toml", text);
    let out = scour(dir.path(), &["config", "check"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let v = json(&scour(dir.path(), &["scan", "-f", "json", "."], None));
    let rules: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"okta.api-token"), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("aws.")), "{rules:?}");
    assert!(findings(&v)
        .iter()
        .all(|f| !f["path"].as_str().unwrap().contains("fixtures")));
    assert_eq!(v["summary"]["skipped"]["allowlisted path"], 1);
    // --no-config ignores it.
    let v = json(&scour(
        dir.path(),
        &["scan", "-f", "json", "--no-config", "."],
        None,
    ));
    assert!(findings(&v).iter().any(|f| f["rule"] == "okta.api-token"));

    dir.write(
        "bad.toml",
        "[rules]\ndisable = []\n\n[archives]\nmax_depth = \"deep\"\n",
    );
    let out = scour(dir.path(), &["scan", "--config", "bad.toml", "src"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.toml:5: key `archives.max_depth`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gitleaks_rules_are_imported() {
    let dir = Dir::new();
    let mut fake = Fake::new(17);
    let token = format!("acme_{}", fake.chars("abcdefghjkmnpqrstuvwxyz23456789", 24));
    dir.write(
        "gitleaks.toml",
        r#"title = "team rules"
[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''(?i)acme[_-]?key\s*[:=]\s*['"]?(acme_[a-z0-9]{24})'''
secretGroup = 1
keywords = ["acme"]
[rules.allowlist]
stopwords = ["fixture"]
"#,
    );
    dir.write(
        "app.env",
        format!("ACME_KEY={token}\nacme_key = acme_fixturefixturefixture123\n"),
    );
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--reveal",
            "--rules",
            "gitleaks.toml",
            "app.env",
        ],
        None,
    );
    let v = json(&out);
    let got = by_rule(&v, "gitleaks.acme-api-key");
    assert_eq!(got.len(), 1, "{v:#}");
    assert_eq!(got[0]["secret"], token.as_str());
    assert_eq!(v["summary"]["suppressed"]["allowlist"], 1);
}
