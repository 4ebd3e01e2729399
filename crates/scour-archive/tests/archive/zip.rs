use std::io::{Cursor, Write};

use scour_archive::{read_zip, Budget, ErrorKind, Limits, SkipReason};
use zip::unstable::write::FileOptionsExt;
use zip::ZipWriter;

use crate::fixtures::*;

fn read(bytes: &[u8]) -> (Collect, Result<(), scour_archive::Error>) {
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    let result = read_zip(Cursor::new(bytes), &mut budget, &mut sink);
    (sink, result)
}

#[test]
fn members_in_order_with_exact_names_and_bytes() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("tickets/1.json", deflated()).unwrap();
    zip.write_all(br#"{"body":"api_key=FAKE0001"}"#).unwrap();
    zip.add_directory("tickets/att/", stored()).unwrap();
    zip.start_file("tickets/att/a.txt", stored()).unwrap();
    zip.write_all(b"stored bytes").unwrap();
    zip.start_file("empty", deflated()).unwrap();
    zip.start_file("caf\u{e9}.txt", deflated()).unwrap();
    zip.write_all(&[0, 1, 2, 255]).unwrap();
    let bytes = zip.finish().unwrap().into_inner();

    let (sink, result) = read(&bytes);
    result.unwrap();
    assert_eq!(
        sink.events,
        [
            member("tickets/1.json", br#"{"body":"api_key=FAKE0001"}"#),
            member("tickets/att/a.txt", b"stored bytes"),
            member("empty", b""),
            member("caf\u{e9}.txt", &[0, 1, 2, 255]),
        ]
    );
}

#[test]
fn traversal_names_are_only_names() {
    let root = tempfile::tempdir().unwrap();
    let cwd = root.path().join("work");
    std::fs::create_dir(&cwd).unwrap();
    let bytes = zip_of(
        &[
            ("../x", b"up"),
            ("/abs/x", b"absolute"),
            ("a/../../y", b"sneaky"),
        ],
        deflated(),
    );

    let before = std::env::current_dir().unwrap();
    std::env::set_current_dir(&cwd).unwrap();
    let (sink, result) = read(&bytes);
    std::env::set_current_dir(before).unwrap();

    result.unwrap();
    assert_eq!(
        sink.events,
        [
            member("../x", b"up"),
            member("/abs/x", b"absolute"),
            member("a/../../y", b"sneaky")
        ]
    );
    let listing = |dir: &std::path::Path| -> Vec<_> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    };
    assert_eq!(listing(root.path()), ["work"]);
    assert!(listing(&cwd).is_empty());
    assert!(!std::path::Path::new("/abs/x").exists());
}

#[test]
fn encrypted_unsupported_and_symlink_members_are_skipped() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "secret.txt",
        deflated().with_deprecated_encryption(b"fake-password"),
    )
    .unwrap();
    zip.write_all(b"hidden").unwrap();
    zip.start_file("later.bz2-ish", stored()).unwrap();
    zip.write_all(b"method patched below").unwrap();
    zip.add_symlink("link", "/etc/passwd", stored()).unwrap();
    zip.start_file("plain.txt", deflated()).unwrap();
    zip.write_all(b"visible").unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    // Mark the second member as bzip2 (method 12) in its local and central
    // headers: the bytes are left as they are; the reader must not try.
    let local = find_all(&bytes, b"PK\x03\x04")[1];
    let central = find_all(&bytes, b"PK\x01\x02")[1];
    bytes[local + 8] = 12;
    bytes[central + 10] = 12;

    let (sink, result) = read(&bytes);
    result.unwrap();
    assert_eq!(
        sink.events,
        [
            skipped("secret.txt", SkipReason::Encrypted),
            skipped("later.bz2-ish", SkipReason::UnsupportedCompression),
            skipped("link", SkipReason::NotAFile),
            member("plain.txt", b"visible"),
        ]
    );
}

#[test]
fn a_damaged_member_is_skipped_and_the_next_is_read() {
    let mut bytes = zip_of(
        &[("bad.txt", b"checksum will not match"), ("good.txt", b"ok")],
        deflated(),
    );
    let central = find_all(&bytes, b"PK\x01\x02")[0];
    bytes[central + 16] ^= 0xff;

    let (sink, result) = read(&bytes);
    result.unwrap();
    assert_eq!(sink.events.len(), 3, "{:?}", sink.events);
    assert!(matches!(&sink.events[0], Ev::Member(name, _) if name == "bad.txt"));
    assert!(
        matches!(&sink.events[1], Ev::Skipped(name, SkipReason::Corrupt(_)) if name == "bad.txt")
    );
    assert_eq!(sink.events[2], member("good.txt", b"ok"));
}

#[test]
fn truncated_zip_delivers_what_precedes_the_damage() {
    let second: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
    for options in [deflated(), stored()] {
        let bytes = zip_of(
            &[
                ("first.txt", b"first member, whole"),
                ("second.bin", &second),
            ],
            options,
        );
        for cut in [bytes.len() / 2, bytes.len() - 30] {
            let (sink, result) = read(&bytes[..cut]);
            let err = result.unwrap_err();
            assert_eq!(
                sink.events[0],
                member("first.txt", b"first member, whole"),
                "cut at {cut}"
            );
            assert!(
                matches!(err.kind(), ErrorKind::Truncated(_) | ErrorKind::Corrupt(_)),
                "{err}"
            );
        }
    }
}

#[test]
fn garbage_and_empty_zips() {
    let (sink, result) = read(b"this is not a zip at all");
    assert!(matches!(result.unwrap_err().kind(), ErrorKind::Corrupt(_)));
    assert!(sink.events.is_empty());

    let empty = ZipWriter::new(Cursor::new(Vec::new()))
        .finish()
        .unwrap()
        .into_inner();
    assert_eq!(&empty[..4], b"PK\x05\x06");
    let (sink, result) = read(&empty);
    result.unwrap();
    assert!(sink.events.is_empty());
}

#[test]
fn zip64_members() {
    let bytes = zip_of(
        &[("big-flagged.txt", b"zip64 header, small body")],
        deflated().large_file(true),
    );
    let (sink, result) = read(&bytes);
    result.unwrap();
    assert_eq!(
        sink.events,
        [member("big-flagged.txt", b"zip64 header, small body")]
    );
}

#[test]
fn a_sink_error_stops_the_archive() {
    struct Fails;
    impl scour_archive::MemberSink for Fails {
        fn member(&mut self, _: &str, _: &mut dyn std::io::Read) -> std::io::Result<()> {
            Err(std::io::Error::other("report disk full"))
        }
        fn skipped(&mut self, _: &str, _: SkipReason) {}
    }
    let bytes = zip_of(&[("a", b"1"), ("b", b"2")], deflated());
    let mut budget = Budget::new(Limits::default());
    let err = read_zip(Cursor::new(bytes), &mut budget, &mut Fails).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Sink(_)), "{err}");
    assert_eq!(budget.members(), 1);
}
