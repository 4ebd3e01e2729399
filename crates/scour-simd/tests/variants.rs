//! Every variant the CPU runs returns exactly what the scalar reference
//! does, on arbitrary bytes, at lengths around the vector and block widths
//! and at every alignment offset.

use proptest::prelude::*;
use proptest::sample::select;
use scour_simd::{scalar, Kernels, Variant};

/// The vector variants this CPU runs; says which ones it cannot.
fn vector_kernels() -> Vec<Kernels> {
    let mut out = Vec::new();
    for v in Variant::ALL.into_iter().filter(|&v| v != Variant::Scalar) {
        match Kernels::new(v) {
            Some(k) => out.push(k),
            None if v == Variant::Avx2 && cfg!(target_arch = "x86_64") => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| eprintln!("skipping AVX2: this CPU does not have it"));
            }
            None => {}
        }
    }
    out.extend(Kernels::new(Variant::Scalar));
    out
}

/// Bytes that exercise the kernels' classes, their edges and everything else.
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => select(b"0123456789".to_vec()),
        3 => select(b" -./()+".to_vec()),
        1 => select(b":=,*'_".to_vec()),
        3 => select(b"azAZmM/".to_vec()),
        2 => any::<u8>(),
    ]
}

/// Lengths on either side of 16, 32, 64 and 128, and any up to 400.
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        select(vec![
            0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129
        ]),
        0usize..400,
    ]
}

/// A haystack at a chosen offset into its buffer, so every alignment of
/// its start (mod 64) is tried.
fn haystack() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (length(), 0usize..64)
        .prop_flat_map(|(len, off)| (proptest::collection::vec(byte(), len + off), Just(off)))
}

/// Words of base64 characters (one case, the other, or mixed; with or
/// without `=` padding) of 0 to 90 bytes between separators, from an
/// offset into the text: runs long and short, mixed and not, ending
/// before, on and after the edges of blocks, so the base64 kernel's
/// block-at-once filter (mixed runs that end in their block, then long
/// enough) meets every case it must leave to the run that crosses.
fn words() -> impl Strategy<Value = (Vec<u8>, usize)> {
    const CASES: [&[u8]; 4] = [b"abcxyz019", b"ABCXYZ019", b"aZbY09+/-_", b"qQ"];
    let word = (
        0usize..90,
        0usize..CASES.len(),
        0usize..4,
        select(b" .\"=:,-\x00\xff".to_vec()),
        any::<u64>(),
    );
    (proptest::collection::vec(word, 0..10), 0usize..64).prop_map(|(words, off)| {
        let mut hay = Vec::new();
        for (len, case, pad, sep, mut seed) in words {
            let alphabet = CASES[case];
            for _ in 0..len {
                seed = seed.rotate_left(7) ^ 0x9e37_79b9_7f4a_7c15;
                hay.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            hay.resize(hay.len() + pad, b'=');
            hay.push(sep);
        }
        let off = off.min(hay.len());
        (hay, off)
    })
}

/// 2000 cases. Under Miri proptest's own machinery is too slow to be
/// useful: the properties are ignored there and
/// `variants_agree_on_pseudo_random_bytes` stands in for them.
fn config() -> ProptestConfig {
    ProptestConfig::with_cases(2000)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    #[cfg_attr(miri, ignore)]
    fn digit_runs_equal_the_reference((buf, off) in haystack(), min in 0usize..14) {
        let hay = &buf[off..];
        let want: Vec<_> = scalar::digit_runs(hay, min).collect();
        for k in vector_kernels() {
            prop_assert_eq!(k.digit_runs(hay, min).collect::<Vec<_>>(), want.clone(), "{:?}", k);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn base64_runs_equal_the_reference((buf, off) in haystack(), min in 0usize..40) {
        let hay = &buf[off..];
        let want: Vec<_> = scalar::base64_runs(hay, min).collect();
        for k in vector_kernels() {
            prop_assert_eq!(k.base64_runs(hay, min).collect::<Vec<_>>(), want.clone(), "{:?}", k);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn base64_runs_among_words_equal_the_reference(
        (hay, off) in words(),
        min in prop_oneof![0usize..12, 12usize..80],
    ) {
        let hay = &hay[off..];
        let want: Vec<_> = scalar::base64_runs(hay, min).collect();
        for k in vector_kernels() {
            prop_assert_eq!(k.base64_runs(hay, min).collect::<Vec<_>>(), want.clone(), "{:?}", k);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn entropy_equals_the_reference_bit_for_bit((buf, off) in haystack()) {
        let bytes = &buf[off..];
        let want = scalar::shannon_entropy(bytes).to_bits();
        for k in vector_kernels() {
            prop_assert_eq!(k.shannon_entropy(bytes).to_bits(), want, "{:?}", k);
        }
    }
}

/// The properties' check without proptest, small enough for Miri: bytes
/// from the same classes (xorshift), every length around the widths, and
/// alignment offsets (all of them natively, a few under Miri).
///
/// Miri gives `log2` a random error of a few ULP on every call, unlike the
/// hardware, so the entropy comparison needs
/// `MIRIFLAGS=-Zmiri-deterministic-floats` there.
#[test]
fn variants_agree_on_pseudo_random_bytes() {
    const ALPHABET: &[u8] = b"0123456789 -./()+:=,*_azAZmM\x00\xff";
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let offsets: Vec<usize> = if cfg!(miri) {
        vec![0, 1, 7]
    } else {
        (0..64).collect()
    };
    for len in [
        0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200,
    ] {
        for &off in &offsets {
            let buf: Vec<u8> = (0..len + off)
                .map(|_| ALPHABET[next() as usize % ALPHABET.len()])
                .collect();
            let hay = &buf[off..];
            let min = (next() % 8) as usize;
            let want_d: Vec<_> = scalar::digit_runs(hay, min).collect();
            let want_b: Vec<_> = scalar::base64_runs(hay, min).collect();
            let want_e = scalar::shannon_entropy(hay).to_bits();
            for k in vector_kernels() {
                assert_eq!(k.digit_runs(hay, min).collect::<Vec<_>>(), want_d, "{k:?}");
                assert_eq!(k.base64_runs(hay, min).collect::<Vec<_>>(), want_b, "{k:?}");
                assert_eq!(k.shannon_entropy(hay).to_bits(), want_e, "{k:?}");
            }
        }
    }
}

/// Runs much longer than a block: the kernels must carry their state
/// (separators in a row, letters seen) across the seams.
#[test]
fn long_runs_cross_blocks() {
    let mut digits = Vec::new();
    for i in 0..300u32 {
        digits.extend_from_slice(format!("{} ", i % 10).as_bytes());
        if i % 97 == 0 {
            digits.extend_from_slice(b"- ");
        }
    }
    let mut b64 = vec![b'a'; 500];
    b64[431] = b'Q';
    b64.extend_from_slice(b"==");
    let flat = vec![b'q'; 300];
    for off in (0..64).filter(|o| !cfg!(miri) || o % 21 == 0) {
        let mut hay = vec![b'#'; off];
        hay.extend_from_slice(&digits);
        hay.push(b'#');
        hay.extend_from_slice(&b64);
        hay.push(b' ');
        hay.extend_from_slice(&flat);
        let want_d: Vec<_> = scalar::digit_runs(&hay, 10).collect();
        let want_b: Vec<_> = scalar::base64_runs(&hay, 16).collect();
        assert_eq!(want_b.len(), 1, "the mixed-case run, not the flat one");
        assert!(want_d.len() > 1, "three separators in a row split the run");
        for k in vector_kernels() {
            assert_eq!(
                k.digit_runs(&hay, 10).collect::<Vec<_>>(),
                want_d,
                "{k:?} at {off}"
            );
            assert_eq!(
                k.base64_runs(&hay, 16).collect::<Vec<_>>(),
                want_b,
                "{k:?} at {off}"
            );
        }
    }
}

#[test]
fn best_is_a_variant_this_cpu_runs() {
    let best = Kernels::best();
    assert!(best.variant().is_available());
    assert_eq!(Kernels::best(), best, "detection is stable");
    if std::env::var_os("SCOUR_SIMD").is_some() {
        eprintln!("SCOUR_SIMD is set: not checking which variant was picked");
    } else if cfg!(miri) {
        assert_eq!(best.variant(), Variant::Scalar);
    } else if cfg!(target_arch = "aarch64") {
        assert_eq!(best.variant(), Variant::Neon);
    } else if cfg!(target_arch = "x86_64") {
        assert_ne!(best.variant(), Variant::Scalar);
    }
}
