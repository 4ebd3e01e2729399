//! The SARIF 2.1.0 printer.
//!
//! The document is written in three parts: the head (tool and rule
//! descriptors) before the first result, one result per finding as files
//! arrive, and the tail (closing the results, invocation with per-file errors)
//! in `finish`. Columns are byte columns; for ASCII lines they agree with
//! SARIF's default UTF-16 columns, and `byteOffset`/`byteLength` are exact.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use serde::Serialize;

use scour_rules::{Rule, Severity};

use crate::finding::{category_str, confidence_str, severity_str};
use crate::{Finding, Printer, Summary};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF level for a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    default_configuration: Config,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    properties: Props<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
struct Props<'a> {
    category: &'static str,
    severity: &'static str,
    confidence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    masked: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    decoders: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    occurrences: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    liveness: Option<&'static str>,
    #[serde(rename = "expiresAt", skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
    #[serde(rename = "capturedAt", skip_serializing_if = "Option::is_none")]
    captured_at: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints<'a>,
    properties: Props<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    /// Only for secrets that are verbatim bytes of the file; a decoded
    /// secret's offsets are within its decoded bytes, not the artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<u64>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "scour/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

/// Streams a SARIF log with one run.
pub(crate) struct SarifPrinter {
    out: BufWriter<Box<dyn Write + Send>>,
    /// The document up to the opening of `results`; emptied once written.
    head: Vec<u8>,
    index: HashMap<String, usize>,
    any: bool,
}

impl SarifPrinter {
    pub(crate) fn new(out: Box<dyn Write + Send>, rules: &[Rule]) -> SarifPrinter {
        let driver = Driver {
            name: "scour",
            version: env!("CARGO_PKG_VERSION"),
            information_uri: env!("CARGO_PKG_REPOSITORY"),
            rules: rules.iter().map(descriptor).collect(),
        };
        let mut head = format!(
            "{{\"$schema\":\"{SCHEMA}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":"
        )
        .into_bytes();
        serde_json::to_writer(&mut head, &driver).expect("serializing to a Vec cannot fail");
        head.extend_from_slice(b"},\"results\":[");
        let mut index = HashMap::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            index.entry(r.id.clone()).or_insert(i);
        }
        SarifPrinter {
            out: BufWriter::new(out),
            head,
            index,
            any: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.head.is_empty() {
            self.out.write_all(&self.head)?;
            self.head = Vec::new();
        }
        Ok(())
    }
}

fn descriptor(r: &Rule) -> Descriptor<'_> {
    Descriptor {
        id: &r.id,
        name: &r.name,
        short_description: Text { text: &r.name },
        full_description: Text {
            text: &r.description,
        },
        default_configuration: Config {
            level: level(r.severity),
        },
        help_uri: r.references.first().map(String::as_str),
        properties: Props {
            category: category_str(r.category),
            severity: severity_str(r.severity),
            confidence: confidence_str(r.confidence),
            masked: None,
            secret: None,
            pointer: None,
            decoders: &[],
            occurrences: None,
            liveness: None,
            expires_at: None,
            captured_at: None,
        },
    }
}

fn location(path: &str, region: Option<Region>) -> [Location; 1] {
    [Location {
        physical_location: Physical {
            artifact_location: Artifact {
                uri: path_uri(path),
            },
            region,
        },
    }]
}

impl Printer for SarifPrinter {
    fn file(&mut self, _path: &str, findings: &[Finding]) -> io::Result<()> {
        self.start()?;
        for f in findings {
            let message = format!("{}: {}", f.name, f.masked);
            let result = SarifResult {
                rule_id: &f.rule,
                rule_index: self.index.get(&f.rule).copied(),
                level: level(f.severity),
                message: Text { text: &message },
                locations: location(
                    &f.path,
                    Some(Region {
                        start_line: f.line,
                        start_column: f.column,
                        byte_offset: f.decoders.is_empty().then_some(f.start),
                        byte_length: f.decoders.is_empty().then(|| f.end.saturating_sub(f.start)),
                    }),
                ),
                partial_fingerprints: Fingerprints { v1: &f.fingerprint },
                properties: Props {
                    category: category_str(f.category),
                    severity: severity_str(f.severity),
                    confidence: confidence_str(f.confidence),
                    masked: Some(&f.masked),
                    secret: f.secret.as_deref(),
                    pointer: f.pointer.as_deref(),
                    decoders: &f.decoders,
                    occurrences: (f.occurrences > 1).then_some(f.occurrences),
                    liveness: f.liveness.map(|l| l.as_str()),
                    expires_at: f.expires_at.as_deref(),
                    captured_at: f.captured_at.as_deref(),
                },
            };
            self.out.write_all(if self.any { b",\n" } else { b"\n" })?;
            self.any = true;
            serde_json::to_writer(&mut self.out, &result)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.start()?;
        let invocation = Invocation {
            execution_successful: true,
            tool_execution_notifications: summary
                .errors
                .iter()
                .map(|e| Notification {
                    level: "error",
                    message: Text { text: &e.message },
                    locations: location(&e.path, None),
                })
                .collect(),
        };
        self.out.write_all(if self.any {
            b"\n],\"invocations\":["
        } else {
            b"],\"invocations\":["
        })?;
        serde_json::to_writer(&mut self.out, &invocation)?;
        self.out.write_all(b"]}]}\n")?;
        self.out.flush()
    }
}

/// A URI reference for a path: relative paths stay relative (with forward
/// slashes), absolute ones become `file:` URIs; bytes that may not appear in
/// a URI path are percent-encoded.
pub(crate) fn path_uri(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let b = path.as_bytes();
    let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/';
    let (mut uri, rest) = if drive {
        (format!("file:///{}:", b[0] as char), &path[2..])
    } else if path.starts_with('/') {
        ("file://".to_string(), &path[..])
    } else {
        (String::new(), &path[..])
    };
    for &c in rest.as_bytes() {
        let keep = c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&c);
        if keep {
            uri.push(c as char);
        } else {
            uri.push_str(&format!("%{c:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::path_uri;
    use crate::test_util::{finding, rules, run, run_with};
    use crate::{Format, Summary};

    #[test]
    fn rules_and_results() {
        let a = finding("test.beta", "src/a.env", b"FAKE_beta_0123456789", false);
        let mut b = finding("test.delta", "src/b.env", b"FAKE_delta_0123456789", false);
        b.line = 7;
        b.column = 3;
        b.start = 100;
        b.end = 121;
        let c = finding("test.gamma", "c", b"FAKE_gamma_0123456789", false);
        let mut unknown = c.clone();
        unknown.rule = "other.rule".into();
        let text = run(
            Format::Sarif,
            false,
            &[("src/a.env", vec![a]), ("b", vec![b, c, unknown])],
        );
        assert!(!text.contains("FAKE_beta_0123456789"));
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            doc["$schema"],
            "https://json.schemastore.org/sarif-2.1.0.json"
        );
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "scour");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("http"));
        let descriptors = driver["rules"].as_array().unwrap();
        assert_eq!(descriptors.len(), rules().len());
        let alpha = &descriptors[0];
        assert_eq!(alpha["id"], "test.alpha");
        assert_eq!(alpha["name"], "Test alpha");
        assert_eq!(alpha["shortDescription"]["text"], "Test alpha");
        assert_eq!(alpha["fullDescription"]["text"], "Finds fake alpha tokens.");
        assert_eq!(alpha["defaultConfiguration"]["level"], "error");
        assert_eq!(alpha["helpUri"], "https://example.invalid/alpha");
        assert_eq!(alpha["properties"]["category"], "secret");
        assert_eq!(alpha["properties"]["severity"], "critical");
        assert_eq!(alpha["properties"]["confidence"], "high");
        assert!(descriptors[1].get("helpUri").is_none());

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        for r in &results[..3] {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(descriptors[i]["id"], r["ruleId"]);
        }
        assert!(results[3].get("ruleIndex").is_none());
        assert_eq!(results[3]["ruleId"], "other.rule");
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "note", "warning", "warning"]);

        let r = &results[1];
        assert_eq!(r["message"]["text"], "Test delta: FAKE****9");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "src/b.env");
        assert_eq!(loc["region"]["startLine"], 7);
        assert_eq!(loc["region"]["startColumn"], 3);
        assert_eq!(loc["region"]["byteOffset"], 100);
        assert_eq!(loc["region"]["byteLength"], 21);
        let fp = crate::fingerprint(b"FAKE_delta_0123456789");
        assert_eq!(r["partialFingerprints"]["scour/v1"], fp.as_str());
        assert_eq!(r["properties"]["masked"], "FAKE****9");
        assert_eq!(r["properties"]["category"], "pii");
        assert!(r["properties"].get("secret").is_none());
    }

    #[test]
    fn revealed_secret_stays_out_of_message() {
        let f = finding("test.alpha", "a", b"FAKE_alpha_0123456789", true);
        let doc: Value =
            serde_json::from_str(&run(Format::Sarif, false, &[("a", vec![f])])).unwrap();
        let r = &doc["runs"][0]["results"][0];
        assert_eq!(r["properties"]["secret"], "FAKE_alpha_0123456789");
        assert!(!r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("alpha_0123"));
    }

    #[test]
    fn valid_with_zero_findings_and_reports_errors() {
        let doc: Value = serde_json::from_str(&run(Format::Sarif, false, &[])).unwrap();
        assert_eq!(doc["runs"][0]["results"], Value::Array(vec![]));
        assert_eq!(
            doc["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            4
        );

        let mut summary = Summary::default();
        summary.error("dir/x y.log", "permission denied");
        let doc: Value = serde_json::from_str(&run_with(Format::Sarif, &[], &summary)).unwrap();
        let inv = &doc["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], true);
        let n = &inv["toolExecutionNotifications"][0];
        assert_eq!(n["message"]["text"], "permission denied");
        let uri = &n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "dir/x%20y.log");
    }

    #[test]
    fn uris() {
        assert_eq!(path_uri("src/main.rs"), "src/main.rs");
        assert_eq!(path_uri("./a-b_c~d.txt"), "./a-b_c~d.txt");
        assert_eq!(path_uri("-"), "-");
        assert_eq!(path_uri("/var/log/x.log"), "file:///var/log/x.log");
        assert_eq!(path_uri("a b#c?d%e:f"), "a%20b%23c%3Fd%25e%3Af");
        assert_eq!(path_uri("\u{e9}"), "%C3%A9");
        assert_eq!(path_uri("C:/x/y"), "file:///C:/x/y");
    }
}
