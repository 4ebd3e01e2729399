//! `scour redact` end to end: on a generated corpus (no planted value left
//! in any spelling, nothing left for a scan to report, HAR still HAR,
//! untouched fields byte-identical, idempotent) and on small inputs for
//! the command's modes and containers.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{scour, walk, Dir};

mod inputs;

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
pub(crate) fn redact(cwd: &Path, args: &[&str], code: i32) -> std::process::Output {
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
/// entries, keys in the same order; every string is the same or holds a
/// marker (directly, percent-encoded, or in a base64 body).
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
