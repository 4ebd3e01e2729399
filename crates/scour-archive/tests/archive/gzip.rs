use std::io::{Cursor, Read, Seek, SeekFrom};

use scour_archive::{
    detect, gunzip_prefix, read_gzip, read_tar, ArchiveKind, Budget, ErrorKind, Limits, MemberSink,
    SkipReason, DETECT_LEN,
};

use crate::fixtures::*;

#[test]
fn gz_is_one_member_named_by_the_caller() {
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    let har = br#"{"log":{"entries":[{"request":{"headers":[{"name":"Authorization","value":"Bearer fake"}]}}]}}"#;
    read_gzip(&gzip(har)[..], "session.har", &mut budget, &mut sink).unwrap();
    assert_eq!(sink.events, [member("session.har", har)]);
    assert_eq!(budget.bytes_expanded(), har.len() as u64);
    assert_eq!(budget.members(), 1);
}

#[test]
fn multi_member_gz_is_concatenated() {
    let mut bytes = gzip(b"first part, ");
    bytes.extend(gzip(b"second part"));
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    read_gzip(&bytes[..], "log", &mut budget, &mut sink).unwrap();
    assert_eq!(sink.events, [member("log", b"first part, second part")]);
}

#[test]
fn truncated_gz_delivers_its_prefix_then_errs() {
    let text: Vec<u8> = (0..40_000u32)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    let bytes = gzip(&text);
    for swallow in [false, true] {
        let mut sink = Collect {
            swallow,
            ..Collect::default()
        };
        let mut budget = Budget::new(Limits::default());
        let err = read_gzip(&bytes[..bytes.len() / 2], "log", &mut budget, &mut sink).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Truncated(_) | ErrorKind::Corrupt(_)),
            "{err}"
        );
        let Ev::Member(name, got) = &sink.events[0] else {
            panic!()
        };
        assert_eq!(name, "log");
        assert!(!got.is_empty() && text.starts_with(got));
        assert_eq!(sink.events.len(), 1);
    }
}

#[test]
fn garbage_gz_is_an_error() {
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    let err = read_gzip(&b"\x1f\x8bnot really"[..], "x", &mut budget, &mut sink).unwrap_err();
    assert!(!matches!(err.kind(), ErrorKind::Sink(_)), "{err}");
}

/// The route for a `.tar.gz` nested in a stream: the gz member's content is
/// seen to be a tar, and read as one without a `dump.tar` level in names.
#[test]
fn tar_inside_gz_by_sniffing_the_member() {
    struct Outer {
        path: String,
        budget: Budget,
        inner: Collect,
    }
    impl MemberSink for Outer {
        fn member(&mut self, _name: &str, data: &mut dyn Read) -> std::io::Result<()> {
            let mut head = Vec::new();
            (&mut *data)
                .take(DETECT_LEN as u64)
                .read_to_end(&mut head)?;
            assert_eq!(detect(&head), Some(ArchiveKind::Tar));
            let data = Cursor::new(head).chain(data);
            let mut budget = self.budget.share();
            read_tar(data, false, &mut budget, &mut self.inner).map_err(Into::into)
        }
        fn skipped(&mut self, name: &str, reason: SkipReason) {
            panic!("{name}: {reason}");
        }
    }
    let tgz = gzip(&tar_of(&[("inner/file", b"email=someone@example.invalid")]));
    let mut budget = Budget::new(Limits::default());
    let mut outer = Outer {
        path: "dump.tar.gz".into(),
        budget: budget.share(),
        inner: Collect::default(),
    };
    read_gzip(&tgz[..], "dump.tar", &mut budget, &mut outer).unwrap();
    let names: Vec<_> = outer
        .inner
        .lengths()
        .into_iter()
        .map(|(n, _)| format!("{}!{n}", outer.path))
        .collect();
    assert_eq!(names, ["dump.tar.gz!inner/file"]);
    assert_eq!(
        outer.inner.events[0],
        member("inner/file", b"email=someone@example.invalid")
    );
    // The tar stream (header, data, end marker: 2048 bytes) was counted
    // once, up to where the tar reader stopped; the tar member not again.
    assert!(
        (1536..=2048).contains(&budget.bytes_expanded()),
        "{}",
        budget.bytes_expanded()
    );
    assert_eq!(budget.members(), 2);
}

/// The route for a top-level `.tar.gz`: peek, rewind, read with `gzip`.
#[test]
fn tar_inside_gz_by_peeking_a_seekable_input() {
    let tgz = gzip(&tar_of(&[("inner/file", b"fake-token")]));
    let mut file = Cursor::new(tgz);
    assert_eq!(detect(&file.get_ref()[..]), Some(ArchiveKind::Gzip));
    let head = gunzip_prefix(&mut file, DETECT_LEN).unwrap();
    assert_eq!(head.len(), DETECT_LEN);
    assert_eq!(detect(&head), Some(ArchiveKind::Tar));
    file.seek(SeekFrom::Start(0)).unwrap();
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    read_tar(file, true, &mut budget, &mut sink).unwrap();
    assert_eq!(sink.events, [member("inner/file", b"fake-token")]);
    assert_eq!(
        gunzip_prefix(&gzip(b"short")[..], DETECT_LEN).unwrap(),
        b"short"
    );
}
