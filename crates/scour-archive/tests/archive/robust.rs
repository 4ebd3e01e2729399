//! Damage anywhere must end in delivered members plus an error, never a panic.

use std::io::Cursor;

use scour_archive::{read_gzip, read_tar, read_zip, Budget, Limits};

use crate::fixtures::*;

fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.txt", b"alpha ".repeat(40)),
        ("dir/b.json", br#"{"token":"fake"}"#.to_vec()),
        ("c.bin", (0..=255).collect()),
    ]
}

fn read_all(kind: &str, bytes: &[u8]) -> Result<(), scour_archive::Error> {
    let mut sink = Collect::default();
    let mut budget = Budget::new(Limits::default());
    match kind {
        "zip" => read_zip(Cursor::new(bytes), &mut budget, &mut sink),
        "tar" => read_tar(bytes, false, &mut budget, &mut sink),
        "tgz" => read_tar(bytes, true, &mut budget, &mut sink),
        _ => read_gzip(bytes, "x", &mut budget, &mut sink),
    }
}

#[test]
fn every_cut_and_every_flipped_byte() {
    let files = files();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let tar = tar_of(&files);
    let fixtures = [
        ("zip", zip_of(&files, deflated())),
        ("zip", zip_of(&files, stored())),
        ("tar", tar.clone()),
        ("tgz", gzip(&tar)),
        ("gz", gzip(files[0].1)),
    ];
    for (kind, bytes) in &fixtures {
        read_all(kind, bytes).unwrap();
        for cut in 0..bytes.len() {
            let _ = read_all(kind, &bytes[..cut]);
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            let _ = read_all(kind, &damaged);
        }
    }
}
