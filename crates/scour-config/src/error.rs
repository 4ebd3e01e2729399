use std::fmt;

/// A configuration or rule-import error: which file, where, what.
#[derive(Debug)]
pub struct Error {
    file: String,
    line: Option<usize>,
    key: Option<String>,
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// Not valid TOML, or a key or value that does not fit the schema.
    Parse(String),
    /// A value parsed but is unusable (a bad glob or regex, an unknown rule
    /// id, a rule file that does not load).
    Invalid(String),
}

impl Error {
    pub(crate) fn new(file: &str, kind: ErrorKind) -> Error {
        Error {
            file: file.to_string(),
            line: None,
            key: None,
            kind,
        }
    }

    pub(crate) fn at(mut self, line: Option<usize>, key: Option<String>) -> Error {
        self.line = line;
        self.key = key;
        self
    }

    /// A TOML error, placed at its line and key from the source text.
    pub(crate) fn toml(file: &str, text: &str, e: &toml::de::Error) -> Error {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let key = line.and_then(|l| key_at(text, l));
        Error::new(file, ErrorKind::Parse(e.message().to_string())).at(line, key)
    }

    /// The file the error is about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// Dotted key (`archives.max_depth`), when known.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

/// The dotted key assigned on `line` (1-based), prefixed by the table it is
/// in: `max_depth = "x"` under `[archives]` gives `archives.max_depth`.
fn key_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line - 1)?.trim();
    let table = lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let key = here
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(t), None) if here.starts_with('[') => Some(t),
        _ => None,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(k) = &self.key {
            write!(f, ": key `{k}`")?;
        }
        match &self.kind {
            ErrorKind::Io(e) => write!(f, ": {e}"),
            ErrorKind::Parse(m) | ErrorKind::Invalid(m) => write!(f, ": {}", m.trim_end()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
