use std::fmt;

/// An error loading rules: which file, which rule, what is wrong.
#[derive(Debug)]
pub struct Error {
    origin: String,
    kind: ErrorKind,
}

/// What went wrong while loading rules.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file is not valid TOML or does not fit the rule schema.
    Parse(String),
    /// A rule parsed but breaks a rule invariant.
    Invalid {
        /// The offending rule's id.
        rule: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    pub(crate) fn parse(origin: &str, e: toml::de::Error) -> Error {
        Error {
            origin: origin.to_string(),
            kind: ErrorKind::Parse(e.to_string()),
        }
    }

    pub(crate) fn invalid(origin: &str, rule: &str, message: String) -> Error {
        Error {
            origin: origin.to_string(),
            kind: ErrorKind::Invalid {
                rule: rule.to_string(),
                message,
            },
        }
    }

    /// The file (or other source) the rule came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Parse(m) => write!(f, "{}: {}", self.origin, m.trim_end()),
            ErrorKind::Invalid { rule, message } => {
                write!(f, "{}: rule {}: {}", self.origin, rule, message)
            }
        }
    }
}

impl std::error::Error for Error {}
