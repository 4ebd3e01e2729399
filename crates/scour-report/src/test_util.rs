//! Fake rules and findings, and a way to capture a printer's output.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use scour_rules::Rule;

use crate::{printer, Finding, Format, Summary};

const RULES: &str = r#"
[[rule]]
id = "test.alpha"
name = "Test alpha"
description = "Finds fake alpha tokens."
category = "secret"
severity = "critical"
confidence = "high"
keywords = ["fake_alpha"]
pattern = '(?P<secret>FAKE_alpha_[0-9]{10})'
examples = ["FAKE_alpha_0123456789"]
references = ["https://example.invalid/alpha"]

[[rule]]
id = "test.beta"
name = "Test beta"
description = "Finds fake beta tokens."
category = "pii"
severity = "high"
confidence = "medium"
keywords = ["fake_beta"]
pattern = '(?P<secret>FAKE_beta_[0-9]{10})'
examples = ["FAKE_beta_0123456789"]

[[rule]]
id = "test.gamma"
name = "Test gamma"
description = "Finds fake gamma tokens."
category = "secret"
severity = "medium"
confidence = "low"
keywords = ["fake_gamma"]
pattern = '(?P<secret>FAKE_gamma_[0-9]{10})'
examples = ["FAKE_gamma_0123456789"]

[[rule]]
id = "test.delta"
name = "Test delta"
description = "Finds fake delta tokens."
category = "pii"
severity = "low"
confidence = "low"
keywords = ["fake_delta"]
pattern = '(?P<secret>FAKE_delta_[0-9]{10})'
examples = ["FAKE_delta_0123456789"]
"#;

pub(crate) fn rules() -> Vec<Rule> {
    scour_rules::parse("test.toml", RULES).unwrap()
}

/// A finding of rule `id` on line 1, column 5.
pub(crate) fn finding(id: &str, path: &str, secret: &[u8], reveal: bool) -> Finding {
    let rules = rules();
    let rule = rules.iter().find(|r| r.id == id).unwrap();
    Finding::new(rule, path, 1, 5, 4, 4 + secret.len() as u64, secret, reveal)
}

/// A shared buffer: the printer owns one handle, the test reads the other.
#[derive(Clone, Default)]
pub(crate) struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Prints `files` in `format`, with a summary counting them and one error.
pub(crate) fn run(format: Format, color: bool, files: &[(&str, Vec<Finding>)]) -> String {
    let mut summary = Summary {
        files_scanned: files.len() as u64 + 1,
        bytes_scanned: 4096,
        elapsed_ms: 3,
        ..Summary::default()
    };
    for f in files.iter().flat_map(|(_, fs)| fs) {
        summary.add_finding(f);
    }
    summary.skip("binary");
    summary.error("gone.txt", "not found");
    run_inner(format, color, files, &summary)
}

/// Prints `files` in `format` without color, with the given summary.
pub(crate) fn run_with(
    format: Format,
    files: &[(&str, Vec<Finding>)],
    summary: &Summary,
) -> String {
    run_inner(format, false, files, summary)
}

fn run_inner(
    format: Format,
    color: bool,
    files: &[(&str, Vec<Finding>)],
    summary: &Summary,
) -> String {
    let buf = Buf::default();
    let mut p = printer(format, Box::new(buf.clone()), color, &rules());
    for (path, findings) in files {
        p.file(path, findings).unwrap();
    }
    p.finish(summary).unwrap();
    drop(p);
    let bytes = buf.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}
