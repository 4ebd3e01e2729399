/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 8 * 1024;

/// What the first bytes of an input say about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniff {
    /// Text (possibly with invalid UTF-8 here and there): scan it.
    Text,
    /// UTF-16 text with a byte-order mark; `true` for big-endian.
    Utf16 {
        /// Big-endian (`FE FF`) rather than little-endian (`FF FE`).
        big_endian: bool,
    },
    /// Binary data (a NUL byte in the first [`SNIFF_LEN`] bytes).
    Binary,
}

/// Classifies an input by its first bytes, the way grep-like tools do: a NUL
/// byte means binary, unless a UTF-16 byte-order mark explains it.
pub fn sniff(prefix: &[u8]) -> Sniff {
    match prefix {
        [0xFF, 0xFE, ..] => Sniff::Utf16 { big_endian: false },
        [0xFE, 0xFF, ..] => Sniff::Utf16 { big_endian: true },
        _ if memchr::memchr(0, &prefix[..prefix.len().min(SNIFF_LEN)]).is_some() => Sniff::Binary,
        _ => Sniff::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(sniff(b"hello"), Sniff::Text);
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF"), Sniff::Binary);
        assert_eq!(
            sniff(b"\xff\xfeh\x00i\x00"),
            Sniff::Utf16 { big_endian: false }
        );
        assert_eq!(sniff(b"\xfe\xff\x00h"), Sniff::Utf16 { big_endian: true });
        assert_eq!(sniff(b"bad \xc3\x28 utf8"), Sniff::Text);
        let mut late_nul = vec![b'a'; SNIFF_LEN];
        late_nul.push(0);
        assert_eq!(sniff(&late_nul), Sniff::Text);
    }
}
