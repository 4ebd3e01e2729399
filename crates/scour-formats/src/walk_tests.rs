//! The walker against a HAR capture holding one fake secret in each place
//! the field notes list.

use base64::Engine as _;
use scour_engine::{Engine, EngineBuilder};

use crate::{scan_json, DecodeOptions, DocKind, Hit};

fn engine() -> Engine {
    EngineBuilder::new()
        .rules(scour_rules::builtin().unwrap())
        .build()
        .unwrap()
}

#[derive(Debug)]
struct Found {
    rule: String,
    secret: String,
    pointer: Option<String>,
    decoders: Vec<&'static str>,
    span: (usize, usize),
}

fn scan(har: &str) -> (Vec<Found>, crate::Stats, DocKind) {
    let e = engine();
    let mut found = Vec::new();
    let (kind, stats) = scan_json(
        &e,
        &mut e.scratch(),
        &DecodeOptions::default(),
        har.as_bytes(),
        &mut |h: &Hit<'_>| {
            found.push(Found {
                rule: h.rule.id.clone(),
                secret: String::from_utf8_lossy(h.secret).into_owned(),
                pointer: h.origin.pointer.clone(),
                decoders: h.decoders(),
                span: h.span(),
            })
        },
    )
    .unwrap();
    (found, stats, kind)
}

const SID: &str = "102Tq8Zm3Vw7Lp2Kr9Xn4Bd6Hs";
const XSRF: &str = "Hs1Fy5Gc0Jt8Mw3Qe2Xk9Pz4Rv";
const ACCESS: &str = "Gc0Jt8Mw3Qe2Xk9Pz4Rv7Tb1Ln";
const PASSWORD: &str = "Sunny#Travel29";
const BASIC_PW: &str = "Tr4vel#Sunny29";
const API_KEY: &str = "Xk9Pz4Rv7Tb1Ln5Hs1Fy5Gc0Jt";
const WS_TOKEN: &str = "Pz4Rv7Tb1Ln5Hs1Fy5Gc0Jt8Mw";
const CODE: &str = "Rv7Tb1Ln5Hs1Fy5Gc0Jt8Mw3Qe";

fn har() -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let basic = b64(&format!("agent:{BASIC_PW}"));
    let body = b64(&format!(r#"{{"api_key":"{API_KEY}","user":"x"}}"#));
    let image = b64("\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR fake image bytes");
    format!(
        r#"{{"log":{{"version":"1.2","pages":[{{"id":"p1","title":"https://app.acme-corp.io/cb?code={CODE}"}}],"entries":[{{
  "request":{{"method":"POST","url":"https://api.acme-corp.io/v1/x?access_token={ACCESS}&lang=en",
    "headers":[
      {{"name":"Authorization","value":"Basic {basic}"}},
      {{"name":"Cookie","value":"sid={SID}; _ga=GA1.2.1387646429.1696234567; theme=dark"}},
      {{"name":"X-Okta-XsrfToken","value":"{XSRF}"}}],
    "cookies":[{{"name":"sid","value":"{SID}"}},{{"name":"_ga","value":"GA1.2.1387646429.1696234567"}}],
    "queryString":[{{"name":"access_token","value":"{ACCESS}"}}],
    "postData":{{"mimeType":"application/x-www-form-urlencoded","text":"username=agent&password=Sunny%23Travel29",
      "params":[{{"name":"password","value":"Sunny%23Travel29"}}]}}}},
  "response":{{"status":200,"headers":[],"cookies":[],
    "content":{{"size":10,"mimeType":"application/json","encoding":"base64","text":"{body}"}}}},
  "_webSocketMessages":[{{"type":"send","data":"{{\"token\":\"{WS_TOKEN}\"}}"}}]
}},{{"request":{{"url":"https://cdn.acme-corp.io/logo.png","headers":[]}},
  "response":{{"content":{{"mimeType":"image/png","encoding":"base64","text":"{image}"}}}}}}]}}}}"#
    )
}

fn places<'f>(found: &'f [Found], secret: &str) -> Vec<&'f Found> {
    found.iter().filter(|f| f.secret == secret).collect()
}

#[test]
fn every_place_in_a_har_is_visited() {
    let text = har();
    let (found, stats, kind) = scan(&text);
    assert_eq!(kind, DocKind::Har);
    assert_eq!(stats.binary_bodies, 1);

    let sid = places(&found, SID);
    let ptrs: Vec<_> = sid.iter().filter_map(|f| f.pointer.as_deref()).collect();
    assert!(
        ptrs.contains(&"/log/entries/0/request/headers/1/value"),
        "{sid:#?}"
    );
    assert!(
        ptrs.contains(&"/log/entries/0/request/cookies/0/value"),
        "{sid:#?}"
    );
    // Verbatim hits carry exact document offsets.
    for f in &sid {
        if f.decoders.is_empty() {
            assert_eq!(&text[f.span.0..f.span.1], SID);
        }
    }

    assert!(places(&found, XSRF)
        .iter()
        .any(|f| f.rule == "field.auth-header"));
    let access = places(&found, ACCESS);
    assert!(
        access
            .iter()
            .any(|f| f.pointer.as_deref() == Some("/log/entries/0/request/url")),
        "{access:#?}"
    );
    assert!(access
        .iter()
        .any(|f| f.pointer.as_deref() == Some("/log/entries/0/request/queryString/0/value")));

    let basic = places(&found, BASIC_PW);
    assert!(
        basic
            .iter()
            .any(|f| f.rule == "field.basic-auth-password" && f.decoders == ["base64"]),
        "{basic:#?}"
    );

    let pw = places(&found, PASSWORD);
    assert!(
        pw.iter().any(
            |f| f.pointer.as_deref() == Some("/log/entries/0/request/postData/text")
                && f.decoders == ["percent"]
        ),
        "{pw:#?}"
    );
    assert!(pw
        .iter()
        .any(|f| f.pointer.as_deref() == Some("/log/entries/0/request/postData/params/0/value")));

    let api = places(&found, API_KEY);
    assert!(
        api.iter().any(|f| f.decoders.first() == Some(&"base64")
            && f.pointer.as_deref() == Some("/log/entries/0/response/content/text")),
        "{api:#?}"
    );

    assert!(!places(&found, WS_TOKEN).is_empty(), "websocket frame JSON");
    assert!(places(&found, CODE)
        .iter()
        .any(|f| f.pointer.as_deref() == Some("/log/pages/0/title")));

    for decoy in ["GA1.2.1387646429.1696234567", "dark", "en"] {
        assert!(places(&found, decoy).is_empty(), "decoy {decoy} reported");
    }
}

#[test]
fn generic_json_keys_are_fields() {
    let (found, _, kind) = scan(
        r#"{"tickets":[{"id":1,"comments":[{"body":"see config","meta":{"client_secret":"Tq3Lm8Zw2Vr7Xp4Nb6Hs1Fy5","token_type":"Bearer"}}]}]}"#,
    );
    assert_eq!(kind, DocKind::Json);
    let f = found
        .iter()
        .find(|f| f.secret == "Tq3Lm8Zw2Vr7Xp4Nb6Hs1Fy5")
        .expect("client_secret found");
    assert_eq!(
        f.pointer.as_deref(),
        Some("/tickets/0/comments/0/meta/client_secret")
    );
    assert!(found.iter().all(|f| f.secret != "Bearer"));
}

#[test]
fn escaped_json_inside_strings_is_unescaped_and_scanned() {
    let doc = r#"{"comment":"{\"password\": \"Mz8!kq3Lw-Tp\"}"}"#;
    let (found, _, _) = scan(doc);
    assert!(
        found
            .iter()
            .any(|f| f.secret == "Mz8!kq3Lw-Tp" && f.decoders.contains(&"json-unescape")),
        "{found:#?}"
    );
}

#[test]
fn malformed_json_is_an_error_with_an_offset() {
    let e = engine();
    let err = scan_json(
        &e,
        &mut e.scratch(),
        &DecodeOptions::default(),
        br#"{"log":{"entries":[{"x":1},"#,
        &mut |_: &Hit<'_>| {},
    )
    .unwrap_err();
    assert!(err.offset.is_some());
}

#[test]
fn gzipped_base64_bodies_are_inflated() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!(r#"{{"client_secret":"{API_KEY}"}}"#).as_bytes())
        .unwrap();
    let body = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
    let har = format!(
        r#"{{"log":{{"entries":[{{"response":{{"content":{{"mimeType":"application/json","encoding":"base64","text":"{body}"}}}}}}]}}}}"#
    );
    let (found, _, _) = scan(&har);
    let hits = places(&found, API_KEY);
    assert!(
        hits.iter()
            .any(|f| f.decoders.starts_with(&["base64", "gzip"])),
        "{found:#?}"
    );
}

/// One secret in one place is one hit, however many ways the walker reads
/// that place: a ticket body with escapes elsewhere is scanned raw and
/// unescaped, and a HAR body holding JSON is scanned whole and walked.
/// Each reading used to report it again, so occurrence counts were two or
/// three times the truth.
#[test]
fn a_secret_read_two_ways_is_one_place() {
    let key = "AKIAQ3EGRZ7JKXNW4MPL";
    let email = "dana.whitfield@harborcapital.co.uk";
    let ticket = format!(r#"{{"description":"Hello\nplease use {key} here\nthanks"}}"#);
    let (found, _, _) = scan(&ticket);
    assert_eq!(places(&found, key).len(), 1, "{found:#?}");
    assert!(
        places(&found, key)[0].decoders.is_empty(),
        "reported raw, with its offset"
    );

    let body = format!(r#"{{"user":{{"email":"{email}"}}}}"#);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&body);
    let escaped = body.replace('"', "\\\"");
    let har = format!(
        r#"{{"log":{{"entries":[
  {{"response":{{"content":{{"mimeType":"application/json","text":"{escaped}"}}}}}},
  {{"response":{{"content":{{"mimeType":"application/json","encoding":"base64","text":"{b64}"}}}}}}]}}}}"#
    );
    let (found, _, _) = scan(&har);
    let at: Vec<_> = places(&found, email)
        .iter()
        .map(|f| (f.pointer.clone(), f.decoders.clone()))
        .collect();
    assert_eq!(at.len(), 2, "one place per entry: {at:#?}");
}

/// A long escaped string is left out of the text scan and read once,
/// unescaped; what is written verbatim in it is still reported at its
/// document offset, each place once, including a place the text scan
/// reached through a window opened outside the string.
#[test]
fn a_long_escaped_string_is_read_once_with_exact_offsets() {
    let email = "dana.whitfield@harborcapital.co.uk";
    let key = "AKIAQ3EGRZ7JKXNW4MPL";
    let filler = "The dashboard shows the wrong time zone for some users. ".repeat(3);
    let ticket = format!(
        r#"{{"description":"Hi,\n{{\"user\": \"{email}\"}}\n{filler}\nkey {key}\n\u00e9t\u00e9 \ud83d\ude00 {email}\nBye","to":"ops@harborcapital.co.uk"}}"#
    );
    let (found, _, _) = scan(&ticket);
    let at = |secret: &str| -> Vec<(usize, Vec<&'static str>)> {
        let mut v: Vec<_> = places(&found, secret)
            .iter()
            .map(|f| (f.span.0, f.decoders.clone()))
            .collect();
        v.sort();
        v
    };
    let offsets =
        |secret: &str| -> Vec<usize> { ticket.match_indices(secret).map(|(i, _)| i).collect() };
    // Both e-mails: the first follows escaped quotes, the second a
    // surrogate pair; the second is also within reach of the `@` of "to".
    assert_eq!(
        at(email),
        offsets(email)
            .into_iter()
            .map(|i| (i, vec![]))
            .collect::<Vec<_>>(),
        "{found:#?}"
    );
    assert_eq!(at(key), vec![(offsets(key)[0], vec![])]);
}

#[test]
fn escapes_map_unescaped_offsets_to_raw_ones() {
    use crate::walk::{escape_len, Verbatim};
    assert_eq!(escape_len(br"\n"), Some((2, 1)));
    assert_eq!(escape_len(br#"\""#), Some((2, 1)));
    assert_eq!(escape_len(br"\u0041"), Some((6, 1)));
    assert_eq!(escape_len(br"\u00e9"), Some((6, 2)));
    assert_eq!(escape_len(br"\u20ac"), Some((6, 3)));
    assert_eq!(escape_len(br"\ud83d\ude00"), Some((12, 4)));
    assert_eq!(escape_len(br"\uzz"), None);

    // Raw `a\"b\u00e9 key x` at document offset 100 is `a"bé key x`.
    let raw = br#"a\"b\u00e9 key x"#;
    let text = "a\"b\u{e9} key x".as_bytes();
    let mut v = Verbatim::new(raw, 100, None);
    let key = text.len() - 5;
    assert_eq!(v.locate(key, b"key"), Some(100 + raw.len() - 5));
    // Not verbatim: the quote was escaped, the é too.
    assert_eq!(v.locate(0, b"a\"b"), None);
    assert_eq!(v.locate(2, "b\u{e9}".as_bytes()), None);
    // Searching again from an earlier offset.
    assert_eq!(v.locate(0, b"a"), Some(100));
    assert_eq!(v.locate(key + 4, b"x"), Some(100 + raw.len() - 1));
}

/// Base64 bodies are left out of the text scan; what they hold is still
/// found, decoded, including in a body whose type says binary but which
/// holds JSON, and a body that is not base64 at all is scanned as text.
#[test]
fn base64_bodies_are_read_decoded() {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let inner = format!(
        r#"{{"api_key":"{API_KEY}","padding":"{}"}}"#,
        "x".repeat(80)
    );
    let body = |mime: &str, text: &str| {
        format!(
            r#"{{"response":{{"content":{{"mimeType":"{mime}","encoding":"base64","text":"{text}"}}}}}}"#
        )
    };
    let har = format!(
        r#"{{"log":{{"entries":[{},{},{},{}]}}}}"#,
        body("application/json", &b64(&inner)),
        body("application/octet-stream", &b64(&inner)),
        body(
            "text/plain",
            &format!("not base64 at all: api_key={API_KEY} {}", "y".repeat(80))
        ),
        body(
            "image/png",
            &format!("not base64 either: api_key={API_KEY} {}", "y".repeat(80))
        ),
    );
    let (found, stats, _) = scan(&har);
    let at: Vec<_> = places(&found, API_KEY)
        .iter()
        .map(|f| (f.pointer.clone().unwrap_or_default(), f.decoders.clone()))
        .collect();
    let ptr = |i: usize| format!("/log/entries/{i}/response/content/text");
    assert!(at.contains(&(ptr(0), vec!["base64"])), "{at:#?}");
    assert!(at.contains(&(ptr(1), vec!["base64"])), "{at:#?}");
    assert!(
        at.iter().any(|(p, d)| *p == ptr(2) && d.is_empty()),
        "{at:#?}"
    );
    assert!(
        at.iter().any(|(p, d)| *p == ptr(3) && d.is_empty()),
        "{at:#?}"
    );
    assert_eq!(stats.binary_bodies, 2);
}

/// A cookie header pasted into a long ticket body, its cookies joined by
/// `\n` as Chrome writes Set-Cookie lines: read unescaped only, the joint
/// is a real line break, which the cookie rules accept too.
#[test]
fn cookies_joined_by_escaped_newlines_in_a_long_string() {
    let value = "s%3AkrOYQDosQhATwabLPvCvEf0sgMCIKK1k.5QkFrsfmuGhywoIJnktV4qRgvt3VYaxKeOgmmsVvkuR";
    let ticket = format!(
        r#"{{"body":"Here is what the browser sent:\nCookie: did=s%3Av0%3A4dd8fec9-a7c1-4ffa-b4d3-b87268fb7ed0\nauth0={value}\nthanks"}}"#
    );
    let (found, _, _) = scan(&ticket);
    let rules: Vec<_> = places(&found, value)
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.contains(&"auth0.session-cookie"), "{found:#?}");
}

#[test]
fn a_body_is_base64_padded_or_not() {
    use crate::walk::one_base64_run;
    let b64 = |n: usize| {
        let bytes: Vec<u8> = (0..n as u32).map(|i| (i * 37 + 11) as u8).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    for n in [30, 31, 32, 3000] {
        assert!(one_base64_run(b64(n).as_bytes()), "{}", b64(n));
    }
    assert!(!one_base64_run(
        format!("{} {}", b64(30), b64(30)).as_bytes()
    ));
    assert!(!one_base64_run(b"not base64 at all: api_key=x"));
}
