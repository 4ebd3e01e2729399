//! Property tests: no panics on arbitrary input, and the streaming mbox
//! splitter agrees with a simple in-memory one however reads are split.

use std::io::BufReader;

use proptest::prelude::*;

use crate::Mbox;

/// The mbox rules applied to a whole file in memory: (line, offset, data,
/// truncated) per message.
fn reference(file: &[u8], max: usize) -> Vec<(u64, u64, Vec<u8>, bool)> {
    let mut out = Vec::new();
    // (separator line or 0, data start, data end)
    let mut cur: (u64, usize) = (0, 0);
    let mut messages = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    let mut prev_empty = true;
    while pos < file.len() {
        let end = file[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(file.len(), |i| pos + i + 1);
        let text = &file[pos..end];
        if prev_empty && text.starts_with(b"From ") {
            messages.push((cur.0, cur.1, pos));
            cur = (line, end);
            prev_empty = false;
        } else {
            prev_empty = text == b"\n" || text == b"\r\n";
        }
        pos = end;
        line += 1;
    }
    messages.push((cur.0, cur.1, file.len()));
    for (line, start, end) in messages {
        let data = &file[start..end];
        if line == 0 && data.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let truncated = data.len() > max;
        let mut kept = &data[..data.len().min(max)];
        if !truncated {
            for eol in [&b"\r\n"[..], b"\n"] {
                if let Some(head) = kept.strip_suffix(eol) {
                    if head.is_empty() || head.ends_with(b"\n") {
                        kept = head;
                        break;
                    }
                }
            }
        }
        out.push((line, start as u64, kept.to_vec(), truncated));
    }
    out
}

fn mbox_file() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"From a Mon Jan  1 00:00:00 2024\n"[..]),
        Just(&b"From "[..]),
        Just(&b"From"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\r"[..]),
        Just(&b"Subject: x\n"[..]),
        Just(&b">From b\n"[..]),
        Just(&b"text"[..]),
        Just(&b" "[..]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mbox_matches_reference(file in mbox_file(), capacity in 1usize..16, max in 0usize..64) {
        let want = reference(&file, max);
        let mut mbox = Mbox::new(BufReader::with_capacity(capacity, &file[..]), max);
        let mut got = Vec::new();
        while let Some(m) = mbox.next_message() {
            let m = m.unwrap();
            prop_assert_eq!(m.index, got.len());
            got.push((m.line, m.offset, m.data.to_vec(), m.truncated));
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn parts_never_panics_on_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = crate::parts(&data, &mut |_| {});
    }

    #[test]
    fn parts_never_panics_on_mail_like_text(
        pieces in prop::collection::vec(prop_oneof![
            Just("Content-Type: multipart/mixed; boundary=b\r\n"),
            Just("Content-Type: message/rfc822\r\n"),
            Just("Content-Type: text/plain; name*0*=utf-8''a%; name*1=b\r\n"),
            Just("Content-Disposition: attachment; filename=\"=?utf-8?b?YQ==?=\"\r\n"),
            Just("Content-Transfer-Encoding: base64\r\n"),
            Just("Content-Transfer-Encoding: quoted-printable\r\n"),
            Just("Subject: x\r\n"),
            Just("\r\n"),
            Just("--b\r\n"),
            Just("--b--\r\n"),
            Just("=3D=\r\n"),
            Just("YWJj\r\n"),
            Just(" folded\r\n"),
        ], 0..60),
    ) {
        let data = pieces.concat();
        let mut total = 0;
        let result = crate::parts(data.as_bytes(), &mut |p| {
            assert!(p.offset <= data.len());
            total += 1;
        });
        if result.is_err() {
            prop_assert_eq!(total, 0);
        }
    }
}
