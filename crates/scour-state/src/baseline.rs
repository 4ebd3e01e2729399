//! Baselines: the findings a project has already seen, by rule and
//! fingerprint, so CI reports only new ones.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use scour_report::Finding;

use crate::Error;

/// A set of known findings, keyed by rule id and secret fingerprint.
///
/// Neither key depends on where the secret was found, so a baseline
/// survives edits that move lines, renamed files and re-ordered archives.
/// The file is JSON with a masked preview beside each key so a reviewer can
/// see what was accepted; the secret itself is never written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    known: BTreeSet<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    rule: String,
    fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    masked: Option<String>,
}

impl Baseline {
    /// A baseline of `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Baseline {
        Baseline {
            known: findings
                .into_iter()
                .map(|f| (f.rule.clone(), f.fingerprint.clone()))
                .collect(),
        }
    }

    /// True if the baseline holds `f`'s rule and fingerprint.
    pub fn contains(&self, f: &Finding) -> bool {
        self.known
            .contains(&(f.rule.clone(), f.fingerprint.clone()))
    }

    /// How many findings it holds.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// True if it holds none.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let file: File = serde_json::from_slice(&text)
            .map_err(|e| Error::format(path, format!("not a scour baseline: {e}")))?;
        if file.version != 1 {
            return Err(Error::format(
                path,
                format!("unknown version {}", file.version),
            ));
        }
        Ok(Baseline {
            known: file
                .findings
                .into_iter()
                .map(|e| (e.rule, e.fingerprint))
                .collect(),
        })
    }

    /// Writes `findings` as a baseline file, sorted so that it diffs well.
    pub fn write(path: &Path, findings: &[Finding]) -> Result<(), Error> {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                masked: Some(f.masked.clone()),
            })
            .collect();
        entries.sort_by(|a, b| (&a.rule, &a.fingerprint).cmp(&(&b.rule, &b.fingerprint)));
        entries.dedup_by(|a, b| a.rule == b.rule && a.fingerprint == b.fingerprint);
        let mut text = serde_json::to_vec_pretty(&File {
            version: 1,
            findings: entries,
        })
        .map_err(|e| Error::format(path, e.to_string()))?;
        text.push(b'\n');
        std::fs::write(path, text).map_err(|e| Error::io(path, e))
    }
}
