//! Splitting mailboxes into messages and messages into scannable parts.
//!
//! A support dump holds mail as `.eml` files (RFC 5322) and `.mbox` files
//! (RFC 4155). [`Mbox`] streams the messages out of a mailbox of any size;
//! [`parts`] hands out the pieces of one message worth scanning: its raw
//! header block, then every leaf MIME part, transfer-decoded (base64,
//! quoted-printable) and named after its attachment file name, so that a
//! HAR attached to a mail can be scanned as HAR and a gzipped or zipped
//! attachment handed back as bytes for the caller to open.
//!
//! ```
//! use scour_mail::{parts, Mbox};
//!
//! let mbox = b"From alice@example.invalid Mon Jan  1 00:00:00 2024\n\
//! From: alice@example.invalid\n\
//! To: bob@example.invalid\n\
//! Subject: logs\n\
//! MIME-Version: 1.0\n\
//! Content-Type: multipart/mixed; boundary=b1\n\
//! \n\
//! --b1\n\
//! Content-Type: text/plain\n\
//! \n\
//! Here is the capture.\n\
//! --b1\n\
//! Content-Type: application/json; name=capture.har\n\
//! Content-Transfer-Encoding: base64\n\
//! \n\
//! eyJsb2ciOnt9fQ==\n\
//! --b1--\n";
//!
//! let mut mailbox = Mbox::new(&mbox[..], 1 << 20);
//! while let Some(message) = mailbox.next_message() {
//!     let message = message.unwrap();
//!     let mut names = Vec::new();
//!     parts(message.data, &mut |part| {
//!         if part.name == "capture.har" {
//!             assert_eq!(&part.data[..], br#"{"log":{}}"#);
//!             assert_eq!(part.decoders, ["base64"]);
//!         }
//!         names.push(part.name);
//!     })
//!     .unwrap();
//!     assert_eq!(names, ["headers", "part-1.txt", "capture.har"]);
//! }
//! ```
//!
//! # Choices
//!
//! - **Own parser, not `mailparse`.** `mailparse` is well kept, but it
//!   builds the whole MIME tree up front, copies every body into a `Vec`
//!   (no borrowing), does not say where a body starts in the message, always
//!   transcodes text to UTF-8, and recurses without a depth bound. Here a
//!   part borrows the message when no transfer decoding is needed, carries
//!   the [offset](Part::offset) of its body, nothing is transcoded, and
//!   nesting is bounded. The parser is small: header folding, RFC 2045
//!   parameters with RFC 2231 continuations, RFC 2047 encoded words in
//!   names, boundaries, and lenient base64 (through the `base64` crate) and
//!   quoted-printable decoders.
//! - **Lenient.** Damaged mail is common in dumps. A missing closing
//!   boundary ends the last part at the end of the body; base64 skips
//!   line breaks and blanks and stops at the first stray byte; a `=` that
//!   starts no escape is kept. A multipart body without any delimiter, and
//!   containers nested deeper than 16 levels, are handed out whole as one
//!   leaf so that their bytes are still scanned. Preambles and epilogues
//!   of multiparts (the "This is a multi-part message" text) are skipped.
//! - **No transcoding.** Text parts come back in their own charset: scour
//!   scans bytes, and the token shapes it looks for are ASCII, which UTF-8
//!   and the 8-bit charsets share. (UTF-16 mail is rare enough to ignore.)
//!   Only attachment names are turned into `String`s.
//! - **Offsets.** [`Part::offset`] is where the part's undecoded body
//!   starts in the message given to [`parts`]; for an undecoded part
//!   (empty [`decoders`](Part::decoders)) `data[i]` is at `offset + i`.
//!   Parts of a container that was itself transfer-encoded (a base64
//!   `message/rfc822`, which RFC 2045 forbids but some mailers send) all
//!   carry the offset of the encoded container.
//! - **mbox escaping.** `>From ` lines are not unescaped (see [`Mbox`]).
#![deny(missing_docs)]

use std::borrow::Cow;

mod boundary;
mod decode;
mod error;
mod header;
mod mbox;
mod mime;
mod params;
mod sniff;
mod words;

#[cfg(test)]
mod tests;

pub use error::{Error, ErrorKind};
pub use mbox::{Mbox, MboxMessage};

/// Looks like an RFC 5322 message: the first non-empty line is a header
/// field (`Name: value` with a token name) and at least two of the first
/// 32 header fields have common message header names (From, To, Cc,
/// Subject, Date, Message-ID, MIME-Version, Received, Return-Path,
/// Content-Type, Content-Transfer-Encoding, Delivered-To, Reply-To,
/// In-Reply-To, References). A leading UTF-8 byte order mark is skipped.
pub fn looks_like_eml(prefix: &[u8]) -> bool {
    sniff::looks_like_eml(prefix)
}

/// Starts with an mbox `From ` separator line (RFC 4155: `From `, a
/// sender, then a date with a time and a four-digit year), followed, if the
/// prefix holds it whole, by a header field or an empty line.
pub fn looks_like_mbox(prefix: &[u8]) -> bool {
    sniff::looks_like_mbox(prefix)
}

/// One scannable piece of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// A label for the part within its message: `headers` for the header
    /// block; for a leaf the attachment file name when there is one
    /// (`Content-Disposition` `filename`, else `Content-Type` `name`, RFC
    /// 2231/2047 decoded, reduced to its last path component, control
    /// characters replaced by `_`), else `part-N.EXT` (N the 1-based index
    /// of the leaf in its message, EXT from the content type: `txt`,
    /// `html`, `json`, `bin`...). Parts of a nested message are prefixed
    /// with its label and a `/` (`forwarded.eml/part-1.txt`); a nested
    /// message without a file name is labelled `part-N.eml` and counts as
    /// a leaf of its parent. Two attachments may share a name; the offset
    /// tells them apart.
    pub name: String,
    /// The lowercased MIME type (`text/plain`), `text/rfc822-headers` for
    /// a header block. Without a valid `Content-Type` it is `text/plain`
    /// (`message/rfc822` in a `multipart/digest`).
    pub content_type: String,
    /// The decoded bytes, borrowed from the message when no transfer
    /// decoding was needed. Never transcoded from their charset.
    pub data: Cow<'a, [u8]>,
    /// Transfer decodings applied, in order: `[]`, `["base64"]` or
    /// `["quoted-printable"]` (two entries for a part of a transfer-encoded
    /// container).
    pub decoders: Vec<&'static str>,
    /// The byte offset of the part's undecoded body (of the header block,
    /// for `headers`) in the message given to [`parts`].
    pub offset: usize,
    /// The length of the undecoded body (of the header block, for
    /// `headers`): `message[offset..offset + raw_len]` is what was decoded
    /// into [`data`](Part::data), so a rewriter can put a re-encoded body
    /// back in its place. For parts of a transfer-encoded container it is
    /// the whole encoded container.
    pub raw_len: usize,
    /// True for attachments: `Content-Disposition: attachment`, or a
    /// non-text part with a file name.
    pub is_attachment: bool,
}

/// Calls `f` for the header block, then for each leaf part, depth-first.
///
/// Opens `multipart/*` and `message/rfc822` (and `message/global`)
/// containers up to 16 levels deep; deeper ones are handed out whole.
/// Leading blank lines are skipped, and so is an mbox `From ` separator
/// line left at the top of a saved message. For a message with an empty body only
/// the header block is handed out. The header block runs up to, not
/// including, the empty line that ends it.
///
/// Never panics on malformed input; returns an error only when `message`
/// is empty or does not start with a header field, and then before
/// calling `f`.
pub fn parts<'a>(message: &'a [u8], f: &mut dyn FnMut(Part<'a>)) -> Result<(), Error> {
    mime::parts(message, f)
}
