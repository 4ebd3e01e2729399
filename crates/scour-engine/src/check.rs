use regex_automata::Input;
use scour_rules::{Place, Rule};

use crate::builder::compile_rule;
use crate::{Engine, EngineBuilder, OwnedMatch};

/// Something wrong with a rule, found by [`check_rules`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The rule's id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

/// Compiles every rule and checks its examples through the whole engine
/// (prefilter, windows, validators): each example must yield a finding of
/// the rule, no negative example may, and every match of the pattern must
/// contain one of the rule's keywords, or the prefilter would miss it.
pub fn check_rules(rules: &[Rule]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for rule in rules {
        let mut complain = |message: String| {
            problems.push(Problem {
                rule: rule.id.clone(),
                message,
            })
        };
        if let Err(e) = compile_rule(rule) {
            complain(e.to_string());
            continue;
        }
        // Each rule is checked on its own: in a full engine, a rule that
        // captures the same bytes with more confidence would hide it.
        let engine = match EngineBuilder::new().rules([rule.clone()]).build() {
            Ok(engine) => engine,
            Err(e) => {
                complain(e.to_string());
                continue;
            }
        };
        let mut scratch = engine.scratch();
        for ex in &rule.examples {
            match finds(&engine, &mut scratch, 0, ex) {
                Err(m) => complain(m),
                Ok(false) => complain(format!("example does not match: {ex:?}")),
                Ok(true) => {}
            }
            if rule.field.is_none() {
                if let Some(m) = keywordless_match(&engine, 0, ex) {
                    complain(format!("match {m:?} contains none of the keywords"));
                }
            }
            if rule.separated {
                let bare = bare_numbers(ex);
                if captures_secret(&engine, 0, &bare) {
                    complain(format!(
                        "`separated`, but the pattern takes bare digits: {bare:?}"
                    ));
                }
            }
        }
        for ex in &rule.negative_examples {
            match finds(&engine, &mut scratch, 0, ex) {
                Err(m) => complain(m),
                Ok(true) => complain(format!("negative example matches: {ex:?}")),
                Ok(false) => {}
            }
        }
    }
    problems
}

/// Runs one example through the engine. Text rules scan it as text; field
/// rule examples are written `<place> <name>=<value>`, e.g.
/// `cookie sid=...` or `header Authorization=Bearer ...`.
fn finds(
    engine: &Engine,
    scratch: &mut crate::Scratch,
    rule: usize,
    text: &str,
) -> Result<bool, String> {
    let mut found: Vec<OwnedMatch> = Vec::new();
    if engine.rules[rule].field.is_some() {
        let parsed = text
            .split_once(' ')
            .and_then(|(place, rest)| Some((Place::parse(place)?, rest.split_once('=')?)));
        let Some((place, (name, value))) = parsed else {
            return Err(format!(
                "field rule example must read `<place> <name>=<value>`: {text:?}"
            ));
        };
        engine.scan_field(
            place,
            name.as_bytes(),
            value.as_bytes(),
            scratch,
            &mut found,
        );
    } else {
        engine.scan(text.as_bytes(), scratch, &mut found);
    }
    Ok(found.iter().any(|m| m.rule_index == rule))
}

/// `text` with the separators inside its digit runs taken out
/// (`123-45-6789` becomes `123456789`).
fn bare_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for (start, end, _) in crate::digits::digit_runs(bytes, 1) {
        out.extend_from_slice(&bytes[at..start]);
        out.extend(bytes[start..end].iter().filter(|b| b.is_ascii_digit()));
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    String::from_utf8(out).expect("only ASCII bytes were taken out")
}

/// Whether the rule's pattern, run over the whole text without the
/// prefilter or validators, captures a secret anywhere.
fn captures_secret(engine: &Engine, rule: usize, text: &str) -> bool {
    let compiled = engine.compiled(rule);
    compiled
        .regex
        .captures_iter(text.as_bytes())
        .any(|caps| caps.get_group(compiled.secret_group).is_some())
}

/// Runs the rule's pattern over the whole text, without the prefilter, and
/// returns the first match the prefilter could not have led to: one that
/// holds none of the rule's keywords, or for a number rule no digit run
/// long enough (with a separator, for a `separated` rule).
fn keywordless_match(engine: &Engine, rule: usize, text: &str) -> Option<String> {
    let compiled = engine.compiled(rule);
    let r = &engine.rules[rule];
    compiled
        .regex
        .find_iter(Input::new(text.as_bytes()))
        .find_map(|m| {
            let bytes = &text.as_bytes()[m.range()];
            let reachable = match r.digits {
                Some(min) => crate::digits::digit_runs(bytes, min)
                    .any(|(start, end, digits)| !r.separated || end - start > digits),
                None => {
                    let lower = bytes.to_ascii_lowercase();
                    r.keywords
                        .iter()
                        .any(|k| lower.windows(k.len()).any(|w| w == k.as_bytes()))
                }
            };
            (!reachable).then(|| String::from_utf8_lossy(bytes).into_owned())
        })
}
