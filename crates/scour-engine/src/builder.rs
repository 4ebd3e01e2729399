use std::collections::HashMap;

use regex_automata::meta;
use scour_rules::Rule;

use crate::anchor::Lead;
use crate::engine::{CompiledRule, Engine, FieldIndex, LazyRule, FAR_WINDOW};
use crate::keywords::Keywords;
use crate::{Error, ErrorKind};

/// Configures and builds an [`Engine`].
#[derive(Clone, Debug, Default)]
pub struct EngineBuilder {
    rules: Vec<Rule>,
}

impl EngineBuilder {
    /// A builder with no rules.
    pub fn new() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Adds rules (for example [`scour_rules::builtin`]).
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> EngineBuilder {
        self.rules.extend(rules);
        self
    }

    /// Compiles every rule and the shared keyword search.
    pub fn build(self) -> Result<Engine, Error> {
        if self.rules.is_empty() {
            return Err(Error::new("", ErrorKind::NoRules));
        }
        let mut compiled = Vec::with_capacity(self.rules.len());
        let mut leads = Vec::with_capacity(self.rules.len());
        // One search pattern per distinct keyword; each maps to the rules
        // that own it, so a keyword shared by many rules is searched once.
        let mut keyword_ids: HashMap<&str, usize> = HashMap::new();
        let mut keywords: Vec<&str> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            leads.push(validate_pattern(rule)?);
            compiled.push(LazyRule::default());
            for k in &rule.keywords {
                if k.is_empty() {
                    // It would match at every byte. Rules read from files
                    // are checked for this; rules built in code are not.
                    return Err(Error::new(&rule.id, ErrorKind::EmptyKeyword));
                }
                let id = *keyword_ids.entry(k.as_str()).or_insert_with(|| {
                    keywords.push(k.as_str());
                    owners.push(Vec::new());
                    keywords.len() - 1
                });
                if !owners[id].contains(&(i as u32)) {
                    owners[id].push(i as u32);
                }
            }
        }
        let keyword_lens: Vec<usize> = keywords.iter().map(|k| k.len()).collect();
        let prefilter = Keywords::new(&keywords);
        let max_keyword = keyword_lens.iter().copied().max().unwrap_or(0);
        let text_windows = || {
            self.rules
                .iter()
                .filter(|r| r.field.is_none())
                .map(|r| r.window)
        };
        let max_window = text_windows().max().unwrap_or(0);
        let near_window = text_windows()
            .filter(|&w| w <= FAR_WINDOW)
            .max()
            .unwrap_or(0);
        let (mut far_keywords, mut far_ids) = (Vec::new(), Vec::new());
        for (id, k) in keywords.iter().enumerate() {
            if owners[id]
                .iter()
                .any(|&r| self.rules[r as usize].window > FAR_WINDOW)
            {
                far_keywords.push(*k);
                far_ids.push(id as u32);
            }
        }
        let far = if far_keywords.is_empty() {
            None
        } else {
            Some((Keywords::new(&far_keywords), far_ids))
        };
        let digit_rules: Vec<(u32, usize, bool)> = self
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as u32, r.digits?, r.separated)))
            .collect();
        let field_rules = (0..self.rules.len() as u32)
            .filter(|&i| self.rules[i as usize].field.is_some())
            .collect();
        let field_index = FieldIndex::new(self.rules.iter().filter_map(|r| r.field.as_ref()));
        Ok(Engine {
            field_index,
            rules: self.rules,
            compiled,
            prefilter,
            leads,
            owners,
            keyword_lens,
            overlap: 2 * max_window + max_keyword,
            near: 2 * near_window + max_keyword,
            spill: max_keyword.saturating_sub(1),
            far,
            field_rules,
            min_digits: digit_rules.iter().map(|&(_, d, _)| d).min(),
            digit_rules,
        })
    }
}

/// Checks a pattern's syntax and its `secret` group without compiling it:
/// parsing is cheap, compiling all rules is not, and most rules of a scan
/// never see a keyword hit. Returns where matches start relative to keyword
/// hits, when the pattern shows it (see [`crate::anchor`]).
fn validate_pattern(rule: &Rule) -> Result<Option<Lead>, Error> {
    use regex_syntax::hir::HirKind;
    let hir = parse(rule)?;
    let mut stack = vec![&hir];
    while let Some(h) = stack.pop() {
        match h.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("secret") => {
                let anchored = rule.field.is_none() && rule.digits.is_none();
                return Ok(anchored
                    .then(|| crate::anchor::lead(&hir, &rule.keywords))
                    .flatten());
            }
            HirKind::Capture(c) => stack.push(&c.sub),
            HirKind::Repetition(r) => stack.push(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => stack.extend(v.iter()),
            _ => {}
        }
    }
    Err(Error::new(&rule.id, ErrorKind::NoSecretGroup))
}

/// A rule's pattern as the engine reads it: bytes, not Unicode.
fn parse(rule: &Rule) -> Result<regex_syntax::hir::Hir, Error> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&rule.pattern)
        .map_err(|e| Error::new(&rule.id, ErrorKind::Pattern(e.to_string())))
}

/// Compiles one rule's pattern for bounded, byte-oriented confirmation.
pub(crate) fn compile_rule(rule: &Rule) -> Result<CompiledRule, Error> {
    use regex_syntax::hir::HirKind;
    let hir = parse(rule)?;
    // A secret that is the whole match (key blocks) needs no capture
    // search: the bounded backtracker that finds groups is costliest on
    // exactly these long matches.
    let whole_secret =
        matches!(hir.kind(), HirKind::Capture(c) if c.name.as_deref() == Some("secret"));
    let regex = meta::Regex::builder()
        .configure(meta::Config::new().utf8_empty(false))
        .build_from_hir(&hir)
        .map_err(|e| Error::new(&rule.id, ErrorKind::Pattern(e.to_string())))?;
    let secret_group = regex
        .group_info()
        .to_index(regex_automata::PatternID::ZERO, "secret")
        .ok_or_else(|| Error::new(&rule.id, ErrorKind::NoSecretGroup))?;
    Ok(CompiledRule {
        regex,
        secret_group,
        whole_secret,
    })
}
