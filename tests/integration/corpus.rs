//! Recall and precision on a freshly generated corpus, scored by the
//! corpus evaluator against its ground truth: the formats issue's bar,
//! checked on every run.

use std::process::Command;

use crate::util::{scour, Dir};

fn python(args: &[&str]) -> std::process::Output {
    Command::new("python3")
        .args(args)
        .output()
        .expect("python3 is needed to generate the corpus")
}

#[test]
fn generated_corpus_meets_the_recall_bar_with_no_decoy_hits() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Dir::new();
    let corpus = dir.path().join("corpus");
    let gen = python(&[
        root.join("corpora/gen.py").to_str().unwrap(),
        "--out",
        corpus.to_str().unwrap(),
        "--seed",
        "11",
        "--size",
        "5M",
    ]);
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );

    let report = dir.path().join("scour.json");
    let out = scour(
        dir.path(),
        &[
            "scan",
            "-q",
            "-f",
            "json",
            "-o",
            report.to_str().unwrap(),
            corpus.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let eval = python(&[
        root.join("corpora/evaluate.py").to_str().unwrap(),
        "--truth",
        corpus.join("ground-truth.jsonl").to_str().unwrap(),
        "--findings",
        report.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    let scores: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();

    let mut failures = Vec::new();
    for (class, s) in scores["per_class"].as_object().unwrap() {
        let (kind, planted, found) = (
            s["kind"].as_str().unwrap(),
            s["planted"].as_f64().unwrap(),
            s["found"].as_f64().unwrap(),
        );
        let bar = match (kind, class.as_str()) {
            ("secret", _) => 0.98,
            ("pii", "email" | "phone") => 0.95,
            _ => continue,
        };
        if planted > 0.0 && found / planted < bar {
            failures.push(format!("{class}: {found}/{planted} < {bar}"));
        }
    }
    assert!(failures.is_empty(), "recall below the bar: {failures:#?}");
    assert_eq!(
        scores["decoy_findings"], 0,
        "findings on decoys: {}",
        scores["decoy_findings"]
    );
    assert!(
        scores["precision"].as_f64().unwrap() >= 0.99,
        "precision {}",
        scores["precision"]
    );
}
