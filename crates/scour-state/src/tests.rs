use std::collections::HashSet;

use scour_report::Finding;

use super::*;

fn finding(path: &str, secret: &[u8]) -> Finding {
    let rules = scour_rules::builtin().unwrap();
    let rule = rules.iter().find(|r| r.id == "okta.api-token").unwrap();
    Finding::new(rule, path, 3, 1, 0, secret.len() as u64, secret, false)
}

#[test]
fn baseline_round_trip_ignores_places() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.json");
    let a = finding("a.txt", b"00FAKEfake0123456789FAKEfake0123456789abXy");
    Baseline::write(&file, std::slice::from_ref(&a)).unwrap();
    let b = Baseline::read(&file).unwrap();
    let mut moved = a.clone();
    moved.path = "elsewhere/b.txt".into();
    moved.line = 99;
    assert!(b.contains(&moved));
    assert!(!b.contains(&finding(
        "a.txt",
        b"00FAKEfake0123456789FAKEfake0123456789zzzz"
    )));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("00FAKEfake0123456789FAKEfake0123456789abXy"));
    std::fs::write(&file, "{}").unwrap();
    assert!(Baseline::read(&file)
        .unwrap_err()
        .to_string()
        .contains("not a scour baseline"));
}

#[test]
fn state_survives_reopen_and_moves_findings_to_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let meta = FileMeta {
        size: 10,
        mtime_ns: 5,
    };
    let mut f = finding(
        "a.zip!inner.txt",
        b"00FAKEfake0123456789FAKEfake0123456789abXy",
    );
    f.merge(f.clone());
    {
        let mut db = StateDb::open(&path).unwrap();
        db.record_scan("a.zip", meta, "h", &[f.clone()]).unwrap();
        db.record_alias("b.zip", meta, "h").unwrap();
    }
    let db = StateDb::open(&path).unwrap();
    assert!(db.unchanged("a.zip", meta).unwrap());
    assert!(!db
        .unchanged(
            "a.zip",
            FileMeta {
                size: 11,
                mtime_ns: 5
            }
        )
        .unwrap());
    assert!(db.content_seen("h").unwrap());
    assert!(!db.content_seen("h2").unwrap());
    let all = db.findings(None).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], f);
    assert_eq!(all[1].path, "b.zip!inner.txt");
    assert_eq!(all[1].locations[0].path, "b.zip!inner.txt");
    let only: HashSet<String> = ["b.zip".to_string()].into();
    assert_eq!(db.findings(Some(&only)).unwrap().len(), 1);
    assert_eq!(db.totals().unwrap(), (2, 10));
}

#[test]
fn a_crash_loses_only_the_uncommitted_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let meta = FileMeta {
        size: 1,
        mtime_ns: 1,
    };
    let mut db = StateDb::open(&path).unwrap();
    db.record_scan("done.txt", meta, "h1", &[]).unwrap();
    db.flush().unwrap();
    db.record_scan("in-flight.txt", meta, "h2", &[]).unwrap();
    // A kill: no commit, no destructor. Another connection sees what a
    // restarted scan would.
    std::mem::forget(db);
    let after = StateDb::open(&path).unwrap();
    assert!(after.unchanged("done.txt", meta).unwrap());
    assert!(!after.unchanged("in-flight.txt", meta).unwrap());
    assert!(!after.content_seen("h2").unwrap());
}
