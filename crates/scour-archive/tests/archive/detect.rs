use scour_archive::{detect, ArchiveKind, DETECT_LEN};

use crate::fixtures::*;

#[test]
fn magic_bytes() {
    assert_eq!(
        detect(&zip_of(&[("a", b"a")], deflated())),
        Some(ArchiveKind::Zip)
    );
    assert_eq!(detect(b"PK\x05\x06\0\0\0\0"), Some(ArchiveKind::Zip));
    assert_eq!(detect(b"PK\x07\x08PK\x03\x04"), Some(ArchiveKind::Zip));
    assert_eq!(detect(&gzip(b"x")), Some(ArchiveKind::Gzip));

    let gnu = tar_of(&[("a", b"a")]);
    assert_eq!(detect(&gnu), Some(ArchiveKind::Tar));
    assert_eq!(detect(&gnu[..DETECT_LEN]), Some(ArchiveKind::Tar));
    assert_eq!(detect(&gnu[..DETECT_LEN - 1]), None);
    let mut posix = tar::Header::new_ustar();
    posix.set_path("a").unwrap();
    posix.set_cksum();
    assert_eq!(&posix.as_bytes()[257..265], b"ustar\x0000");
    assert_eq!(detect(posix.as_bytes()), Some(ArchiveKind::Tar));
}

#[test]
fn not_archives() {
    assert_eq!(detect(b""), None);
    assert_eq!(detect(b"P"), None);
    assert_eq!(detect(b"PK"), None);
    assert_eq!(detect(b"\x1f"), None);
    assert_eq!(detect(b"Subject: hello\r\n\r\nbody"), None);
    assert_eq!(
        detect(br#"{"tickets":[{"id":1,"body":"PK\u0003\u0004"}]}"#),
        None
    );
    assert_eq!(detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), None);
    assert_eq!(detect(&[b' '; 1024]), None);
    let mut text = vec![b'a'; 1024];
    text[257..262].copy_from_slice(b"USTAR");
    assert_eq!(detect(&text), None);
}
