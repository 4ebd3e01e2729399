use std::io::Cursor;

use scour_archive::{read_gzip, read_tar, read_zip, Budget, Error, ErrorKind, Limits, SkipReason};

use crate::fixtures::*;

#[derive(Clone, Copy, Debug)]
enum Format {
    Zip,
    Tar,
    TarGz,
}

const FORMATS: [Format; 3] = [Format::Zip, Format::Tar, Format::TarGz];

fn read(
    format: Format,
    files: &[(&str, &[u8])],
    limits: Limits,
) -> (Collect, Budget, Result<(), Error>) {
    let mut sink = Collect::default();
    let mut budget = Budget::new(limits);
    let result = match format {
        Format::Zip => read_zip(
            Cursor::new(zip_of(files, deflated())),
            &mut budget,
            &mut sink,
        ),
        Format::Tar => read_tar(&tar_of(files)[..], false, &mut budget, &mut sink),
        Format::TarGz => read_tar(&gzip(&tar_of(files))[..], true, &mut budget, &mut sink),
    };
    (sink, budget, result)
}

/// Text that deflate shrinks only a little.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            b'a' + (x % 26) as u8
        })
        .collect()
}

fn limit_of(result: Result<(), Error>) -> SkipReason {
    match result.unwrap_err().into_kind() {
        ErrorKind::LimitExceeded(reason) => reason,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_zip_bomb_member_is_cut_off_by_the_ratio() {
    let zeros = vec![0u8; 50 << 20];
    let bytes = zip_of(
        &[("bomb.bin", &zeros), ("after.txt", b"still read")],
        deflated(),
    );
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    drop(zeros);
    for swallow in [false, true] {
        let mut sink = Collect {
            swallow,
            ..Collect::default()
        };
        let mut budget = Budget::new(Limits {
            max_ratio: 100,
            ..Limits::default()
        });
        read_zip(Cursor::new(&bytes), &mut budget, &mut sink).unwrap();
        let lengths = sink.lengths();
        assert_eq!(lengths[0].0, "bomb.bin");
        assert!(
            lengths[0].1 >= 1 << 20 && lengths[0].1 < 2 << 20,
            "{}",
            lengths[0].1
        );
        assert_eq!(
            sink.skips(),
            [("bomb.bin".to_owned(), SkipReason::RatioExceeded)]
        );
        assert_eq!(sink.events[2], member("after.txt", b"still read"));
        // What was delivered, the read that crossed the ratio, and after.txt.
        assert!(
            budget.bytes_expanded() < 3 << 20,
            "{}",
            budget.bytes_expanded()
        );
    }
}

#[test]
fn a_tar_gz_bomb_member_is_cut_off_by_the_ratio() {
    let zeros = vec![0u8; 16 << 20];
    let (sink, _, result) = read(
        Format::TarGz,
        &[("bomb.bin", &zeros), ("after.txt", b"still read")],
        Limits {
            max_ratio: 100,
            ..Limits::default()
        },
    );
    result.unwrap();
    let lengths = sink.lengths();
    assert!(
        lengths[0].1 > 1 << 20 && lengths[0].1 < 8 << 20,
        "{}",
        lengths[0].1
    );
    assert_eq!(
        sink.skips(),
        [("bomb.bin".to_owned(), SkipReason::RatioExceeded)]
    );
    assert_eq!(sink.events[2], member("after.txt", b"still read"));
}

#[test]
fn a_gz_bomb_is_cut_off_by_the_ratio() {
    let bytes = gzip(&vec![0u8; 16 << 20]);
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits {
        max_ratio: 100,
        ..Limits::default()
    });
    read_gzip(&bytes[..], "zeros", &mut budget, &mut sink).unwrap();
    let lengths = sink.lengths();
    assert!(
        lengths[0].1 >= 1 << 20 && lengths[0].1 < 4 << 20,
        "{}",
        lengths[0].1
    );
    assert_eq!(
        sink.skips(),
        [("zeros".to_owned(), SkipReason::RatioExceeded)]
    );
}

#[test]
fn compressible_but_ordinary_members_pass_the_default_ratio() {
    let log: Vec<u8> = (0..200_000u32)
        .flat_map(|i| {
            format!("2024-01-01T00:00:{:02} INFO request id={i} ok\n", i % 60).into_bytes()
        })
        .collect();
    for format in FORMATS {
        let (sink, _, result) = read(format, &[("app.log", &log)], Limits::default());
        result.unwrap();
        assert_eq!(
            sink.lengths(),
            [("app.log".to_owned(), log.len())],
            "{format:?}"
        );
    }
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    read_gzip(&gzip(&log)[..], "app.log", &mut budget, &mut sink).unwrap();
    assert_eq!(sink.lengths(), [("app.log".to_owned(), log.len())]);
}

#[test]
fn total_bytes_across_members() {
    let files: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("m{i}"), noise(100_000, i)))
        .collect();
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let limits = Limits {
        max_total_bytes: 250_000,
        ..Limits::default()
    };

    let (sink, budget, result) = read(Format::Zip, &files, limits.clone());
    assert_eq!(limit_of(result), SkipReason::TotalBytesExceeded);
    assert_eq!(
        sink.lengths(),
        [
            ("m0".to_owned(), 100_000),
            ("m1".to_owned(), 100_000),
            ("m2".to_owned(), 50_000)
        ]
    );
    assert_eq!(
        sink.skips(),
        [("m2".to_owned(), SkipReason::TotalBytesExceeded)]
    );
    assert_eq!(budget.bytes_expanded(), 250_000);

    // In a tar.gz the tar stream is what expands: headers count too.
    let (sink, budget, result) = read(Format::TarGz, &files, limits.clone());
    assert_eq!(limit_of(result), SkipReason::TotalBytesExceeded);
    assert_eq!(sink.lengths().len(), 3);
    assert_eq!(
        sink.skips(),
        [("m2".to_owned(), SkipReason::TotalBytesExceeded)]
    );
    assert_eq!(budget.bytes_expanded(), 250_000);

    // A plain tar expands nothing.
    let (sink, budget, result) = read(Format::Tar, &files, limits);
    result.unwrap();
    assert_eq!(sink.lengths().len(), 5);
    assert_eq!(budget.bytes_expanded(), 0);
}

#[test]
fn member_count() {
    let files: &[(&str, &[u8])] = &[
        ("a", b"1"),
        ("b", b"2"),
        ("c", b"3"),
        ("d", b"4"),
        ("e", b"5"),
    ];
    for format in FORMATS {
        let (sink, budget, result) = read(
            format,
            files,
            Limits {
                max_members: 3,
                ..Limits::default()
            },
        );
        assert_eq!(limit_of(result), SkipReason::TooManyMembers, "{format:?}");
        assert_eq!(
            sink.events,
            [
                member("a", b"1"),
                member("b", b"2"),
                member("c", b"3"),
                skipped("d", SkipReason::TooManyMembers)
            ]
        );
        assert_eq!(budget.members(), 4);
    }
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits {
        max_members: 0,
        ..Limits::default()
    });
    let result = read_gzip(&gzip(b"x")[..], "x", &mut budget, &mut sink);
    assert_eq!(limit_of(result), SkipReason::TooManyMembers);
    assert_eq!(sink.events, [skipped("x", SkipReason::TooManyMembers)]);
}

#[test]
fn member_size() {
    let big = noise(2000, 1);
    let exact = noise(1000, 2);
    let files: &[(&str, &[u8])] = &[("big", &big), ("exact", &exact), ("small", b"small")];
    let limits = Limits {
        max_member_bytes: 1000,
        ..Limits::default()
    };
    for format in FORMATS {
        let (sink, _, result) = read(format, files, limits.clone());
        result.unwrap();
        assert_eq!(
            sink.events,
            [
                member("big", &big[..1000]),
                skipped("big", SkipReason::TooLarge),
                member("exact", &exact),
                member("small", b"small"),
            ],
            "{format:?}"
        );
    }
    let mut sink = Collect::default();
    let mut budget = Budget::new(limits);
    read_gzip(&gzip(&big)[..], "big", &mut budget, &mut sink).unwrap();
    assert_eq!(
        sink.events,
        [
            member("big", &big[..1000]),
            skipped("big", SkipReason::TooLarge)
        ]
    );
}

#[test]
fn declared_sizes_are_not_trusted() {
    let big = noise(5000, 3);
    let mut bytes = zip_of(&[("liar", &big)], deflated());
    // Claim 10 bytes uncompressed in both headers.
    for (magic, at) in [(&b"PK\x03\x04"[..], 22), (&b"PK\x01\x02"[..], 24)] {
        let header = find_all(&bytes, magic)[0];
        bytes[header + at..header + at + 4].copy_from_slice(&10u32.to_le_bytes());
    }
    let mut sink = Collect {
        swallow: true,
        ..Collect::default()
    };
    let mut budget = Budget::new(Limits {
        max_member_bytes: 1000,
        ..Limits::default()
    });
    let _ = read_zip(Cursor::new(bytes), &mut budget, &mut sink);
    let delivered: usize = sink.lengths().iter().map(|(_, n)| n).sum();
    assert!(delivered <= 1000, "{delivered}");
    assert!(budget.bytes_expanded() <= 1000);
    assert!(!sink.skips().is_empty());
}
