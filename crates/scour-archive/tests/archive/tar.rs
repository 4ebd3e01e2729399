use std::io::Read;

use scour_archive::{read_tar, Budget, ErrorKind, Limits, MemberSink, SkipReason};
use tar::EntryType;

use crate::fixtures::*;

fn read(bytes: &[u8], gzip: bool) -> (Collect, Result<(), scour_archive::Error>) {
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    let result = read_tar(bytes, gzip, &mut budget, &mut sink);
    (sink, result)
}

/// One PAX record: its length counts itself.
fn pax(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len += 1;
    }
    format!("{len}{body}")
}

fn long_name() -> String {
    format!("support/{}/ticket.eml", "nested-folder".repeat(12))
}

/// Files, a directory, a symlink, traversal names, a GNU long name and a
/// PAX path.
fn sample() -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |name: &[u8], kind: EntryType, data: &[u8]| {
        let header = tar_header(name, data.len() as u64, kind);
        tar.append(&header, data).unwrap();
    };
    add(b"logs/", EntryType::Directory, b"");
    add(
        b"logs/app.log",
        EntryType::Regular,
        b"user=alice password=fake\n",
    );
    add(b"../x", EntryType::Regular, b"up");
    add(b"/abs/x", EntryType::Regular, b"absolute");
    add(b"empty", EntryType::Regular, b"");
    let pax_record = pax("path", "pax/a-name-from-the-pax-record");
    add(
        b"PaxHeaders/short",
        EntryType::XHeader,
        pax_record.as_bytes(),
    );
    add(b"short", EntryType::Regular, b"pax body");
    let mut link = tar_header(b"logs/latest", 0, EntryType::Symlink);
    link.set_link_name("app.log").unwrap();
    link.set_cksum();
    tar.append(&link, &[][..]).unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(9);
    header.set_cksum();
    tar.append_data(&mut header, long_name(), &b"long name"[..])
        .unwrap();
    tar.into_inner().unwrap()
}

fn sample_events() -> Vec<Ev> {
    vec![
        skipped("logs/", SkipReason::NotAFile),
        member("logs/app.log", b"user=alice password=fake\n"),
        member("../x", b"up"),
        member("/abs/x", b"absolute"),
        member("empty", b""),
        member("pax/a-name-from-the-pax-record", b"pax body"),
        skipped("logs/latest", SkipReason::NotAFile),
        member(&long_name(), b"long name"),
    ]
}

#[test]
fn tar_members_in_order() {
    let (sink, result) = read(&sample(), false);
    result.unwrap();
    assert_eq!(sink.events, sample_events());
}

#[test]
fn tar_gz_members_in_order() {
    let (sink, result) = read(&gzip(&sample()), true);
    result.unwrap();
    assert_eq!(sink.events, sample_events());
}

#[test]
fn multi_member_gzip_stream_is_one_tar() {
    let tar = sample();
    let (a, b) = tar.split_at(1536);
    let mut bytes = gzip(a);
    bytes.extend(gzip(b));
    let (sink, result) = read(&bytes, true);
    result.unwrap();
    assert_eq!(sink.events, sample_events());
}

#[test]
fn a_sink_that_reads_part_or_nothing() {
    /// Reads three bytes of the first member and nothing of the others.
    #[derive(Default)]
    struct Sip(Vec<(String, Vec<u8>)>);
    impl MemberSink for Sip {
        fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
            let mut buf = Vec::new();
            if self.0.is_empty() {
                data.take(3).read_to_end(&mut buf)?;
            }
            self.0.push((name.to_owned(), buf));
            Ok(())
        }
        fn skipped(&mut self, _: &str, _: SkipReason) {}
    }
    let big = vec![b'z'; 100_000];
    let bytes = tar_of(&[("a", b"abcdef"), ("big", &big), ("c", b"c")]);
    for (input, gzip_it) in [(bytes.clone(), false), (gzip(&bytes), true)] {
        let mut sink = Sip::default();
        let mut budget = Budget::new(Limits::default());
        read_tar(&input[..], gzip_it, &mut budget, &mut sink).unwrap();
        let names: Vec<_> = sink
            .0
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        assert_eq!(names, [("a", &b"abc"[..]), ("big", b""), ("c", b"")]);
    }
}

#[test]
fn truncated_tar_delivers_what_precedes_the_damage() {
    let second = vec![b's'; 5000];
    let bytes = tar_of(&[
        ("first.txt", b"first member, whole"),
        ("second.txt", &second),
    ]);
    // Inside the second member's data, then inside its header.
    for cut in [512 * 3 + 100, 512 + 512 + 200] {
        let (sink, result) = read(&bytes[..cut], false);
        let err = result.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Truncated(_)),
            "cut {cut}: {err}"
        );
        assert_eq!(sink.events[0], member("first.txt", b"first member, whole"));
    }
}

#[test]
fn truncated_tar_gz_delivers_what_precedes_the_damage() {
    let second: Vec<u8> = (0..50_000u32).flat_map(|i| i.to_be_bytes()).collect();
    let bytes = gzip(&tar_of(&[
        ("first.txt", b"first member, whole"),
        ("second.bin", &second),
    ]));
    let (sink, result) = read(&bytes[..bytes.len() / 2], true);
    let err = result.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Truncated(_) | ErrorKind::Corrupt(_)),
        "{err}"
    );
    assert_eq!(sink.events[0], member("first.txt", b"first member, whole"));
}

#[test]
fn corrupt_header_is_an_error() {
    let mut bytes = tar_of(&[("first.txt", b"one"), ("second.txt", b"two")]);
    bytes[1024 + 10] ^= 0x55;
    let (sink, result) = read(&bytes, false);
    assert!(matches!(result.unwrap_err().kind(), ErrorKind::Corrupt(_)));
    assert_eq!(sink.events, [member("first.txt", b"one")]);
}

#[test]
fn a_huge_long_name_is_refused_not_buffered() {
    let mut tar = tar::Builder::new(Vec::new());
    let name = vec![b'n'; 3 << 20];
    let header = tar_header(b"././@LongLink", name.len() as u64, EntryType::GNULongName);
    tar.append(&header, &name[..]).unwrap();
    tar.append(&tar_header(b"x", 1, EntryType::Regular), &b"x"[..])
        .unwrap();
    let bytes = tar.into_inner().unwrap();
    let (sink, result) = read(&bytes, false);
    let err = result.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Corrupt(_)), "{err}");
    assert!(sink.events.is_empty());
}
