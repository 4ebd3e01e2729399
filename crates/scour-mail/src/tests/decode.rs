use crate::decode::{base64, quoted_printable, Encoding};

#[test]
fn base64_is_lenient() {
    assert_eq!(base64(b"c2VjcmV0"), b"secret");
    assert_eq!(base64(b"c2Vj\r\ncmV0\r\n"), b"secret");
    assert_eq!(base64(b" c 2 V j\tc m V 0 "), b"secret");
    // Missing padding, padding, and garbage after it.
    assert_eq!(base64(b"c2VjcmV0YQ"), b"secreta");
    assert_eq!(base64(b"c2VjcmV0YQ==junk"), b"secreta");
    // Stops at garbage; a dangling character is dropped.
    assert_eq!(base64(b"c2VjcmV0!c2Vj"), b"secret");
    assert_eq!(base64(b"c2VjcmV0Y"), b"secret");
    assert_eq!(base64(b""), b"");
}

#[test]
fn base64_long_input_crosses_the_filter_buffer() {
    use ::base64::Engine;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let encoded = ::base64::engine::general_purpose::STANDARD.encode(&data);
    let wrapped: Vec<u8> = encoded
        .as_bytes()
        .chunks(76)
        .flat_map(|c| c.iter().copied().chain(*b"\r\n"))
        .collect();
    assert_eq!(base64(&wrapped), data);
}

#[test]
fn quoted_printable_decoding() {
    assert_eq!(quoted_printable(b"a=3Db"), b"a=b");
    assert_eq!(quoted_printable(b"a=3db"), b"a=b");
    assert_eq!(quoted_printable(b"soft =\r\nbreak"), b"soft break");
    assert_eq!(quoted_printable(b"soft =  \nbreak"), b"soft break");
    assert_eq!(quoted_printable(b"trailing   \r\nx"), b"trailing\r\nx");
    assert_eq!(quoted_printable(b"keep\nlf"), b"keep\nlf");
    assert_eq!(quoted_printable(b"bad =ZZ and =4"), b"bad =ZZ and =4");
    assert_eq!(quoted_printable(b"end="), b"end");
    assert_eq!(quoted_printable(b"=C3=A9"), "é".as_bytes());
}

#[test]
fn transfer_encoding_names() {
    assert_eq!(Encoding::parse(Some(b" BASE64 ")), Encoding::Base64);
    assert_eq!(Encoding::parse(Some(b"base64 (comment)")), Encoding::Base64);
    assert_eq!(
        Encoding::parse(Some(b"Quoted-Printable\r\n")),
        Encoding::QuotedPrintable
    );
    assert_eq!(Encoding::parse(Some(b"8bit")), Encoding::Identity);
    assert_eq!(Encoding::parse(Some(b"x-uuencode")), Encoding::Identity);
    assert_eq!(Encoding::parse(None), Encoding::Identity);
}

#[test]
fn encoded_words() {
    use crate::words::decode_encoded_words as d;
    assert_eq!(d(b"=?UTF-8?B?Y2Fmw6k=?="), "café");
    assert_eq!(d(b"=?iso-8859-1?Q?caf=E9_bar?="), "café bar");
    assert_eq!(d(b"=?utf-8?q?a?= =?utf-8?q?b?="), "ab");
    assert_eq!(d(b"x =?utf-8?q?a?= y"), "x a y");
    assert_eq!(d(b"=?utf-8*en?q?a?="), "a");
    assert_eq!(d(b"=?windows-1252?Q?=80?="), "€");
    assert_eq!(d(b"=?bad"), "=?bad");
    assert_eq!(d(b"=?utf-8?x?a?="), "=?utf-8?x?a?=");
}
