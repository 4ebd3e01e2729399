//! Validity times read offline while the secret's bytes are still at hand:
//! JWT claims, the expiry of the cookie holding the secret, and the HAR
//! entry's capture time. Judging them against an instant is
//! [`Finding::assess`]'s job, later, so one stored scan can be judged at
//! any `--now`.

use scour_engine::validate::decode_jwt;
use scour_formats::Origin;
use scour_report::time::{format_rfc3339, parse_http_date, parse_rfc3339};
use scour_report::Finding;

/// Fills `f`'s capture and validity times from `secret` and `origin`.
pub(crate) fn annotate(f: &mut Finding, secret: &[u8], origin: &Origin) {
    let captured = origin.captured.as_deref().and_then(parse_rfc3339);
    f.captured_at = captured.map(format_rfc3339);
    if secret.starts_with(b"eyJ") && memchr::memchr_iter(b'.', secret).count() == 2 {
        if let Some(jwt) = decode_jwt(secret) {
            let claim = |k: &str| jwt.payload.get(k).and_then(serde_json::Value::as_f64);
            let time = |k: &str| claim(k).map(|s| format_rfc3339(s as i64));
            f.issued_at = time("iat");
            f.not_before = time("nbf");
            f.expires_at = time("exp");
        }
    }
    if f.expires_at.is_none() {
        if let Some(cookie) = origin.cookie.as_deref() {
            f.expires_at = cookie_expiry(cookie, captured).map(format_rfc3339);
        }
    }
}

/// The instant a cookie stops being sent, from its Set-Cookie attributes.
/// `Max-Age` wins over `Expires` (RFC 6265 5.3) and counts from the
/// capture time; without one it cannot be placed.
fn cookie_expiry(attrs: &str, captured: Option<i64>) -> Option<i64> {
    let mut expires = None;
    let mut max_age = None;
    for attr in attrs
        .split(';')
        .skip(usize::from(!attrs.starts_with("Expires=")))
    {
        let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("max-age") {
            max_age = v.parse::<i64>().ok();
        } else if k.eq_ignore_ascii_case("expires") {
            expires = parse_http_date(v).or_else(|| parse_rfc3339(v));
        }
    }
    match max_age {
        Some(age) => captured.map(|c| c + age.max(0)),
        None => expires,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        let at = parse_rfc3339("2024-01-01T00:00:00Z");
        assert_eq!(
            cookie_expiry(
                "sid=x; Path=/; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
                at
            ),
            at.map(|t| t + 3600)
        );
        assert_eq!(
            cookie_expiry("sid=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT", at),
            Some(784_111_777)
        );
        assert_eq!(
            cookie_expiry("Expires=2024-02-01T00:00:00.000Z", None),
            parse_rfc3339("2024-02-01T00:00:00Z")
        );
        // A cookie value that looks like an attribute is not one.
        assert_eq!(cookie_expiry("max-age=5; Path=/", at), None);
        assert_eq!(cookie_expiry("sid=x; Max-Age=60", None), None);
    }
}
