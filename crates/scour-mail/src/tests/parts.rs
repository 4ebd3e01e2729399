use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{collect, crlf, names};

/// Base64 in 76-character lines, as mailers write it.
fn b64_lines(data: &[u8]) -> String {
    let encoded = STANDARD.encode(data);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    lines.join("\r\n")
}

#[test]
fn simple_text_message() {
    let msg = crlf(
        "From: Alice <alice@example.invalid>\n\
         To: bob@example.invalid\n\
         Subject: hello\n\
         \n\
         token=fake_0123456789\n\
         bye\n",
    );
    let parts = collect(&msg);
    assert_eq!(names(&parts), ["headers", "part-1.txt"]);

    let headers = &parts[0];
    assert_eq!(headers.content_type, "text/rfc822-headers");
    assert_eq!(headers.offset, 0);
    assert!(headers.data.starts_with(b"From: Alice"));
    assert!(headers.data.ends_with(b"Subject: hello\r\n"));
    assert!(headers.decoders.is_empty());

    let body = &parts[1];
    let at = msg.windows(5).position(|w| w == b"token").unwrap();
    assert_eq!(body.offset, at);
    assert_eq!(&body.data[..], &msg[at..]);
    assert_eq!(body.content_type, "text/plain");
    assert!(matches!(body.data, std::borrow::Cow::Borrowed(_)));
    assert!(!body.is_attachment);
}

#[test]
fn lf_only_message_and_folded_content_type() {
    let msg = b"Subject: x\nContent-Type: text/html;\n charset=utf-8\n\n<p>hi</p>\n";
    let parts = collect(msg);
    assert_eq!(names(&parts), ["headers", "part-1.html"]);
    assert_eq!(parts[1].content_type, "text/html");
    assert_eq!(parts[1].offset, msg.len() - b"<p>hi</p>\n".len());
}

const HAR: &str = r#"{"log":{"version":"1.2","entries":[{"request":{"url":"https://api.example.invalid/v1","headers":[{"name":"Authorization","value":"Bearer fake-token-0123456789abcdef"}]}}]}}"#;

/// Bytes that start like gzip and cover every byte value.
fn fake_gzip() -> Vec<u8> {
    let mut data = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03];
    data.extend((0..=255u8).cycle().take(1000));
    data
}

fn mixed_message() -> Vec<u8> {
    let mut msg = crlf(
        "From: alice@example.invalid\n\
         To: support@example.invalid\n\
         Subject: capture attached\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"==outer==\"\n\
         \n\
         This is a multi-part message in MIME format.\n\
         --==outer==\n\
         Content-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: quoted-printable\n\
         \n\
         The key is api_key=3Dfake_abc and this line is long enough to need a soft =\n\
         break.  \n\
         Caf=C3=A9\n\
         --==outer==\n\
         Content-Type: text/html; charset=utf-8\n\
         \n\
         <p>Hello</p>\n\
         --==outer==\n\
         Content-Type: application/json; name=\"capture.har\"\n\
         Content-Disposition: attachment; filename=\"capture.har\"\n\
         Content-Transfer-Encoding: base64\n\
         \n",
    );
    msg.extend(b64_lines(HAR.as_bytes()).as_bytes());
    msg.extend(crlf(
        "\n--==outer==\n\
         Content-Type: application/gzip\n\
         Content-Disposition: attachment; filename=logs.gz\n\
         Content-Transfer-Encoding: base64\n\
         \n",
    ));
    msg.extend(b64_lines(&fake_gzip()).as_bytes());
    msg.extend(crlf("\n--==outer==--\nepilogue\n"));
    msg
}

#[test]
fn multipart_mixed_with_decodings() {
    let msg = mixed_message();
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        [
            "headers",
            "part-1.txt",
            "part-2.html",
            "capture.har",
            "logs.gz"
        ]
    );

    let text = &parts[1];
    assert_eq!(text.decoders, ["quoted-printable"]);
    assert_eq!(
        std::str::from_utf8(&text.data).unwrap(),
        "The key is api_key=fake_abc and this line is long enough to need a soft \
         break.\r\nCafé"
    );
    assert!(msg[text.offset..].starts_with(b"The key is api_key=3D"));
    assert!(!text.is_attachment);

    let html = &parts[2];
    assert_eq!(html.content_type, "text/html");
    assert_eq!(&html.data[..], b"<p>Hello</p>");
    assert_eq!(
        &msg[html.offset..html.offset + html.data.len()],
        &html.data[..]
    );
    assert!(html.decoders.is_empty());

    let har = &parts[3];
    assert_eq!(har.content_type, "application/json");
    assert_eq!(har.decoders, ["base64"]);
    assert_eq!(&har.data[..], HAR.as_bytes());
    assert!(har.is_attachment);
    assert!(msg[har.offset..].starts_with(&STANDARD.encode(HAR).as_bytes()[..40]));

    let gz = &parts[4];
    assert_eq!(gz.content_type, "application/gzip");
    assert_eq!(&gz.data[..], &fake_gzip()[..]);
    assert!(gz.is_attachment);
}

#[test]
fn nested_forwarded_message_and_alternative() {
    let msg = crlf(
        "From: carol@example.invalid\n\
         Subject: Fwd: logs\n\
         Content-Type: multipart/mixed; boundary=outer\n\
         \n\
         --outer\n\
         Content-Type: multipart/alternative; boundary=alt\n\
         \n\
         --alt\n\
         Content-Type: text/plain\n\
         \n\
         see below\n\
         --alt\n\
         Content-Type: text/html\n\
         \n\
         <b>see below</b>\n\
         --alt--\n\
         --outer\n\
         Content-Type: message/rfc822\n\
         Content-Disposition: attachment; filename=forwarded.eml\n\
         \n\
         From: alice@example.invalid\n\
         Subject: logs\n\
         Content-Type: multipart/mixed; boundary=inner\n\
         \n\
         --inner\n\
         Content-Type: text/plain\n\
         \n\
         password=fake-hunter2\n\
         --inner\n\
         Content-Type: text/plain; name=debug.log\n\
         Content-Disposition: attachment; filename=debug.log\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         c2VjcmV0PWZha2U=\n\
         --inner--\n\
         --outer\n\
         Content-Type: message/rfc822\n\
         \n\
         From: dave@example.invalid\n\
         Subject: second\n\
         \n\
         plain body\n\
         --outer--\n",
    );
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        [
            "headers",
            "part-1.txt",
            "part-2.html",
            "forwarded.eml/headers",
            "forwarded.eml/part-1.txt",
            "forwarded.eml/debug.log",
            "part-4.eml/headers",
            "part-4.eml/part-1.txt",
        ]
    );
    let nested_headers = &parts[3];
    assert_eq!(nested_headers.content_type, "text/rfc822-headers");
    assert!(msg[nested_headers.offset..].starts_with(b"From: alice@example.invalid"));
    assert!(nested_headers.data.ends_with(b"boundary=inner\r\n"));

    let inner = &parts[4];
    assert_eq!(&inner.data[..], b"password=fake-hunter2");
    assert_eq!(
        &msg[inner.offset..inner.offset + inner.data.len()],
        &inner.data[..]
    );

    let log = &parts[5];
    assert_eq!(&log.data[..], b"secret=fake");
    assert!(log.is_attachment);
    assert_eq!(log.decoders, ["base64"]);

    assert_eq!(&parts[7].data[..], b"plain body");
}

#[test]
fn base64_encoded_message_rfc822() {
    let inner = "From: x@example.invalid\r\nSubject: s\r\n\r\nkey=fake\r\n";
    let mut msg = crlf(
        "Subject: wrapped\n\
         Content-Type: multipart/mixed; boundary=b\n\
         \n\
         --b\n\
         Content-Type: message/rfc822\n\
         Content-Transfer-Encoding: base64\n\
         \n",
    );
    let at = msg.len();
    msg.extend(b64_lines(inner.as_bytes()).as_bytes());
    msg.extend(b"\r\n--b--\r\n");
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        ["headers", "part-1.eml/headers", "part-1.eml/part-1.txt"]
    );
    assert_eq!(&parts[2].data[..], b"key=fake\r\n");
    assert_eq!(parts[2].decoders, ["base64"]);
    assert_eq!(parts[1].offset, at);
    assert_eq!(parts[2].offset, at);
}

#[test]
fn encoded_filenames() {
    let msg = crlf(
        "Subject: names\n\
         Content-Type: multipart/mixed; boundary=b\n\
         \n\
         --b\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment;\n\
         \tfilename*=UTF-8''caf%C3%A9%20capture.har\n\
         \n\
         x\n\
         --b\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment;\n\
         \tfilename*0*=iso-8859-1'fr'r%E9sum%E9;\n\
         \tfilename*1=\"-long.txt\"\n\
         \n\
         x\n\
         --b\n\
         Content-Type: application/octet-stream; name=\"=?UTF-8?B?0L7RgtGH0ZHRgg==?=\n\
         \x20=?utf-8?q?_2024=2Ehar?=\"\n\
         \n\
         x\n\
         --b\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=\"fallback.bin\";\n\
         \tfilename*=utf-8''real.har\n\
         \n\
         x\n\
         --b\n\
         Content-Type: application/pdf\n\
         Content-Disposition: attachment; filename=\"C:\\Users\\fake\\report.pdf\"\n\
         \n\
         x\n\
         --b\n\
         Content-Type: text/plain; name=\"=?utf-8?Q?not closed\"\n\
         \n\
         x\n\
         --b--\n",
    );
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        [
            "headers",
            "café capture.har",
            "résumé-long.txt",
            "отчёт 2024.har",
            "real.har",
            "report.pdf",
            "=?utf-8?Q?not closed",
        ]
    );
    assert!(parts[1..6].iter().all(|p| p.is_attachment));
    // A text part with a name but no attachment disposition is inline.
    assert!(!parts[6].is_attachment);
}

#[test]
fn digest_parts_default_to_messages() {
    let msg = crlf(
        "Subject: digest\n\
         Content-Type: multipart/digest; boundary=d\n\
         \n\
         --d\n\
         \n\
         From: a@example.invalid\n\
         Subject: one\n\
         \n\
         first\n\
         --d--\n",
    );
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        ["headers", "part-1.eml/headers", "part-1.eml/part-1.txt"]
    );
    assert_eq!(&parts[2].data[..], b"first");
}

#[test]
fn names_and_types_of_unnamed_parts() {
    let msg = crlf(
        "Subject: types\n\
         Content-Type: multipart/mixed; boundary=b\n\
         \n\
         --b\n\
         Content-Type: image/png\n\
         \n\
         x\n\
         --b\n\
         Content-Type: application/vnd.example+json\n\
         \n\
         {}\n\
         --b\n\
         Content-Type: APPLICATION/X-Unknown\n\
         \n\
         x\n\
         --b\n\
         Content-Type: garbage\n\
         \n\
         x\n\
         --b\n\
         \n\
         no headers\n\
         --b--\n",
    );
    let parts = collect(&msg);
    assert_eq!(
        names(&parts),
        [
            "headers",
            "part-1.png",
            "part-2.json",
            "part-3.bin",
            "part-4.txt",
            "part-5.txt"
        ]
    );
    assert_eq!(parts[3].content_type, "application/x-unknown");
    assert_eq!(parts[4].content_type, "text/plain");
    assert_eq!(&parts[5].data[..], b"no headers");
}

#[test]
fn raw_len_spans_the_undecoded_body() {
    let att = b64_lines(&[b'x'; 200]);
    let msg = crlf(&format!(
        "From: a@example.invalid\n\
         Subject: s\n\
         Content-Type: multipart/mixed; boundary=b\n\
         \n\
         --b\n\
         Content-Type: text/plain\n\
         Content-Transfer-Encoding: quoted-printable\n\
         \n\
         caf=C3=A9 =\n\
         ok\n\
         --b\n\
         Content-Type: application/octet-stream; name=x.bin\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         {}\n\
         --b--\n",
        att.replace("\r\n", "\n")
    ));
    let parts = collect(&msg);
    let raw = |i: usize| &msg[parts[i].offset..parts[i].offset + parts[i].raw_len];
    assert!(
        raw(0).starts_with(b"From: "),
        "{:?}",
        String::from_utf8_lossy(raw(0))
    );
    assert!(
        raw(0).ends_with(b"boundary=b\r\n"),
        "{:?}",
        String::from_utf8_lossy(raw(0))
    );
    assert_eq!(raw(1), b"caf=C3=A9 =\r\nok");
    assert_eq!(raw(2), att.as_bytes());
    assert_eq!(&parts[2].data[..], &[b'x'; 200][..]);
}
