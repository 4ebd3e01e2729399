//! Each kernel's variants against the scalar reference, on generated
//! support-archive bytes.
//!
//! ```sh
//! cargo bench --bench stages -- --test      # once: generates target/bench-corpus
//! cargo bench -p scour-simd --bench kernels
//! ```
//!
//! Before timing, every variant's output is checked against the scalar
//! one on the same input, so a wrong kernel cannot post a good time.

use std::path::PathBuf;

use criterion::{Criterion, Throughput};
use scour_simd::{scalar, Kernels, Variant};

/// Inputs, relative to the bench corpus (`corpora/gen.py --seed 3 --size 8M`).
const INPUTS: &[(&str, &str)] = &[
    ("log", "logs/app-0001.log"),
    ("csv", "reports/support-users-report.csv"),
    ("har", "har/okta-api-safari-0010.har"),
    ("eml", "mail/case-46358-0004.eml"),
];

fn main() {
    let dir = corpus_dir();
    let inputs: Vec<(&str, Vec<u8>)> = INPUTS
        .iter()
        .map(|&(name, rel)| {
            let path = dir.join(rel);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (run `cargo bench --bench stages -- --test` first)",
                    path.display()
                )
            });
            (name, bytes)
        })
        .collect();
    // Entropy is asked of candidate secrets: take every base64-looking run.
    let tokens: Vec<&[u8]> = inputs
        .iter()
        .flat_map(|(_, b)| scalar::base64_runs(b, 8))
        .collect();
    let token_bytes: u64 = tokens.iter().map(|t| t.len() as u64).sum();
    let variants: Vec<Kernels> = Variant::ALL.into_iter().filter_map(Kernels::new).collect();

    for k in &variants {
        for (name, hay) in &inputs {
            let want: Vec<_> = scalar::digit_runs(hay, 7).collect();
            assert_eq!(
                k.digit_runs(hay, 7).collect::<Vec<_>>(),
                want,
                "{k:?} digits {name}"
            );
            let want: Vec<_> = scalar::base64_runs(hay, 8).collect();
            assert_eq!(
                k.base64_runs(hay, 8).collect::<Vec<_>>(),
                want,
                "{k:?} base64 {name}"
            );
        }
        for t in &tokens {
            let want = scalar::shannon_entropy(t).to_bits();
            assert_eq!(k.shannon_entropy(t).to_bits(), want, "{k:?} entropy");
        }
    }

    let mut c = Criterion::default().configure_from_args();
    for (name, hay) in &inputs {
        let mut g = c.benchmark_group(format!("digit_runs/{name}"));
        g.throughput(Throughput::Bytes(hay.len() as u64));
        g.bench_function("reference", |b| {
            b.iter(|| scalar::digit_runs(hay, 7).count())
        });
        for k in &variants {
            g.bench_function(format!("{:?}", k.variant()), |b| {
                b.iter(|| k.digit_runs(hay, 7).count())
            });
        }
        g.finish();
        let mut g = c.benchmark_group(format!("base64_runs/{name}"));
        g.throughput(Throughput::Bytes(hay.len() as u64));
        g.bench_function("reference", |b| {
            b.iter(|| scalar::base64_runs(hay, 8).count())
        });
        for k in &variants {
            g.bench_function(format!("{:?}", k.variant()), |b| {
                b.iter(|| k.base64_runs(hay, 8).count())
            });
        }
        g.finish();
    }
    // The scan asks mostly about short texts, one JSON string value at a
    // time: the HAR file's pieces between quotes, each its own call.
    let har = &inputs
        .iter()
        .find(|(n, _)| *n == "har")
        .expect("har input")
        .1;
    let strings: Vec<&[u8]> = har.split(|&b| b == b'"').collect();
    for k in &variants {
        let want: Vec<_> = strings
            .iter()
            .flat_map(|s| scalar::base64_runs(s, 8))
            .collect();
        let got: Vec<_> = strings.iter().flat_map(|s| k.base64_runs(s, 8)).collect();
        assert_eq!(got, want, "{k:?} base64 strings");
    }
    let mut g = c.benchmark_group("base64_runs/strings");
    g.throughput(Throughput::Bytes(har.len() as u64));
    let count = |f: &dyn Fn(&[u8]) -> usize| strings.iter().map(|s| f(s)).sum::<usize>();
    g.bench_function("reference", |b| {
        b.iter(|| count(&|s| scalar::base64_runs(s, 8).count()))
    });
    for k in &variants {
        g.bench_function(format!("{:?}", k.variant()), |b| {
            b.iter(|| count(&|s| k.base64_runs(s, 8).count()))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("entropy/tokens");
    g.throughput(Throughput::Bytes(token_bytes));
    let sum = |f: &dyn Fn(&[u8]) -> f64| tokens.iter().map(|t| f(t)).sum::<f64>();
    g.bench_function("reference", |b| b.iter(|| sum(&scalar::shannon_entropy)));
    for k in &variants {
        g.bench_function(format!("{:?}", k.variant()), |b| {
            b.iter(|| sum(&|t| k.shannon_entropy(t)))
        });
    }
    g.finish();
    c.final_summary();
}

/// `<target dir>/bench-corpus`, where the root package's `stages` bench
/// generates the corpus.
fn corpus_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("bench-corpus")
}
