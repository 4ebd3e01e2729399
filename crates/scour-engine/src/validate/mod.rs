//! Checks a captured secret must pass before it is reported.
//!
//! Each function here is usable on its own (other scanners call them); the
//! engine applies the ones a rule's [`Validate`] asks for, cheapest first.

mod checksum;
mod entropy;
mod jwt;
mod placeholder;

pub use checksum::{crc32_base62, iban_mod97, luhn};
pub use entropy::{character_classes, shannon_entropy};
pub use jwt::{decode_jwt, Jwt};
pub use placeholder::{inside_redaction_marker, looks_like_placeholder, REDACTION_MARKER};

use scour_rules::{Checksum, Validate};

/// True if `secret` passes every check `v` asks for.
pub fn passes(v: &Validate, secret: &[u8]) -> bool {
    if v.min_len.is_some_and(|n| secret.len() < n) || v.max_len.is_some_and(|n| secret.len() > n) {
        return false;
    }
    if v.min_classes.is_some_and(|n| character_classes(secret) < n) {
        return false;
    }
    if v.reject_placeholders && looks_like_placeholder(secret) {
        return false;
    }
    let checksum_ok = match v.checksum {
        None => true,
        Some(Checksum::Crc32Base62) => crc32_base62(secret),
        Some(Checksum::Luhn) => luhn(secret),
        Some(Checksum::Iban) => iban_mod97(secret),
    };
    if !checksum_ok {
        return false;
    }
    if v.min_entropy
        .is_some_and(|min| shannon_entropy(secret) < min)
    {
        return false;
    }
    !v.jwt || decode_jwt(secret).is_some()
}
