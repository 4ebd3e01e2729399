//! `scour redact` end to end: on a generated corpus (no planted value left
//! in any spelling, nothing left for a scan to report, HAR still HAR,
//! untouched fields byte-identical, idempotent) and on small inputs for
//! the command's modes and containers.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{scour, Dir, Fake};

/// Generates a corpus with its planted values (`gen.py --values`).
fn corpus(dir: &Dir, seed: &str, size: &str) -> (PathBuf, Vec<Value>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("corpus");
    let values = dir.path().join("values.jsonl");
    let gen = Command::new("python3")
        .arg(root.join("corpora/gen.py"))
        .args(["--quiet", "--seed", seed, "--size", size, "--out"])
        .arg(&out)
        .arg("--values")
        .arg(&values)
        .output()
        .expect("python3 is needed to generate the corpus");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    // The ground truth holds hashes only; it is not part of the dump.
    std::fs::remove_file(out.join("ground-truth.jsonl")).unwrap();
    let text = std::fs::read_to_string(values).unwrap();
    let planted = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, planted)
}

/// Every finding of a scan of `path`, secrets revealed.
fn scan(dir: &Path, path: &Path) -> Vec<Value> {
    let out = scour(
        dir,
        &[
            "scan",
            "-q",
            "--reveal",
            "-f",
            "jsonl",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("rule").is_some())
        .collect()
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(root)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(root).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every way the bytes of a file can be read: as they are, and (a few
/// levels deep) decompressed, as archive members, as decoded mail parts,
/// base64 runs decoded, percent-decoded, JSON strings unescaped.
fn views(data: &[u8], depth: u32, out: &mut Vec<Vec<u8>>) {
    out.push(data.to_vec());
    if depth > 4 {
        return;
    }
    if data.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        flate2::read::MultiGzDecoder::new(data)
            .read_to_end(&mut inner)
            .unwrap();
        return views(&inner, depth + 1, out);
    }
    if data.starts_with(b"PK\x03\x04") {
        let mut z = zip::ZipArchive::new(Cursor::new(data)).unwrap();
        for i in 0..z.len() {
            let mut inner = Vec::new();
            z.by_index(i).unwrap().read_to_end(&mut inner).unwrap();
            views(&inner, depth + 1, out);
        }
        return;
    }
    if data.len() > 262 && &data[257..262] == b"ustar" {
        let mut t = tar::Archive::new(data);
        for e in t.entries().unwrap() {
            let mut inner = Vec::new();
            e.unwrap().read_to_end(&mut inner).unwrap();
            views(&inner, depth + 1, out);
        }
        return;
    }
    if scour_mail::looks_like_mbox(data) {
        let mut mbox = scour_mail::Mbox::new(data, usize::MAX);
        while let Some(m) = mbox.next_message() {
            let _ = scour_mail::parts(m.unwrap().data, &mut |p| views(&p.data, depth + 1, out));
        }
    } else if scour_mail::looks_like_eml(data) {
        let _ = scour_mail::parts(data, &mut |p| views(&p.data, depth + 1, out));
    }
    for run in scour_formats::base64_runs(data, 16) {
        if let Some(d) = scour_formats::decode_base64(run) {
            views(&d, depth + 2, out);
        }
    }
    if data.contains(&b'%') {
        out.push(percent_decode(data));
    }
    for line in data.split(|&b| b == b'\n') {
        if let Ok(v) = serde_json::from_slice::<Value>(line) {
            strings(&v, out);
        }
    }
    if let Ok(v) = serde_json::from_slice::<Value>(data) {
        strings(&v, out);
    }
}

fn strings(v: &Value, out: &mut Vec<Vec<u8>>) {
    match v {
        Value::String(s) => {
            out.push(s.as_bytes().to_vec());
            if s.contains('%') {
                out.push(percent_decode(s.as_bytes()));
            }
            for run in scour_formats::base64_runs(s.as_bytes(), 16) {
                if let Some(d) = scour_formats::decode_base64(run) {
                    out.push(d);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn percent_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            data[i],
            data.get(i + 1).copied().and_then(hex),
            data.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Runs `scour redact` and checks its exit status.
fn redact(cwd: &Path, args: &[&str], code: i32) -> std::process::Output {
    let out = scour(cwd, &[&["redact"][..], args].concat(), None);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The whole bar of the issue on one corpus, with and without `--pii`.
#[test]
fn redacted_corpus_keeps_no_planted_value_and_stays_valid() {
    let dir = Dir::new();
    let (src, planted) = corpus(&dir, "5", "1500K");
    let found: HashSet<String> = scan(dir.path(), &src)
        .iter()
        .filter_map(|f| Some((f["secret"].as_str()?.to_string(), f["category"].clone())))
        .map(|(s, _)| s)
        .collect();
    let before = files(&src);
    for pii in [false, true] {
        let out = dir.path().join(if pii { "out-pii" } else { "out" });
        let mut args = vec![src.to_str().unwrap(), "-o", out.to_str().unwrap()];
        if pii {
            args.push("--pii");
        }
        redact(dir.path(), &args, 1);

        // Nothing left for a scan to report.
        let left: Vec<_> = scan(dir.path(), &out)
            .into_iter()
            .filter(|f| pii || f["category"] == "secret")
            .map(|f| format!("{} {} {}", f["path"], f["rule"], f["secret"]))
            .collect();
        assert!(left.is_empty(), "re-scan found {left:#?}");

        // No planted value the scan found, in any spelling, anywhere.
        let after = files(&out);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        let mut all = Vec::new();
        for data in after.values() {
            views(data, 0, &mut all);
        }
        let mut checked = 0;
        for v in &planted {
            let value = v["value"].as_str().unwrap();
            let kind = v["kind"].as_str().unwrap();
            if !found.contains(value) || kind == "decoy" || (kind == "pii" && !pii) {
                continue;
            }
            checked += 1;
            let needle = value.as_bytes();
            let hit = all
                .iter()
                .any(|b| memchr::memmem::find(b, needle).is_some());
            assert!(!hit, "{} {} still in the output", v["class"], v["value"]);
        }
        assert!(checked > 100, "only {checked} planted values checked");

        har_structure_is_kept(&before, &after);

        // Idempotent: redacting the output changes nothing.
        let again = dir.path().join(if pii { "again-pii" } else { "again" });
        let mut args = vec![out.to_str().unwrap(), "-o", again.to_str().unwrap()];
        if pii {
            args.push("--pii");
        }
        redact(dir.path(), &args, 0);
        assert!(
            files(&again) == after,
            "second redaction changed the output"
        );
    }
}

/// Each HAR (plain, gzipped, in an archive) parses as HAR 1.2 with the same
/// entries; every string is the same or holds a marker (directly or in a
/// base64 body); the raw bytes of each changed file outside the changed
/// strings are the same.
fn har_structure_is_kept(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) {
    let mut hars = 0;
    for (path, a) in before {
        let name = path.to_string_lossy();
        if !name.ends_with(".har") && !name.ends_with(".har.gz") {
            continue;
        }
        let x: Value = serde_json::from_slice(&gunzip(a)).unwrap();
        let y: Value = serde_json::from_slice(&gunzip(&after[path])).unwrap();
        assert_eq!(y["log"]["version"], "1.2", "{name}");
        assert_eq!(
            x["log"]["entries"].as_array().unwrap().len(),
            y["log"]["entries"].as_array().unwrap().len(),
            "{name}"
        );
        same_shape(&x, &y, &name);
        hars += 1;
    }
    assert!(hars >= 5, "{hars} HAR files");
}

/// The JSON text of a HAR: gunzipped, without a byte order mark.
fn gunzip(data: &[u8]) -> Vec<u8> {
    if !data.starts_with(&[0x1f, 0x8b]) {
        return data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data).to_vec();
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn same_shape(x: &Value, y: &Value, at: &str) {
    match (x, y) {
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{at}"
            );
            for (k, v) in a {
                same_shape(v, &b[k], &format!("{at}/{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}");
            for (i, (p, q)) in a.iter().zip(b).enumerate() {
                same_shape(p, q, &format!("{at}/{i}"));
            }
        }
        (Value::String(a), Value::String(b)) if a != b => {
            let marked = b.contains("[REDACTED:")
                || b.contains("%5BREDACTED%3A")
                || scour_formats::base64_runs(b.as_bytes(), 16).any(|r| {
                    scour_formats::decode_base64(r)
                        .is_some_and(|d| memchr::memmem::find(&d, b"[REDACTED:").is_some())
                });
            assert!(marked, "{at} changed without a marker: {a:.80} -> {b:.80}");
        }
        _ => assert_eq!(x, y, "{at}"),
    }
}

#[test]
fn har_fields_without_findings_are_byte_identical() {
    let dir = Dir::new();
    let mut fake = Fake::new(7);
    let token = fake.okta();
    let other = format!(
        "00{}",
        fake.chars(
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789",
            40
        )
    );
    let body = base64_std(format!("{{\"note\": \"SSWS {token}\"}}").as_bytes());
    let har = format!(
        "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"x\\u00e9\", \"version\": \"1\"}},\n  \"entries\": [{{\"request\": {{\"method\": \"GET\", \"url\": \"https://a.test/x?y=%2F\",\n \"headers\": [{{\"name\": \"Authorization\", \"value\": \"SSWS {token}\"}}], \"cookies\": []}},\n \"response\": {{\"status\": 200, \"content\": {{\"size\": 1, \"mimeType\": \"application/json\", \"encoding\": \"base64\", \"text\": \"{body}\"}}}}, \"comment\": \"{other}x\"}}]}}}}\n"
    );
    let src = dir.write("c.har", &har);
    let out = redact(dir.path(), &[src.to_str().unwrap()], 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(&token));
    // Everything before the header value, the escapes and the layout included.
    let cut = har.find(&token).unwrap();
    assert_eq!(&text[..cut], &har[..cut]);
    assert!(text[cut..].starts_with("[REDACTED:okta.api-token:"));
    let v: Value = serde_json::from_str(&text).unwrap();
    let body = v["log"]["entries"][0]["response"]["content"]["text"]
        .as_str()
        .unwrap();
    let decoded =
        String::from_utf8(scour_formats::decode_base64(body.as_bytes()).unwrap()).unwrap();
    assert!(
        decoded.starts_with("{\"note\": \"SSWS [REDACTED:okta.api-token:"),
        "{decoded}"
    );
    assert!(body.ends_with('=') == (decoded.len() % 3 != 0));
    let tail = "\"}}, \"comment\": \"";
    assert!(text.contains(tail) && text.ends_with(&format!("{other}x\"}}]}}}}\n")));
}

fn base64_std(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[test]
fn archives_keep_names_order_and_untouched_members() {
    let dir = Dir::new();
    let token = Fake::new(3).okta();
    let secret_member = format!("GET /api Authorization: SSWS {token}\n");
    let quiet_member = "nothing to see here\n".repeat(50);

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in [
        ("../evil.log", &secret_member),
        ("/abs/quiet.txt", &quiet_member),
        ("b/z.log", &secret_member),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    let zip_bytes = zip.finish().unwrap().into_inner();
    dir.write("in/dump.zip", &zip_bytes);

    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("quiet.txt", &quiet_member),
        ("logs/app.log", &secret_member),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o640);
        h.set_cksum();
        tar.append_data(&mut h, name, data.as_bytes()).unwrap();
    }
    let tar_bytes = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar_bytes).unwrap();
    dir.write("in/bundle.tar.gz", gz.finish().unwrap());

    redact(dir.path(), &["in", "-o", "out"], 1);
    assert!(!dir.path().join("evil.log").exists() && !Path::new("/abs/quiet.txt").exists());

    let out = std::fs::read(dir.path().join("out/dump.zip")).unwrap();
    let mut before = zip::ZipArchive::new(Cursor::new(&zip_bytes)).unwrap();
    let mut after = zip::ZipArchive::new(Cursor::new(&out)).unwrap();
    let names: Vec<_> = after.file_names().map(str::to_string).collect();
    assert_eq!(
        names,
        before.file_names().map(str::to_string).collect::<Vec<_>>()
    );
    for (i, name) in names.iter().enumerate() {
        let mut raw_a = Vec::new();
        let mut raw_b = Vec::new();
        before
            .by_index_raw(i)
            .unwrap()
            .read_to_end(&mut raw_a)
            .unwrap();
        after
            .by_index_raw(i)
            .unwrap()
            .read_to_end(&mut raw_b)
            .unwrap();
        let mut text = String::new();
        after
            .by_index(i)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        if name == "/abs/quiet.txt" {
            assert_eq!(raw_a, raw_b, "untouched member copied raw");
        } else {
            assert!(
                text.starts_with("GET /api Authorization: SSWS [REDACTED:okta.api-token:"),
                "{text}"
            );
        }
    }

    let out = std::fs::read(dir.path().join("out/bundle.tar.gz")).unwrap();
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&out[..])
        .read_to_end(&mut plain)
        .unwrap();
    let mut t = tar::Archive::new(&plain[..]);
    let members: Vec<(String, u32, String)> = t
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            (
                e.path().unwrap().display().to_string(),
                e.header().mode().unwrap(),
                s,
            )
        })
        .collect();
    assert_eq!(
        members[0],
        ("quiet.txt".into(), 0o640, quiet_member.clone())
    );
    assert_eq!(members[1].0, "logs/app.log");
    assert!(!members[1].2.contains(&token) && members[1].2.contains("[REDACTED:okta.api-token:"));
    // The untouched member's header and data are the same bytes.
    assert_eq!(plain[..512 + 1024], tar_bytes[..512 + 1024]);
}

#[test]
fn mail_parts_are_re_encoded_with_their_transfer_encoding() {
    let dir = Dir::new();
    let token = Fake::new(5).okta();
    let b64 = base64_std(
        format!("curl -H 'Authorization: SSWS {token}' https://a.test\n")
            .repeat(3)
            .as_bytes(),
    );
    let wrapped: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let qp_line = format!(
        "Authorization: SSWS {token} and a long line that goes on and on to be=\r\n soft-broken"
    );
    let mail = format!(
        "From: a@b.test\r\nTo: c@d.test\r\nSubject: logs\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{qp_line}\r\n--zz\r\nContent-Type: text/plain; name=curl.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--zz--\r\n",
        wrapped.join("\r\n")
    );
    let src = dir.write("case.eml", &mail);
    let out = redact(dir.path(), &[src.to_str().unwrap()], 1);
    let mut parts = Vec::new();
    scour_mail::parts(&out.stdout, &mut |p| {
        parts.push((p.name, p.decoders, p.data.into_owned()))
    })
    .unwrap();
    assert_eq!(parts.len(), 3);
    let qp = String::from_utf8(parts[1].2.clone()).unwrap();
    assert_eq!(parts[1].1, ["quoted-printable"]);
    assert!(
        qp.starts_with("Authorization: SSWS [REDACTED:okta.api-token:"),
        "{qp}"
    );
    assert!(qp.ends_with("to be soft-broken"), "{qp}");
    let att = String::from_utf8(parts[2].2.clone()).unwrap();
    assert_eq!(parts[2].1, ["base64"]);
    assert_eq!(att.matches("[REDACTED:okta.api-token:").count(), 3, "{att}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(&token));
    // Base64 lines keep their width and line ends.
    let body = &text[text.find("base64\r\n\r\n").unwrap() + 10..text.find("\r\n--zz--").unwrap()];
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert!(
        lines[..lines.len() - 1].iter().all(|l| l.len() == 76),
        "{body}"
    );
    assert!(text.starts_with("From: a@b.test\r\nTo: c@d.test\r\n"));
}

#[test]
fn in_place_dry_run_and_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    let token = Fake::new(9).okta();
    let log = dir.write("a.log", format!("x SSWS {token}\n"));
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o600)).unwrap();
    dir.write("clean.log", "nothing\n");

    // --dry-run lists and writes nothing.
    let out = redact(dir.path(), &["--dry-run", "a.log", "clean.log"], 1);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.starts_with("a.log\tline 1\t[REDACTED:okta.api-token:"),
        "{listing}"
    );
    assert!(!listing.contains(&token));
    assert!(std::fs::read_to_string(&log).unwrap().contains(&token));

    // A missing input and a damaged zip are errors naming the file; the
    // other inputs are still written.
    dir.write("bad.zip", b"PK\x03\x04 not really a zip");
    let out = redact(
        dir.path(),
        &["a.log", "missing.log", "bad.zip", "clean.log", "-o", "out"],
        2,
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("missing.log") && err.contains("bad.zip"),
        "{err}"
    );
    assert!(!dir.path().join("out/bad.zip").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/clean.log")).unwrap(),
        "nothing\n"
    );
    assert!(!std::fs::read_to_string(dir.path().join("out/a.log"))
        .unwrap()
        .contains(&token));

    // --in-place keeps the permissions and leaves no temporary file.
    redact(dir.path(), &["--in-place", "a.log"], 1);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("x SSWS [REDACTED:okta.api-token:") && !text.contains(&token));
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: HashSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");

    // JWTs keep header and payload unless --jwt full.
    let jwt = format!(
        "{}.{}.{}",
        base64_url(br#"{"alg":"HS256","typ":"JWT"}"#),
        base64_url(br#"{"sub":"u1","iat":1700000000}"#),
        Fake::new(2).chars(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            43
        )
    );
    let input = format!("Authorization: Bearer {jwt}\n");
    let kept = scour(dir.path(), &["redact", "-"], Some(input.as_bytes()));
    let kept = String::from_utf8(kept.stdout).unwrap();
    let (head, _) = jwt.rsplit_once('.').unwrap();
    assert!(
        kept.starts_with(&format!("Authorization: Bearer {head}.[REDACTED:")),
        "{kept}"
    );
    let full = scour(
        dir.path(),
        &["redact", "--jwt", "full", "-"],
        Some(input.as_bytes()),
    );
    let full = String::from_utf8(full.stdout).unwrap();
    assert!(
        full.starts_with("Authorization: Bearer [REDACTED:") && !full.contains(head),
        "{full}"
    );
}

fn base64_url(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}
