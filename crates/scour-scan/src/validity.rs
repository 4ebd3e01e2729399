//! Validity times read offline while the secret's bytes are still at hand:
//! JWT claims, the expiry of the cookie holding the secret, and the HAR
//! entry's capture time. Judging them against an instant is
//! [`Finding::assess`]'s job, later, so one stored scan can be judged at
//! any `--now`.
//!
//! The claims depend on the secret alone and are read once per distinct
//! secret; the capture time and cookie depend on where each hit was.
//!
//! [`Finding::assess`]: scour_report::Finding::assess

use std::sync::Arc;

use scour_engine::validate::decode_jwt;
use scour_formats::Origin;
use scour_report::time::{parse_http_date, parse_rfc3339};
use scour_report::Validity;

/// What a hit's origin says about its secret's validity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Context {
    /// When the data holding the hit was captured.
    pub(crate) captured: Option<i64>,
    /// When the cookie holding the hit expires.
    pub(crate) cookie_expires: Option<i64>,
}

/// Reads the validity context of hits, remembering the last capture time
/// and cookie expiry parsed: the hits of one HAR entry share the first,
/// the hits of one cookie (its value, and the same value in the entry's
/// `cookies` array) the second.
#[derive(Default)]
pub(crate) struct Contexts {
    captured: Option<(Arc<str>, Option<i64>)>,
    /// The cookie's attributes and the capture time its `Max-Age` counts
    /// from, with the expiry they give.
    cookie: Option<(Arc<str>, Option<i64>, Option<i64>)>,
}

impl Contexts {
    /// The validity context of a hit from `origin`.
    pub(crate) fn of(&mut self, origin: &Origin) -> Context {
        let captured = origin
            .captured
            .as_ref()
            .and_then(|at| match &self.captured {
                Some((last, t)) if last == at => *t,
                _ => self.captured.insert((at.clone(), parse_rfc3339(at))).1,
            });
        let cookie_expires = origin
            .cookie
            .as_ref()
            .and_then(|cookie| match &self.cookie {
                Some((last, at, t)) if last == cookie && *at == captured => *t,
                _ => {
                    let t = cookie_expiry(cookie, captured);
                    self.cookie.insert((cookie.clone(), captured, t)).2
                }
            });
        Context {
            captured,
            cookie_expires,
        }
    }
}

/// The validity times `secret` carries itself: a JWT's `iat`, `nbf` and
/// `exp` claims.
pub(crate) fn claims(secret: &[u8]) -> Validity {
    let mut v = Validity::default();
    if secret.starts_with(b"eyJ") && memchr::memchr_iter(b'.', secret).count() == 2 {
        if let Some(jwt) = decode_jwt(secret) {
            let claim = |k: &str| jwt.payload.get(k).and_then(serde_json::Value::as_f64);
            let time = |k: &str| claim(k).map(|s| s as i64);
            v.issued = time("iat");
            v.not_before = time("nbf");
            v.expires = time("exp");
        }
    }
    v
}

/// The validity times of one sighting of a secret with `claims`, in
/// `context`: the cookie's expiry stands in for a missing `exp`.
pub(crate) fn sighting(claims: Validity, context: Context) -> Validity {
    Validity {
        captured: context.captured,
        expires: claims.expires.or(context.cookie_expires),
        ..claims
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
