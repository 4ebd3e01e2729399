//! The prefilter for number rules: runs of digits.
//!
//! Phone, card and national-id numbers have no literal keyword; a keyword
//! per digit would open a window at every digit of the input. Instead one
//! pass finds runs of digits, allowing the separators such numbers are
//! written with (`(415) 555-0132`, `4111 1111 1111 1111`, `+44 20 7946
//! 0958`), and only runs long enough open windows.
//!
//! The run finding itself lives in `scour-simd` (vectorised, with the
//! scalar reference it is tested against); this module states what the
//! engine relies on, in its tests.

/// Runs of at least `min` digits in `hay`, as `(start, end, digits)` with
/// `start..end` spanning the first to the last digit. Up to two separators
/// (` -./()+`) may stand between two digits of a run. A run ends before a
/// clock's hour: a last group of one or two digits followed by `:`.
pub fn digit_runs(hay: &[u8], min: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    scour_simd::digit_runs(hay, min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str, min: usize) -> Vec<&str> {
        digit_runs(s.as_bytes(), min)
            .map(|(a, b, _)| &s[a..b])
            .collect()
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(runs("call (415) 555-0132 now", 10), ["415) 555-0132"]);
        assert_eq!(
            runs("card 4111 1111 1111 1111.", 12),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(runs("+44 20 7946 0958", 10), ["44 20 7946 0958"]);
        assert_eq!(runs("ssn 123-45-6789", 9), ["123-45-6789"]);
    }

    #[test]
    fn short_runs_and_other_separators_do_not_count() {
        assert!(runs("2023-10-02T10:00:00Z", 9).is_empty());
        assert!(runs("2023-10-02 10:00:00,123 INFO", 9).is_empty());
        assert!(runs("v1.2.3 build 42", 5).is_empty());
        assert_eq!(runs("12 . . 34", 4), Vec::<&str>::new());
        assert_eq!(runs("a1b2c3d4e5f6g7h8i9", 2), Vec::<&str>::new());
    }

    #[test]
    fn a_clock_hour_is_not_part_of_the_number_before_it() {
        assert_eq!(runs("ssn 253-50-2122 10:30", 9), ["253-50-2122"]);
        assert_eq!(runs("Mobile 650-555-0148 (10:30)", 10), ["650-555-0148"]);
        assert_eq!(runs("on 2023-10-02 10:00", 8), ["2023-10-02"]);
        assert_eq!(runs("ticket 4417520193: closed", 9), ["4417520193"]);
        // The hours go; the minutes are runs of their own.
        assert_eq!(runs("at 10:30 and 9:15", 1), ["30", "15"]);
    }

    #[test]
    fn runs_are_found_in_order_and_counted() {
        let v: Vec<_> = digit_runs(b"x 1234567890 y 98765 43210 z", 5).collect();
        assert_eq!(v, vec![(2, 12, 10), (15, 26, 10)]);
    }
}
