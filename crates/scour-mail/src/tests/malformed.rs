use super::{collect, crlf, names};
use crate::ErrorKind;

#[test]
fn missing_closing_boundary() {
    let msg = crlf(
        "Subject: cut\n\
         Content-Type: multipart/mixed; boundary=b\n\
         \n\
         --b\n\
         Content-Type: text/plain\n\
         \n\
         first\n\
         --b\n\
         Content-Type: text/plain\n\
         \n\
         second, cut off\n",
    );
    let parts = collect(&msg);
    assert_eq!(names(&parts), ["headers", "part-1.txt", "part-2.txt"]);
    assert_eq!(&parts[1].data[..], b"first");
    assert_eq!(&parts[2].data[..], b"second, cut off\r\n");
}

#[test]
fn multipart_without_delimiters_is_one_leaf() {
    let msg = crlf(
        "Subject: odd\n\
         Content-Type: multipart/mixed; boundary=nowhere\n\
         \n\
         just text, token=fake\n",
    );
    let parts = collect(&msg);
    assert_eq!(names(&parts), ["headers", "part-1.txt"]);
    assert_eq!(parts[1].content_type, "multipart/mixed");
    assert_eq!(&parts[1].data[..], b"just text, token=fake\r\n");

    // No boundary parameter at all.
    let msg = crlf("Subject: odd\nContent-Type: multipart/mixed\n\nbody\n");
    assert_eq!(names(&collect(&msg)), ["headers", "part-1.txt"]);
}

#[test]
fn garbage_in_base64_stops_decoding() {
    let msg = crlf(
        "Subject: bad\n\
         Content-Type: application/octet-stream\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         c2Vj cmV0\n\
         PWZh*** not base64 ***\n\
         a2U=\n",
    );
    let parts = collect(&msg);
    assert_eq!(&parts[1].data[..], b"secret=fa");
}

#[test]
fn header_only_message() {
    let msg = b"From: a@example.invalid\r\nSubject: nothing else";
    let parts = collect(msg);
    assert_eq!(names(&parts), ["headers"]);
    assert_eq!(&parts[0].data[..], &msg[..]);

    let msg = b"From: a@example.invalid\r\n\r\n";
    assert_eq!(names(&collect(msg)), ["headers"]);
}

#[test]
fn empty_and_headerless_input_are_errors() {
    let mut called = false;
    let mut sink = |_: crate::Part<'_>| called = true;
    let err = crate::parts(b"", &mut sink).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Empty);
    let err = crate::parts(b"\r\n\n", &mut sink).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Empty);
    let err = crate::parts(b"just some text\nSubject: x\n", &mut sink).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NoHeaders);
    assert!(err.to_string().contains("header"));
    assert!(!called);
}

#[test]
fn leading_blank_lines_are_skipped() {
    let msg = b"\r\n\r\nSubject: x\r\n\r\nbody";
    let parts = collect(msg);
    assert_eq!(parts[0].offset, 4);
    assert_eq!(&parts[1].data[..], b"body");
    assert_eq!(parts[1].offset, msg.len() - 4);
}

/// `depth` multiparts, each holding the next, with a text part at the
/// bottom.
fn nested_multiparts(depth: usize) -> Vec<u8> {
    let mut msg = b"Subject: deep\r\n".to_vec();
    for level in 0..depth {
        msg.extend(
            format!("Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n")
                .as_bytes(),
        );
    }
    msg.extend(b"Content-Type: text/plain\r\n\r\nbottom token=fake\r\n");
    for level in (0..depth).rev() {
        msg.extend(format!("--b{level}--\r\n").as_bytes());
    }
    msg
}

#[test]
fn deep_nesting_is_bounded() {
    let msg = nested_multiparts(100);
    let parts = collect(&msg);
    // Opened to the depth bound, then the rest is one leaf holding the
    // bottom text, so nothing goes unscanned.
    assert_eq!(names(&parts), ["headers", "part-1.txt"]);
    let leaf = &parts[1];
    assert_eq!(leaf.content_type, "multipart/mixed");
    assert!(leaf.data.windows(6).any(|w| w == b"bottom"));
    assert!(leaf
        .data
        .starts_with(b"--b16\r\nContent-Type: multipart/mixed; boundary=b17"));

    // Far deeper than any stack would survive with unbounded recursion.
    let msg = nested_multiparts(20_000);
    assert_eq!(collect(&msg).len(), 2);
}

#[test]
fn deep_message_nesting_is_bounded() {
    let mut msg = Vec::new();
    for _ in 0..100 {
        msg.extend(b"Subject: fwd\r\nContent-Type: message/rfc822\r\n\r\n");
    }
    msg.extend(b"Subject: last\r\n\r\nbottom\r\n");
    let parts = collect(&msg);
    assert_eq!(parts.len(), 18);
    let last = parts.last().unwrap();
    assert_eq!(last.name.matches('/').count(), 16);
    assert_eq!(last.content_type, "message/rfc822");
    assert!(last.data.ends_with(b"bottom\r\n"));
}

#[test]
fn hostile_bytes_do_not_panic() {
    let samples: [&[u8]; 10] = [
        b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n",
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b",
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--",
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n--b--\r\n",
        b"Content-Type: ;;;==;\"\r\nContent-Disposition: (((\r\n\r\nx",
        b"Content-Type: text/plain; name*0*=''%;name*99999999999*=%F\r\n\r\nx",
        b"Content-Type: text/plain; name==?x?Q?=?=?=?\r\n\r\nx",
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=\r\n=4\r\n=\n==",
        b"Content-Transfer-Encoding: base64\r\n\r\n=",
        b"Content-Type: message/rfc822\r\n\r\n",
    ];
    for sample in samples {
        let _ = crate::parts(sample, &mut |_| {});
    }
    // Every prefix of a real message.
    let msg = crlf(
        "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\
         Content-Type: text/plain; name*=utf-8''a%20b\n\
         Content-Transfer-Encoding: quoted-printable\n\n=3D=\nx\n--b--\n",
    );
    for end in 0..=msg.len() {
        let _ = crate::parts(&msg[..end], &mut |_| {});
    }
}

#[test]
fn leading_mbox_separator_is_skipped() {
    let msg = b"From a@example.invalid Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n";
    let parts = collect(msg);
    assert_eq!(names(&parts), ["headers", "part-1.txt"]);
    assert_eq!(parts[0].offset, 48);
    assert_eq!(&parts[0].data[..], b"Subject: x\n");
}

#[test]
fn content_type_missing_its_semicolon() {
    let msg = b"Subject: x\nContent-Type: text/html charset=utf-8\n\n<p>x</p>";
    assert_eq!(collect(msg)[1].content_type, "text/html");
}
