//! Calendar arithmetic for the ISO dates and date-times that models, requests and events carry.
//!
//! The engine never reads a clock: `now` arrives in the request. Instants are whole seconds since the Unix
//! epoch in UTC, which is precise enough for contact policies counted in days and small enough to compare fast.
//! A date-time without an offset is read as UTC, so the same text means the same instant in every runtime.

/// Seconds in one day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Earliest and latest years accepted: far enough for any order history, near enough that day arithmetic
/// can never overflow.
const YEAR_RANGE: std::ops::RangeInclusive<i64> = 1900..=2200;

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (a space may stand for `T`) into seconds since
/// the Unix epoch, UTC.
///
/// ```
/// assert_eq!(nextoffer::parse_instant("1970-01-02"), Some(86_400));
/// assert_eq!(nextoffer::parse_instant("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(nextoffer::parse_instant("2026-02-30"), None);
/// ```
pub fn parse_instant(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let date = bytes.get(..10)?;
    let days = parse_date(date)?;
    let rest = bytes.get(10..)?;
    if rest.is_empty() {
        return Some(days * SECONDS_PER_DAY);
    }
    let (&separator, time) = rest.split_first()?;
    if separator != b'T' && separator != b't' && separator != b' ' {
        return None;
    }
    let seconds_of_day = parse_time_of_day(time)?;
    Some(days * SECONDS_PER_DAY + seconds_of_day)
}

/// Parses a date-only `YYYY-MM-DD` into days since the Unix epoch.
///
/// ```
/// assert_eq!(nextoffer::parse_day("1970-01-11"), Some(10));
/// ```
pub fn parse_day(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 {
        return None;
    }
    parse_date(bytes)
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// assert_eq!(nextoffer::format_instant(86_400 + 61), "1970-01-02T00:01:01Z");
/// ```
pub fn format_instant(seconds: i64) -> String {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    )
}

/// Formats days since the epoch as `YYYY-MM-DD`.
///
/// ```
/// assert_eq!(nextoffer::format_day(0), "1970-01-01");
/// ```
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_date(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits(b.get(0..4)?)?;
    let month = digits(b.get(5..7)?)?;
    let day = digits(b.get(8..10)?)?;
    if !YEAR_RANGE.contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn parse_time_of_day(b: &[u8]) -> Option<i64> {
    let hour = digits(b.get(0..2)?)?;
    if b.get(2) != Some(&b':') {
        return None;
    }
    let minute = digits(b.get(3..5)?)?;
    let mut pos = 5;
    let mut second = 0;
    if b.get(pos) == Some(&b':') {
        second = digits(b.get(pos + 1..pos + 3)?)?;
        pos += 3;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            let start = pos;
            while b.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if pos == start {
                return None;
            }
        }
    }
    // 24:00 is not accepted: one spelling per instant keeps equality checks honest. 60 allows a leap second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset = parse_offset(b.get(pos..)?)?;
    Some(hour * 3600 + minute * 60 + second - offset)
}

fn parse_offset(b: &[u8]) -> Option<i64> {
    match b {
        [] | [b'Z'] | [b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 3600 + minutes * 60;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: exact for the proleptic Gregorian calendar.
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        for days in [-25_567, -1, 0, 1, 59, 60, 11_016, 20_415, 73_000] {
            assert_eq!(parse_day(&format_day(days)), Some(days));
        }
    }

    #[test]
    fn leap_days_exist_only_in_leap_years() {
        assert!(parse_day("2024-02-29").is_some());
        assert!(parse_day("2100-02-29").is_none());
        assert!(parse_day("2000-02-29").is_some());
    }

    #[test]
    fn offsets_move_the_instant_to_utc() {
        let utc = parse_instant("2026-11-23T10:00:00Z");
        assert_eq!(parse_instant("2026-11-23T19:00:00+09:00"), utc);
        assert_eq!(parse_instant("2026-11-23T05:30:00-04:30"), utc);
        assert_eq!(parse_instant("2026-11-23 10:00"), utc);
        assert_eq!(parse_instant("2026-11-23T10:00:00.250Z"), utc);
    }

    #[test]
    fn malformed_instants_are_rejected() {
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "2026-01-01T",
            "2026-01-01T25:00",
            "2026-01-01T10:00:00+9",
            "2026-01-01X10:00",
            "1800-01-01",
            "２０２６-01-01",
            "2026-01-01T10:00:00.Z",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatting_gives_iso_utc() {
        assert_eq!(
            format_instant(parse_instant("2026-11-23T19:04:05+09:00").unwrap()),
            "2026-11-23T10:04:05Z"
        );
        assert_eq!(format_instant(-1), "1969-12-31T23:59:59Z");
    }
}
