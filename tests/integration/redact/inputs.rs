//! `scour redact` on small hand-made inputs: byte identity in a HAR,
//! archives, mail transfer encodings, the command's modes and errors.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use serde_json::Value;

use super::redact;
use crate::util::{scour, Dir, Fake};

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

#[test]
fn scour_toml_rules_and_allowlists_apply_as_in_scan() {
    let dir = Dir::new();
    let mut fake = Fake::new(21);
    let (kept, gone, aws) = (fake.okta(), fake.okta(), fake.aws_key_id());
    dir.write(
        "scour.toml",
        format!(
            "[rules]\ndisable = [\"aws.access-key-id\"]\n[allowlist]\nsecrets = [\"^{}$\"]\n",
            &kept
        ),
    );
    let src = dir.write(
        "t.log",
        format!("SSWS {kept}\nSSWS {gone}\naws_access_key_id = {aws}\n"),
    );
    let out = redact(dir.path(), &[src.to_str().unwrap()], 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&kept), "allowlisted secret kept: {text}");
    assert!(text.contains(&aws), "disabled rule: {text}");
    assert!(!text.contains(&gone), "{text}");
    // Without the configuration all three go.
    let out = redact(dir.path(), &["--no-config", src.to_str().unwrap()], 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        ![&kept, &gone, &aws]
            .iter()
            .any(|s| text.contains(s.as_str())),
        "{text}"
    );
}

/// A Latin-1 password in a log, and the same log saved as UTF-16: the
/// secret's bytes are not UTF-8, or not the UTF-8 the scanner reports
/// (found by the `redact` fuzz target). Both must be removed, and a
/// re-scan must find nothing.
#[test]
fn secrets_that_are_not_utf8_or_not_stored_as_utf8_are_redacted() {
    let dir = Dir::new();
    let mut latin1 = b"2024-03-01 login user=jdoe db_password=M\xfcller#2024x9 ok\n".to_vec();
    latin1.extend_from_slice(b"retry db_password=M\xfcller#2024x9\n");
    let src = dir.write("latin1.log", &latin1);
    let out = redact(dir.path(), &[src.to_str().unwrap()], 1);
    assert!(
        memchr::memmem::find(&out.stdout, b"M\xfcller#2024x9").is_none(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        memchr::memmem::find_iter(&out.stdout, b"[REDACTED:").count(),
        2
    );

    let text = format!("Authorization: SSWS {}\r\n", Fake::new(11).okta());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let src = dir.write("notes.txt", &utf16);
    let out = redact(dir.path(), &[src.to_str().unwrap()], 1);
    let back: Vec<u16> = out.stdout[2..]
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let back = String::from_utf16(&back).unwrap();
    assert!(
        back.starts_with("Authorization: SSWS [REDACTED:okta.api-token:"),
        "{back}"
    );
    let clean = dir.write("clean.txt", &out.stdout);
    let rescan = scour(
        dir.path(),
        &["scan", "-f", "json", clean.to_str().unwrap()],
        None,
    );
    assert_eq!(
        rescan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rescan.stdout)
    );
}
