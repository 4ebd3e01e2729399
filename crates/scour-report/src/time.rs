//! Instants as Unix seconds, read from and written as the text forms that
//! captures and tokens use: RFC 3339 (HAR `startedDateTime`, `--now`, HAR
//! cookie `expires`) and HTTP dates (Set-Cookie `Expires`).
//!
//! Only what liveness needs: whole seconds, UTC out, offsets in. Written
//! here rather than pulled from a date crate because three small parsers
//! are all the project needs.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn valid(m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d) && hh < 24 && mm < 60 && ss <= 60
}

fn num(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Parses an RFC 3339 timestamp (`2024-05-01T12:00:00Z`, with optional
/// fraction and `+hh:mm` offset; a space may replace the `T`) into Unix
/// seconds. A bare date (`2024-05-01`) means its midnight UTC.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "00:00:00Z"),
    };
    let mut dp = date.splitn(3, '-');
    let y: i64 = i64::from(num(dp.next()?)?);
    let m = num(dp.next()?)?;
    let d = num(dp.next()?)?;
    let tz_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, tz) = rest.split_at(tz_at);
    let time = time.split('.').next()?;
    let mut tp = time.splitn(3, ':');
    let hh = num(tp.next()?)?;
    let mm = num(tp.next()?)?;
    let ss = tp.next().map_or(Some(0), num)?;
    if !valid(m, d, hh, mm, ss) {
        return None;
    }
    let offset = match tz {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let (oh, om) = tz[1..].split_once(':').unwrap_or((&tz[1..], "0"));
            sign * (i64::from(num(oh)?) * 3600 + i64::from(num(om)?) * 60)
        }
    };
    Some(days_from_civil(y, m, d) * 86_400 + i64::from(hh * 3600 + mm * 60 + ss) - offset)
}

/// Formats Unix seconds as RFC 3339 in UTC: `2024-05-01T12:00:00Z`.
pub fn format_rfc3339(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// How [`format_rfc3339`] of `a` and of `b` compare as strings, which is
/// how findings order their times when merging (see `Finding::merge`).
/// For the years 0 to 9999 that is the order of the instants, and no
/// string is made; outside them (a JWT `exp` far in the future) the
/// strings are made and compared, as merging the strings would.
pub fn cmp_rfc3339(a: i64, b: i64) -> std::cmp::Ordering {
    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    const FOUR_DIGIT_YEARS: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;
    // Equal instants are equal strings; a repeat of one far-future expiry
    // (a JWT `exp` in milliseconds) then formats nothing.
    if a == b || (FOUR_DIGIT_YEARS.contains(&a) && FOUR_DIGIT_YEARS.contains(&b)) {
        a.cmp(&b)
    } else {
        format_rfc3339(a).cmp(&format_rfc3339(b))
    }
}

/// Parses an HTTP date as found in cookies: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), the cookie variant with dashes
/// (`Sun, 06-Nov-1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 ...`) and
/// asctime (`Sun Nov  6 08:49:37 1994`).
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.trim();
    let s = s.split_once(',').map_or(s, |(_, rest)| rest);
    let mut words = s.split([' ', '-']).filter(|w| !w.is_empty());
    let (mut day, mut month, mut year, mut time) = (None, None, None, None);
    for w in words.by_ref() {
        let lower = w.to_ascii_lowercase();
        if let Some(i) = MONTHS.iter().position(|m| lower.starts_with(m)) {
            month = Some(i as u32 + 1);
        } else if w.contains(':') {
            time = Some(w);
        } else if let Some(n) = num(w) {
            if day.is_none() && n <= 31 && w.len() <= 2 {
                day = Some(n);
            } else {
                year = Some(n);
            }
        }
    }
    let year = i64::from(year?);
    let year = match year {
        0..=69 => 2000 + year,
        70..=99 => 1900 + year,
        _ => year,
    };
    let mut tp = time?.splitn(3, ':');
    let (hh, mm, ss) = (num(tp.next()?)?, num(tp.next()?)?, num(tp.next()?)?);
    let (m, d) = (month?, day?);
    if !valid(m, d, hh, mm, ss) {
        return None;
    }
    Some(days_from_civil(year, m, d) * 86_400 + i64::from(hh * 3600 + mm * 60 + ss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_rfc3339("2023-10-20T14:05:09.123+02:00"),
            Some(1_697_803_509)
        );
        assert_eq!(parse_rfc3339("2023-10-20 12:05:09"), Some(1_697_803_509));
        assert_eq!(parse_rfc3339("2023-10-20"), Some(1_697_760_000));
        assert_eq!(format_rfc3339(1_697_803_509), "2023-10-20T12:05:09Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        for t in [0, 951_868_800, 1_709_164_800, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
        assert_eq!(parse_rfc3339("2023-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn instants_compare_as_their_strings() {
        assert_eq!(format_rfc3339(-62_167_219_200), "0000-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        let mut times = vec![
            0,
            1,
            -1,
            86_399,
            1_700_000_000,
            -62_167_219_201,
            -62_167_219_200,
            -62_167_219_199,
            -70_000_000_000,
            -90_000_000_000,
            253_402_300_798,
            253_402_300_799,
            253_402_300_800,
            300_000_000_000,
            1_000_000_000_000,
            99_999_999_999_999,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            times.push((state % 800_000_000_000) as i64 - 200_000_000_000);
        }
        for &a in &times {
            for &b in times.iter().step_by(7) {
                assert_eq!(
                    cmp_rfc3339(a, b),
                    format_rfc3339(a).cmp(&format_rfc3339(b)),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn http_dates_in_every_form() {
        let t = Some(784_111_777);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sun, 06-Nov-1994 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), t);
        assert_eq!(parse_http_date("soon"), None);
    }
}
