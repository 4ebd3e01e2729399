use crate::{looks_like_eml, looks_like_mbox};

#[test]
fn eml_detection() {
    assert!(looks_like_eml(
        b"From: a@example.invalid\r\nTo: b@example.invalid\r\n"
    ));
    assert!(looks_like_eml(
        b"\r\nReturn-Path: <a@example.invalid>\r\nX-Spam: no\r\nReceived: from x\r\n\tby y\r\n"
    ));
    assert!(looks_like_eml(b"\xEF\xBB\xBFsubject: x\ndate: y\n"));
    // Only one common field, or not a header at the start.
    assert!(!looks_like_eml(
        b"From: a@example.invalid\r\nX-Other: 1\r\n\r\nTo: b\r\n"
    ));
    assert!(!looks_like_eml(b"hello\nFrom: a\nTo: b\n"));
    assert!(!looks_like_eml(
        b"From a@example.invalid Mon Jan  1 00:00:00 2024\nFrom: a\nTo: b\n"
    ));
    assert!(!looks_like_eml(b"{\"From\": 1, \"To\": 2}"));
    assert!(!looks_like_eml(b" continued: x\nFrom: a\nTo: b\n"));
    assert!(!looks_like_eml(b""));
}

#[test]
fn mbox_detection() {
    assert!(looks_like_mbox(
        b"From alice@example.invalid Mon Jan  1 00:00:00 2024\nFrom: a\n"
    ));
    assert!(looks_like_mbox(
        b"From - Sat Mar 01 12:00:00 2014\r\nX-Mozilla-Status: 0001\r\n"
    ));
    assert!(looks_like_mbox(
        b"From 123@xxx Wed Jan 03 10:00:00 +0000 2018\nX-GM-THRID: 1\n"
    ));
    assert!(looks_like_mbox(
        b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011"
    ));
    assert!(!looks_like_mbox(b"From the desk of the CEO: hello\n"));
    assert!(!looks_like_mbox(b"From: alice@example.invalid\n"));
    assert!(!looks_like_mbox(
        b"From a Mon Jan  1 00:00:00 2024\nnot a header line\n"
    ));
    assert!(!looks_like_mbox(b">From a Mon Jan  1 00:00:00 2024\n"));
    assert!(!looks_like_mbox(b""));
}
