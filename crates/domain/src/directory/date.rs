//! A civil calendar date (proleptic Gregorian, years 1–9999) without time zone or clock.
//!
//! Our own small type rather than a date library: the directory needs parsing of two fixed
//! formats, day arithmetic and month ends, nothing more, and this keeps the crate free of
//! platform features. Nothing here reads the clock: rules that need "today" take it as argument.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// Format hint of German dates, as shown in error messages.
pub const GERMAN_FORMAT: &str = "TT.MM.JJJJ";
/// Format hint of ISO dates, as shown in error messages.
pub const ISO_FORMAT: &str = "JJJJ-MM-TT";

/// Day number of 0001-01-01 counted from 1970-01-01.
const MIN_DAYS: i32 = -719_162;
/// Day number of 9999-12-31 counted from 1970-01-01.
const MAX_DAYS: i32 = 2_932_896;

/// A calendar date; serialised as ISO `YYYY-MM-DD`, displayed in German as `TT.MM.JJJJ`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01 (negative before), so that order and arithmetic are plain integers.
    days: i32,
}

impl Date {
    /// The earliest representable date, 01.01.0001.
    pub const MIN: Date = Date { days: MIN_DAYS };
    /// The latest representable date, 31.12.9999.
    pub const MAX: Date = Date { days: MAX_DAYS };

    /// The date of a year (1–9999), month (1–12) and day; `NoSuchDate` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, ValidationError> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(no_such_date(year, month, day));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(no_such_date(year, month, day));
        }
        Ok(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// A date from literal parts known to be valid, for constants (checked by the tests of each
    /// constant; an invalid day rolls over instead of failing).
    pub(crate) const fn from_ymd_const(year: i32, month: u32, day: u32) -> Date {
        Date {
            days: days_from_civil(year, month, day),
        }
    }

    /// Parses ISO `YYYY-MM-DD` (as in JSON; surrounding whitespace is ignored).
    pub fn parse_iso(input: &str) -> Result<Date, ValidationError> {
        let s = input.trim();
        let format = ValidationError::DateFormat {
            expected: ISO_FORMAT,
        };
        let parts: Vec<&str> = s.split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(format);
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(format);
        }
        let (Some(year), Some(month), Some(day)) = (number(year), number(month), number(day))
        else {
            return Err(format);
        };
        Date::from_ymd(year as i32, month, day)
            .map_err(|_| ValidationError::NoSuchDate { date: s.to_owned() })
    }

    /// Parses German `TT.MM.JJJJ` as Excel writes it; day and month may have one digit
    /// (`1.3.2010`), the year must have four (two-digit years are ambiguous).
    pub fn parse_german(input: &str) -> Result<Date, ValidationError> {
        let s = input.trim();
        let format = ValidationError::DateFormat {
            expected: GERMAN_FORMAT,
        };
        let parts: Vec<&str> = s.split('.').collect();
        let [day, month, year] = parts.as_slice() else {
            return Err(format);
        };
        if !(1..=2).contains(&day.len()) || !(1..=2).contains(&month.len()) || year.len() != 4 {
            return Err(format);
        }
        let (Some(day), Some(month), Some(year)) = (number(day), number(month), number(year))
        else {
            return Err(format);
        };
        Date::from_ymd(year as i32, month, day)
            .map_err(|_| ValidationError::NoSuchDate { date: s.to_owned() })
    }

    /// Parses either format: ISO when the input contains `-`, German otherwise (the error then
    /// asks for the German format, the one people type).
    pub fn parse(input: &str) -> Result<Date, ValidationError> {
        if input.contains('-') {
            Date::parse_iso(input)
        } else {
            Date::parse_german(input)
        }
    }

    /// Days since 1970-01-01 (negative before): the compact wire form of the packed physician
    /// table ([`crate::api::directory::PhysicianTable`]).
    pub fn day_number(self) -> i32 {
        self.days
    }

    /// The date of a [`Date::day_number`]; `None` outside 0001–9999.
    pub fn from_day_number(days: i32) -> Option<Date> {
        (MIN_DAYS..=MAX_DAYS)
            .contains(&days)
            .then_some(Date { days })
    }

    /// The year (1–9999).
    pub fn year(self) -> i32 {
        civil_from_days(self.days).0
    }

    /// The month (1–12).
    pub fn month(self) -> u32 {
        civil_from_days(self.days).1
    }

    /// The day of the month (1–31).
    pub fn day(self) -> u32 {
        civil_from_days(self.days).2
    }

    /// ISO form `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        let (y, m, d) = civil_from_days(self.days);
        let mut out = String::with_capacity(10);
        push_digits(&mut out, y.unsigned_abs(), 4);
        out.push('-');
        push_digits(&mut out, m, 2);
        out.push('-');
        push_digits(&mut out, d, 2);
        out
    }

    /// German display form `TT.MM.JJJJ`, e.g. "27.11.2026".
    pub fn to_german(self) -> String {
        let (y, m, d) = civil_from_days(self.days);
        let mut out = String::with_capacity(10);
        push_digits(&mut out, d, 2);
        out.push('.');
        push_digits(&mut out, m, 2);
        out.push('.');
        push_digits(&mut out, y.unsigned_abs(), 4);
        out
    }

    /// The date `days` later (earlier if negative); `None` outside 0001–9999.
    pub fn checked_add_days(self, days: i32) -> Option<Date> {
        let sum = self.days.checked_add(days)?;
        (MIN_DAYS..=MAX_DAYS)
            .contains(&sum)
            .then_some(Date { days: sum })
    }

    /// The date `days` later (earlier if negative), clamped to [`Date::MIN`]..=[`Date::MAX`].
    pub fn add_days(self, days: i32) -> Date {
        Date {
            days: self.days.saturating_add(days).clamp(MIN_DAYS, MAX_DAYS),
        }
    }

    /// Weekday, Monday = 1 … Sunday = 7.
    pub fn iso_weekday(self) -> u32 {
        // Day 0, 1970-01-01, was a Thursday (4).
        u32::try_from((self.days + 3).rem_euclid(7) + 1).unwrap_or(1)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_between(self, other: Date) -> i32 {
        other.days - self.days
    }

    /// The last day of this date's month.
    pub fn end_of_month(self) -> Date {
        let (y, m, _) = civil_from_days(self.days);
        Date {
            days: days_from_civil(y, m, days_in_month(y, m)),
        }
    }

    /// Completed years from `earlier` to `self` (an age on this date); negative if `earlier` is
    /// later. Someone born on 29 February becomes a year older on 1 March in common years.
    pub fn full_years_since(self, earlier: Date) -> i32 {
        let (y1, m1, d1) = civil_from_days(earlier.days);
        let (y2, m2, d2) = civil_from_days(self.days);
        let mut years = y2 - y1;
        if self >= earlier {
            if (m2, d2) < (m1, d1) {
                years -= 1;
            }
        } else if (m2, d2) > (m1, d1) {
            years += 1;
        }
        years
    }
}

/// Parses an all-ASCII-digit string (at most 4 digits, so no overflow).
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn no_such_date(year: i32, month: u32, day: u32) -> ValidationError {
    ValidationError::NoSuchDate {
        date: format!("{day:02}.{month:02}.{year:04}"),
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Appends `value` with at least `width` digits (zero-padded): dates are formatted for every
/// row of a bulk preview, and this is several times cheaper than `format!`.
fn push_digits(out: &mut String, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut n = value;
    let mut len = 0;
    while n > 0 || len < width {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    out.extend(digits[..len].iter().rev().map(|&b| char::from(b)));
}

/// Days since 1970-01-01 of a valid civil date (H. Hinnant's `days_from_civil`, years ≥ 1).
const fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400) as u32; // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe as i32 - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097) as u32; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe as i32 + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Date {
    /// German form, the one shown to people.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_german())
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({})", self.to_iso())
    }
}

impl FromStr for Date {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl TryFrom<String> for Date {
    type Error = ValidationError;

    /// Strict ISO, the wire format.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse_iso(&s)
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_iso()
    }
}

/// In the OpenAPI document a date is an ISO `YYYY-MM-DD` string, as serialised.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("30.11.2026").iso_weekday(), 1, "Monday");
        assert_eq!(d("06.12.2026").iso_weekday(), 7, "Sunday");
        assert_eq!(d("01.01.1970").iso_weekday(), 4, "Thursday");
        assert_eq!(d("31.12.1969").iso_weekday(), 3, "Wednesday, before day 0");
        assert_eq!(d("23.11.2022").iso_weekday(), 3, "Wednesday");
    }

    #[test]
    fn epoch_and_bounds() {
        assert_eq!(Date::from_ymd(1970, 1, 1).map(|d| d.days), Ok(0));
        assert_eq!(Date::from_ymd(1, 1, 1), Ok(Date::MIN));
        assert_eq!(Date::from_ymd(9999, 12, 31), Ok(Date::MAX));
        assert_eq!(Date::MIN.to_iso(), "0001-01-01");
        assert_eq!(Date::MAX.to_german(), "31.12.9999");
        assert_eq!(Date::MAX.checked_add_days(1), None);
        assert_eq!(Date::MIN.checked_add_days(-1), None);
        assert_eq!(Date::MAX.add_days(10), Date::MAX);
        assert_eq!(Date::MIN.add_days(i32::MIN), Date::MIN);
    }

    #[test]
    fn parses_both_formats() {
        let expected = Date::from_ymd(2026, 11, 27).expect("exists");
        assert_eq!(Date::parse_iso("2026-11-27"), Ok(expected));
        assert_eq!(Date::parse_german("27.11.2026"), Ok(expected));
        assert_eq!(Date::parse_german(" 27.11.2026 "), Ok(expected));
        assert_eq!(Date::parse("2026-11-27"), Ok(expected));
        assert_eq!(Date::parse("27.11.2026"), Ok(expected));
        assert_eq!(d("1.3.2010"), Date::from_ymd(2010, 3, 1).expect("exists"));
        assert_eq!(expected.to_german(), "27.11.2026");
        assert_eq!(expected.to_string(), "27.11.2026");
        assert_eq!(expected.to_iso(), "2026-11-27");
        assert_eq!(format!("{expected:?}"), "Date(2026-11-27)");
        assert_eq!(
            (expected.year(), expected.month(), expected.day()),
            (2026, 11, 27)
        );
        assert_eq!("27.11.2026".parse::<Date>(), Ok(expected));
    }

    #[test]
    fn format_errors_name_the_expected_format() {
        let german = ValidationError::DateFormat {
            expected: "TT.MM.JJJJ",
        };
        for bad in [
            "",
            "27.11.26",
            "27/11/2026",
            "27.11",
            "x.11.2026",
            "127.1.2026",
            "27.11.2026.",
        ] {
            assert_eq!(Date::parse_german(bad), Err(german.clone()), "{bad:?}");
            assert_eq!(Date::parse(bad), Err(german.clone()), "{bad:?}");
        }
        assert_eq!(german.message(), "Datum im Format TT.MM.JJJJ erwartet.");
        assert_eq!(german.code(), "date_format");
        let iso = ValidationError::DateFormat {
            expected: "JJJJ-MM-TT",
        };
        for bad in [
            "2026-1-27",
            "26-11-27",
            "2026-11-27T00:00",
            "+2026-11-27",
            "2026-11",
        ] {
            assert_eq!(Date::parse_iso(bad), Err(iso.clone()), "{bad:?}");
        }
        assert_eq!(Date::parse_iso("27.11.2026"), Err(iso));
    }

    #[test]
    fn dates_that_do_not_exist() {
        let err = Date::parse_german("31.02.2021").expect_err("no 31 February");
        assert_eq!(
            err,
            ValidationError::NoSuchDate {
                date: "31.02.2021".to_owned()
            }
        );
        assert_eq!(err.message(), "Das Datum 31.02.2021 gibt es nicht.");
        assert_eq!(err.code(), "no_such_date");
        assert!(Date::parse_german("29.02.2021").is_err());
        assert!(Date::parse_german("29.02.2024").is_ok());
        assert!(Date::parse_german("29.02.2000").is_ok());
        assert!(Date::parse_german("29.02.1900").is_err());
        assert!(Date::parse_german("00.01.2020").is_err());
        assert!(Date::parse_german("01.13.2020").is_err());
        assert!(Date::parse_german("01.01.0000").is_err());
        assert_eq!(
            Date::parse_iso("2021-04-31"),
            Err(ValidationError::NoSuchDate {
                date: "2021-04-31".to_owned()
            })
        );
    }

    #[test]
    fn arithmetic() {
        assert_eq!(d("31.12.2025").add_days(1), d("01.01.2026"));
        assert_eq!(d("01.03.2024").add_days(-1), d("29.02.2024"));
        assert_eq!(d("01.03.2023").add_days(-1), d("28.02.2023"));
        assert_eq!(d("01.01.2026").days_between(d("27.11.2026")), 330);
        assert_eq!(d("27.11.2026").days_between(d("01.01.2026")), -330);
        assert_eq!(d("01.01.2000").days_between(d("01.01.2001")), 366);
        assert_eq!(d("15.02.2024").end_of_month(), d("29.02.2024"));
        assert_eq!(d("15.02.2023").end_of_month(), d("28.02.2023"));
        assert_eq!(d("01.04.2026").end_of_month(), d("30.04.2026"));
        assert_eq!(d("31.12.2026").end_of_month(), d("31.12.2026"));
    }

    #[test]
    fn full_years() {
        let birth = d("15.06.1990");
        assert_eq!(d("14.06.2008").full_years_since(birth), 17);
        assert_eq!(d("15.06.2008").full_years_since(birth), 18);
        assert_eq!(d("15.06.1990").full_years_since(birth), 0);
        assert_eq!(d("14.06.1990").full_years_since(birth), 0);
        assert_eq!(d("15.06.1989").full_years_since(birth), -1);
        assert_eq!(d("16.06.1989").full_years_since(birth), 0);
        let leap = d("29.02.2000");
        assert_eq!(d("28.02.2001").full_years_since(leap), 0);
        assert_eq!(d("01.03.2001").full_years_since(leap), 1);
        assert_eq!(d("29.02.2004").full_years_since(leap), 4);
    }

    #[test]
    fn serde_is_iso() {
        let date = d("27.11.2026");
        assert_eq!(
            serde_json::to_string(&date).expect("serialises"),
            "\"2026-11-27\""
        );
        assert_eq!(
            serde_json::from_str::<Date>("\"2026-11-27\"").expect("deserialises"),
            date
        );
        assert!(serde_json::from_str::<Date>("\"27.11.2026\"").is_err());
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }

    #[test]
    fn day_numbers_agree_with_counting_day_by_day() {
        // Walks every day from 1890 to 2110 and compares with an independent count.
        let mut expected = Date::from_ymd(1890, 1, 1).expect("exists").days;
        for year in 1890..=2110 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), expected);
                    assert_eq!(civil_from_days(expected), (year, month, day));
                    expected += 1;
                }
            }
        }
    }
}
