//! Archives and compressed streams written by hand, for what a
//! well-behaved library refuses to write: deflate bombs, zips streamed
//! member by member, tar names with `..` and a leading `/`.

use std::io::{self, Read, Write};

/// A raw deflate stream of `head` then `mib` MiB of `byte`, built from one
/// compressed MiB repeated: a full flush makes each part independent of
/// what came before, so the parts can be concatenated, then closed by an
/// empty final block.
pub struct DeflateBomb {
    head: Vec<u8>,
    head_len: u64,
    block: Vec<u8>,
    copies: u64,
    pub crc: u32,
}

/// `data` deflated on its own, up to a full flush: a part that can be
/// concatenated with others.
pub fn deflate_part(data: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut c = flate2::Compress::new(level, false);
    let mut out = Vec::with_capacity(data.len() / 8 + 1024);
    while c.total_in() < data.len() as u64 || out.is_empty() {
        out.reserve(64 << 10);
        let at = c.total_in() as usize;
        c.compress_vec(&data[at..], &mut out, flate2::FlushCompress::Full)
            .unwrap();
    }
    out
}

impl DeflateBomb {
    pub const END: [u8; 2] = [0x03, 0x00];

    pub fn new(head: &[u8], byte: u8, mib: u64) -> DeflateBomb {
        let plain = vec![byte; 1 << 20];
        let block = deflate_part(&plain, flate2::Compression::best());
        let mut one = crc32fast::Hasher::new();
        one.update(&plain);
        let mut crc = crc32fast::Hasher::new();
        crc.update(head);
        for _ in 0..mib {
            crc.combine(&one);
        }
        let bomb = DeflateBomb {
            head: deflate_part(head, flate2::Compression::best()),
            head_len: head.len() as u64,
            block,
            copies: mib,
            crc: crc.finalize(),
        };
        // The construction is sound: the head and three copies inflate to
        // the head and three MiB.
        let small: Vec<u8> = [
            &bomb.head[..],
            &bomb.block,
            &bomb.block,
            &bomb.block,
            &Self::END,
        ]
        .concat();
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&small[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(&out[..head.len()], head);
        assert!(
            out.len() == head.len() + (3 << 20) && out[head.len()..].iter().all(|&b| b == byte)
        );
        bomb
    }

    pub fn size(&self) -> u64 {
        self.head_len + (self.copies << 20)
    }

    pub fn compressed_len(&self) -> u64 {
        self.head.len() as u64 + self.block.len() as u64 * self.copies + 2
    }

    pub fn write(&self, w: &mut impl Write) {
        w.write_all(&self.head).unwrap();
        for _ in 0..self.copies {
            w.write_all(&self.block).unwrap();
        }
        w.write_all(&Self::END).unwrap();
    }
}

/// A zip written member by member, without zip64 (sizes under 4 GiB).
pub struct RawZip<W: Write> {
    w: W,
    at: u64,
    central: Vec<u8>,
    entries: u16,
}

impl<W: Write> RawZip<W> {
    pub fn new(w: W) -> Self {
        RawZip {
            w,
            at: 0,
            central: Vec::new(),
            entries: 0,
        }
    }

    /// One member: `method` 0 (stored) or 8 (deflate), its CRC and sizes,
    /// and `data` writing exactly `csize` bytes.
    pub fn member(
        &mut self,
        name: &str,
        method: u16,
        crc: u32,
        size: u64,
        csize: u64,
        data: impl FnOnce(&mut W),
    ) {
        let (size, csize32) = (u32::try_from(size).unwrap(), u32::try_from(csize).unwrap());
        let mut common = Vec::new();
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed
        common.extend_from_slice(&0u16.to_le_bytes()); // flags
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // time
        common.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&csize32.to_le_bytes());
        common.extend_from_slice(&size.to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra length
        let mut local = 0x0403_4b50u32.to_le_bytes().to_vec();
        local.extend_from_slice(&common);
        local.extend_from_slice(name.as_bytes());
        self.w.write_all(&local).unwrap();
        data(&mut self.w);
        self.central
            .extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        self.central.extend_from_slice(&20u16.to_le_bytes()); // made by
        self.central.extend_from_slice(&common);
        self.central.extend_from_slice(&[0; 6]); // comment length, disk, attributes
        self.central.extend_from_slice(&[0; 4]); // external attributes
        self.central
            .extend_from_slice(&u32::try_from(self.at).unwrap().to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        self.at += local.len() as u64 + csize;
        self.entries += 1;
    }

    pub fn stored(&mut self, name: &str, data: &[u8]) {
        let crc = crc32fast::hash(data);
        let n = data.len() as u64;
        self.member(name, 0, crc, n, n, |w| w.write_all(data).unwrap());
    }

    pub fn finish(mut self) -> W {
        let mut end = 0x0605_4b50u32.to_le_bytes().to_vec();
        end.extend_from_slice(&[0; 4]); // disk numbers
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        end.extend_from_slice(&u32::try_from(self.at).unwrap().to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.w.write_all(&self.central).unwrap();
        self.w.write_all(&end).unwrap();
        self.w.flush().unwrap();
        self.w
    }
}

/// A zip (deflated, by the `zip` crate) of `members`.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, data) in members {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A ustar header for a regular file, its name written as given: `tar`
/// refuses `..` and absolute names, which is the point here.
fn tar_header(name: &str, size: usize) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// A tar of `members`, names as given.
pub fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut t = Vec::new();
    for (name, data) in members {
        t.extend_from_slice(&tar_header(name, data.len()));
        t.extend_from_slice(data);
        t.resize(t.len().next_multiple_of(512), 0);
    }
    t.extend_from_slice(&[0; 1024]);
    t
}

pub fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}
