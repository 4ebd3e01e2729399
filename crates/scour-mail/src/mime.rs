//! Walking a message's MIME tree and handing out its leaves.

use std::borrow::Cow;
use std::ops::Range;

use crate::boundary;
use crate::decode::Encoding;
use crate::header::{self, HeaderBlock};
use crate::params::Value;
use crate::{Error, ErrorKind, Part};

/// How many multipart or message/rfc822 levels are opened. Deeper
/// containers are handed out whole, as one leaf, so their bytes are still
/// scanned.
pub(crate) const MAX_DEPTH: usize = 16;

/// What the walk carries: the sink, the name prefix of the message being
/// walked (`""` or `"forwarded.eml/"`) and its leaf count so far.
struct Ctx<'a, 'f> {
    f: &'f mut dyn FnMut(Part<'a>),
    prefix: String,
    leaves: usize,
}

pub(crate) fn parts<'a>(message: &'a [u8], f: &mut dyn FnMut(Part<'a>)) -> Result<(), Error> {
    let mut start = skip_blank_lines(message);
    if start == message.len() {
        return Err(Error::new(ErrorKind::Empty));
    }
    // An mbox separator line left at the top of an .eml file.
    let (first, next) = header::line_at(message, start);
    if first.starts_with(b"From ") && header::field_name(first).is_none() {
        start = next;
    }
    let block = header::parse(&message[start..]);
    if block.fields == 0 {
        return Err(Error::new(ErrorKind::NoHeaders));
    }
    let mut ctx = Ctx {
        f,
        prefix: String::new(),
        leaves: 0,
    };
    walk_message(&mut ctx, message, start..message.len(), &block, 0);
    Ok(())
}

/// Emits the header block of the message at `msg` (already parsed into
/// `block`), then walks its body.
fn walk_message<'a>(
    ctx: &mut Ctx<'a, '_>,
    buf: &'a [u8],
    msg: Range<usize>,
    block: &HeaderBlock<'a>,
    depth: usize,
) {
    (ctx.f)(Part {
        name: format!("{}headers", ctx.prefix),
        content_type: "text/rfc822-headers".to_string(),
        data: Cow::Borrowed(&buf[msg.start..msg.start + block.end]),
        decoders: Vec::new(),
        offset: msg.start,
        raw_len: block.end,
        is_attachment: false,
    });
    let body = msg.start + block.body_start..msg.end;
    if !body.is_empty() {
        walk_entity(ctx, buf, body, block, "text/plain", depth);
    }
}

/// Walks one MIME entity whose headers are `block` and body `body`.
fn walk_entity<'a>(
    ctx: &mut Ctx<'a, '_>,
    buf: &'a [u8],
    body: Range<usize>,
    block: &HeaderBlock<'a>,
    default_type: &str,
    depth: usize,
) {
    let content_type = block
        .content_type
        .map(Value::parse)
        .filter(|v| valid_type(&v.token));
    let mime = content_type.as_ref().map_or(default_type, |v| &v.token);
    let encoding = Encoding::parse(block.encoding);
    let disposition = block.disposition.map(Value::parse);
    let filename = disposition
        .as_ref()
        .and_then(|d| d.param("filename"))
        .or_else(|| content_type.as_ref().and_then(|c| c.param("name")))
        .and_then(|n| sanitize(&n));
    let is_attachment = disposition
        .as_ref()
        .is_some_and(|d| d.token == "attachment")
        || (!mime.starts_with("text/") && filename.is_some());

    let multipart = mime.starts_with("multipart/");
    let message = matches!(mime, "message/rfc822" | "message/global");
    if (multipart || message) && depth < MAX_DEPTH {
        if let Some(label) = encoding.label() {
            let decoded = encoding.decode(&buf[body.clone()]).unwrap_or_default();
            let plain = HeaderBlock {
                encoding: None,
                ..block.clone()
            };
            walk_decoded(
                ctx,
                &decoded,
                label,
                body.start,
                body.len(),
                &plain,
                default_type,
                depth,
            );
            return;
        }
        if multipart {
            let boundary = content_type.as_ref().and_then(|c| c.raw_param("boundary"));
            if let Some(boundary) = boundary.filter(|b| !b.is_empty()) {
                let delimiter = [b"--", boundary].concat();
                if let Some(parts) = boundary::Parts::new(&buf[body.clone()], &delimiter) {
                    let inner_default = match mime {
                        "multipart/digest" => "message/rfc822",
                        _ => "text/plain",
                    };
                    for (s, e) in parts {
                        let part = body.start + s..body.start + e;
                        let block = header::parse(&buf[part.clone()]);
                        let body = part.start + block.body_start..part.end;
                        walk_entity(ctx, buf, body, &block, inner_default, depth + 1);
                    }
                    return;
                }
            }
        } else {
            ctx.leaves += 1;
            let label = filename.unwrap_or_else(|| format!("part-{}.eml", ctx.leaves));
            let start = body.start + skip_blank_lines(&buf[body.clone()]);
            let block = header::parse(&buf[start..body.end]);
            if block.fields > 0 {
                let mut inner = Ctx {
                    f: &mut *ctx.f,
                    prefix: format!("{}{label}/", ctx.prefix),
                    leaves: 0,
                };
                walk_message(&mut inner, buf, start..body.end, &block, depth + 1);
            } else {
                emit_leaf(ctx, buf, body, mime, encoding, label, is_attachment);
            }
            return;
        }
    }
    ctx.leaves += 1;
    let name = filename.unwrap_or_else(|| format!("part-{}.{}", ctx.leaves, extension(mime)));
    emit_leaf(ctx, buf, body, mime, encoding, name, is_attachment);
}

/// Walks a container that was itself transfer-encoded (not allowed by RFC
/// 2045, but sent): its parts are decoded from a temporary buffer, so they
/// are handed out owned, all with the offset and length of the encoded body.
#[allow(clippy::too_many_arguments)]
fn walk_decoded(
    ctx: &mut Ctx<'_, '_>,
    decoded: &[u8],
    label: &'static str,
    offset: usize,
    raw_len: usize,
    block: &HeaderBlock<'_>,
    default_type: &str,
    depth: usize,
) {
    let f = &mut *ctx.f;
    let mut remap = |p: Part<'_>| {
        let mut decoders = vec![label];
        decoders.extend(p.decoders);
        f(Part {
            data: Cow::Owned(p.data.into_owned()),
            offset,
            raw_len,
            decoders,
            ..p
        })
    };
    let mut inner = Ctx {
        f: &mut remap,
        prefix: std::mem::take(&mut ctx.prefix),
        leaves: ctx.leaves,
    };
    walk_entity(
        &mut inner,
        decoded,
        0..decoded.len(),
        block,
        default_type,
        depth,
    );
    let (prefix, leaves) = (inner.prefix, inner.leaves);
    ctx.prefix = prefix;
    ctx.leaves = leaves;
}

fn emit_leaf<'a>(
    ctx: &mut Ctx<'a, '_>,
    buf: &'a [u8],
    body: Range<usize>,
    mime: &str,
    encoding: Encoding,
    name: String,
    is_attachment: bool,
) {
    let raw = &buf[body.clone()];
    let data = match encoding.decode(raw) {
        Some(decoded) => Cow::Owned(decoded),
        None => Cow::Borrowed(raw),
    };
    (ctx.f)(Part {
        name: format!("{}{name}", ctx.prefix),
        content_type: mime.to_string(),
        data,
        decoders: encoding.label().into_iter().collect(),
        offset: body.start,
        raw_len: body.len(),
        is_attachment,
    });
}

/// The length of the blank lines at the start of `data`.
pub(crate) fn skip_blank_lines(data: &[u8]) -> usize {
    let mut pos = 0;
    loop {
        let (line, next) = header::line_at(data, pos);
        if pos == data.len() || !line.is_empty() {
            return pos;
        }
        pos = next;
    }
}

/// `type/subtype` with both halves non-empty.
fn valid_type(token: &str) -> bool {
    match token.split_once('/') {
        Some((t, s)) => !t.is_empty() && !s.is_empty() && !s.contains('/'),
        None => false,
    }
}

/// An attachment name made safe to use as a label: the last component of
/// any path (some mailers send `C:\Users\...\capture.har`), control
/// characters replaced, blanks trimmed. `None` if nothing is left.
fn sanitize(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let clean = clean.trim();
    (!clean.is_empty() && clean != "." && clean != "..").then(|| clean.to_string())
}

/// The file extension for a generated part name.
fn extension(mime: &str) -> &'static str {
    match mime {
        "text/html" => "html",
        "text/csv" => "csv",
        "text/calendar" => "ics",
        "text/xml" | "application/xml" => "xml",
        "application/json" | "text/json" => "json",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/gzip" | "application/x-gzip" => "gz",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        m if m.ends_with("+json") => "json",
        m if m.ends_with("+xml") => "xml",
        m if m.starts_with("message/") => "eml",
        m if m.starts_with("text/") || m.starts_with("multipart/") => "txt",
        _ => "bin",
    }
}
