//! The scalar kernels: byte at a time, the definition every vector variant
//! must match, and the fallback on CPUs without one.

/// A digit run: `(start, end, digits)`, `start..end` spanning the first to
/// the last digit.
pub type DigitRun = (usize, usize, usize);

/// Bytes that may stand between the digits of one number.
pub fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')' | b'+')
}

/// Runs of at least `min` digits in `hay`, as `(start, end, digits)` with
/// `start..end` spanning the first to the last digit. Up to two separators
/// may stand between two digits of a run. A run followed by `:` whose last
/// group has one or two digits ends in a clock's hour (`2023-10-02 10:30`,
/// `650-555-0148 10:30`): it ends before that group.
pub fn digit_runs(hay: &[u8], min: usize) -> impl Iterator<Item = DigitRun> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || digit_step(hay, min, &mut i))
}

/// The next digit run at or after `*i`; leaves `*i` where the search goes on.
pub(crate) fn digit_step(hay: &[u8], min: usize, i: &mut usize) -> Option<DigitRun> {
    while *i < hay.len() {
        match hay[*i..].iter().position(u8::is_ascii_digit) {
            None => {
                *i = hay.len();
                return None;
            }
            Some(p) => *i += p,
        }
        let start = *i;
        let (mut digits, mut last, mut seps) = (0usize, *i, 0u8);
        while *i < hay.len() {
            let b = hay[*i];
            if b.is_ascii_digit() {
                digits += 1;
                last = *i;
                seps = 0;
            } else if is_separator(b) && seps < 2 {
                seps += 1;
            } else {
                break;
            }
            *i += 1;
        }
        if let Some(run) = finish_run(hay, start, last + 1, digits, min) {
            return Some(run);
        }
    }
    None
}

/// The run `start..end` of `digits` digits as reported, shared by every
/// variant: without a clock's hour at its end, if still `min` digits long.
///
/// `2023-10-02 10:` is a date and an hour; an SSN followed by the time of
/// the call, `253-50-2122 10:30`, is an SSN and an hour. Only the hour, a
/// group of one or two digits right before `:`, is dropped, so that a
/// number followed by a colon (`ticket 4417520193: closed`) stays whole.
pub(crate) fn finish_run(
    hay: &[u8],
    start: usize,
    end: usize,
    digits: usize,
    min: usize,
) -> Option<DigitRun> {
    let (mut end, mut digits) = (end, digits);
    if hay.get(end) == Some(&b':') {
        let group = hay[start..end]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if group <= 2 {
            digits -= group;
            end -= group;
            while end > start && !hay[end - 1].is_ascii_digit() {
                end -= 1;
            }
        }
    }
    (digits >= min && end > start).then_some((start, end, digits))
}

/// A byte of either base64 alphabet (standard `+/` or URL-safe `-_`).
pub fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// Maximal runs of base64 characters (either alphabet) at least `min` long,
/// with up to two `=` of padding. A run must hold both an uppercase and a
/// lowercase letter: long lowercase words joined by `-` or `_` are not
/// base64.
pub fn base64_runs(text: &[u8], min: usize) -> impl Iterator<Item = &[u8]> {
    let mut i = 0;
    std::iter::from_fn(move || base64_step(text, min, &mut i))
}

/// The next base64 run at or after `*i`; leaves `*i` where the search goes on.
pub(crate) fn base64_step<'t>(text: &'t [u8], min: usize, i: &mut usize) -> Option<&'t [u8]> {
    while *i < text.len() {
        if !is_b64(text[*i]) {
            *i += 1;
            continue;
        }
        let start = *i;
        while *i < text.len() && is_b64(text[*i]) {
            *i += 1;
        }
        let body = &text[start..*i];
        *i = pad_end(text, *i);
        let mixed =
            body.iter().any(u8::is_ascii_uppercase) && body.iter().any(u8::is_ascii_lowercase);
        if body.len() >= min && mixed {
            return Some(&text[start..*i]);
        }
    }
    None
}

/// Where a base64 body ending at `end` ends with its `=` padding (at most two).
pub(crate) fn pad_end(text: &[u8], end: usize) -> usize {
    let mut i = end;
    while i < text.len() && i - end < 2 && text[i] == b'=' {
        i += 1;
    }
    i
}

/// Shannon entropy of `bytes`, in bits per byte (0 for empty input).
///
/// Random base64 of a few dozen characters scores around 5, random hex
/// around 3.8, English words 2.5 to 3.5, and `aaaa` 0.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| entropy_term(c, n))
        .sum()
}

/// One byte value's share of the entropy: `-p log2 p` with `p = count / n`.
#[inline]
pub(crate) fn entropy_term(count: u32, n: f64) -> f64 {
    let p = count as f64 / n;
    -p * p.log2()
}
