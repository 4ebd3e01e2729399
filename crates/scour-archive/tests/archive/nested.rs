//! The nesting pattern a caller uses: buffer a nested zip (bounded by the
//! member limit) and open it with a shared budget.

use std::io::{Cursor, Read};

use scour_archive::{
    detect, read_zip, ArchiveKind, Budget, ErrorKind, Limits, MemberSink, SkipReason,
};

use crate::fixtures::*;

struct Nest {
    path: String,
    depth: u32,
    budget: Budget,
    seen: Vec<String>,
}

impl MemberSink for Nest {
    fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
        let path = format!("{}!{name}", self.path);
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes)?;
        if detect(&bytes) == Some(ArchiveKind::Zip) && self.depth < self.budget.limits().max_depth {
            let mut inner = Nest {
                path,
                depth: self.depth + 1,
                budget: self.budget.share(),
                seen: Vec::new(),
            };
            let mut budget = self.budget.share();
            let result = read_zip(Cursor::new(bytes), &mut budget, &mut inner);
            self.seen.append(&mut inner.seen);
            return result.map_err(Into::into);
        }
        self.seen.push(format!("{path} ({} bytes)", bytes.len()));
        Ok(())
    }

    fn skipped(&mut self, name: &str, reason: SkipReason) {
        self.seen
            .push(format!("{}!{name}: {}", self.path, reason.as_str()));
    }
}

fn dump() -> (Vec<u8>, usize) {
    let inner = zip_of(
        &[("a.csv", &[b'a'; 3000]), ("b.csv", &[b'b'; 4000])],
        deflated(),
    );
    let outer = zip_of(
        &[
            ("readme.txt", b"hello"),
            ("attachments/inner.zip", &inner),
            ("tail.txt", b"bye"),
        ],
        deflated(),
    );
    (outer, inner.len())
}

fn walk(limits: Limits) -> (Nest, Budget, Result<(), scour_archive::Error>) {
    let (outer, _) = dump();
    let mut budget = Budget::new(limits);
    let mut nest = Nest {
        path: "dump.zip".into(),
        depth: 0,
        budget: budget.share(),
        seen: Vec::new(),
    };
    let result = read_zip(Cursor::new(outer), &mut budget, &mut nest);
    (nest, budget, result)
}

#[test]
fn zip_inside_zip_shares_the_budget() {
    let (nest, budget, result) = walk(Limits::default());
    result.unwrap();
    assert_eq!(
        nest.seen,
        [
            "dump.zip!readme.txt (5 bytes)",
            "dump.zip!attachments/inner.zip!a.csv (3000 bytes)",
            "dump.zip!attachments/inner.zip!b.csv (4000 bytes)",
            "dump.zip!tail.txt (3 bytes)",
        ]
    );
    let (_, inner_len) = dump();
    assert_eq!(
        budget.bytes_expanded(),
        (5 + inner_len + 3000 + 4000 + 3) as u64
    );
    assert_eq!(budget.members(), 5);
}

#[test]
fn a_limit_reached_inside_stops_the_outer_archive_too() {
    let (_, inner_len) = dump();
    let max_total_bytes = (5 + inner_len + 3000 + 100) as u64;
    let (nest, budget, result) = walk(Limits {
        max_total_bytes,
        ..Limits::default()
    });
    assert!(matches!(
        result.unwrap_err().kind(),
        ErrorKind::LimitExceeded(SkipReason::TotalBytesExceeded)
    ));
    assert_eq!(
        nest.seen,
        [
            "dump.zip!readme.txt (5 bytes)",
            "dump.zip!attachments/inner.zip!a.csv (3000 bytes)",
            "dump.zip!attachments/inner.zip!b.csv: archive: total expanded size too large",
            "dump.zip!attachments/inner.zip: archive: total expanded size too large",
        ]
    );
    assert_eq!(budget.bytes_expanded(), max_total_bytes);
}

#[test]
fn depth_is_the_callers_to_enforce() {
    let (nest, _, result) = walk(Limits {
        max_depth: 0,
        ..Limits::default()
    });
    result.unwrap();
    assert!(
        nest.seen[1].starts_with("dump.zip!attachments/inner.zip ("),
        "{:?}",
        nest.seen
    );
}
