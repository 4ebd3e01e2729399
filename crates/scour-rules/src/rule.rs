use serde::Deserialize;

/// One detection rule, as written in a rule file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable, namespaced id such as `github.pat-classic`. Fingerprints,
    /// baselines and configuration refer to rules by id, so it never changes.
    pub id: String,
    /// Short human name.
    pub name: String,
    /// What the rule finds and why it matters.
    pub description: String,
    /// Secret or personal data.
    pub category: Category,
    /// How bad a true positive is.
    pub severity: Severity,
    /// How likely a match is to be a true positive.
    pub confidence: Confidence,
    /// Lowercase ASCII literals, at least one of which occurs inside every
    /// match; the engine's prefilter looks for them case-insensitively and
    /// runs the pattern only near a hit. Field rules have none.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// For numbers (cards, phones, national ids) instead of keywords: the
    /// prefilter is a run of at least this many digits, where up to two
    /// separators (space, `-`, `.`, `/`, `(`, `)`, `+`) may stand between
    /// digits. Every match must contain such a run.
    #[serde(default)]
    pub digits: Option<usize>,
    /// With `digits`: the number is always written with separators
    /// (`123-45-6789`, `020 7946 0958`), so a run of bare digits (a ticket
    /// id, an epoch time) opens no window for this rule. Every match must
    /// then contain a run with a separator. Most digit runs in support data
    /// are bare ids; this spares the rule's regex a search around each.
    #[serde(default)]
    pub separated: bool,
    /// Regular expression (Rust `regex` syntax over bytes, Unicode off unless
    /// the pattern enables it) with a named capture group `secret`. For a
    /// field rule it runs over the field's value.
    pub pattern: String,
    /// Makes this a field rule: instead of scanning free text, it applies to
    /// named fields that structure-aware readers (HAR, JSON, URLs, forms)
    /// hand to the engine, such as a header or a cookie by name.
    #[serde(default)]
    pub field: Option<Field>,
    /// Bytes on either side of a keyword hit within which the whole match
    /// must lie. Long tokens (PEM keys) need more than the default.
    #[serde(default = "default_window")]
    pub window: usize,
    /// Checks the captured secret must pass.
    #[serde(default)]
    pub validate: Validate,
    /// Inputs that must produce a finding for this rule.
    pub examples: Vec<String>,
    /// Inputs that must not produce a finding for this rule.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Where the token format is documented.
    #[serde(default)]
    pub references: Vec<String>,
}

fn default_window() -> usize {
    crate::DEFAULT_WINDOW
}

/// What kind of data a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Credentials: tokens, keys, passwords, session cookies.
    Secret,
    /// Personal data: e-mail addresses, phone numbers, card numbers.
    Pii,
}

/// How bad a true positive is, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Low,
    /// Worth a look.
    Medium,
    /// Grants access to something.
    High,
    /// Grants broad or administrative access.
    Critical,
}

/// How likely a match is to be a true positive, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Shape alone; expect some false positives.
    Low,
    /// Shape plus context or entropy.
    Medium,
    /// Distinctive prefix, checksum or structure.
    High,
}

/// Which named fields a field rule applies to.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The kinds of field: any of `header`, `cookie`, `query`, `form`, `json`, `column`.
    pub places: Vec<Place>,
    /// Field names that apply, compared ASCII-case-insensitively; `*` means
    /// every name (then the validators decide, e.g. by entropy and length).
    #[serde(default)]
    pub names: Vec<String>,
    /// Names containing any of these (lowercase) also apply.
    #[serde(default)]
    pub name_contains: Vec<String>,
    /// Names that never apply, even if matched above (analytics, consent and
    /// preference cookies); compared case-insensitively.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Names starting with any of these (lowercase) never apply.
    #[serde(default)]
    pub exclude_prefixes: Vec<String>,
    /// How to decode the value before the pattern runs.
    #[serde(default)]
    pub decode: Option<FieldDecode>,
}

/// A kind of named field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// An HTTP header (request or response).
    Header,
    /// A cookie, from a Cookie or Set-Cookie header or a HAR cookies array.
    Cookie,
    /// A URL query parameter.
    Query,
    /// A form field (urlencoded or multipart body, HAR postData.params).
    Form,
    /// A JSON object member whose value is a string.
    Json,
    /// A CSV cell, named by its column header.
    Column,
}

impl Place {
    /// Every place, in declaration order.
    pub const ALL: [Place; 6] = [
        Place::Header,
        Place::Cookie,
        Place::Query,
        Place::Form,
        Place::Json,
        Place::Column,
    ];

    /// The name used in rule files and examples.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Header => "header",
            Place::Cookie => "cookie",
            Place::Query => "query",
            Place::Form => "form",
            Place::Json => "json",
            Place::Column => "column",
        }
    }

    /// Parses the name used in rule files and examples.
    pub fn parse(s: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A decoding applied to a field's value before the pattern runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldDecode {
    /// `Basic <base64(user:password)>`: the pattern runs over `user:password`.
    BasicAuth,
}

impl Field {
    /// True if this field rule applies to a field called `name` in `place`.
    /// Called for every field of every document: it does not allocate.
    pub fn applies(&self, place: Place, name: &[u8]) -> bool {
        if !self.places.contains(&place) {
            return false;
        }
        let excluded = self
            .exclude
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(name))
            || self.exclude_prefixes.iter().any(|p| {
                name.len() >= p.len() && name[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            });
        if excluded {
            return false;
        }
        self.names
            .iter()
            .any(|n| n == "*" || n.as_bytes().eq_ignore_ascii_case(name))
            || self.name_contains.iter().any(|c| {
                name.windows(c.len())
                    .any(|w| w.eq_ignore_ascii_case(c.as_bytes()))
            })
    }
}

/// Checks a captured secret must pass. All are optional; each one set must hold.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validate {
    /// Minimum Shannon entropy, in bits per byte, of the secret.
    pub min_entropy: Option<f64>,
    /// Minimum secret length in bytes.
    pub min_len: Option<usize>,
    /// Maximum secret length in bytes.
    pub max_len: Option<usize>,
    /// Minimum number of character classes (lower, upper, digit, other)
    /// present in the secret: keeps ordinary words out of generic rules.
    pub min_classes: Option<u8>,
    /// A checksum the secret must carry.
    pub checksum: Option<Checksum>,
    /// The secret must be a JWT whose header and payload decode to JSON objects.
    #[serde(default)]
    pub jwt: bool,
    /// Reject placeholder-looking values (`EXAMPLE`, `xxxx`, `your-token-here`,
    /// one repeated character, `abcdef123456`). On by default.
    #[serde(default = "yes")]
    pub reject_placeholders: bool,
}

impl Default for Validate {
    fn default() -> Self {
        Validate {
            min_entropy: None,
            min_len: None,
            max_len: None,
            min_classes: None,
            checksum: None,
            jwt: false,
            reject_placeholders: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// Checksums a secret can be verified against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub and npm tokens: the last 6 characters are the base62 CRC32 of
    /// the 30 random characters before them.
    Crc32Base62,
    /// Payment card numbers (digits; spaces and dashes ignored).
    Luhn,
    /// IBAN mod-97 (spaces ignored).
    Iban,
}

impl Rule {
    /// Checks invariants that do not need a regex engine.
    pub(crate) fn check_shape(&self) -> Result<(), String> {
        let namespaced = self.id.split('.').count() >= 2
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
            && !self.id.split('.').any(str::is_empty);
        if !namespaced {
            return Err("id must be lowercase and namespaced like `provider.kind`".into());
        }
        if self.digits.is_some() && (self.field.is_some() || !self.keywords.is_empty()) {
            return Err("`digits` replaces keywords, and field rules have neither".into());
        }
        if self.separated && self.digits.is_none() {
            return Err("`separated` applies to `digits` rules only".into());
        }
        if self.digits == Some(0) {
            return Err("`digits` must be at least 1".into());
        }
        match &self.field {
            None if self.keywords.is_empty() && self.digits.is_none() => {
                return Err("at least one keyword (or `digits`) is required".into())
            }
            Some(_) if !self.keywords.is_empty() => {
                return Err("a field rule has no keywords: it applies to named fields".into())
            }
            Some(f)
                if f.places.is_empty() || (f.names.is_empty() && f.name_contains.is_empty()) =>
            {
                return Err("a field rule needs places and names or name_contains".into())
            }
            _ => {}
        }
        for k in &self.keywords {
            if k.is_empty() || k.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                return Err(format!("keyword {k:?} must be non-empty lowercase ASCII"));
            }
        }
        if !self.pattern.contains("(?P<secret>") && !self.pattern.contains("(?<secret>") {
            return Err("pattern needs a named capture group `secret`".into());
        }
        if self.examples.is_empty() {
            return Err("at least one example is required".into());
        }
        if self.window == 0 {
            return Err("window must be positive".into());
        }
        Ok(())
    }
}
