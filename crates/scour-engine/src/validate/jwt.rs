use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// A structurally valid JWT: header and payload decoded to JSON objects.
#[derive(Clone, Debug)]
pub struct Jwt {
    /// The decoded header.
    pub header: serde_json::Map<String, serde_json::Value>,
    /// The decoded payload (claims).
    pub payload: serde_json::Map<String, serde_json::Value>,
}

/// Decodes `header.payload.signature` (base64url, padding tolerated) and
/// returns the header and payload when both are JSON objects and the header
/// names an algorithm. The signature is not verified: there is no key.
pub fn decode_jwt(token: &[u8]) -> Option<Jwt> {
    let mut parts = token.split(|&b| b == b'.');
    let (h, p, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = decode_object(h)?;
    if !header.contains_key("alg") {
        return None;
    }
    Some(Jwt {
        header,
        payload: decode_object(p)?,
    })
}

fn decode_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let trimmed = part
        .strip_suffix(b"==")
        .or_else(|| part.strip_suffix(b"="))
        .unwrap_or(part);
    let bytes = URL_SAFE_NO_PAD.decode(trimmed).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn decodes_a_made_up_token() {
        let t = format!(
            "{}.{}.c2lnbmF0dXJlLW5vdC1yZWFs",
            b64(r#"{"alg":"HS256","typ":"JWT"}"#),
            b64(r#"{"sub":"u1","exp":1700000000}"#)
        );
        let jwt = decode_jwt(t.as_bytes()).unwrap();
        assert_eq!(jwt.header["alg"], "HS256");
        assert_eq!(jwt.payload["exp"], 1_700_000_000);
    }

    #[test]
    fn rejects_non_jwts() {
        assert!(decode_jwt(b"a.b.c").is_none());
        assert!(decode_jwt(b"eyJhbGciOiJIUzI1NiJ9").is_none());
        let no_alg = format!("{}.{}.x", b64(r#"{"typ":"JWT"}"#), b64("{}"));
        assert!(decode_jwt(no_alg.as_bytes()).is_none());
        let array_payload = format!("{}.{}.x", b64(r#"{"alg":"none"}"#), b64("[1]"));
        assert!(decode_jwt(array_payload.as_bytes()).is_none());
    }
}
