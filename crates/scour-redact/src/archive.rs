//! Archives rewritten as streams: same member names, same order, nothing
//! extracted to disk (so names like `../x` cannot write anywhere).
//!
//! - gzip: decompressed, the content rewritten as a stream, compressed
//!   again with the original header's file name and time.
//! - tar: headers copied as they are (extension headers too); a member
//!   that changes gets its size and checksum updated, others are copied
//!   byte for byte.
//! - zip: members without secrets are copied raw (still compressed, same
//!   local header); changed ones are compressed again with the original
//!   method, time and permissions.

use std::io::{Cursor, Read, Seek, Write};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::{Cx, Error, Redactor};

impl Redactor {
    pub(crate) fn gzip(
        &self,
        name: &str,
        input: &mut dyn Read,
        out: &mut dyn Write,
        depth: u32,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let io_err = |e| Error::io(name, e);
        let mut dec = flate2::read::MultiGzDecoder::new(input);
        // Reading the first bytes parses the header, which the new stream
        // copies.
        let mut first = Vec::new();
        (&mut dec)
            .take(scour_input::SNIFF_LEN as u64)
            .read_to_end(&mut first)
            .map_err(io_err)?;
        let mut builder = flate2::GzBuilder::new();
        if let Some(h) = dec.header() {
            if let Some(f) = h.filename() {
                builder = builder.filename(f);
            }
            builder = builder
                .mtime(h.mtime())
                .operating_system(h.operating_system());
        }
        let mut enc = builder.write(out, flate2::Compression::default());
        let inner = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".tgz"))
            .unwrap_or(name);
        let mut rest = Cursor::new(first).chain(dec);
        self.stream(inner, &mut rest, &mut enc, depth + 1, cx)?;
        enc.finish().map_err(io_err)?;
        Ok(())
    }

    pub(crate) fn tar(
        &self,
        name: &str,
        input: &mut dyn Read,
        out: &mut dyn Write,
        depth: u32,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let io_err = |e| Error::io(name, e);
        let mut archive = tar::Archive::new(input);
        let mut builder = tar::Builder::new(out);
        let mut long_name: Option<Vec<u8>> = None;
        let limit = self.opts.limits.max_member_bytes;
        for entry in archive.entries().map_err(io_err)?.raw(true) {
            let mut entry = entry.map_err(io_err)?;
            let mut header = entry.header().clone();
            let kind = header.entry_type();
            let member = long_name
                .take()
                .unwrap_or_else(|| entry.path_bytes().into_owned());
            let sub = format!("{name}!{}", String::from_utf8_lossy(&member));
            if entry.size() > limit {
                cx.problem(&sub, "member larger than the limit: copied unchanged");
                builder.append(&header, &mut entry).map_err(io_err)?;
                continue;
            }
            let mut data = Vec::with_capacity(entry.size() as usize);
            entry.read_to_end(&mut data).map_err(io_err)?;
            if kind.is_gnu_longname() {
                long_name = Some(data.split(|&b| b == 0).next().unwrap_or(&[]).to_vec());
            }
            let new = if kind.is_file() {
                self.bytes(&sub, &data, depth + 1, cx)?
            } else {
                None
            };
            match new {
                Some(new) => {
                    header.set_size(new.len() as u64);
                    header.set_cksum();
                    builder.append(&header, &new[..])
                }
                None => builder.append(&header, &data[..]),
            }
            .map_err(io_err)?;
        }
        builder.into_inner().map_err(io_err)?;
        Ok(())
    }

    pub(crate) fn zip<R: Read + Seek, W: Write + Seek>(
        &self,
        name: &str,
        input: R,
        out: &mut W,
        depth: u32,
        cx: &mut Cx,
    ) -> Result<(), Error> {
        let zip_err = |e: zip::result::ZipError| Error::zip(name, e);
        let mut archive = zip::ZipArchive::new(input).map_err(zip_err)?;
        let mut writer = zip::ZipWriter::new(out);
        writer.set_raw_comment(archive.comment().to_vec().into_boxed_slice());
        let limit = self.opts.limits.max_member_bytes;
        for i in 0..archive.len() {
            let (new, options, member) = {
                let mut file = archive.by_index(i).map_err(zip_err)?;
                let member = file.name().to_string();
                let sub = format!("{name}!{member}");
                if file.is_dir() {
                    (None, None, member)
                } else if file.encrypted() {
                    cx.problem(&sub, "encrypted member: copied unchanged");
                    (None, None, member)
                } else if file.size() > limit {
                    cx.problem(&sub, "member larger than the limit: copied unchanged");
                    (None, None, member)
                } else {
                    let mut data = Vec::with_capacity(file.size() as usize);
                    file.read_to_end(&mut data)
                        .map_err(|e| Error::io(&sub, e))?;
                    let method = match file.compression() {
                        CompressionMethod::Stored => CompressionMethod::Stored,
                        _ => CompressionMethod::Deflated,
                    };
                    let mut options = SimpleFileOptions::default()
                        .compression_method(method)
                        .large_file(data.len() as u64 >= u32::MAX as u64 / 2);
                    if let Some(t) = file.last_modified() {
                        options = options.last_modified_time(t);
                    }
                    if let Some(mode) = file.unix_mode() {
                        options = options.unix_permissions(mode);
                    }
                    let new = self.bytes(&sub, &data, depth + 1, cx)?;
                    (new, Some(options), member)
                }
            };
            match (new, options) {
                (Some(new), Some(options)) => {
                    writer.start_file(member, options).map_err(zip_err)?;
                    writer.write_all(&new).map_err(|e| Error::io(name, e))?;
                }
                _ => {
                    let raw = archive.by_index_raw(i).map_err(zip_err)?;
                    writer.raw_copy_file(raw).map_err(zip_err)?;
                }
            }
        }
        writer.finish().map_err(zip_err)?;
        Ok(())
    }
}
