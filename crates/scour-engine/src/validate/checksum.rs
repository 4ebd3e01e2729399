const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub (`ghp_` and kin) and npm (`npm_`) tokens: the last 36 characters
/// are 30 random base62 characters followed by the CRC32 of those 30,
/// written in base62 (`0-9A-Za-z`) and left-padded with `0` to 6 characters.
pub fn crc32_base62(token: &[u8]) -> bool {
    if token.len() < 36 {
        return false;
    }
    let tail = &token[token.len() - 36..];
    let (body, check) = tail.split_at(30);
    let mut n = crc32fast::hash(body) as u64;
    let mut expect = [b'0'; 6];
    for slot in expect.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    // A u32 needs at most 6 base62 digits (62^6 > 2^32), so n is now 0.
    check == expect
}

/// Luhn check over the digits of `number`, ignoring spaces and dashes; any
/// other byte, or fewer than 12 or more than 19 digits, fails.
pub fn luhn(number: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for &b in number.iter().rev() {
        match b {
            b' ' | b'-' => continue,
            b'0'..=b'9' => {
                let mut d = (b - b'0') as u32;
                if count % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                count += 1;
            }
            _ => return false,
        }
    }
    (12..=19).contains(&count) && sum % 10 == 0
}

/// IBAN check (ISO 13616): move the first four characters to the end,
/// letters become 10..35, and the number mod 97 must be 1. Spaces ignored.
pub fn iban_mod97(iban: &[u8]) -> bool {
    let chars: Vec<u8> = iban.iter().copied().filter(|&b| b != b' ').collect();
    if !(15..=34).contains(&chars.len())
        || !chars[..2].iter().all(u8::is_ascii_uppercase)
        || !chars[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let mut rem = 0u32;
    for &b in chars[4..].iter().chain(&chars[..4]) {
        let v = match b {
            b'0'..=b'9' => (b - b'0') as u32,
            b'A'..=b'Z' => (b - b'A') as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a checksummed token the way GitHub's format describes, from a
    /// made-up random part, to test the validator against an independent
    /// construction (Python's zlib.crc32 gives the same CRC).
    fn make(prefix: &str, body: &str) -> String {
        let mut n = crc32fast::hash(body.as_bytes());
        let mut check = String::new();
        for _ in 0..6 {
            check.insert(0, BASE62[(n % 62) as usize] as char);
            n /= 62;
        }
        format!("{prefix}{body}{check}")
    }

    #[test]
    fn crc32_base62_accepts_valid_and_rejects_tampered() {
        let t = make("ghp_", "Zq8Lr2Wm5Nx7Kp3Vb9Tc1Hy4Jd6Fs0");
        assert_eq!(t.len(), 40);
        assert!(crc32_base62(t.as_bytes()));
        let mut bad = t.clone().into_bytes();
        bad[10] = if bad[10] == b'A' { b'B' } else { b'A' };
        assert!(!crc32_base62(&bad));
        assert!(!crc32_base62(b"ghp_short"));
    }

    #[test]
    fn crc32_matches_an_independent_implementation() {
        // Computed with Python: zlib.crc32 of the body, base62 0-9A-Za-z.
        assert!(crc32_base62(b"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"));
        assert_eq!(
            make("ghp_", "Zq8Lr2Wm5Nx7Kp3Vb9Tc1Hy4Jd6Fs0"),
            "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"
        );
    }

    #[test]
    fn luhn_cases() {
        assert!(luhn(b"4111 1111 1111 1111"));
        assert!(luhn(b"5500-0000-0000-0004"));
        assert!(!luhn(b"4111 1111 1111 1112"));
        assert!(!luhn(b"4111"));
        assert!(!luhn(b"4111x1111 1111 1111"));
    }

    #[test]
    fn iban_cases() {
        assert!(iban_mod97(b"GB82 WEST 1234 5698 7654 32"));
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(!iban_mod97(b"DE89370400440532013001"));
        assert!(!iban_mod97(b"gb82west12345698765432"));
    }
}
