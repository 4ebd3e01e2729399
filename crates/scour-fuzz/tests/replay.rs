//! Replays the fuzz seed corpora (`fuzz/seeds/<target>/`) through the
//! targets' checks, and a local fuzzing run's corpus (`fuzz/corpus/`, not
//! committed) when there is one. A target without seeds fails: every
//! target must be exercised here.

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
        let local = files(&fuzz_dir().join("corpus").join(name));
        for path in seeds.iter().chain(&local) {
            let data = std::fs::read(path).unwrap();
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
