//! The scanner over each kind of input, with generated fake secrets.

use base64::Engine as _;
use scour_report::Finding;

use crate::{Options, Report, Scanner};

#[derive(Default)]
pub(crate) struct Out {
    pub(crate) findings: Vec<(String, Finding)>,
    scanned: Vec<String>,
    skipped: Vec<(String, String)>,
    warnings: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl Report for Out {
    fn findings(&mut self, path: &str, f: Vec<Finding>) {
        self.findings
            .extend(f.into_iter().map(|f| (path.to_string(), f)));
    }
    fn scanned(&mut self, path: &str, _bytes: u64) {
        self.scanned.push(path.to_string());
    }
    fn skipped(&mut self, path: &str, reason: &str) {
        self.skipped.push((path.to_string(), reason.to_string()));
    }
    fn warning(&mut self, path: &str, message: String) {
        self.warnings.push((path.to_string(), message));
    }
    fn error(&mut self, path: &str, message: String) {
        self.errors.push((path.to_string(), message));
    }
}

fn scan(name: &str, bytes: &[u8]) -> Out {
    scan_with(
        name,
        bytes,
        Options {
            reveal: true,
            ..Options::default()
        },
    )
}

fn scan_with(name: &str, bytes: &[u8], opts: Options) -> Out {
    let engine = scour_engine::EngineBuilder::new()
        .rules(scour_rules::builtin().unwrap())
        .build()
        .unwrap();
    let scanner = Scanner::new(engine, opts);
    let mut out = Out::default();
    scanner.scan_bytes(name, bytes, &mut scanner.worker(), &mut out);
    out
}

fn with_secret<'o>(out: &'o Out, secret: &str) -> Vec<&'o (String, Finding)> {
    out.findings
        .iter()
        .filter(|(_, f)| f.secret.as_deref() == Some(secret))
        .collect()
}

const OKTA: &str = "00Tq8Zm3Vw7Lp2Kr9Xn4Bd6Hs1Fy5Gc0Jt8Mw3Qe2U";
const SID: &str = "102Tq8Zm3Vw7Lp2Kr9Xn4Bd6Hs";

fn har_with_cookie() -> String {
    format!(
        r#"{{"log":{{"entries":[{{"request":{{"url":"https://acme-corp.okta.test/api/v1/users","headers":[{{"name":"Cookie","value":"sid={SID}"}},{{"name":"Authorization","value":"SSWS {OKTA}"}}],"cookies":[{{"name":"sid","value":"{SID}"}}]}}}}]}}}}"#
    )
}

#[test]
fn one_finding_per_secret_with_every_place() {
    let out = scan("capture.har", har_with_cookie().as_bytes());
    let sid = with_secret(&out, SID);
    assert_eq!(sid.len(), 1, "{:#?}", out.findings);
    let f = &sid[0].1;
    assert_eq!(f.rule, "field.session-cookie");
    assert_eq!(f.locations.len(), 2);
    let pointers: Vec<_> = f
        .locations
        .iter()
        .filter_map(|l| l.pointer.as_deref())
        .collect();
    assert!(pointers.contains(&"/log/entries/0/request/headers/0/value"));
    assert!(pointers.contains(&"/log/entries/0/request/cookies/0/value"));
    let okta = with_secret(&out, OKTA);
    assert_eq!(okta.len(), 1);
    assert_eq!(
        okta[0].1.rule, "okta.api-token",
        "the most confident rule names the finding"
    );
    assert!(out.warnings.is_empty() && out.errors.is_empty());
}

#[test]
fn har_by_content_with_bom_and_pretty_printing() {
    let pretty = format!(
        "\u{feff}{}",
        har_with_cookie()
            .replace("{", "{\n  ")
            .replace(",", ",\n  ")
    );
    let out = scan("download.txt", pretty.as_bytes());
    let f = &with_secret(&out, SID)[0].1;
    assert!(f.line > 1);
    assert_eq!(
        f.pointer.as_deref(),
        Some("/log/entries/0/request/headers/0/value")
    );
    assert_eq!(
        &pretty.as_bytes()[f.start as usize..f.end as usize],
        SID.as_bytes(),
        "offsets count the BOM"
    );
}

#[test]
fn malformed_json_falls_back_to_text_with_a_warning() {
    let full = har_with_cookie();
    let truncated = &full[..full.len() - 20];
    let out = scan("cut.har", truncated.as_bytes());
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].1.contains("malformed JSON at byte"),
        "{:?}",
        out.warnings
    );
    assert_eq!(
        with_secret(&out, OKTA).len(),
        1,
        "the token is still found in the raw bytes"
    );
}

#[test]
fn json_lines_report_line_numbers() {
    let body = format!(
        "{{\"id\":1,\"body\":\"hello\"}}\n{{\"id\":2,\"body\":\"use SSWS {OKTA} please\"}}\nnot json SSWS 00Hs1Fy5Gc0Jt8Mw3Qe2Tq8Zm3Vw7Lp2Kr9Xn4Bd6Y\n"
    );
    let out = scan("tickets.jsonl", body.as_bytes());
    let f = &with_secret(&out, OKTA)[0].1;
    assert_eq!(f.line, 2);
    assert_eq!(f.pointer.as_deref(), Some("/body"));
    assert_eq!(
        with_secret(&out, "00Hs1Fy5Gc0Jt8Mw3Qe2Tq8Zm3Vw7Lp2Kr9Xn4Bd6Y")[0]
            .1
            .line,
        3
    );
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
}

#[test]
fn csv_columns_are_personal_data() {
    let csv = "Created Date,Full Name,Email,Phone,SAML Federation ID\n2023-01-02,Mirela Vasquez-Obi,mvasquez@acme-corp.io,,\n2023-02-03,Tomasz Kerrigan,tk@globex-systems.net,+1 415 555 0132,tkerrigan@corp.globex-systems.net\n";
    let out = scan("users.csv", csv.as_bytes());
    let rules: Vec<_> = out
        .findings
        .iter()
        .map(|(_, f)| (f.rule.as_str(), f.secret.clone().unwrap()))
        .collect();
    assert!(
        rules.contains(&("field.person-name", "Mirela Vasquez-Obi".into())),
        "{rules:#?}"
    );
    assert!(
        rules.contains(&("field.phone", "+1 415 555 0132".into())),
        "{rules:#?}"
    );
    assert!(
        rules
            .iter()
            .any(|(r, s)| *r == "field.saml-federation-id"
                && s == "tkerrigan@corp.globex-systems.net"),
        "{rules:#?}"
    );
    let name = &with_secret(&out, "Tomasz Kerrigan")[0].1;
    assert_eq!(name.line, 3);
    assert_eq!(
        &csv.as_bytes()[name.start as usize..name.end as usize],
        b"Tomasz Kerrigan"
    );
}

#[test]
fn utf16_is_transcoded() {
    let text = format!("Authorization: SSWS {OKTA}\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let out = scan("notes.txt", &bytes);
    let found = with_secret(&out, OKTA);
    assert_eq!(found.len(), 1);
    // Offsets are into the UTF-8 text, and the place says so.
    let f = &found[0].1;
    assert_eq!(f.decoders, ["utf-16le"]);
    assert_eq!(
        &text.as_bytes()[f.start as usize..f.end as usize],
        OKTA.as_bytes()
    );

    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let out = scan("notes.txt", &be);
    assert_eq!(with_secret(&out, OKTA)[0].1.decoders, ["utf-16be"]);
}

#[test]
fn invalid_utf8_around_a_token_does_not_hide_it() {
    let mut bytes = b"\xc3\x28\xff junk ".to_vec();
    bytes.extend(format!("SSWS {OKTA}").bytes());
    bytes.extend(b" \x80\x81");
    let out = scan("garbage.log", &bytes);
    assert_eq!(with_secret(&out, OKTA).len(), 1);
}

#[test]
fn eml_attachments_are_scanned_by_content() {
    let har = base64::engine::general_purpose::STANDARD.encode(har_with_cookie());
    let mail = format!(
        "From: agent@acme-corp.io\r\nTo: support@vendor.test\r\nSubject: capture\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b1\r\nContent-Type: application/octet-stream; name=\"session.har\"\r\nContent-Disposition: attachment; filename=\"session.har\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{har}\r\n--b1--\r\n"
    );
    let out = scan("case-118.eml", mail.as_bytes());
    let sid = with_secret(&out, SID);
    assert_eq!(sid.len(), 1, "{:#?}", out.findings);
    assert_eq!(sid[0].0, "case-118.eml!session.har");
    assert_eq!(
        sid[0].1.pointer.as_deref(),
        Some("/log/entries/0/request/headers/0/value")
    );
    assert!(
        out.scanned.iter().any(|p| p == "case-118.eml!headers"),
        "{:?}",
        out.scanned
    );
    assert!(
        out.scanned
            .iter()
            .any(|p| p.starts_with("case-118.eml!part-1")),
        "{:?}",
        out.scanned
    );
}

#[test]
fn mbox_messages_are_streamed_and_named() {
    let mbox = format!(
        "From agent@acme-corp.io Mon Oct  2 10:00:00 2023\nFrom: agent@acme-corp.io\nSubject: one\n\nnothing here\n\nFrom agent@acme-corp.io Mon Oct  2 11:00:00 2023\nFrom: agent@acme-corp.io\nSubject: two\n\ntoken SSWS {OKTA}\n"
    );
    let out = scan("support.mbox", mbox.as_bytes());
    let f = with_secret(&out, OKTA);
    assert_eq!(f.len(), 1, "{:#?}", out.findings);
    assert!(f[0].0.starts_with("support.mbox!2/"), "{}", f[0].0);
}

#[test]
fn binary_and_empty_inputs_are_skipped_with_reasons() {
    let out = scan("a.bin", b"\x00\x01\x02 SSWS");
    assert_eq!(out.skipped, [("a.bin".to_string(), "binary".to_string())]);
    let out = scan("e.txt", b"");
    assert_eq!(out.skipped, [("e.txt".to_string(), "empty".to_string())]);
}

mod archives {
    use std::io::{Cursor, Write};

    use super::*;

    fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        g.write_all(data).unwrap();
        g.finish().unwrap()
    }

    fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut t = tar::Builder::new(Vec::new());
        for (name, data) in members {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            // Written raw so hostile names like `../x` stay as they are.
            let bytes = name.as_bytes();
            h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            h.set_cksum();
            t.append(&h, *data).unwrap();
        }
        t.into_inner().unwrap()
    }

    fn paths_of(out: &Out, secret: &str) -> Vec<String> {
        with_secret(out, secret)
            .iter()
            .map(|(p, _)| p.clone())
            .collect()
    }

    #[test]
    fn zip_members_are_named_and_walked() {
        let har = har_with_cookie();
        let z = zip(&[
            ("case-1/notes.txt", b"nothing"),
            ("case-1/session.har", har.as_bytes()),
        ]);
        let out = scan("dump.zip", &z);
        assert_eq!(paths_of(&out, SID), ["dump.zip!case-1/session.har"]);
        assert_eq!(
            with_secret(&out, SID)[0].1.pointer.as_deref(),
            Some("/log/entries/0/request/headers/0/value")
        );
        assert!(out.errors.is_empty(), "{:?}", out.errors);
    }

    #[test]
    fn nested_zip_tar_gz_and_gz() {
        let log = format!("GET /x Authorization: SSWS {OKTA}\n");
        let inner = zip(&[("inner/app.log", log.as_bytes())]);
        let outer = zip(&[("archive/inner.zip", &inner)]);
        assert_eq!(
            paths_of(&scan("outer.zip", &outer), OKTA),
            ["outer.zip!archive/inner.zip!inner/app.log"]
        );

        let tgz = gzip(&tar(&[(
            "tickets/t1.jsonl",
            format!("{{\"body\":\"SSWS {OKTA}\"}}\n").as_bytes(),
        )]));
        assert_eq!(
            paths_of(&scan("export.tar.gz", &tgz), OKTA),
            ["export.tar.gz!tickets/t1.jsonl"]
        );

        let hargz = gzip(har_with_cookie().as_bytes());
        let out = scan("capture.har.gz", &hargz);
        assert_eq!(paths_of(&out, SID), ["capture.har.gz"]);
        assert!(
            with_secret(&out, SID)[0].1.pointer.is_some(),
            "a gzipped HAR is still walked as HAR"
        );
    }

    #[test]
    fn hostile_member_names_are_only_names() {
        let t = tar(&[
            ("../escape.log", format!("SSWS {OKTA}").as_bytes()),
            ("/abs/x.log", b"x"),
        ]);
        let out = scan("evil.tar", &t);
        assert_eq!(paths_of(&out, OKTA), ["evil.tar!../escape.log"]);
    }

    #[test]
    fn depth_limit_is_counted() {
        let mut z = zip(&[("a.log", format!("SSWS {OKTA}").as_bytes())]);
        for i in 0..4 {
            z = zip(&[(&format!("level{i}.zip"), &z)]);
        }
        let out = scan("deep.zip", &z);
        assert!(with_secret(&out, OKTA).is_empty());
        assert!(
            out.skipped.iter().any(|(_, r)| r.contains("deeper")),
            "{:?}",
            out.skipped
        );
    }

    #[test]
    fn a_compression_bomb_is_cut_off_and_counted() {
        // Text-like, so the scanner would read it all: only the ratio stops it.
        let filler = vec![b'a'; 40 << 20];
        let z = zip(&[
            ("bomb.bin", &filler),
            ("ok.log", format!("SSWS {OKTA}").as_bytes()),
        ]);
        assert!(z.len() < 1 << 20);
        let out = scan("bomb.zip", &z);
        assert!(
            out.skipped
                .iter()
                .any(|(p, r)| p == "bomb.zip!bomb.bin" && r.contains("ratio")),
            "{:?}",
            out.skipped
        );
        assert_eq!(
            paths_of(&out, OKTA),
            ["bomb.zip!ok.log"],
            "members after the bomb are still read"
        );
    }

    #[test]
    fn archives_can_be_turned_off() {
        let z = zip(&[("a.log", format!("SSWS {OKTA}").as_bytes())]);
        let out = scan_with(
            "a.zip",
            &z,
            Options {
                archives: false,
                ..Options::default()
            },
        );
        assert_eq!(out.skipped, [("a.zip".to_string(), "binary".to_string())]);
    }

    #[test]
    fn a_truncated_archive_is_an_error_naming_it() {
        let z = zip(&[
            ("a.log", format!("SSWS {OKTA}").as_bytes()),
            ("b.log", &[b'x'; 5000]),
        ]);
        let cut = &z[..z.len() / 2];
        let out = scan("cut.zip", cut);
        assert!(
            out.errors.iter().any(|(p, _)| p == "cut.zip"),
            "{:?} {:?}",
            out.errors,
            out.warnings
        );
    }
}

/// A document big enough to be text-scanned in parallel pieces: every
/// token is still found once, at its exact offset, with its pointer.
#[test]
fn big_json_document_scanned_in_pieces_keeps_offsets_and_pointers() {
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut token = || {
        let body: String = (0..40)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize] as char
            })
            .collect();
        format!("00{body}")
    };
    let padding = "x".repeat(600);
    let tokens: Vec<String> = (0..4000).map(|_| token()).collect();
    let entries: Vec<String> = tokens
        .iter()
        .map(|t| {
            format!(
                r#"{{"request":{{"url":"https://a.test/{padding}","headers":[{{"name":"Authorization","value":"SSWS {t}"}}]}}}}"#
            )
        })
        .collect();
    let har = format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(","));
    assert!(har.len() > 4 * crate::stream::MIN_PIECE);
    let out = scan("big.har", har.as_bytes());
    for (i, t) in tokens.iter().enumerate() {
        let found = with_secret(&out, t);
        assert_eq!(found.len(), 1, "token {i}");
        let f = &found[0].1;
        assert_eq!(
            &har.as_bytes()[f.start as usize..f.end as usize],
            t.as_bytes()
        );
        let pointer = format!("/log/entries/{i}/request/headers/0/value");
        assert_eq!(f.pointer.as_deref(), Some(pointer.as_str()), "token {i}");
    }
}
