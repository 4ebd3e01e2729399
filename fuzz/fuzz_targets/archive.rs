#![no_main]
// The check is in crates/scour-fuzz (shared with the seed replay test).
libfuzzer_sys::fuzz_target!(|data: &[u8]| scour_fuzz::archive(data));
