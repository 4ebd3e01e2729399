use std::fmt;

/// An error building an engine: which rule failed and why.
#[derive(Debug)]
pub struct Error {
    rule: String,
    kind: ErrorKind,
}

/// What went wrong while building an engine.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The rule's pattern does not compile.
    Pattern(String),
    /// The pattern compiles but has no `secret` capture group.
    NoSecretGroup,
    /// No rules were given.
    NoRules,
    /// A keyword is the empty string.
    EmptyKeyword,
}

impl Error {
    pub(crate) fn new(rule: &str, kind: ErrorKind) -> Error {
        Error {
            rule: rule.to_string(),
            kind,
        }
    }

    /// The id of the rule at fault (empty for set-wide errors).
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Pattern(m) => write!(f, "rule {}: pattern does not compile: {m}", self.rule),
            ErrorKind::NoSecretGroup => {
                write!(f, "rule {}: pattern has no `secret` group", self.rule)
            }
            ErrorKind::NoRules => write!(f, "no rules to build an engine from"),
            ErrorKind::EmptyKeyword => write!(f, "rule {}: a keyword is empty", self.rule),
        }
    }
}

impl std::error::Error for Error {}
