//! Output hygiene: without `--reveal`, no full secret reaches stdout,
//! stderr, an output file, a baseline or the state database, whatever the
//! command and format, also when the secret is in a file name, an archive
//! member name or a file that fails to parse. With `--reveal` the same
//! secrets do appear (so the checks can fail).

use std::io::Write;
use std::path::Path;
use std::process::Output;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::util::{scour, walk, Dir, Fake};

const ALNUM: &str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";

/// A classic GitHub token with its CRC32 in base62, as GitHub builds them.
fn github(f: &mut Fake) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let body = f.chars(ALNUM, 30);
    let mut n = crc32(body.as_bytes());
    let mut check = String::new();
    for _ in 0..6 {
        check.insert(0, BASE62[(n % 62) as usize] as char);
        n /= 62;
    }
    format!("ghp_{body}{check}")
}

/// CRC-32 (IEEE), bit by bit: small inputs only.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The planted secrets, each with what to look for in outputs.
struct Planted {
    what: &'static str,
    value: String,
    /// Planted in a name (file or member), not in content: a redacted
    /// copy keeps the names, so only reports are checked for these.
    in_name: bool,
}

/// Writes the inputs under `dir/in` and returns what was planted.
fn plant(dir: &Dir) -> Vec<Planted> {
    let mut f = Fake::new(0x0048_5947_4945_4e45);
    let bearer = f.chars(ALNUM, 40);
    let cookie = f.chars(ALNUM, 32);
    let jwt = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"{}","exp":1900000000}}"#,
            f.chars(ALNUM, 12)
        )),
        f.chars(ALNUM, 43)
    );
    let url_password = f.chars(ALNUM, 18);
    let okta = f.okta();
    let aws = f.aws_key_id();
    let gh = github(&mut f);
    let key_lines: Vec<String> = (0..6).map(|_| f.chars(&format!("{ALNUM}+/"), 64)).collect();
    let private_key = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
        key_lines.join("\n")
    );
    let gh_in_zip = github(&mut f);
    let aws_member_name = f.aws_key_id();
    let gh_file_name = github(&mut f);
    let bearer_in_named = f.chars(ALNUM, 40);
    let bearer_in_broken = f.chars(ALNUM, 40);
    let aws_broken_name = f.aws_key_id();

    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "startedDateTime": "2024-03-01T11:00:00.000Z",
        "request": {
            "method": "GET",
            "url": format!("https://svc-export:{url_password}@db.example.test/api/items"),
            "headers": [
                {"name": "Authorization", "value": format!("Bearer {bearer}")},
                {"name": "Cookie", "value": format!("sid={cookie}")}
            ],
            "cookies": [{"name": "sid", "value": cookie}]
        },
        "response": {"status": 200, "headers": [], "content": {
            "mimeType": "application/json",
            "text": format!("{{\"access_token\":\"{jwt}\"}}")
        }}
    }]}});
    dir.write("in/capture.har", serde_json::to_vec_pretty(&har).unwrap());
    dir.write(
        "in/events.jsonl",
        format!(
            "{{\"msg\":\"call\",\"header\":\"Authorization: SSWS {okta}\"}}\n\
             {{\"msg\":\"env\",\"aws_access_key_id\":\"{aws}\"}}\n\
             {{\"msg\":\"clone\",\"token\":\"{gh}\"}}\n"
        ),
    );
    dir.write(
        "in/ticket.eml",
        format!(
            "From: Customer <customer@example.test>\r\nTo: support@example.test\r\n\
             Subject: our key\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n\
             Here is the key that fails:\r\n{}\r\nThanks\r\n",
            private_key.replace('\n', "\r\n")
        ),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file(format!("keys/{aws_member_name}.txt"), opts)
        .unwrap();
    zip.write_all(format!("token {gh_in_zip}\n").as_bytes())
        .unwrap();
    zip.start_file("readme.txt", opts).unwrap();
    zip.write_all(b"nothing here\n").unwrap();
    dir.write("in/bundle.zip", zip.finish().unwrap().into_inner());
    dir.write(
        &format!("in/dump-{gh_file_name}.log"),
        format!("GET /x\nAuthorization: Bearer {bearer_in_named}\n"),
    );
    // JSON cut short: it does not parse (scanned as text, with a warning).
    dir.write(
        "in/broken.har",
        format!(
            "{{\"log\":{{\"entries\":[{{\"request\":{{\"headers\":[{{\"name\":\"Authorization\",\"value\":\"Bearer {bearer_in_broken}\"}}"
        ),
    );
    // A link in the tree, named after a secret: not followed, and named
    // in a warning (redact) or the skipped count (scan).
    std::os::unix::fs::symlink(
        "nowhere",
        dir.path().join(format!("in/link-{gh_file_name}.log")),
    )
    .unwrap();
    // A zip cut short: an error naming the file.
    dir.write(
        &format!("in/creds-{aws_broken_name}.zip"),
        b"PK\x03\x04 truncated",
    );

    let content = |what, value: &str| Planted {
        what,
        value: value.to_string(),
        in_name: false,
    };
    let name = |what, value: &str| Planted {
        what,
        value: value.to_string(),
        in_name: true,
    };
    vec![
        content("bearer", &bearer),
        content("cookie", &cookie),
        content("jwt", &jwt),
        content("jwt signature", jwt.rsplit('.').next().unwrap()),
        content("password in URL", &url_password),
        content("okta", &okta),
        content("aws", &aws),
        content("github", &gh),
        content("private key", &private_key),
        content("private key line", &key_lines[2]),
        content("github in zip", &gh_in_zip),
        content("bearer in named file", &bearer_in_named),
        content("bearer in broken file", &bearer_in_broken),
        name("aws in member name", &aws_member_name),
        name("github in file name", &gh_file_name),
        name("aws in broken file name", &aws_broken_name),
    ]
}

/// Every planted value found in `bytes` (also with `\r\n` line ends, as
/// the key is written in the mail).
fn leaks<'p>(planted: &'p [Planted], bytes: &[u8]) -> Vec<&'p str> {
    planted
        .iter()
        .filter(|p| {
            let crlf = p.value.replace('\n', "\r\n");
            [p.value.as_bytes(), crlf.as_bytes()]
                .iter()
                .any(|v| memchr::memmem::find(bytes, v).is_some())
        })
        .map(|p| p.what)
        .collect()
}

/// Asserts that neither stream of `out` holds a planted value.
fn clean(planted: &[Planted], what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = leaks(planted, bytes);
        assert!(
            found.is_empty(),
            "{what}: {stream} shows {found:?}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

fn clean_file(planted: &[Planted], what: &str, path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let found = leaks(planted, &bytes);
    assert!(
        found.is_empty(),
        "{what}: {} holds {found:?}",
        path.display()
    );
}

fn run(dir: &Dir, args: &[&str]) -> Output {
    let out = scour(dir.path(), args, None);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        (0..=2).contains(&code),
        "{args:?}: exit {code}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn no_command_prints_a_full_secret_without_reveal() {
    let dir = Dir::new();
    let planted = plant(&dir);
    let formats = ["pretty", "json", "jsonl", "sarif"];

    // Not vacuous: the scan finds what was planted in content.
    let v: serde_json::Value = serde_json::from_slice(
        &run(
            &dir,
            &["scan", "--no-config", "-f", "json", "--reveal", "in"],
        )
        .stdout,
    )
    .unwrap();
    let secrets: String = crate::util::findings(&v)
        .iter()
        .filter_map(|f| f["secret"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let missing = planted
        .iter()
        .filter(|p| !p.in_name)
        .map(|p| p.what)
        .filter(|w| !leaks(&planted, secrets.as_bytes()).contains(w))
        .collect::<Vec<_>>();
    assert!(missing.is_empty(), "--reveal does not show {missing:?}");

    for f in formats {
        let out = run(&dir, &["scan", "--no-config", "-f", f, "in"]);
        clean(&planted, &format!("scan -f {f}"), &out);
        let file = format!("out.{f}");
        let out = run(&dir, &["scan", "--no-config", "-f", f, "-o", &file, "in"]);
        clean(&planted, &format!("scan -f {f} -o"), &out);
        clean_file(
            &planted,
            &format!("scan -f {f} -o"),
            &dir.path().join(&file),
        );
        let out = run(&dir, &["scan", "--no-config", "-f", f, "--no-dedup", "in"]);
        clean(&planted, &format!("scan -f {f} --no-dedup"), &out);
    }

    let out = run(&dir, &["scan", "--no-config", "--db", "state.db", "in"]);
    clean(&planted, "scan --db", &out);
    // Again: the second run reports from the database.
    let out = run(&dir, &["scan", "--no-config", "--db", "state.db", "in"]);
    clean(&planted, "scan --db (resumed)", &out);
    for f in formats {
        let out = run(&dir, &["report", "--db", "state.db", "-f", f]);
        clean(&planted, &format!("report -f {f}"), &out);
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("state.db")
        {
            clean_file(&planted, "the state database", &p);
        }
    }

    let out = run(
        &dir,
        &["scan", "--no-config", "--baseline-write", "base.json", "in"],
    );
    clean(&planted, "scan --baseline-write", &out);
    clean_file(&planted, "baseline", &dir.path().join("base.json"));
    let out = run(
        &dir,
        &["scan", "--no-config", "--baseline", "base.json", "in"],
    );
    clean(&planted, "scan --baseline", &out);

    let out = run(&dir, &["redact", "--no-config", "--dry-run", "in"]);
    clean(&planted, "redact --dry-run", &out);

    // A path that does not exist, named after a secret: the error names it.
    let missing = format!(
        "in/gone-{}.log",
        planted_value(&planted, "github in file name")
    );
    for cmd in ["scan", "redact"] {
        let mut args = vec![cmd, "--no-config", &missing];
        if cmd == "redact" {
            args.push("--dry-run");
        }
        let out = run(&dir, &args);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("in/gone-ghp_"),
            "{cmd}: no error for the missing path: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        clean(&planted, &format!("{cmd} of a missing path"), &out);
    }
    let out = run(&dir, &["redact", "--no-config", "-o", "redacted", "in"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a regular file, not copied"),
        "no warning for the link: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    clean(&planted, "redact -o", &out);
    // The copies keep their names; their content holds no secret.
    let content: Vec<Planted> = planted
        .iter()
        .filter(|p| !p.in_name)
        .map(|p| Planted {
            what: p.what,
            value: p.value.clone(),
            in_name: false,
        })
        .collect();
    for entry in walk(&dir.path().join("redacted")) {
        clean_file(&content, "redacted copy", &entry);
    }

    for args in [
        &["rules", "list"][..],
        &["rules", "check"],
        &["config", "init", "c.toml"],
    ] {
        let out = run(&dir, args);
        clean(&planted, &format!("{args:?}"), &out);
    }
    let out = run(&dir, &["config", "check", "c.toml"]);
    clean(&planted, "config check", &out);

    // The progress bar, drawn only on a terminal: run under `script`,
    // which gives the scan a pseudo-terminal and records what it shows.
    if Path::new("/usr/bin/script").exists() {
        let cmd = format!(
            "{} scan --no-config in; echo exit=$?",
            env!("CARGO_BIN_EXE_scour")
        );
        let out = std::process::Command::new("/usr/bin/script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(dir.path())
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        // Exit 2: the cut-short zip is an error.
        assert!(shown.contains("exit=2"), "{shown}");
        assert!(shown.contains(" findings ETA "), "no progress bar: {shown}");
        clean(&planted, "scan on a terminal", &out);
    } else {
        eprintln!("no /usr/bin/script: the terminal run (progress bar) is not checked");
    }

    // With --reveal the secrets are shown: the checks above can fail.
    let out = run(&dir, &["scan", "--no-config", "--reveal", "in"]);
    let shown = leaks(&planted, &out.stdout);
    for what in [
        "bearer",
        "github in zip",
        "github in file name",
        "aws in member name",
    ] {
        assert!(shown.contains(&what), "--reveal hides {what}: {shown:?}");
    }
}

fn planted_value<'p>(planted: &'p [Planted], what: &str) -> &'p str {
    &planted.iter().find(|p| p.what == what).unwrap().value
}
