//! German formatting of the API's RFC 3339 times, in the browser's time zone.
use wasm_bindgen::JsValue;

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

/// Today as "27.11.2026".
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:02}.{:02}.{}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year()
    )
}

/// File sizes for people: "812 KB", "3,4 MB".
pub fn file_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::file_size;

    #[test]
    fn file_sizes_in_german() {
        assert_eq!(file_size(1), "1 KB");
        assert_eq!(file_size(812 * 1024), "812 KB");
        assert_eq!(file_size(3_565_158), "3,4 MB");
        assert_eq!(file_size(10 * 1024 * 1024), "10,0 MB");
    }
}
