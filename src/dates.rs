//! Dates in the SPA, in one place: today in the browser's time zone as the domain's `Date`,
//! date inputs read by the domain's parser, and the API's RFC 3339 times shown in German.
use le_domain::directory::Date;
use wasm_bindgen::JsValue;

/// Today in the browser's time zone (the domain's rules take it as an argument).
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::from_ymd(
        i32::try_from(now.get_full_year()).unwrap_or(2000),
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or(Date::MIN)
}

/// Today's legal date: the Berlin day of the browser's clock, the same function the server runs
/// (deadlines and the audits' date rules count in German days, whatever zone the visitor's
/// computer is set to).
pub fn berlin_today() -> Date {
    le_domain::calendar::berlin_date((js_sys::Date::now() / 1000.0).floor() as i64)
}

/// The Berlin day of an RFC 3339 time from the API.
pub fn berlin_day_of(rfc3339: &str) -> Option<Date> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then(|| le_domain::calendar::berlin_date((ms / 1000.0).floor() as i64))
}

/// A date input's value ("", ISO from `<input type="date">`, or German): the domain's parser.
#[allow(
    dead_code,
    reason = "for the directory and audits forms, which port to it next"
)]
pub fn parse_input(value: &str) -> Option<Date> {
    Date::parse(value.trim()).ok()
}

/// A date for a date input's value ("" for none).
#[allow(
    dead_code,
    reason = "for the directory and audits forms, which port to it next"
)]
pub fn input_value(date: Option<Date>) -> String {
    date.map(Date::to_iso).unwrap_or_default()
}

/// "2026-11-27T13:05:00Z" → "27.11.2026, 14:05" (local time); the input when unreadable.
pub fn date_time(rfc3339: &str) -> String {
    match parse(rfc3339) {
        Some(d) => format!(
            "{:02}.{:02}.{}, {:02}:{:02}",
            d.get_date(),
            d.get_month() + 1,
            d.get_full_year(),
            d.get_hours(),
            d.get_minutes()
        ),
        None => rfc3339.to_owned(),
    }
}

/// "2026-11-27T13:05:00Z" → "27.11.2026" (local date).
pub fn date(rfc3339: &str) -> String {
    match parse(rfc3339) {
        Some(d) => format!(
            "{:02}.{:02}.{}",
            d.get_date(),
            d.get_month() + 1,
            d.get_full_year()
        ),
        None => rfc3339.to_owned(),
    }
}

fn parse(rfc3339: &str) -> Option<js_sys::Date> {
    let d = js_sys::Date::new(&JsValue::from_str(rfc3339));
    (!d.get_time().is_nan()).then_some(d)
}
