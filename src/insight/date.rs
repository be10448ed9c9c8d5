//! Calendar dates as day numbers, parsed and written by hand.
//!
//! Insight works at the granularity of days (same-day purchases count once), so a date is just the number of
//! days since 1970-01-01. A date library would cost Wasm size for nothing we need; the civil-calendar
//! conversions are Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms, shared with `crate::time`.

use std::fmt;

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
///
/// ```
/// use nextoffer::insight::Date;
/// let d = Date::parse("1997-09-30").unwrap();
/// assert_eq!(d.to_string(), "1997-09-30");
/// assert_eq!(Date::parse("1997-10-07T23:59:00Z").unwrap().days() - d.days(), 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Why a date string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not of a supported form.
    #[error(
        "\"{0}\" is not an ISO date (YYYY-MM-DD, YYYYMMDD or YYYY-MM-DDThh:mm[:ss][Z|±hh:mm])"
    )]
    Format(String),
    /// The form is right but the month or day does not exist.
    #[error("\"{0}\" is not a valid calendar date")]
    OutOfRange(String),
}

/// The earliest and latest years accepted: wide enough for any order file, narrow enough that day
/// arithmetic never overflows.
const MIN_YEAR: i32 = 1000;
const MAX_YEAR: i32 = 9999;

impl Date {
    /// The date from a year, month (1-12) and day (1-31), or `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// This date moved by `days` days (saturating at the ends of the `i32` range).
    pub fn add_days(self, days: i32) -> Date {
        Date(self.0.saturating_add(days))
    }

    /// Parses an ISO 8601 calendar date or date-time: `YYYY-MM-DD`, `YYYYMMDD`, or either followed by `T`
    /// (or a space) and a time with an optional zone (`Z`, `±hh:mm`, `±hhmm`). Surrounding whitespace is
    /// ignored. The time and zone are checked but only the calendar date as written is kept: purchases are
    /// counted per day of the shop's own calendar.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let s = text.trim().as_bytes();
        let format = || DateError::Format(text.trim().to_string());
        let (year, month, day, rest) = if s.get(4) == Some(&b'-') {
            if s.get(7) != Some(&b'-') {
                return Err(format());
            }
            (
                digits(s, 0, 4),
                digits(s, 5, 2),
                digits(s, 8, 2),
                s.get(10..),
            )
        } else {
            (
                digits(s, 0, 4),
                digits(s, 4, 2),
                digits(s, 6, 2),
                s.get(8..),
            )
        };
        let (Some(year), Some(month), Some(day), Some(rest)) = (year, month, day, rest) else {
            return Err(format());
        };
        if !rest.is_empty() && !valid_time(rest) {
            return Err(format());
        }
        let year = i32::try_from(year).map_err(|_| format())?;
        Date::from_ymd(year, month, day)
            .ok_or_else(|| DateError::OutOfRange(text.trim().to_string()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

/// The number of `len` ASCII digits at `start`, or `None`.
fn digits(s: &[u8], start: usize, len: usize) -> Option<u32> {
    let part = s.get(start..start.checked_add(len)?)?;
    part.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Checks `Thh:mm[:ss[.fff]][Z|±hh:mm|±hhmm]` (or with a space instead of `T`).
fn valid_time(s: &[u8]) -> bool {
    if !matches!(s.first(), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let (Some(h), Some(b':'), Some(m)) = (digits(s, 1, 2), s.get(3), digits(s, 4, 2)) else {
        return false;
    };
    if h > 24 || m > 59 {
        return false;
    }
    let mut i = 6;
    if s.get(i) == Some(&b':') {
        match digits(s, i + 1, 2) {
            Some(sec) if sec <= 60 => i += 3,
            _ => return false,
        }
        if matches!(s.get(i), Some(b'.' | b',')) {
            let start = i + 1;
            i = start;
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    match s.get(i..) {
        None | Some([]) | Some([b'Z' | b'z']) => true,
        Some([b'+' | b'-', zone @ ..]) => {
            let zh = digits(zone, 0, 2);
            let zm = if zone.get(2) == Some(&b':') {
                digits(zone, 3, 2)
            } else {
                digits(zone, 2, 2)
            };
            let len_ok = zone.len() == 4 || zone.len() == 5 || zone.len() == 2;
            match (zh, zone.len()) {
                (Some(zh), 2) => zh <= 23,
                (Some(zh), _) => len_ok && zh <= 23 && zm.is_some_and(|zm| zm <= 59),
                _ => false,
            }
        }
        _ => false,
    }
}

// The calendar arithmetic is the crate's (`crate::time`); these adapt it to this module's `i32`/`u32` fields.
// Years are range-checked before any call, so every conversion is exact.

fn days_in_month(y: i32, m: u32) -> u32 {
    crate::time::days_in_month(i64::from(y), i64::from(m)) as u32
}

fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    crate::time::days_from_civil(i64::from(y), i64::from(m), i64::from(d)) as i32
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let (y, m, d) = crate::time::civil_from_days(i64::from(z));
    (y as i32, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates_round_trip() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("1997-01-01").unwrap().days(), 9862);
        assert_eq!(Date::parse("2000-02-29").unwrap().to_string(), "2000-02-29");
        for days in (-300_000..300_000).step_by(97) {
            let d = Date::from_days(days);
            assert_eq!(Date::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn basic_format_and_date_times_keep_the_written_day() {
        let d = Date::parse("1997-09-30").unwrap();
        assert_eq!(Date::parse("19970930").unwrap(), d);
        for s in [
            "1997-09-30T23:59",
            "1997-09-30T23:59:59",
            "1997-09-30 23:59:59.123",
            "1997-09-30T00:00:00Z",
            "1997-09-30T00:00:00+02:00",
            "1997-09-30T00:00:00-0530",
            " 1997-09-30 ",
        ] {
            assert_eq!(Date::parse(s).unwrap(), d, "{s}");
        }
    }

    #[test]
    fn malformed_or_impossible_dates_are_rejected() {
        for s in [
            "",
            "1997",
            "1997-9-30",
            "30/09/1997",
            "1997-09-30T",
            "1997-09-30T25:00",
            "1997-09-30X",
        ] {
            assert!(matches!(Date::parse(s), Err(DateError::Format(_))), "{s}");
        }
        for s in ["1997-02-29", "1997-13-01", "1997-04-31", "0999-01-01"] {
            assert!(
                matches!(Date::parse(s), Err(DateError::OutOfRange(_))),
                "{s}"
            );
        }
    }
}
