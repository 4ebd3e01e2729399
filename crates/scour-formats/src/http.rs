//! Pieces of HTTP that carry credentials: cookie headers, URLs, form bodies.

use std::borrow::Cow;

/// `name=value` pairs of a `Cookie` header (`a=1; b=2`).
pub fn cookie_pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|p| {
        let (n, v) = p.split_once('=')?;
        let n = n.trim();
        (!n.is_empty()).then_some((n, v.trim()))
    })
}

/// The cookie a `Set-Cookie` header sets (attributes after `;` ignored).
pub fn set_cookie_pair(header: &str) -> Option<(&str, &str)> {
    cookie_pairs(header.split(';').next()?).next()
}

/// The query and fragment of a URL, where OAuth implicit flows put tokens.
pub fn url_params(url: &str) -> impl Iterator<Item = &str> {
    let query = url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(""));
    let fragment = url
        .split_once('#')
        .map(|(_, f)| f)
        .filter(|f| f.contains('='));
    query.into_iter().chain(fragment)
}

/// One parameter of a query string or urlencoded form.
#[derive(Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// Decoded name.
    pub name: Cow<'a, str>,
    /// Decoded value.
    pub value: Cow<'a, [u8]>,
    /// The raw value as written, a slice of the input.
    pub raw: &'a str,
}

impl Param<'_> {
    /// True if decoding changed the value.
    pub fn decoded(&self) -> bool {
        matches!(self.value, Cow::Owned(_))
    }
}

/// Parameters of `a=1&b=x%20y` (form bodies also decode `+` as space).
pub fn params<'a>(s: &'a str, form: bool) -> impl Iterator<Item = Param<'a>> {
    s.split('&').filter_map(move |pair| {
        let (n, raw) = pair.split_once('=')?;
        if n.is_empty() {
            return None;
        }
        let decode = |x: &'a str| -> Cow<'a, [u8]> {
            if !(x.contains('%') || form && x.contains('+')) {
                return Cow::Borrowed(x.as_bytes());
            }
            let plus = if form {
                x.replace('+', " ")
            } else {
                x.to_string()
            };
            Cow::Owned(percent_encoding::percent_decode(plus.as_bytes()).collect())
        };
        let name = match decode(n) {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or(n)),
            Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
        };
        Some(Param {
            name,
            value: decode(raw),
            raw,
        })
    })
}

/// True for MIME types whose bodies are not worth scanning once decoded.
pub fn is_binary_mime(mime: &str) -> bool {
    let m = mime.trim().to_ascii_lowercase();
    let m = m.split(';').next().unwrap_or("");
    m.starts_with("image/")
        || m.starts_with("font/")
        || m.starts_with("audio/")
        || m.starts_with("video/")
        || matches!(
            m,
            "application/octet-stream"
                | "application/font-woff"
                | "application/font-woff2"
                | "application/x-font-woff"
                | "application/vnd.ms-fontobject"
                | "application/wasm"
                | "application/pdf"
                | "application/zip"
                | "application/gzip"
                | "application/x-protobuf"
                | "application/grpc"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies() {
        let pairs: Vec<_> = cookie_pairs("sid=abc; _ga=GA1.2; theme = dark;flag").collect();
        assert_eq!(pairs, [("sid", "abc"), ("_ga", "GA1.2"), ("theme", "dark")]);
        assert_eq!(
            set_cookie_pair("DT=xyz; Path=/; HttpOnly"),
            Some(("DT", "xyz"))
        );
    }

    #[test]
    fn url_query_and_fragment() {
        let u = "https://app.test/cb?code=abc&state=1#access_token=tok&x=y";
        let all: Vec<_> = url_params(u)
            .flat_map(|p| params(p, false))
            .map(|p| (p.name.into_owned(), p.value.into_owned()))
            .collect();
        assert_eq!(
            all,
            [
                ("code".to_string(), b"abc".to_vec()),
                ("state".to_string(), b"1".to_vec()),
                ("access_token".to_string(), b"tok".to_vec()),
                ("x".to_string(), b"y".to_vec())
            ]
        );
        assert_eq!(url_params("https://a.test/#/route").count(), 0);
    }

    #[test]
    fn form_decoding() {
        let p: Vec<_> = params("user=a%40b.test&password=p%26ss+word", true).collect();
        assert_eq!(&*p[0].value, b"a@b.test");
        assert_eq!(&*p[1].value, b"p&ss word");
        assert!(p[1].decoded());
        assert_eq!(p[1].raw, "p%26ss+word");
        let q: Vec<_> = params("token=plain", false).collect();
        assert!(!q[0].decoded());
    }

    #[test]
    fn binary_mimes() {
        assert!(is_binary_mime("image/png"));
        assert!(is_binary_mime("font/woff2"));
        assert!(!is_binary_mime("application/json; charset=utf-8"));
        assert!(!is_binary_mime("text/html"));
    }
}
