//! Replays the fuzz seed corpora (`fuzz/seeds/<target>/`) through the
//! targets' checks. With `SCOUR_REPLAY_CORPUS=1`, a local fuzzing run's
//! corpus (`fuzz/corpus/`, not committed, thousands of files) is replayed
//! too. A target without seeds fails: every target must be exercised here.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_has_seeds_and_they_pass() {
    for &(name, check) in scour_fuzz::TARGETS {
        let seeds = files(&fuzz_dir().join("seeds").join(name));
        assert!(!seeds.is_empty(), "fuzz/seeds/{name}/ is empty");
        let local = match std::env::var_os("SCOUR_REPLAY_CORPUS") {
            Some(_) => files(&fuzz_dir().join("corpus").join(name)),
            None => Vec::new(),
        };
        for path in seeds.iter().chain(&local) {
            // A running fuzzer may remove corpus files it has reduced.
            let Ok(data) = std::fs::read(path) else {
                assert!(!seeds.contains(path), "{} unreadable", path.display());
                continue;
            };
            let run = std::panic::catch_unwind(|| check(&data));
            assert!(run.is_ok(), "{name}: {} fails its check", path.display());
        }
        eprintln!(
            "{name}: {} seeds, {} local corpus inputs",
            seeds.len(),
            local.len()
        );
    }
}

#[test]
fn every_target_has_a_fuzz_binary() {
    for &(name, _) in scour_fuzz::TARGETS {
        let bin = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&bin).unwrap_or_default();
        assert!(
            text.contains(&format!("scour_fuzz::{name}(")),
            "{} does not call scour_fuzz::{name}",
            bin.display()
        );
    }
}
