//! Fixture builders and a sink that records what it is told.

use std::io::{Cursor, Read, Write};

use flate2::write::GzEncoder;
use flate2::Compression;
use scour_archive::{MemberSink, SkipReason};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// One thing a sink was told.
#[derive(Debug, PartialEq, Eq)]
pub enum Ev {
    /// A member and the bytes the sink managed to read from it.
    Member(String, Vec<u8>),
    Skipped(String, SkipReason),
}

pub fn member(name: &str, bytes: &[u8]) -> Ev {
    Ev::Member(name.to_owned(), bytes.to_vec())
}

pub fn skipped(name: &str, reason: SkipReason) -> Ev {
    Ev::Skipped(name.to_owned(), reason)
}

/// Reads every member whole. A read error is passed on, unless `swallow`.
#[derive(Default)]
pub struct Collect {
    pub events: Vec<Ev>,
    pub swallow: bool,
}

impl MemberSink for Collect {
    fn member(&mut self, name: &str, data: &mut dyn Read) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        let result = data.read_to_end(&mut bytes);
        self.events.push(Ev::Member(name.to_owned(), bytes));
        match result {
            Err(e) if !self.swallow => Err(e),
            _ => Ok(()),
        }
    }

    fn skipped(&mut self, name: &str, reason: SkipReason) {
        self.events.push(Ev::Skipped(name.to_owned(), reason));
    }
}

impl Collect {
    /// The length each member had when delivered, for big ones.
    pub fn lengths(&self) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for ev in &self.events {
            if let Ev::Member(name, bytes) = ev {
                out.push((name.clone(), bytes.len()));
            }
        }
        out
    }

    pub fn skips(&self) -> Vec<(String, SkipReason)> {
        let mut out = Vec::new();
        for ev in &self.events {
            if let Ev::Skipped(name, reason) = ev {
                out.push((name.clone(), reason.clone()));
            }
        }
        out
    }
}

pub fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

pub fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

/// A zip of `(name, bytes)` files, written with `options`.
pub fn zip_of(files: &[(&str, &[u8])], options: SimpleFileOptions) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A tar header for a regular file whose name is stored exactly as given
/// (the builder's path checks would refuse `..`).
pub fn tar_header(name: &[u8], size: u64, kind: tar::EntryType) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(kind);
    header.set_cksum();
    header
}

/// A tar of `(name, bytes)` regular files.
pub fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in files {
        let header = tar_header(name.as_bytes(), bytes.len() as u64, tar::EntryType::Regular);
        tar.append(&header, *bytes).unwrap();
    }
    tar.into_inner().unwrap()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Offsets of every occurrence of `magic` in `bytes`.
pub fn find_all(bytes: &[u8], magic: &[u8]) -> Vec<usize> {
    bytes
        .windows(magic.len())
        .enumerate()
        .filter(|(_, w)| *w == magic)
        .map(|(i, _)| i)
        .collect()
}
