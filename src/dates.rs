//! Dates in the SPA, in one place: today's legal date (the Berlin day, as on the server) as the
//! domain's `Date`, date inputs read by the domain's parser, and the API's RFC 3339 times shown in
//! German local time (Europe/Berlin, whatever time zone the visitor's computer is set to).
//!
//! The browser's own `Intl` time-zone data does the conversion here, so these helpers add no time
//! zone tables to the wasm; only `berlin_day_of` (the audits' day of a stored time) calls the
//! domain's `calendar::berlin_date` (the server's function), which agrees with this day.
use le_domain::directory::Date;
use wasm_bindgen::JsValue;

/// The legal time zone of every date and time the portal shows.
const ZONE: &str = "Europe/Berlin";

/// Today's date in Berlin (the server's legal day; the domain's rules take it as an argument).
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    let [day, month, year] = berlin_parts(&now, false);
    Date::from_ymd(
        year.parse().unwrap_or(2000),
        month.parse().unwrap_or(1),
        day.parse().unwrap_or(1),
    )
    .unwrap_or(Date::MIN)
}

/// The Berlin day of an RFC 3339 time from the API as the domain's `Date`, by the server's own
/// function (`calendar::berlin_date`), for the audits' date rules.
pub fn berlin_day_of(rfc3339: &str) -> Option<Date> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then(|| le_domain::calendar::berlin_date((ms / 1000.0).floor() as i64))
}

/// A date input's value ("", ISO from `<input type="date">`, or German): the domain's parser.
pub fn parse_input(value: &str) -> Option<Date> {
    Date::parse(value.trim()).ok()
}

/// "2026-11-27T13:05:00Z" → "27.11.2026, 14:05" (Berlin time); the input when unreadable.
pub fn date_time(rfc3339: &str) -> String {
    match parse(rfc3339) {
        Some(d) => format_berlin(&d, true),
        None => rfc3339.to_owned(),
    }
}

/// "2026-11-27T23:05:00Z" → "28.11.2026" (the Berlin day).
pub fn date(rfc3339: &str) -> String {
    match parse(rfc3339) {
        Some(d) => format_berlin(&d, false),
        None => rfc3339.to_owned(),
    }
}

/// "dd.mm.yyyy" (and ", hh:mm") of `d` in Berlin, by the browser's `Intl`.
fn format_berlin(d: &js_sys::Date, with_time: bool) -> String {
    let [day, month, year] = berlin_parts(d, false);
    if !with_time {
        return format!("{day}.{month}.{year}");
    }
    let [hour, minute, _] = berlin_parts(d, true);
    format!("{day}.{month}.{year}, {hour}:{minute}")
}

/// Day, month, year (or hour, minute) of `d` in Berlin, two digits each (year four).
fn berlin_parts(d: &js_sys::Date, time: bool) -> [String; 3] {
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("timeZone", ZONE);
    if time {
        set("hour", "2-digit");
        set("minute", "2-digit");
        set("hourCycle", "h23");
    } else {
        set("day", "2-digit");
        set("month", "2-digit");
        set("year", "numeric");
    }
    // de-DE gives "27.11.2026" and "14:05": split on either separator.
    let text: String = d.to_locale_string("de-DE", &options).into();
    let mut parts = text
        .split(['.', ':'])
        .map(|p| p.trim().to_owned())
        .collect::<Vec<_>>()
        .into_iter();
    [
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    ]
}

fn parse(rfc3339: &str) -> Option<js_sys::Date> {
    let d = js_sys::Date::new(&JsValue::from_str(rfc3339));
    (!d.get_time().is_nan()).then_some(d)
}
