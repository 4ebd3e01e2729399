mod decode;
mod malformed;
mod mbox;
mod parts;
mod props;
mod sniff;

use crate::Part;

/// Turns LF line breaks into CRLF, as mail on the wire has them.
fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// All parts of a message, which must parse.
fn collect(message: &[u8]) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    crate::parts(message, &mut |p| out.push(p)).expect("message parses");
    out
}

fn names(parts: &[Part<'_>]) -> Vec<String> {
    parts.iter().map(|p| p.name.clone()).collect()
}
