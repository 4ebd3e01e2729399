//! Hostile inputs (issue 7): archive bombs, path traversal in tar names,
//! symlink loops, absurdly deep JSON, huge single lines, bad encodings,
//! truncated containers, a mailbox of 100,000 messages and empty files.
//!
//! Every case runs the real binary with a hang guard (killed and failed
//! after a generous limit) and measures its peak resident memory with
//! `wait4`, then checks the documented outcome: exit code, the error or
//! skip reason naming the input, no panic, and the planted fake tokens
//! found wherever the input is readable. Inputs are generated into a
//! temporary directory at test time, streamed through fixed-size buffers.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Dir, Fake};

mod forge;

use forge::{deflate_part, gzip_of, tar_of, zip_of, DeflateBomb, RawZip};

/// Peak resident memory allowed to one run: a bound against blow-ups (the
/// inputs here expand to many GiB), not a target.
const MAX_RSS: u64 = 1 << 30;

/// How one run of the binary went.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    peak_rss: u64,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\nstderr: {}",
                String::from_utf8_lossy(&self.stdout),
                self.stderr
            )
        })
    }
}

/// Runs `scour args` in `cwd`; kills it and fails after `limit`. Checks
/// what every hostile case must satisfy: an exit code of 0, 1 or 2 (not a
/// signal, not a crash), no panic, peak RSS under [`MAX_RSS`].
fn run(cwd: &Path, args: &[&str], limit: Duration) -> Run {
    let mut out = tempfile::tempfile().unwrap();
    let mut err = tempfile::tempfile().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_scour"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain old data; all zeroes is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our child, not reaped yet (only this loop reaps
        // it); both pointers are valid for writes for the call.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        let e = io::Error::last_os_error();
        assert!(
            r == 0 || e.kind() == io::ErrorKind::Interrupted,
            "wait4: {e}"
        );
        if started.elapsed() > limit {
            // SAFETY: the child is not reaped, so `pid` still names it.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("scour {args:?} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    drop(child);
    let (mut stdout, mut stderr) = (Vec::new(), String::new());
    out.rewind().unwrap();
    out.read_to_end(&mut stdout).unwrap();
    err.rewind().unwrap();
    let mut raw = Vec::new();
    err.read_to_end(&mut raw).unwrap();
    stderr.push_str(&String::from_utf8_lossy(&raw));
    assert!(
        libc::WIFEXITED(status),
        "scour {args:?} killed by signal {}; stderr: {stderr}",
        libc::WTERMSIG(status)
    );
    let code = libc::WEXITSTATUS(status);
    // Linux reports ru_maxrss in KiB.
    let peak_rss = usage.ru_maxrss as u64 * 1024;
    eprintln!(
        "hostile: scour {:?}: exit {code}, peak RSS {} MiB, {:.1} s",
        &args[..args.len().min(8)],
        peak_rss >> 20,
        elapsed.as_secs_f64()
    );
    assert!(!stderr.contains("panicked"), "scour {args:?}: {stderr}");
    assert!(code <= 2, "scour {args:?}: exit {code}; stderr: {stderr}");
    assert!(
        peak_rss < MAX_RSS,
        "scour {args:?}: peak RSS {} MiB",
        peak_rss >> 20
    );
    Run {
        code,
        stdout,
        stderr,
        peak_rss,
    }
}

/// `scour scan` of `paths` in `cwd`, every occurrence its own finding,
/// secrets revealed, as JSON.
fn scan(cwd: &Path, paths: &[&str], limit: Duration) -> (Run, Value) {
    let mut args = vec![
        "scan",
        "-f",
        "json",
        "--reveal",
        "--no-dedup",
        "--no-progress",
    ];
    args.extend_from_slice(paths);
    let r = run(cwd, &args, limit);
    let v = r.json();
    eprintln!("hostile: summary {}", v["summary"]);
    (r, v)
}

/// (path, secret) of every finding.
fn found(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asserts that `secret` was found in `path`.
fn assert_found(v: &Value, path: &str, secret: &str) {
    let f = found(v);
    assert!(
        f.iter().any(|(p, s)| p == path && s == secret),
        "{secret} not found in {path}; found {f:?}\nsummary: {}",
        v["summary"]
    );
}

/// How many inputs the summary counts as skipped for `reason`.
fn skipped(v: &Value, reason: &str) -> u64 {
    v["summary"]["skipped"][reason].as_u64().unwrap_or(0)
}

/// The messages of the summary's errors (or warnings) about `path`.
fn messages(v: &Value, kind: &str, path: &str) -> Vec<String> {
    v["summary"][kind]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == path)
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

/// A small text file with one token, scanned next to each hostile input:
/// the scan must go on and still find it.
fn control(dir: &Dir, fake: &mut Fake) -> String {
    let token = fake.okta();
    dir.write("control.log", format!("Authorization: SSWS {token}\n"));
    token
}

/// A fake GitHub classic token with a valid CRC32 checksum (the rule
/// verifies it), as `corpora/gen.py` makes them.
fn github(fake: &mut Fake) -> String {
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let body = fake.chars(std::str::from_utf8(B62).unwrap(), 30);
    let mut n = crc32fast::hash(body.as_bytes());
    let mut sum = [b'0'; 6];
    for c in sum.iter_mut().rev() {
        *c = B62[(n % 62) as usize];
        n /= 62;
    }
    format!("ghp_{body}{}", std::str::from_utf8(&sum).unwrap())
}

/// Writes `pattern` repeatedly until `len` bytes are written.
fn repeat(w: &mut impl Write, pattern: &[u8], len: u64) {
    let mut buf = Vec::with_capacity(1 << 20);
    while buf.len() + pattern.len() <= 1 << 20 {
        buf.extend_from_slice(pattern);
    }
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        w.write_all(&buf[..n]).unwrap();
        left -= n as u64;
    }
}

/// 18 GiB of zeros and spaces in 18 MiB: deflate at its best ratio,
/// nested two zips deep. The ratio limit cuts members off after 1 MiB;
/// nothing is extracted, memory stays flat, the control file is scanned.
#[test]
fn zip_bomb_high_ratio() {
    let dir = Dir::new();
    let mut fake = Fake::new(71);
    let token = control(&dir, &mut fake);
    let early = fake.okta();
    let zeros = DeflateBomb::new(b"", 0, 2048);
    let spaces = DeflateBomb::new(b"", b' ', 2048);
    let head = format!("Authorization: SSWS {early}\n");
    let after_token = DeflateBomb::new(head.as_bytes(), b' ', 2047);
    let mut inner = RawZip::new(Vec::new());
    for (name, bomb) in [
        ("zeros.bin", &zeros),
        ("spaces.txt", &spaces),
        ("token-then-spaces.log", &after_token),
    ] {
        let csize = bomb.compressed_len();
        inner.member(name, 8, bomb.crc, bomb.size(), csize, |w| bomb.write(w));
    }
    let inner = inner.finish();
    let level2 = zip_of(&[("a.zip", &inner), ("b.zip", &inner), ("c.zip", &inner)]);
    let mut outer = RawZip::new(BufWriter::new(
        File::create(dir.path().join("bomb.zip")).unwrap(),
    ));
    outer.stored("level2.zip", &level2);
    outer.stored("flat.zip", &inner);
    outer.finish();

    let (r, v) = scan(
        dir.path(),
        &["bomb.zip", "control.log"],
        Duration::from_secs(120),
    );
    assert_eq!(r.code, 1, "{}", v["summary"]);
    assert_found(&v, "control.log", &token);
    assert!(
        v["summary"]["errors"].as_array().unwrap().is_empty(),
        "{}",
        v["summary"]
    );
    // Spaces are text, so they are inflated until the ratio check; zeros
    // look binary from their first bytes and are skipped as such.
    let cut = skipped(&v, "archive: compression ratio too high")
        + skipped(&v, "archive: total expanded size too large")
        + skipped(&v, "archive: member too large");
    assert!(cut >= 1, "{}", v["summary"]);
    assert!(skipped(&v, "binary") >= 1, "{}", v["summary"]);
    // What came before the cut is scanned.
    assert_found(&v, "bomb.zip!flat.zip!token-then-spaces.log", &early);
}

/// A zip holding a 400 MiB zip, deflated at about 70:1 (under the ratio
/// limit, under the 1 GiB member limit): a nested zip needs random access,
/// but is not held in memory whole to get it (it was, up to 1 GiB per level
/// and thread). A token at its far end shows it was read through.
#[test]
fn nested_zip_of_400_mib_is_not_held_in_memory() {
    const MIB: u64 = 400;
    let dir = Dir::new();
    let mut fake = Fake::new(82);
    let token = fake.okta();
    // 4 KiB of punctuation (no keyword, no base64, still text) repeated:
    // deflate's matches reach back 4 KiB, so the ratio stays moderate.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let alphabet = b"!#$&()*+,-./:;<=>?@[]^_{|}~ ";
    let period: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize]
        })
        .collect();
    let block = period.repeat(256);
    let tail = format!("\nAuthorization: SSWS {token}\n");
    let size = MIB * block.len() as u64 + tail.len() as u64;
    let mut crc = crc32fast::Hasher::new();
    let mut one = crc32fast::Hasher::new();
    one.update(&block);
    for _ in 0..MIB {
        crc.combine(&one);
    }
    crc.update(tail.as_bytes());
    // The inner zip, as bytes: header, MIB blocks, then the tail and the
    // central directory.
    let mut head = RawZip::new(Vec::new());
    let mut header = Vec::new();
    head.member("big.log", 0, crc.finalize(), size, size, |w| {
        header = std::mem::take(w);
    });
    let mut trailer = tail.clone().into_bytes();
    trailer.extend_from_slice(&head.finish());
    // Outer member: each part deflated on its own up to a full flush (so
    // the parts are independent) and the block's part repeated.
    let deflate = |data: &[u8]| deflate_part(data, flate2::Compression::fast());
    let (h, b, t) = (deflate(&header), deflate(&block), deflate(&trailer));
    let inner_len = header.len() as u64 + MIB * block.len() as u64 + trailer.len() as u64;
    let mut inner_crc = crc32fast::Hasher::new();
    inner_crc.update(&header);
    for _ in 0..MIB {
        inner_crc.combine(&one);
    }
    inner_crc.update(&trailer);
    let csize = (h.len() + t.len() + 2) as u64 + MIB * b.len() as u64;
    let mut outer = RawZip::new(BufWriter::new(
        File::create(dir.path().join("outer.zip")).unwrap(),
    ));
    outer.member(
        "inner.zip",
        8,
        inner_crc.finalize(),
        inner_len,
        csize,
        |w| {
            w.write_all(&h).unwrap();
            for _ in 0..MIB {
                w.write_all(&b).unwrap();
            }
            w.write_all(&t).unwrap();
            w.write_all(&DeflateBomb::END).unwrap();
        },
    );
    outer.finish();

    let (r, v) = scan(dir.path(), &["outer.zip"], Duration::from_secs(240));
    assert_eq!(r.code, 1, "{}", v["summary"]);
    assert_found(&v, "outer.zip!inner.zip!big.log", &token);
    assert!(r.peak_rss < MIB << 20, "peak RSS {} MiB", r.peak_rss >> 20);
}

/// Zip in zip, twelve deep, a token at every level: the levels within
/// `--max-archive-depth` (3) are scanned, the next one is counted as
/// skipped, and nothing deeper is opened. Also gzip in tar in zip.
#[test]
fn zip_nested_beyond_the_depth_limit() {
    let dir = Dir::new();
    let mut fake = Fake::new(72);
    let token = control(&dir, &mut fake);
    let tokens: Vec<String> = (0..12).map(|_| fake.aws_key_id()).collect();
    let mut z = zip_of(&[(
        "k11.log",
        format!("aws_access_key_id = {}\n", tokens[11]).as_bytes(),
    )]);
    for level in (0..11).rev() {
        let text = format!("aws_access_key_id = {}\n", tokens[level]);
        let name = format!("l{}.zip", level + 1);
        z = zip_of(&[(&format!("k{level}.log"), text.as_bytes()), (&name, &z)]);
    }
    dir.write("deep.zip", &z);
    let gh = github(&mut fake);
    let log = format!("token: {gh}\n");
    let tar = tar_of(&[("logs/app.log.gz", &gzip_of(log.as_bytes()))]);
    dir.write("mix.zip", zip_of(&[("dump.tar", &tar)]));

    let (r, v) = scan(
        dir.path(),
        &["deep.zip", "mix.zip", "control.log"],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_found(&v, "control.log", &token);
    assert_found(&v, "deep.zip!k0.log", &tokens[0]);
    assert_found(&v, "deep.zip!l1.zip!k1.log", &tokens[1]);
    assert_found(&v, "deep.zip!l1.zip!l2.zip!k2.log", &tokens[2]);
    for t in &tokens[3..] {
        assert!(!found(&v).iter().any(|(_, s)| s == t), "{t} is too deep");
    }
    assert_eq!(
        skipped(&v, "archive: nested deeper than --max-archive-depth"),
        1,
        "{}",
        v["summary"]
    );
    assert_found(&v, "mix.zip!dump.tar!logs/app.log.gz", &gh);
}

/// Tar members named `../x.log` and `/abs/x.log` are read in place: their
/// findings carry the archive path, and neither scan nor redact writes
/// anything outside the output.
#[test]
fn tar_member_names_escaping_the_archive() {
    let dir = Dir::new();
    let mut fake = Fake::new(73);
    let (up, abs) = (fake.okta(), fake.okta());
    let up_text = format!("Authorization: SSWS {up}\n");
    let abs_text = format!("Authorization: SSWS {abs}\n");
    let tar = tar_of(&[
        ("../x.log", up_text.as_bytes()),
        ("/tmp/scour-hostile-abs/x.log", abs_text.as_bytes()),
        ("../../y.log", b"nothing here\n"),
    ]);
    let work = dir.path().join("a/b/work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("t.tar"), &tar).unwrap();
    std::fs::write(work.join("t.tar.gz"), gzip_of(&tar)).unwrap();
    let before = listing(dir.path());

    let (r, v) = scan(&work, &["t.tar", "t.tar.gz"], Duration::from_secs(60));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_found(&v, "t.tar!../x.log", &up);
    assert_found(&v, "t.tar!/tmp/scour-hostile-abs/x.log", &abs);
    assert_found(&v, "t.tar.gz!../x.log", &up);
    assert_found(&v, "t.tar.gz!/tmp/scour-hostile-abs/x.log", &abs);

    for input in ["t.tar", "t.tar.gz"] {
        let out = format!("clean-{input}");
        let r = run(
            &work,
            &["redact", input, "-o", &out],
            Duration::from_secs(60),
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        let mut data = std::fs::read(work.join(&out)).unwrap();
        if input.ends_with(".gz") {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&data[..])
                .read_to_end(&mut plain)
                .unwrap();
            data = plain;
        }
        assert_eq!(data.len(), tar.len());
        assert!(memchr::memmem::find(&data, b"../x.log").is_some());
        assert!(memchr::memmem::find(&data, up.as_bytes()).is_none());
        assert!(memchr::memmem::find(&data, abs.as_bytes()).is_none());
        assert_eq!(memchr::memmem::find_iter(&data, b"[REDACTED:").count(), 2);
    }
    let mut after = listing(dir.path());
    after.retain(|p| !p.ends_with("clean-t.tar") && !p.ends_with("clean-t.tar.gz"));
    assert_eq!(after, before, "files appeared outside the outputs");
    assert!(!Path::new("/tmp/scour-hostile-abs").exists());
}

/// Every path under `root`, sorted.
fn listing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            out.push(e.path().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// Links inside a tree are not followed (`a/loop -> ..`, `self -> self`,
/// a two-link cycle): each is counted as a skipped symlink and the files
/// are scanned once. A looping link named on the command line is an error
/// naming it, and the scan goes on.
#[test]
fn symlink_loops() {
    let dir = Dir::new();
    let mut fake = Fake::new(74);
    let token = fake.okta();
    dir.write("tree/a/app.log", format!("Authorization: SSWS {token}\n"));
    let tree = dir.path().join("tree");
    std::os::unix::fs::symlink("..", tree.join("a/loop")).unwrap();
    std::os::unix::fs::symlink("self", tree.join("self")).unwrap();
    std::os::unix::fs::symlink("c", tree.join("b")).unwrap();
    std::os::unix::fs::symlink("b", tree.join("c")).unwrap();

    let (r, v) = scan(dir.path(), &["tree", "tree/self"], Duration::from_secs(60));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let f = found(&v);
    assert_eq!(f, vec![("tree/a/app.log".to_string(), token)]);
    assert_eq!(skipped(&v, "symlink"), 4, "{}", v["summary"]);
    let errors = messages(&v, "errors", "tree/self");
    assert_eq!(errors.len(), 1, "{}", v["summary"]);
    assert!(errors[0].contains("symbolic links"), "{}", v["summary"]);
}

/// JSON nested 100,000 levels deep, as arrays and as objects, as .json,
/// .har and a JSON Lines record: no stack overflow, a warning naming the
/// file, and the tokens inside still found (as text).
#[test]
fn json_nested_100k_deep() {
    const DEPTH: usize = 100_000;
    let dir = Dir::new();
    let mut fake = Fake::new(75);
    let control = control(&dir, &mut fake);
    let (a, o, l) = (github(&mut fake), fake.okta(), fake.okta());
    let mut arrays = "[".repeat(DEPTH);
    arrays.push_str(&format!("\"{a}\""));
    arrays.push_str(&"]".repeat(DEPTH));
    let mut objects = "{\"a\":".repeat(DEPTH);
    objects.push_str(&format!("{{\"authorization\":\"SSWS {o}\"}}"));
    objects.push_str(&"}".repeat(DEPTH));
    dir.write("arrays.json", &arrays);
    dir.write("objects.json", &objects);
    dir.write("objects.har", &objects);
    let lines = format!("{{\"n\":1}}\n{arrays}\n{objects}\n{{\"authorization\":\"SSWS {l}\"}}\n");
    dir.write("records.jsonl", &lines);

    let inputs = [
        "arrays.json",
        "objects.json",
        "objects.har",
        "records.jsonl",
        "control.log",
    ];
    let (r, v) = scan(dir.path(), &inputs, Duration::from_secs(120));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        v["summary"]["errors"].as_array().unwrap().is_empty(),
        "{}",
        v["summary"]
    );
    assert_found(&v, "control.log", &control);
    assert_found(&v, "arrays.json", &a);
    assert_found(&v, "objects.json", &o);
    assert_found(&v, "objects.har", &o);
    assert_found(&v, "records.jsonl", &a);
    assert_found(&v, "records.jsonl", &o);
    assert_found(&v, "records.jsonl", &l);
    for name in ["arrays.json", "objects.json", "objects.har"] {
        assert!(
            !messages(&v, "warnings", name).is_empty(),
            "no warning for {name}: {}",
            v["summary"]
        );
    }

    let r = run(
        dir.path(),
        &["redact", "objects.har", "-o", "clean.har"],
        Duration::from_secs(120),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let clean = std::fs::read(dir.path().join("clean.har")).unwrap();
    assert!(memchr::memmem::find(&clean, o.as_bytes()).is_none());
    assert_eq!(
        clean.len(),
        objects.len() - o.len() + "[REDACTED:okta.api-token:12345678]".len()
    );
}

/// One 300 MiB line without a newline, tokens at its start, middle and
/// end: read in bounded chunks, all three found.
#[test]
fn one_line_of_300_mib() {
    const LEN: u64 = 300 << 20;
    let dir = Dir::new();
    let mut fake = Fake::new(76);
    let t: Vec<String> = (0..3).map(|_| fake.okta()).collect();
    let mut w = BufWriter::new(File::create(dir.path().join("line.log")).unwrap());
    let filler = b"the quick brown fox jumps over the lazy dog ";
    write!(w, "Authorization: SSWS {} ", t[0]).unwrap();
    repeat(&mut w, filler, LEN / 2);
    write!(w, " Authorization: SSWS {} ", t[1]).unwrap();
    repeat(&mut w, filler, LEN / 2);
    write!(w, " Authorization: SSWS {}", t[2]).unwrap();
    w.flush().unwrap();
    drop(w);

    let (r, v) = scan(dir.path(), &["line.log"], Duration::from_secs(240));
    assert_eq!(r.code, 1, "{}", r.stderr);
    for t in &t {
        assert_found(&v, "line.log", t);
    }
    assert_eq!(found(&v).len(), 3, "{:?}", found(&v));
    assert!(v["summary"]["bytes_scanned"].as_u64().unwrap() > LEN);

    // Redaction streams it too, though there is no line break to cut at.
    let r = run(
        dir.path(),
        &["redact", "line.log", "-o", "clean.log"],
        Duration::from_secs(240),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let clean = dir.path().join("clean.log");
    assert_eq!(count_in(&clean, b"[REDACTED:okta.api-token:"), 3);
    for t in &t {
        assert_eq!(count_in(&clean, t.as_bytes()), 0);
    }
}

/// Occurrences of `needle` in the file at `path`, read in bounded chunks.
fn count_in(path: &Path, needle: &[u8]) -> usize {
    let mut f = File::open(path).unwrap();
    let mut buf = vec![0u8; 8 << 20];
    let (mut kept, mut count) = (0, 0);
    loop {
        let n = f.read(&mut buf[kept..]).unwrap();
        let end = kept + n;
        // The carried-over tail is too short to hold a whole match, so
        // every match here is new.
        count += memchr::memmem::find_iter(&buf[..end], needle).count();
        if n == 0 {
            return count;
        }
        let keep = (needle.len() - 1).min(end);
        buf.copy_within(end - keep..end, 0);
        kept = keep;
    }
}

/// A 100 MiB line of base64 (a log encoded whole, a token inside) followed
/// by a token in the clear: both found, the encoded one with its decoder.
#[test]
fn base64_line_of_100_mib() {
    use base64::Engine as _;
    const LEN: u64 = 100 << 20;
    let dir = Dir::new();
    let mut fake = Fake::new(77);
    let (inside, late, end) = (fake.okta(), fake.okta(), fake.okta());
    let mut w = BufWriter::new(File::create(dir.path().join("b64.log")).unwrap());
    // The run starts at an offset that is not a multiple of 4.
    w.write_all(b"data: ").unwrap();
    // Encoded in 3-byte-aligned pieces, so the pieces concatenate into one
    // valid base64 run.
    let b64 = base64::engine::general_purpose::STANDARD;
    let filler = b"the quick brown fox jumps over the lazy dog. ".repeat(3 * 1000);
    let put = |w: &mut BufWriter<File>, plain: &[u8]| {
        assert_eq!(plain.len() % 3, 0);
        w.write_all(b64.encode(plain).as_bytes()).unwrap();
    };
    let text = |s: String| {
        let mut b = s.into_bytes();
        while b.len() % 3 != 0 {
            b.push(b' ');
        }
        b
    };
    let first = text(format!("Authorization: SSWS {inside}\n"));
    let last = text(format!("\nAuthorization: SSWS {late}\n"));
    let pieces = (LEN * 3 / 4) / filler.len() as u64;
    for i in 0..pieces {
        if i == pieces / 3 {
            put(&mut w, &first);
        }
        put(&mut w, &filler);
    }
    put(&mut w, &last);
    write!(w, " Authorization: SSWS {end}").unwrap();
    w.flush().unwrap();
    drop(w);

    let (r, v) = scan(dir.path(), &["b64.log"], Duration::from_secs(240));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_found(&v, "b64.log", &inside);
    assert_found(&v, "b64.log", &late);
    assert_found(&v, "b64.log", &end);
}

/// Invalid UTF-8 around tokens does not hide them; UTF-16 with a BOM (LE
/// and BE) is transcoded, and its places name the transcoding.
#[test]
fn bad_and_wide_encodings() {
    let dir = Dir::new();
    let mut fake = Fake::new(78);
    let (bad, le, be, key) = (fake.okta(), fake.okta(), fake.okta(), fake.aws_key_id());
    let mut invalid =
        b"2024-01-01 GET /x \xff\xfe\xc0\xaf overlong \xed\xa0\x80 surrogate\n".to_vec();
    invalid.extend_from_slice(format!("\x7fAuthorization: SSWS {bad}").as_bytes());
    invalid.extend_from_slice(b"\xc3\n");
    invalid.extend_from_slice(b"\xf8\x88\x80\x80\x80 five-byte form\n");
    invalid.extend_from_slice(format!("aws_access_key_id = {key}").as_bytes());
    invalid.extend_from_slice(b"\xe2\x82\n");
    dir.write("invalid.log", &invalid);
    let wide = |t: &str, big: bool| -> Vec<u8> {
        let text = format!("line one\r\nAuthorization: SSWS {t}\r\n");
        let mut out = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            out.extend_from_slice(&if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    };
    dir.write("utf16le.log", wide(&le, false));
    dir.write("utf16be.log", wide(&be, true));

    let (r, v) = scan(
        dir.path(),
        &["invalid.log", "utf16le.log", "utf16be.log"],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_found(&v, "invalid.log", &bad);
    assert_found(&v, "invalid.log", &key);
    assert_found(&v, "utf16le.log", &le);
    assert_found(&v, "utf16be.log", &be);
    // Offsets are into the transcoded text, and each place says so.
    for (secret, decoder) in [(&le, "utf-16le"), (&be, "utf-16be")] {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["secret"] == secret.as_str())
            .unwrap();
        assert_eq!(f["decoders"][0], decoder, "{f}");
    }
}

/// A 1 GiB file of NULs (sparse, so free to make) is binary: counted as
/// skipped after its first bytes, not read through.
#[test]
fn nul_filled_file() {
    let dir = Dir::new();
    let mut fake = Fake::new(79);
    let token = control(&dir, &mut fake);
    File::create(dir.path().join("nul.bin"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    File::create(dir.path().join("nul.log"))
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let (r, v) = scan(
        dir.path(),
        &["nul.bin", "nul.log", "control.log"],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_found(&v, "control.log", &token);
    assert_eq!(skipped(&v, "binary"), 2, "{}", v["summary"]);
}

/// Truncated gzip, tar and zip: an error naming each file (exit 2), what
/// came before the cut still scanned and reported, the other inputs too;
/// redact writes none of them.
#[test]
fn truncated_containers() {
    let dir = Dir::new();
    let mut fake = Fake::new(80);
    let token = control(&dir, &mut fake);
    let (g, t, z) = (fake.okta(), fake.okta(), fake.okta());
    let mut log = format!("Authorization: SSWS {g}\n").into_bytes();
    let mut n = 0u64;
    while log.len() < 256 << 10 {
        // Varied lines so the gzip is not tiny.
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        log.extend_from_slice(format!("GET /item/{n:x} 200\n").as_bytes());
    }
    let gz = gzip_of(&log);
    dir.write("cut.log.gz", &gz[..gz.len() / 2]);
    let first = format!("Authorization: SSWS {t}\n");
    let tar = tar_of(&[("a.log", first.as_bytes()), ("b.log", &log)]);
    dir.write("cut.tar", &tar[..tar.len() / 2]);
    let first = format!("Authorization: SSWS {z}\n");
    let zip = zip_of(&[("a.log", first.as_bytes()), ("b.log", &log)]);
    dir.write("cut.zip", &zip[..zip.len() * 3 / 4]);

    let inputs = ["cut.log.gz", "cut.tar", "cut.zip", "control.log"];
    let (r, v) = scan(dir.path(), &inputs, Duration::from_secs(60));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_found(&v, "control.log", &token);
    assert_found(&v, "cut.log.gz", &g);
    assert_found(&v, "cut.tar!a.log", &t);
    assert_found(&v, "cut.zip!a.log", &z);
    for name in ["cut.log.gz", "cut.tar", "cut.zip"] {
        let errors: Vec<String> = v["summary"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["path"].as_str().unwrap().starts_with(name))
            .map(|e| e["message"].to_string())
            .collect();
        let skips = v["summary"]["skipped"]["archive: member corrupt"].as_u64();
        assert!(
            !errors.is_empty() || (name == "cut.zip" && skips.is_some()),
            "no error for {name}: {}",
            v["summary"]
        );
    }
    // One error per damage: the gzip layer is not reported twice.
    assert_eq!(
        messages(&v, "errors", "cut.log.gz"),
        vec!["archive: truncated: incomplete deflate stream".to_string()]
    );

    let out = dir.path().join("out");
    let r = run(
        dir.path(),
        &[
            "redact",
            "cut.log.gz",
            "cut.tar",
            "control.log",
            "-o",
            "out",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cut.log.gz") && r.stderr.contains("cut.tar"),
        "{}",
        r.stderr
    );
    assert!(!out.join("cut.log.gz").exists());
    assert!(!out.join("cut.tar").exists());
    assert!(out.join("control.log").exists());
}

/// A mailbox of 100,000 messages, tokens in the first, one in the middle
/// and the last: streamed message by message, all three found.
#[test]
fn mbox_of_100k_messages() {
    const N: usize = 100_000;
    let dir = Dir::new();
    let mut fake = Fake::new(81);
    let t: Vec<String> = (0..3).map(|_| fake.okta()).collect();
    let mut w = BufWriter::new(File::create(dir.path().join("inbox.mbox")).unwrap());
    for i in 1..=N {
        write!(
            w,
            "From sender@example.com Mon Jan  1 00:00:00 2024\n\
             From: Sender <sender@example.com>\n\
             To: support@example.com\n\
             Subject: ticket {i}\n\
             \n\
             Hello, this is message {i}.\n"
        )
        .unwrap();
        match i {
            1 => writeln!(w, "Authorization: SSWS {}", t[0]).unwrap(),
            50_000 => writeln!(w, "Authorization: SSWS {}", t[1]).unwrap(),
            N => writeln!(w, "Authorization: SSWS {}", t[2]).unwrap(),
            _ => {}
        }
        writeln!(w).unwrap();
    }
    w.flush().unwrap();
    drop(w);

    let (r, v) = scan(dir.path(), &["inbox.mbox"], Duration::from_secs(180));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = found(&v);
    for (t, msg) in t.iter().zip([1, 50_000, N]) {
        let prefix = format!("inbox.mbox!{msg}/");
        assert!(
            f.iter().any(|(p, s)| p.starts_with(&prefix) && s == t),
            "{t} not found under {prefix}: {f:?}"
        );
    }

    let r = run(
        dir.path(),
        &["redact", "inbox.mbox", "-o", "clean.mbox"],
        Duration::from_secs(180),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let clean = std::fs::read(dir.path().join("clean.mbox")).unwrap();
    assert_eq!(memchr::memmem::find_iter(&clean, b"[REDACTED:").count(), 3);
    assert_eq!(
        memchr::memmem::find_iter(&clean, b"\nFrom sender@").count(),
        N - 1
    );
}

/// Empty files and empty containers: counted as skipped, never an error.
#[test]
fn empty_inputs() {
    let dir = Dir::new();
    for name in [
        "empty.log",
        "empty.json",
        "empty.har",
        "empty.jsonl",
        "empty.zip",
        "empty.gz",
    ] {
        dir.write(name, b"");
    }
    dir.write("members0.zip", zip_of(&[]));
    dir.write("members0.tar", [0u8; 1024]);
    dir.write("nothing.gz", gzip_of(b""));
    dir.write("nothing.tar.gz", gzip_of(&[0u8; 1024]));
    dir.write("blank.har", b"   \n");
    dir.write("empty-object.har", b"{}");
    dir.write(
        "empty-members.zip",
        zip_of(&[("a.log", b""), ("b.json", b"")]),
    );
    let inputs = [
        "empty.log",
        "empty.json",
        "empty.har",
        "empty.jsonl",
        "empty.zip",
        "empty.gz",
        "members0.zip",
        "members0.tar",
        "nothing.gz",
        "nothing.tar.gz",
        "blank.har",
        "empty-object.har",
        "empty-members.zip",
    ];
    let (r, v) = scan(dir.path(), &inputs, Duration::from_secs(60));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        v["summary"]["errors"].as_array().unwrap().is_empty(),
        "{}",
        v["summary"]
    );
    // Six empty files, the empty stream in nothing.gz, the two empty
    // members and the zip without members.
    assert_eq!(skipped(&v, "empty"), 10, "{}", v["summary"]);
    // An empty tar is 1024 zero bytes, without the ustar magic: binary.
    assert_eq!(skipped(&v, "binary"), 2, "{}", v["summary"]);
    assert_eq!(v["summary"]["files_scanned"], 2, "{}", v["summary"]);
    assert!(found(&v).is_empty());

    let r = run(
        dir.path(),
        &[
            "redact",
            "empty.har",
            "empty.zip",
            "members0.zip",
            "-o",
            "out",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
