//! Navigation over a simd-json tape, with raw byte spans.
//!
//! simd-json parses a mutable copy of the document and unescapes each string
//! in place, at the offset where the string's raw text began. So a string's
//! position in the copy is its position in the original document, and the
//! original tells where its raw text ends. That is what lets findings inside
//! JSON carry exact byte offsets and, later, be redacted in place.

use std::cell::Cell;
use std::ops::Range;

use simd_json::Node;

/// A parsed JSON document: the original bytes plus the tape over a copy.
pub struct Doc<'a> {
    raw: &'a [u8],
    base: usize,
    tape: Vec<Node<'a>>,
    /// Where each string's raw text ends, by tape index, once looked up
    /// (0: not yet; a string's contents end after its opening quote, so
    /// never at 0). A walk asks for a string's span two or three times,
    /// and finding it is a search of the string's raw text.
    ends: Vec<Cell<usize>>,
}

/// A parse failure: where and why.
#[derive(Clone, Debug)]
pub struct ParseError {
    /// Byte offset in the document where parsing failed, when known.
    pub offset: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl<'a> Doc<'a> {
    /// Parses `copy`, which must hold the same bytes as `raw` (simd-json
    /// overwrites it). `raw` is kept to locate the end of each string.
    pub fn parse(raw: &'a [u8], copy: &'a mut [u8]) -> Result<Doc<'a>, ParseError> {
        debug_assert_eq!(raw, &copy[..]);
        let base = copy.as_ptr() as usize;
        match simd_json::to_tape(copy) {
            Ok(tape) => Ok(Doc {
                raw,
                base,
                ends: (0..tape.0.len()).map(|_| Cell::new(0)).collect(),
                tape: tape.0,
            }),
            Err(e) => Err(ParseError {
                offset: Some(e.index()).filter(|&i| i <= raw.len()),
                message: e.to_string(),
            }),
        }
    }

    /// The root value.
    pub fn root(&self) -> Value<'_, 'a> {
        Value { doc: self, at: 0 }
    }

    /// The original document bytes.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    fn size(&self, at: usize) -> usize {
        match self.tape[at] {
            Node::Object { count, .. } | Node::Array { count, .. } => 1 + count,
            _ => 1,
        }
    }

    /// Raw span of the contents (without quotes) of string `s`, at tape
    /// index `at`, in the document.
    fn span(&self, at: usize, s: &str) -> Range<usize> {
        let start = s.as_ptr() as usize - self.base;
        let known = self.ends[at].get();
        if known != 0 {
            return start..known;
        }
        let mut i = start;
        let end = loop {
            match memchr::memchr2(b'"', b'\\', &self.raw[i..]) {
                Some(j) if self.raw[i + j] == b'\\' => i += j + 2,
                Some(j) => break i + j,
                None => break self.raw.len(),
            }
        };
        self.ends[at].set(end);
        start..end
    }
}

/// One value on the tape.
#[derive(Clone, Copy)]
pub struct Value<'d, 'a> {
    doc: &'d Doc<'a>,
    at: usize,
}

impl<'d, 'a> Value<'d, 'a> {
    /// The string, unescaped, if this is a string.
    pub fn as_str(&self) -> Option<&'a str> {
        match self.doc.tape[self.at] {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string with its raw span in the document, if this is a string.
    pub fn as_text(&self) -> Option<Text<'a>> {
        let s = self.as_str()?;
        let span = self.doc.span(self.at, s);
        Some(Text {
            value: s,
            escaped: span.len() != s.len(),
            span,
        })
    }

    /// True for objects.
    pub fn is_object(&self) -> bool {
        matches!(self.doc.tape[self.at], Node::Object { .. })
    }

    /// Members of an object, in order (empty for other values).
    pub fn members(&self) -> impl Iterator<Item = (Text<'a>, Value<'d, 'a>)> + 'd {
        let (doc, len) = match self.doc.tape[self.at] {
            Node::Object { len, .. } => (self.doc, len),
            _ => (self.doc, 0),
        };
        let mut at = self.at + 1;
        (0..len).map(move |_| {
            let key = Value { doc, at }
                .as_text()
                .expect("object keys are strings");
            let value = Value { doc, at: at + 1 };
            at += 1 + doc.size(at + 1);
            (key, value)
        })
    }

    /// Elements of an array, in order (empty for other values).
    pub fn elements(&self) -> impl Iterator<Item = Value<'d, 'a>> + 'd {
        let (doc, len) = match self.doc.tape[self.at] {
            Node::Array { len, .. } => (self.doc, len),
            _ => (self.doc, 0),
        };
        let mut at = self.at + 1;
        (0..len).map(move |_| {
            let v = Value { doc, at };
            at += doc.size(at);
            v
        })
    }

    /// The member called `key` (first one, ASCII case-sensitive).
    pub fn get(&self, key: &str) -> Option<Value<'d, 'a>> {
        self.members().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// The string member called `key`.
    pub fn get_str(&self, key: &str) -> Option<&'a str> {
        self.get(key)?.as_str()
    }
}

/// A JSON string: its unescaped value and where its raw text is.
#[derive(Clone, Debug)]
pub struct Text<'a> {
    /// The unescaped value.
    pub value: &'a str,
    /// Raw span of the contents (without quotes) in the document.
    pub span: Range<usize>,
    /// True if the raw text held escapes, so offsets within `value` are not
    /// offsets within the document.
    pub escaped: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_doc(json: &str, f: impl FnOnce(&Doc<'_>)) {
        let raw = json.as_bytes();
        let mut copy = raw.to_vec();
        let doc = Doc::parse(raw, &mut copy).unwrap();
        f(&doc);
    }

    #[test]
    fn navigation_and_spans() {
        let json = r#"{"a":[1,{"k":"v"},[2,3]],"b":"x\"y","c":{"d":"plain"}}"#;
        with_doc(json, |doc| {
            let root = doc.root();
            let keys: Vec<_> = root.members().map(|(k, _)| k.value).collect();
            assert_eq!(keys, ["a", "b", "c"]);
            let a: Vec<_> = root.get("a").unwrap().elements().collect();
            assert_eq!(a.len(), 3);
            assert_eq!(a[1].get_str("k"), Some("v"));
            let b = root.get("b").unwrap().as_text().unwrap();
            assert_eq!(b.value, "x\"y");
            assert!(b.escaped);
            assert_eq!(&json[b.span.clone()], r#"x\"y"#);
            let d = root.get("c").unwrap().get("d").unwrap().as_text().unwrap();
            assert_eq!(&json[d.span.clone()], "plain");
            assert!(!d.escaped);
        });
    }

    #[test]
    fn parse_errors_have_offsets() {
        let raw = br#"{"a": [1, 2,, 3]}"#;
        let mut copy = raw.to_vec();
        let err = Doc::parse(raw, &mut copy).err().unwrap();
        assert!(err.offset.is_some(), "{err:?}");
    }
}
