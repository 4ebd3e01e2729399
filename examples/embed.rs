//! Embedding scour's engine: feed bytes, receive findings through a sink.
//!
//! The engine is built once (it is `Send + Sync` and can be shared by many
//! threads); each thread brings its own `Scratch`. Matches are borrowed
//! spans into the caller's bytes, handed to a closure (or any `Sink`) as
//! they are confirmed; returning `false` stops the scan early. Turning a
//! match into an owned, reportable `Finding` (masked, fingerprinted) is one
//! call.
//!
//! Run with `cargo run --example embed`.

use scour_engine::{EngineBuilder, Match};
use scour_report::Finding;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = EngineBuilder::new()
        .rules(scour_rules::builtin()?)
        .build()?;
    let mut scratch = engine.scratch();

    // Bytes from anywhere: a socket, a queue message, a database column.
    let chunks: [&[u8]; 2] = [
        b"user=jdoe ip=10.0.0.7 msg=\"retrying with SSWS 00q8mZ3vR7tLw2KpN9bYc4HdJ6sFg1Ue5Tq3Lm8Zw2\"",
        b"nothing to see here",
    ];
    let mut findings: Vec<Finding> = Vec::new();
    for (i, bytes) in chunks.iter().enumerate() {
        let name = format!("message-{i}");
        engine.scan(bytes, &mut scratch, &mut |m: &Match<'_>| {
            let range = m.secret_range();
            findings.push(Finding::new(
                m.rule(),
                &name,
                1,
                range.start as u64 + 1,
                range.start as u64,
                range.end as u64,
                m.secret(),
                false,
            ));
            true // keep going
        });
    }

    for f in &findings {
        println!(
            "{} {} {} fp:{}",
            f.path,
            f.rule,
            f.masked,
            &f.fingerprint[..12]
        );
    }
    assert!(findings.iter().any(|f| f.rule == "okta.api-token"));
    assert!(findings
        .iter()
        .all(|f| f.path == "message-0" && f.secret.is_none()));
    Ok(())
}

/// `cargo test` runs the example (declared with `test = true`), so it
/// cannot rot.
#[test]
fn example_runs() {
    main().unwrap();
}
