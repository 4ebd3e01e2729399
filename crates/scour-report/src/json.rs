//! The `json` and `jsonl` printers.

use std::io::{self, BufWriter, Write};

use rayon::prelude::*;

use crate::{Finding, Printer, Summary};

/// Findings serialized per task when a file's findings are rendered in
/// parallel: enough to outweigh handing the task to another thread.
const CHUNK: usize = 128;

/// Writes `findings` to `out` in order, each between `before` and `after`;
/// `skip` is called before each rendered piece is written and gives how
/// many of its leading bytes to leave out (the JSON array's first comma).
///
/// Rendering a finding depends on nothing but the finding, so a large file
/// (a user report with twenty thousand e-mail addresses) is rendered by
/// every thread of the pool, and only the writing is serial. Before, the
/// JSON report of a scan was rendered on one thread after all the
/// scanning, a tenth of the wall time on the benchmark corpus. A window of
/// chunks is rendered, then written, then the next: memory stays bounded
/// however many findings a file has. A file with few findings is rendered
/// on the calling thread.
fn write_rendered(
    out: &mut impl Write,
    findings: &[Finding],
    before: &[u8],
    after: &[u8],
    mut skip: impl FnMut() -> usize,
) -> io::Result<()> {
    let render = |chunk: &[Finding], buf: &mut Vec<u8>| -> io::Result<()> {
        for f in chunk {
            buf.extend_from_slice(before);
            serde_json::to_writer(&mut *buf, f)?;
            buf.extend_from_slice(after);
        }
        Ok(())
    };
    if findings.is_empty() {
        return Ok(());
    }
    let mut buf = Vec::new();
    if findings.len() <= CHUNK {
        render(findings, &mut buf)?;
        return out.write_all(&buf[skip().min(buf.len())..]);
    }
    let window = CHUNK * 4 * rayon::current_num_threads();
    for part in findings.chunks(window) {
        let pieces = part
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                render(chunk, &mut buf).map(|()| buf)
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()?;
        for piece in pieces {
            out.write_all(&piece[skip().min(piece.len())..])?;
        }
    }
    Ok(())
}

/// Writes `{"findings":[...],"summary":{...}}`, one finding per line, as
/// files arrive.
pub(crate) struct JsonPrinter {
    out: BufWriter<Box<dyn Write + Send>>,
    started: bool,
    any: bool,
}

impl JsonPrinter {
    pub(crate) fn new(out: Box<dyn Write + Send>) -> JsonPrinter {
        JsonPrinter {
            out: BufWriter::new(out),
            started: false,
            any: false,
        }
    }

    /// The opening is written on first use, not in `new`, so that a write
    /// error surfaces through the `Printer` methods.
    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.out.write_all(b"{\"findings\":[")?;
            self.started = true;
        }
        Ok(())
    }
}

impl Printer for JsonPrinter {
    fn file(&mut self, _path: &str, findings: &[Finding]) -> io::Result<()> {
        self.start()?;
        let any = &mut self.any;
        // The array's first element has no comma before it.
        write_rendered(&mut self.out, findings, b",\n", b"", || {
            usize::from(!std::mem::replace(any, true))
        })
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.start()?;
        if self.any {
            self.out.write_all(b"\n")?;
        }
        self.out.write_all(b"],\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

/// Writes one finding object per line.
pub(crate) struct JsonlPrinter {
    out: BufWriter<Box<dyn Write + Send>>,
}

impl JsonlPrinter {
    pub(crate) fn new(out: Box<dyn Write + Send>) -> JsonlPrinter {
        JsonlPrinter {
            out: BufWriter::new(out),
        }
    }
}

impl Printer for JsonlPrinter {
    fn file(&mut self, _path: &str, findings: &[Finding]) -> io::Result<()> {
        write_rendered(&mut self.out, findings, b"", b"\n", || 0)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::test_util::{finding, run};
    use crate::Format;

    const KEYS: [&str; 13] = [
        "rule",
        "name",
        "category",
        "severity",
        "confidence",
        "path",
        "line",
        "column",
        "start",
        "end",
        "fingerprint",
        "masked",
        "occurrences",
    ];

    /// Keys of a JSON object in the order they appear in `text`.
    fn keys_in_order(text: &str) -> Vec<String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let map: ordered::Ordered = serde::Deserialize::deserialize(&mut de).unwrap();
        map.0
    }

    /// A visitor that records object keys in document order, since
    /// `serde_json::Map` sorts them.
    mod ordered {
        use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
        use std::fmt;

        pub struct Ordered(pub Vec<String>);

        impl<'de> Deserialize<'de> for Ordered {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Ordered;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ordered, A::Error> {
                        let mut keys = Vec::new();
                        while let Some(k) = m.next_key::<String>()? {
                            m.next_value::<IgnoredAny>()?;
                            keys.push(k);
                        }
                        Ok(Ordered(keys))
                    }
                }
                d.deserialize_map(V)
            }
        }
    }

    #[test]
    fn json_document_has_exact_keys_and_no_secret() {
        let a = finding("test.alpha", "dir/a.txt", b"FAKE_alpha_0123456789", false);
        let b = finding("test.beta", "b\"\n\\.txt", b"FAKE_beta_0123456789", false);
        let text = run(
            Format::Json,
            false,
            &[("dir/a.txt", vec![a.clone(), a]), ("b", vec![b])],
        );
        assert!(!text.contains("FAKE_alpha_0123456789"), "{text}");
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(keys_in_order(&text), ["findings", "summary"]);
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 3);
        for line in text.lines().filter(|l| l.starts_with("{\"rule\"")) {
            assert_eq!(keys_in_order(line.trim_end_matches(',')), KEYS);
        }
        assert_eq!(findings[0]["rule"], "test.alpha");
        assert_eq!(findings[0]["name"], "Test alpha");
        assert_eq!(findings[0]["category"], "secret");
        assert_eq!(findings[0]["severity"], "critical");
        assert_eq!(findings[0]["confidence"], "high");
        assert_eq!(findings[0]["masked"], "FAKE****9");
        assert_eq!(findings[2]["path"], "b\"\n\\.txt");
        assert_eq!(findings[2]["category"], "pii");

        let summary = &doc["summary"];
        let start = text.find("\"summary\":").unwrap() + "\"summary\":".len();
        let end = text.trim_end().len() - 1;
        assert_eq!(
            keys_in_order(&text[start..end]),
            [
                "files_scanned",
                "bytes_scanned",
                "findings",
                "by_rule",
                "by_category",
                "skipped",
                "errors",
                "warnings",
                "elapsed_ms",
            ]
        );
        assert_eq!(summary["findings"], 3);
        assert_eq!(summary["by_rule"]["test.alpha"], 2);
        assert_eq!(summary["errors"][0]["path"], "gone.txt");
        assert_eq!(summary["errors"][0]["message"], "not found");
    }

    #[test]
    fn json_reveals_secret_only_when_asked() {
        let f = finding("test.alpha", "a", b"FAKE_alpha_0123456789", true);
        let text = run(Format::Json, false, &[("a", vec![f])]);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["findings"][0]["secret"], "FAKE_alpha_0123456789");
        let line = text.lines().nth(1).unwrap();
        let mut keys = KEYS.map(String::from).to_vec();
        keys.insert(12, "secret".into());
        assert_eq!(keys_in_order(line), keys);
    }

    #[test]
    fn json_with_no_findings_is_valid() {
        let text = run(Format::Json, false, &[]);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["findings"], Value::Array(vec![]));
        assert_eq!(doc["summary"]["findings"], 0);
    }

    #[test]
    fn jsonl_is_one_object_per_line() {
        let a = finding("test.alpha", "a", b"FAKE_alpha_0123456789", false);
        let b = finding("test.beta", "b\nc", b"FAKE\nbeta_0123456789", true);
        let text = run(
            Format::Jsonl,
            false,
            &[("a", vec![a.clone(), a]), ("b", vec![b])],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(text.ends_with('\n'));
        for line in &lines[..2] {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v.get("secret").is_none());
            assert_eq!(keys_in_order(line), KEYS);
        }
        let v: Value = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(v["secret"], "FAKE\nbeta_0123456789");
        assert_eq!(v["path"], "b\nc");
        assert_eq!(run(Format::Jsonl, false, &[]), "");
    }

    #[test]
    fn files_rendered_in_chunks_keep_their_order() {
        // More findings than one render window (which grows with the pool's
        // threads), in files before and after a small and an empty one:
        // every finding once, in the order given, and the array's
        // separators right across chunk, window and file boundaries.
        let many = |path: &str, n: usize| -> Vec<crate::Finding> {
            (0..n)
                .map(|i| {
                    let secret = format!("FAKE_alpha_{i:010}");
                    let mut f = finding("test.alpha", path, secret.as_bytes(), false);
                    f.line = i as u64 + 1;
                    f
                })
                .collect()
        };
        let files = [
            ("none", many("none", 0)),
            ("big", many("big", 25 * super::CHUNK + 7)),
            ("one", many("one", 1)),
            ("next", many("next", super::CHUNK + 1)),
        ];
        let expected: Vec<(String, u64)> = files
            .iter()
            .flat_map(|(_, fs)| fs.iter().map(|f| (f.path.clone(), f.line)))
            .collect();
        let places = |v: &[Value]| -> Vec<(String, u64)> {
            v.iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap().into(),
                        f["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (json, jsonl) = pool.install(|| {
                (
                    run(Format::Json, false, &files),
                    run(Format::Jsonl, false, &files),
                )
            });
            let doc: Value = serde_json::from_str(&json).unwrap();
            assert_eq!(places(doc["findings"].as_array().unwrap()), expected);
            let lines = json.lines().filter(|l| l.starts_with("{\"rule\""));
            assert_eq!(lines.count(), expected.len());
            let lines: Vec<Value> = jsonl
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(places(&lines), expected, "{threads} threads");
        }
    }
}
