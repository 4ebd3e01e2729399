use crate::*;

fn rule(id: &str, keywords: &[&str], pattern: &str) -> Rule {
    let toml = format!(
        "[[rule]]\nid='{id}'\nname='n'\ndescription='d'\ncategory='secret'\nseverity='high'\nconfidence='high'\nkeywords={keywords:?}\npattern='''{pattern}'''\nwindow=64\nexamples=['x']\n"
    );
    scour_rules::parse("test", &toml).unwrap().remove(0)
}

fn scan(engine: &Engine, hay: &[u8]) -> Vec<OwnedMatch> {
    let mut out = Vec::new();
    engine.scan(hay, &mut engine.scratch(), &mut out);
    out
}

#[test]
fn engine_is_send_and_sync() {
    fn assert<T: Send + Sync>() {}
    assert::<Engine>();
    fn assert_send<T: Send>() {}
    assert_send::<Scratch>();
}

#[test]
fn finds_spans_into_the_input() {
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})")])
        .build()
        .unwrap();
    let hay = b"xx tok_q8w2e9r4t7y1 yy tok_short";
    let found = scan(&e, hay);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].secret_range, 7..19);
    assert_eq!(&hay[found[0].secret_range.clone()], b"q8w2e9r4t7y1");
}

#[test]
fn secrets_with_control_bytes_are_binary_noise() {
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["tok="], r"tok=(?P<secret>[^ ]{8,})")])
        .build()
        .unwrap();
    assert_eq!(scan(&e, b"tok=q8w2e9r4t7y1").len(), 1);
    assert_eq!(scan(&e, b"tok=q8w2\x00\x07r4t7y1").len(), 0);
    assert_eq!(scan(&e, b"tok=q8w2\x7fe9r4t7y1").len(), 0);
    // Line breaks and tabs may be part of a secret (key blocks).
    assert_eq!(scan(&e, b"tok=q8w2\ne9r4\tt7y1").len(), 1);
}

#[test]
fn keywords_are_case_insensitive_but_patterns_decide() {
    let e = EngineBuilder::new()
        .rules([rule(
            "t.tok",
            &["tok_"],
            r"(?i:tok_)(?P<secret>[a-z0-9]{12})",
        )])
        .build()
        .unwrap();
    assert_eq!(scan(&e, b"TOK_q8w2e9r4t7y1").len(), 1);
}

#[test]
fn no_keyword_no_match() {
    // The pattern alone would match, but without its keyword the window never opens.
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["zzz"], r"(?P<secret>[a-z]{4}[0-9]{4})")])
        .build()
        .unwrap();
    assert!(scan(&e, b"abcd1234").is_empty());
    assert_eq!(scan(&e, b"zzz qwer1234").len(), 1);
}

#[test]
fn a_match_far_from_its_keyword_is_not_found() {
    let e = EngineBuilder::new()
        .rules([rule("t.kv", &["key="], r"key=\s*(?P<secret>[a-z0-9]{10})")])
        .build()
        .unwrap();
    let near = b"key=  q8w2e9r4t7";
    assert_eq!(scan(&e, near).len(), 1);
    let mut far = b"key=".to_vec();
    far.extend(std::iter::repeat(b' ').take(100));
    far.extend(b"q8w2e9r4t7");
    assert!(
        scan(&e, &far).is_empty(),
        "window of 64 must bound the search"
    );
}

#[test]
fn many_hits_of_one_rule_report_each_match_once() {
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})")])
        .build()
        .unwrap();
    let mut hay = Vec::new();
    for i in 0..1000 {
        hay.extend(format!("tok_q8w2e9r4{:04} ", i).bytes());
    }
    let found = scan(&e, &hay);
    assert_eq!(found.len(), 1000);
    assert!(found
        .windows(2)
        .all(|w| w[0].secret_range.start < w[1].secret_range.start));
}

#[test]
fn same_span_from_two_rules_is_reported_once_by_the_more_confident() {
    let mut generic = rule(
        "t.generic",
        &["token"],
        r"token=(?P<secret>[A-Za-z0-9_]{16,})",
    );
    generic.confidence = scour_rules::Confidence::Low;
    let specific = rule("t.specific", &["gh1_"], r"(?P<secret>gh1_[A-Za-z0-9]{12})");
    let e = EngineBuilder::new()
        .rules([generic, specific])
        .build()
        .unwrap();
    let found = scan(&e, b"token=gh1_Q8w2E9r4T7y1");
    assert_eq!(found.len(), 1);
    assert_eq!(e.rule(found[0].rule_index).id, "t.specific");
}

#[test]
fn report_range_limits_what_is_reported() {
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})")])
        .build()
        .unwrap();
    let hay = b"tok_q8w2e9r4t7y1 tok_m3n5b7v9c2x4";
    let mut out: Vec<OwnedMatch> = Vec::new();
    e.scan_reporting(hay, 10..hay.len(), &mut e.scratch(), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].secret, b"m3n5b7v9c2x4");
}

/// A chunked scan hands each piece with wide context on both sides, but
/// searches all keywords only near the piece; farther out, only those of
/// rules whose windows reach that far. Whatever the reported range, the
/// matches must be the whole scan's matches that start inside it.
#[test]
fn a_reported_range_sees_what_a_whole_scan_sees() {
    let mut wide = rule(
        "t.wide",
        &["zzmark"],
        r"(?P<secret>QQ[A-Z]{10})[^Z]{0,15000}?zzmark",
    );
    wide.window = 20_000;
    let near = rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})");
    let e = EngineBuilder::new().rules([wide, near]).build().unwrap();
    assert!(
        e.near < 11_000,
        "the wide rule's keyword must lie beyond the near margin"
    );
    // Secrets 11 KB before their keyword, and ordinary tokens all along.
    let mut hay = Vec::new();
    for i in 0..4 {
        hay.extend_from_slice(
            format!(
                "QQ{}",
                ["XKWMRTPLNV", "JHGQWEPZXC", "MNBVCRTYUL", "PLKJHQWXMN"][i]
            )
            .as_bytes(),
        );
        for j in 0..300 {
            hay.extend_from_slice(format!("word tok_{i:02}{j:04}abcdef ").as_bytes());
            hay.extend_from_slice(b"aaaa bbbb cccc ");
        }
        hay.extend_from_slice(b"zzmark ");
    }
    let whole = scan(&e, &hay);
    assert_eq!(whole.iter().filter(|m| m.rule_index == 0).count(), 4);
    let mut scratch = e.scratch();
    for piece in [997, 4096, 10_000] {
        let mut chunked: Vec<OwnedMatch> = Vec::new();
        for start in (0..hay.len()).step_by(piece) {
            let end = (start + piece).min(hay.len());
            e.scan_reporting(&hay, start..end, &mut scratch, &mut chunked);
        }
        let key = |m: &OwnedMatch| (m.rule_index, m.secret_range.clone());
        assert_eq!(
            chunked.iter().map(key).collect::<Vec<_>>(),
            whole.iter().map(key).collect::<Vec<_>>(),
            "pieces of {piece} bytes"
        );
    }
}
#[test]
fn sink_can_stop_the_scan() {
    let e = EngineBuilder::new()
        .rules([rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})")])
        .build()
        .unwrap();
    let mut n = 0;
    e.scan(
        b"tok_q8w2e9r4t7y1 tok_m3n5b7v9c2x4",
        &mut e.scratch(),
        &mut |_: &Match<'_>| {
            n += 1;
            false
        },
    );
    assert_eq!(n, 1);
}

#[test]
fn an_empty_keyword_is_an_error() {
    let mut r = rule("t.empty", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})");
    r.keywords.push(String::new());
    let err = EngineBuilder::new().rules([r]).build().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::EmptyKeyword), "{err}");
    assert_eq!(err.to_string(), "rule t.empty: a keyword is empty");
}

#[test]
fn bad_pattern_error_names_the_rule() {
    let err = EngineBuilder::new()
        .rules([rule("t.bad", &["x"], r"(?P<secret>[a-")])
        .build()
        .unwrap_err();
    assert_eq!(err.rule(), "t.bad");
}

#[test]
fn builtin_rule_pack_passes_its_own_examples() {
    let rules = scour_rules::builtin().unwrap();
    let problems = check_rules(&rules);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Patterns that allow text between a keyword and a value must take the
/// nearest value: a greedy optional gap (`(?:[^\n]*?\s)?`) let the first
/// `curl` of a one-line ticket body reach the `-u` of the next command, so
/// the first command's credential was never reported.
#[test]
fn each_command_on_a_line_reports_its_own_credential() {
    let e = EngineBuilder::new()
        .rules(scour_rules::builtin().unwrap())
        .build()
        .unwrap();
    let line = b"<p>curl -u 'ci38:ku7LaNWzmd#ATOZX0ZC' https://a.example.net/x</p><p>then curl --user 'ops:Qm4#vTz8LpWx2' https://b.example.net/y</p>";
    let secrets: Vec<Vec<u8>> = scan(&e, line)
        .into_iter()
        .filter(|m| e.rule(m.rule_index).id == "http.curl-credentials")
        .map(|m| m.secret)
        .collect();
    assert_eq!(
        secrets,
        [b"ku7LaNWzmd#ATOZX0ZC".to_vec(), b"Qm4#vTz8LpWx2".to_vec()]
    );
}

/// A number rule: no keywords, digit runs of at least nine digits.
fn number_rule(pattern: &str, separated: bool) -> Rule {
    let toml = format!(
        "[[rule]]\nid='t.number'\nname='n'\ndescription='d'\ncategory='pii'\nseverity='high'\nconfidence='high'\ndigits=9\nseparated={separated}\npattern='''{pattern}'''\nwindow=32\nexamples=['x']\n"
    );
    scour_rules::parse("test", &toml).unwrap().remove(0)
}

#[test]
fn a_separated_number_rule_skips_bare_digit_runs() {
    let pattern = r"(?:^|[^0-9])(?P<secret>[0-9]{3}-?[0-9]{2}-?[0-9]{4})(?:[^0-9]|$)";
    // Farther apart than the window, so that the SSN's run does not open
    // a window over the bare number.
    let hay = b"ticket 902341765, opened by the customer on Monday; ssn 123-45-6789";
    let found = |separated| -> Vec<std::ops::Range<usize>> {
        let engine = EngineBuilder::new()
            .rules([number_rule(pattern, separated)])
            .build()
            .unwrap();
        scan(&engine, hay)
            .iter()
            .map(|m| m.secret_range.clone())
            .collect()
    };
    assert_eq!(found(false), [7..16, 56..67]);
    assert_eq!(found(true), [56..67]);
}

#[test]
fn check_rules_rejects_separated_rules_that_take_bare_digits() {
    let loose = r"(?:^|[^0-9])(?P<secret>[0-9]{3}-?[0-9]{2}-?[0-9]{4})(?:[^0-9]|$)";
    let strict = r"(?:^|[^0-9])(?P<secret>[0-9]{3}-[0-9]{2}-[0-9]{4})(?:[^0-9]|$)";
    let mut problems = Vec::new();
    for pattern in [loose, strict] {
        let mut r = number_rule(pattern, true);
        r.examples = vec!["ssn 123-45-6789".into()];
        problems.push(check_rules(&[r]));
    }
    assert_eq!(problems[0].len(), 1, "{problems:?}");
    assert!(problems[0][0]
        .message
        .contains("takes bare digits: \"ssn 123456789\""));
    assert!(problems[1].is_empty(), "{problems:?}");
}

#[test]
fn check_rules_reports_broken_examples() {
    let mut r = rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})");
    r.examples = vec!["tok_q8w2e9r4t7y1".into(), "no token here".into()];
    r.negative_examples = vec!["tok_m3n5b7v9c2x4".into()];
    let mut kwless = rule("t.kwless", &["zz"], r"(?P<secret>[0-9]{6})");
    kwless.examples = vec!["zz 902341".into()];
    let problems = check_rules(&[r, kwless]);
    let msgs: Vec<_> = problems
        .iter()
        .map(|p| format!("{}: {}", p.rule, p.message))
        .collect();
    assert_eq!(problems.len(), 3, "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("example does not match")));
    assert!(msgs.iter().any(|m| m.contains("negative example matches")));
    assert!(msgs
        .iter()
        .any(|m| m.starts_with("t.kwless") && m.contains("none of the keywords")));
}

fn field_rule(id: &str, field: &str, pattern: &str) -> Rule {
    let toml = format!(
        "[[rule]]\nid='{id}'\nname='n'\ndescription='d'\ncategory='secret'\nseverity='high'\nconfidence='high'\npattern='''{pattern}'''\nexamples=['x']\n[rule.field]\n{field}\n"
    );
    scour_rules::parse("test", &toml).unwrap().remove(0)
}

type FieldHit = (String, Vec<u8>, Vec<&'static str>);

fn scan_field(
    engine: &Engine,
    place: scour_rules::Place,
    name: &str,
    value: &str,
) -> Vec<FieldHit> {
    let mut out = Vec::new();
    engine.scan_field(
        place,
        name.as_bytes(),
        value.as_bytes(),
        &mut engine.scratch(),
        &mut |m: &Match<'_>| {
            out.push((
                m.rule().id.clone(),
                m.secret().to_vec(),
                m.decoders().to_vec(),
            ));
            true
        },
    );
    out
}

#[test]
fn field_rules_apply_by_place_and_name_and_never_to_text() {
    use scour_rules::Place;
    let mut r = field_rule(
        "t.cookie",
        "places=['cookie']\nnames=['sid']\nname_contains=['session']\nexclude=['session_theme']",
        r"(?P<secret>[A-Za-z0-9]{16,})",
    );
    r.validate.min_entropy = Some(3.0);
    let e = EngineBuilder::new()
        .rules([r, rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})")])
        .build()
        .unwrap();
    let v = "Qm3vB8xK2pLr7TzYw4Nc";
    assert_eq!(scan_field(&e, Place::Cookie, "SID", v).len(), 1);
    assert_eq!(scan_field(&e, Place::Cookie, "my_session_id", v).len(), 1);
    assert!(
        scan_field(&e, Place::Cookie, "session_theme", v).is_empty(),
        "excluded name"
    );
    assert!(
        scan_field(&e, Place::Header, "sid", v).is_empty(),
        "wrong place"
    );
    assert!(
        scan_field(&e, Place::Cookie, "lang", v).is_empty(),
        "name not listed"
    );
    assert!(
        scan_field(&e, Place::Cookie, "sid", "aaaaaaaaaaaaaaaaaaaa").is_empty(),
        "validators apply"
    );
    assert!(
        scan(&e, format!("sid={v}").as_bytes()).is_empty(),
        "field rules do not scan text"
    );
}

#[test]
fn basic_auth_fields_are_decoded_and_report_the_password() {
    use base64::Engine as _;
    use scour_rules::Place;
    let r = field_rule(
        "t.basic",
        "places=['header']\nnames=['authorization']\ndecode='basic-auth'",
        r"^[^:]*:(?P<secret>.{6,})$",
    );
    let e = EngineBuilder::new().rules([r]).build().unwrap();
    let cred = base64::engine::general_purpose::STANDARD.encode("svc-user:Hq7#pX2vLm9");
    let found = scan_field(&e, Place::Header, "Authorization", &format!("Basic {cred}"));
    assert_eq!(
        found,
        vec![(
            "t.basic".to_string(),
            b"Hq7#pX2vLm9".to_vec(),
            vec!["base64"]
        )]
    );
    assert!(scan_field(&e, Place::Header, "Authorization", "Basic !!notbase64!!").is_empty());
}

#[test]
fn field_rule_examples_are_checked() {
    let mut r = field_rule(
        "t.hdr",
        "places=['header']\nnames=['x-api-key']",
        r"(?P<secret>[A-Za-z0-9]{16,})",
    );
    r.examples = vec![
        "header X-Api-Key=Qm3vB8xK2pLr7TzYw4Nc".into(),
        "header X-Other=Qm3vB8xK2pLr7TzYw4Nc".into(),
        "nonsense".into(),
    ];
    let problems = check_rules(&[r]);
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[test]
fn field_index_never_says_no_when_a_rule_applies() {
    use scour_rules::Place;
    let rules = scour_rules::builtin().unwrap();
    let e = EngineBuilder::new().rules(rules.clone()).build().unwrap();
    let names = [
        "Authorization",
        "COOKIE",
        "sid",
        "my_app_session",
        "x-okta-xsrftoken",
        "client_secret",
        "password",
        "Full Name",
        "lang",
        "_ga",
        "id",
        "value",
        "url",
        "a-very-long-header-name-that-goes-beyond-sixty-four-bytes-of-length-x",
    ];
    for place in Place::ALL {
        for name in names {
            let applies = rules
                .iter()
                .filter_map(|r| r.field.as_ref())
                .any(|f| f.applies(place, name.as_bytes()));
            if applies {
                assert!(
                    e.field_may_apply(place, name.as_bytes()),
                    "{place:?} {name}"
                );
            }
        }
    }
    assert!(!e.field_may_apply(Place::Json, b"id"));
    assert!(!e.field_may_apply(Place::Header, b"Accept"));
}

#[test]
#[allow(clippy::single_range_in_vec_init)] // lists of skipped ranges
fn skipped_ranges_hide_keywords_not_bytes() {
    // `t.tok` is confirmed at its keyword hits (anchored); `t.key` over a
    // window around them (its keyword may follow up to three letters).
    let e = EngineBuilder::new()
        .rules([
            rule("t.tok", &["tok_"], r"tok_(?P<secret>[a-z0-9]{12})"),
            rule(
                "t.key",
                &["key="],
                r"[a-z]{0,3}key=(?P<secret>[a-z0-9]{12})",
            ),
        ])
        .build()
        .unwrap();
    let hay = b"a tok_q8w2e9r4t7y1 b apikey=z1x2c3v4b5n6 c";
    let skipping = |skip: &[std::ops::Range<usize>]| {
        let mut out: Vec<OwnedMatch> = Vec::new();
        e.scan_skipping(hay, 0..hay.len(), skip, &mut e.scratch(), &mut out);
        out.iter()
            .map(|m| String::from_utf8(hay[m.secret_range.clone()].to_vec()).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(skipping(&[]), ["q8w2e9r4t7y1", "z1x2c3v4b5n6"]);
    // A keyword inside a skipped range is not searched for.
    assert_eq!(skipping(&[24..30]), ["q8w2e9r4t7y1"]);
    assert_eq!(skipping(&[0..4, 24..30]), Vec::<String>::new());
    // A keyword outside opens a window that reaches into one.
    assert_eq!(skipping(&[28..40]), ["q8w2e9r4t7y1", "z1x2c3v4b5n6"]);
    assert_eq!(
        skipping(&[8..12, 60..200]),
        ["q8w2e9r4t7y1", "z1x2c3v4b5n6"]
    );
}

#[test]
fn unskipped_parts_and_skipped_positions() {
    let parts: Vec<_> = engine::unskipped(0..100, &[5..10, 10..12, 50..60, 95..120]).collect();
    assert_eq!(parts, vec![0..5, 12..50, 60..95]);
    let parts: Vec<_> = engine::unskipped(20..30, &[0..22, 25..26]).collect();
    assert_eq!(parts, vec![22..25, 26..30]);
    assert_eq!(engine::unskipped(3..3, &[]).count(), 0);
    assert!(engine::skipped(&[5..10, 50..60], 5));
    assert!(!engine::skipped(&[5..10, 50..60], 10));
    assert!(engine::skipped(&[5..10, 50..60], 59));
    assert!(!engine::skipped(&[5..10, 50..60], 60));
    assert!(!engine::skipped(&[], 0));
}
