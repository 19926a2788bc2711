//! Time source: the system clock in production, a controllable one in tests.
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds since the Unix epoch, UTC.
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// A clock that only moves when told to (tests of expiry, TOTP steps, retention).
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(start: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(start)))
    }
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Unix seconds as RFC 3339 ("2026-11-27T18:45:00Z").
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// RFC 3339, or a plain date (`2027-01-15`) as the start of that legal (Berlin) day, to Unix
/// seconds.
pub fn parse_time(s: &str) -> Option<i64> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    le_domain::directory::Date::parse_iso(s)
        .ok()
        .map(le_domain::calendar::berlin_day_start)
}

/// The exclusive end of a range given as RFC 3339 (one second after it) or as a plain date (the
/// start of the next Berlin day: a day has 23 or 25 hours when the clocks change).
pub fn parse_time_until(s: &str) -> Option<i64> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp() + 1);
    }
    le_domain::directory::Date::parse_iso(s)
        .ok()
        .map(|d| le_domain::calendar::berlin_day_start(d.add_days(1)))
}

/// Today's legal date: the Europe/Berlin calendar day of the state's clock (the domain's
/// calendar, the same function the browser runs).
pub fn today(state: &crate::AppState) -> le_domain::directory::Date {
    le_domain::calendar::berlin_date(state.clock.now())
}

/// German local time of a Unix time for people ("30.11.2026, 23:59 Uhr").
pub fn german_time(unix: i64) -> String {
    le_domain::calendar::berlin_time_text(unix)
}
