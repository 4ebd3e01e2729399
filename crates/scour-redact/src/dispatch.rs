//! What kind of input is this, and which rewriter handles it: the same
//! content-based choice the scanner makes, so that what was scanned as a
//! mail or an archive is rewritten as one.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

use scour_archive::ArchiveKind;

use crate::needles::Needles;
use crate::{Cx, Error, Outcome, Redactor};

impl Redactor {
    /// Rewrites the stream `input` (named `name` in problems and errors)
    /// into `out`. Text is streamed in bounded chunks; JSON, CSV and mail
    /// up to the in-memory limit are read whole; archives stream through
    /// (a zip is read into memory, within the member limit: use
    /// [`redact_file`](Redactor::redact_file) for zip files on disk).
    pub fn redact_reader(
        &self,
        name: &str,
        input: &mut dyn Read,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let mut cx = Cx::new();
        self.stream(name, input, out, 0, &mut cx)?;
        Ok(cx.into_outcome())
    }

    /// Rewrites the file at `path` into `out`. A zip is read in place with
    /// random access, and members without secrets are copied raw.
    pub fn redact_file<W: Write + Seek>(
        &self,
        path: &Path,
        name: &str,
        out: &mut W,
    ) -> Result<Outcome, Error> {
        let mut f = File::open(path).map_err(|e| Error::io(name, e))?;
        let mut magic = Vec::new();
        (&mut f)
            .take(scour_archive::DETECT_LEN as u64)
            .read_to_end(&mut magic)
            .and_then(|_| f.seek(SeekFrom::Start(0)))
            .map_err(|e| Error::io(name, e))?;
        let mut cx = Cx::new();
        if self.needles.is_empty() {
            io::copy(&mut f, out).map_err(|e| Error::io(name, e))?;
        } else if self.opts.max_depth > 0 && scour_archive::detect(&magic) == Some(ArchiveKind::Zip)
        {
            self.zip(name, io::BufReader::new(f), out, 0, &mut cx)?;
        } else {
            let mut input = io::BufReader::with_capacity(1 << 20, f);
            self.stream(name, &mut input, out, 0, &mut cx)?;
        }
        Ok(cx.into_outcome())
    }

    /// Bytes in memory, `depth` containers deep: None if nothing changed.
    pub(crate) fn bytes(
        &self,
        name: &str,
        data: &[u8],
        depth: u32,
        cx: &mut Cx,
    ) -> Result<Option<Vec<u8>>, Error> {
        let before = cx.replaced;
        if depth < self.opts.max_depth {
            if let Some(kind) = scour_archive::detect(data) {
                let mut out = Vec::new();
                match kind {
                    ArchiveKind::Zip => self.zip(
                        name,
                        Cursor::new(data),
                        &mut Cursor::new(&mut out),
                        depth,
                        cx,
                    )?,
                    ArchiveKind::Tar => self.tar(name, &mut &data[..], &mut out, depth, cx)?,
                    ArchiveKind::Gzip => self.gzip(name, &mut &data[..], &mut out, depth, cx)?,
                }
                return Ok((cx.replaced > before).then_some(out));
            }
            let prefix = &data[..data.len().min(scour_input::SNIFF_LEN)];
            if scour_mail::looks_like_mbox(prefix) {
                return Ok(self.mbox(name, data, depth, cx));
            }
            if scour_mail::looks_like_eml(prefix) {
                return Ok(self.eml(name, data, depth, cx));
            }
        }
        Ok(self.text(data, 0, cx))
    }

    /// A stream, `depth` containers deep, dispatched on its first bytes.
    pub(crate) fn stream(
        &self,
        name: &str,
        input: &mut dyn Read,
        out: &mut dyn Write,
        depth: u32,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let io_err = |e| Error::io(name, e);
        let mut prefix = Vec::with_capacity(scour_input::SNIFF_LEN);
        input
            .take(scour_input::SNIFF_LEN as u64)
            .read_to_end(&mut prefix)
            .map_err(io_err)?;
        let mut input = Cursor::new(prefix.clone()).chain(input);
        if self.needles.is_empty() {
            io::copy(&mut input, out).map_err(io_err)?;
            return Ok(());
        }
        if depth < self.opts.max_depth {
            match scour_archive::detect(&prefix) {
                Some(ArchiveKind::Gzip) => return self.gzip(name, &mut input, out, depth, cx),
                Some(ArchiveKind::Tar) => return self.tar(name, &mut input, out, depth, cx),
                Some(ArchiveKind::Zip) => {
                    let limit = self.opts.limits.max_member_bytes;
                    let mut data = Vec::new();
                    (&mut input)
                        .take(limit + 1)
                        .read_to_end(&mut data)
                        .map_err(io_err)?;
                    if data.len() as u64 > limit {
                        cx.problem(name, "zip larger than the member limit: copied unchanged");
                        out.write_all(&data).map_err(io_err)?;
                        io::copy(&mut input, out).map_err(io_err)?;
                        return Ok(());
                    }
                    let mut buf = Vec::new();
                    self.zip(
                        name,
                        Cursor::new(&data),
                        &mut Cursor::new(&mut buf),
                        depth,
                        cx,
                    )?;
                    return out.write_all(&buf).map_err(io_err);
                }
                None => {}
            }
        }
        if let Some(big_endian) = utf16_bom(&prefix) {
            return self.utf16(name, big_endian, &mut input, out, cx);
        }
        let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&prefix);
        let structured = matches!(
            body.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        ) || (depth < self.opts.max_depth
            && (scour_mail::looks_like_mbox(&prefix) || scour_mail::looks_like_eml(&prefix)));
        if structured {
            let limit = self.opts.max_in_memory;
            let mut all = Vec::new();
            (&mut input)
                .take(limit + 1)
                .read_to_end(&mut all)
                .map_err(io_err)?;
            if all.len() as u64 <= limit {
                let new = self.bytes(name, &all, depth, cx)?;
                return out
                    .write_all(new.as_deref().unwrap_or(&all))
                    .map_err(io_err);
            }
            cx.problem(
                name,
                format!("larger than {limit} bytes: rewritten as text, without structure"),
            );
            let mut rest = Cursor::new(all).chain(input);
            return self.text_stream(name, &mut rest, out, cx);
        }
        self.text_stream(name, &mut input, out, cx)
    }
}

impl Redactor {
    /// UTF-16 text, read whole up to the in-memory limit, with the
    /// secrets' UTF-16 spellings replaced (larger: rewritten as bytes, and
    /// said so).
    fn utf16(
        &self,
        name: &str,
        big_endian: bool,
        input: &mut dyn Read,
        out: &mut dyn Write,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let io_err = |e| Error::io(name, e);
        let limit = self.opts.max_in_memory;
        let mut all = Vec::new();
        input
            .take(limit + 1)
            .read_to_end(&mut all)
            .map_err(io_err)?;
        if all.len() as u64 > limit {
            cx.problem(
                name,
                format!("UTF-16 text larger than {limit} bytes: rewritten as bytes"),
            );
            let mut rest = Cursor::new(all).chain(input);
            return self.text_stream(name, &mut rest, out, cx);
        }
        let needles = self.utf16[usize::from(big_endian)]
            .get_or_init(|| Needles::utf16(&self.secrets, self.opts.jwt, big_endian));
        let mut new = Vec::with_capacity(all.len());
        cx.replaced += needles.replace(&all, &mut new);
        out.write_all(&new).map_err(io_err)
    }
}

/// `Some(big_endian)` if `prefix` starts with a UTF-16 byte order mark.
fn utf16_bom(prefix: &[u8]) -> Option<bool> {
    match prefix {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

impl Cx {
    pub(crate) fn new() -> Cx {
        Cx {
            replaced: 0,
            problems: Vec::new(),
        }
    }

    fn into_outcome(self) -> Outcome {
        Outcome {
            replaced: self.replaced,
            problems: self.problems,
        }
    }
}
