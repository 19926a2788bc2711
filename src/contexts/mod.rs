//! App-wide state provided as Leptos contexts.
pub mod kiosk;
pub mod session;

/// A non-secret yes/no marker in a cookie the app itself reads and writes (set: present with
/// "1"; the server ignores it). A cookie, not localStorage: the first localStorage access of a
/// page opens the origin's storage database in the browser, which blocked the app's start for
/// tens of milliseconds; the cookie store is already open for the page's own request. Cookies
/// may be disabled: then the flag reads as unset and setting it does nothing.
pub(crate) struct LocalFlag(&'static str);

impl LocalFlag {
    fn document() -> Option<web_sys::HtmlDocument> {
        use wasm_bindgen::JsCast;
        web_sys::window()?.document()?.dyn_into().ok()
    }

    pub(crate) fn get(&self) -> bool {
        Self::document()
            .and_then(|d| d.cookie().ok())
            .is_some_and(|cookies| cookie_is_set(&cookies, self.0))
    }

    pub(crate) fn set(&self, on: bool) {
        let Some(document) = Self::document() else {
            return;
        };
        // 400 days is the longest lifetime browsers keep; `Secure` where the page is served
        // over HTTPS (a plain-HTTP test server could not set it otherwise).
        let lifetime = if on { "max-age=34560000" } else { "max-age=0" };
        let secure = document
            .location()
            .and_then(|l| l.protocol().ok())
            .is_some_and(|p| p == "https:");
        let cookie = format!(
            "{}={}; path=/; {lifetime}; samesite=strict{}",
            self.0,
            if on { "1" } else { "" },
            if secure { "; secure" } else { "" }
        );
        let _ = document.set_cookie(&cookie);
    }
}

/// Whether `document.cookie` (`a=1; b=2`) holds `name` with the value "1".
fn cookie_is_set(cookies: &str, name: &str) -> bool {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(key, value)| key == name && value == "1")
}

#[cfg(test)]
mod tests {
    use super::cookie_is_set;

    #[test]
    fn a_flag_is_set_only_by_its_own_name_with_the_value_one() {
        let cookies = "other=1; le-portal-angemeldet=1; le-portal-kiosk-besuch=";
        assert!(cookie_is_set(cookies, "le-portal-angemeldet"));
        assert!(!cookie_is_set(cookies, "le-portal-kiosk-besuch"));
        assert!(!cookie_is_set(cookies, "portal-angemeldet"));
        assert!(!cookie_is_set("", "le-portal-angemeldet"));
        assert!(!cookie_is_set(
            "le-portal-angemeldet=10",
            "le-portal-angemeldet"
        ));
    }
}
