//! The legal calendar: the Europe/Berlin day of an instant (summer time included), German local
//! times for people, and working days under § 193 BGB (weekends and the holidays of a Land).
//!
//! The server and the browser call the same functions with the Unix time of their clock, so the
//! browser's "today" is the server's Berlin day whatever time zone the visitor's computer is in.
use jiff::Timestamp;
use jiff::tz::{self, TimeZone};

use crate::directory::{Date, Land};
use crate::holidays;

/// Germany's legal time zone (CET/CEST), compiled into the binary from the IANA database.
static BERLIN: TimeZone = tz::get!("Europe/Berlin");

fn civil(unix: i64) -> jiff::civil::DateTime {
    let ts = Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH);
    BERLIN.to_datetime(ts)
}

/// The calendar day in Berlin at the Unix time `unix` (seconds).
pub fn berlin_date(unix: i64) -> Date {
    let d = civil(unix).date();
    Date::from_ymd(
        i32::from(d.year()),
        u32::try_from(d.month()).unwrap_or(1),
        u32::try_from(d.day()).unwrap_or(1),
    )
    .unwrap_or(Date::MIN)
}

/// The Unix time at which `date` begins in Berlin (00:00 local time).
pub fn berlin_day_start(date: Date) -> i64 {
    berlin_time(date, 0, 0)
}

/// The Unix time of a Berlin wall-clock time (`hour`:`minute` on `date`); the earlier instant
/// when the hour repeats in autumn, the later one when it is skipped in spring.
pub fn berlin_time(date: Date, hour: u32, minute: u32) -> i64 {
    let Ok(dt) = jiff::civil::DateTime::new(
        i16::try_from(date.year()).unwrap_or(1970),
        i8::try_from(date.month()).unwrap_or(1),
        i8::try_from(date.day()).unwrap_or(1),
        i8::try_from(hour).unwrap_or(0),
        i8::try_from(minute).unwrap_or(0),
        0,
        0,
    ) else {
        return 0;
    };
    BERLIN
        .to_ambiguous_timestamp(dt)
        .compatible()
        .map(|t| t.as_second())
        .unwrap_or(0)
}

/// German local time of `unix` for people: "30.11.2026, 23:59 Uhr".
pub fn berlin_time_text(unix: i64) -> String {
    let t = civil(unix);
    format!(
        "{}, {:02}:{:02} Uhr",
        berlin_date(unix).to_german(),
        t.hour(),
        t.minute()
    )
}

/// A Saturday, Sunday or a public holiday of `land` (federal holidays only when `None`) —
/// the days § 193 BGB skips.
pub fn is_non_working_day(date: Date, land: Option<Land>) -> bool {
    date.iso_weekday() >= 6 || holidays::holiday(date, land).is_some()
}

/// `date`, or the next working day if it is a Saturday, Sunday or holiday (§ 193 BGB).
pub fn next_working_day(date: Date, land: Option<Land>) -> Date {
    let mut d = date;
    // At most a few days (e.g. Good Friday → Tuesday after Easter); bounded for safety.
    for _ in 0..14 {
        if !is_non_working_day(d, land) {
            return d;
        }
        d = d.add_days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    /// Unix time of an RFC 3339 instant.
    fn at(s: &str) -> i64 {
        s.parse::<Timestamp>().expect("instant").as_second()
    }

    #[test]
    fn the_day_changes_at_midnight_in_berlin_not_utc() {
        // Winter (CET, UTC+1): 23:30 UTC is already 00:30 the next day in Berlin.
        assert_eq!(berlin_date(at("2026-02-05T22:59:59Z")), d("05.02.2026"));
        assert_eq!(berlin_date(at("2026-02-05T23:00:00Z")), d("06.02.2026"));
        assert_eq!(berlin_date(at("2026-02-05T23:30:00Z")), d("06.02.2026"));
        // Summer (CEST, UTC+2): the day changes at 22:00 UTC.
        assert_eq!(berlin_date(at("2026-07-01T21:59:59Z")), d("01.07.2026"));
        assert_eq!(berlin_date(at("2026-07-01T22:00:00Z")), d("02.07.2026"));
        assert_eq!(
            berlin_day_start(d("02.07.2026")),
            at("2026-07-01T22:00:00Z")
        );
        assert_eq!(
            berlin_day_start(d("06.02.2026")),
            at("2026-02-05T23:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_switches() {
        // 29.03.2026: 02:00 CET becomes 03:00 CEST (01:00 UTC). The day has 23 hours.
        let start = berlin_day_start(d("29.03.2026"));
        let next = berlin_day_start(d("30.03.2026"));
        assert_eq!(start, at("2026-03-28T23:00:00Z"));
        assert_eq!(next - start, 23 * 3600);
        assert_eq!(berlin_date(at("2026-03-29T21:59:59Z")), d("29.03.2026"));
        assert_eq!(berlin_date(at("2026-03-29T22:00:00Z")), d("30.03.2026"));
        assert_eq!(
            berlin_time_text(at("2026-03-29T00:59:59Z")),
            "29.03.2026, 01:59 Uhr"
        );
        assert_eq!(
            berlin_time_text(at("2026-03-29T01:00:00Z")),
            "29.03.2026, 03:00 Uhr"
        );
        // 25.10.2026: 03:00 CEST becomes 02:00 CET (01:00 UTC). The day has 25 hours.
        let start = berlin_day_start(d("25.10.2026"));
        let next = berlin_day_start(d("26.10.2026"));
        assert_eq!(next - start, 25 * 3600);
        assert_eq!(berlin_date(at("2026-10-25T22:59:59Z")), d("25.10.2026"));
        assert_eq!(berlin_date(at("2026-10-25T23:00:00Z")), d("26.10.2026"));
        // Wall-clock times around the switch.
        assert_eq!(
            berlin_time(d("25.10.2026"), 23, 59),
            at("2026-10-25T22:59:00Z")
        );
        assert_eq!(
            berlin_time(d("29.03.2026"), 23, 59),
            at("2026-03-29T21:59:00Z")
        );
        assert_eq!(
            berlin_time(d("06.02.2026"), 0, 1),
            at("2026-02-05T23:01:00Z")
        );
    }

    #[test]
    fn weekdays_and_working_days() {
        // A Saturday moves to Monday.
        assert_eq!(next_working_day(d("05.12.2026"), None), d("07.12.2026"));
        // Good Friday 2026 (03.04.) moves over Easter to Tuesday 07.04.2026.
        assert_eq!(next_working_day(d("03.04.2026"), None), d("07.04.2026"));
        // A working day stays.
        assert_eq!(next_working_day(d("02.12.2026"), None), d("02.12.2026"));
    }
}
