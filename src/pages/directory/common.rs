//! Small helpers of the directory pages: performance marks, display of records.
use le_domain::directory::{Date, HospitalSite, PhysicianRecord, RequestState};
use wasm_bindgen::JsValue;

/// `performance.mark(name)` and `window.__lePerf[name] = performance.now()`, for benchmarks.
pub fn perf_mark(name: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(performance) = window.performance() else {
        return;
    };
    let _ = performance.mark(name);
    let key = JsValue::from_str("__lePerf");
    let store = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let object = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&window, &key, &object);
            object.into()
        });
    let _ = js_sys::Reflect::set(
        &store,
        &JsValue::from_str(name),
        &JsValue::from_f64(performance.now()),
    );
}

/// Marks `end` once the browser has had an animation frame after now.
pub fn perf_mark_after_frame(end: &'static str) {
    leptos::prelude::request_animation_frame(move || perf_mark(end));
}

/// "Nachname, Vorname" with "Dr." where the title is carried.
pub fn display_name(record: &PhysicianRecord) -> String {
    let form = &record.form;
    let title = if form.doctoral_title { "Dr. " } else { "" };
    format!("{}, {title}{}", form.last_name, form.first_name)
}

/// Site numbers of the assignments with their end dates ("773687000 bis 31.12.2026"), or
/// "alle Standorte". An assignment without an end shows the number alone.
pub fn display_sites(record: &PhysicianRecord) -> String {
    if record.form.all_sites {
        return "alle Standorte".to_owned();
    }
    let mut sites: Vec<String> = record
        .form
        .sites
        .iter()
        .map(|s| match s.end {
            Some(end) => format!("{} bis {}", s.site_number, end.to_german()),
            None => s.site_number.clone(),
        })
        .collect();
    sites.dedup();
    sites.join(", ")
}

/// The wire key of a request state (the URL filter value).
pub fn state_key(state: &RequestState) -> &'static str {
    match state {
        RequestState::NotRequested => "nicht_beantragt",
        RequestState::Requested => "beantragt",
        RequestState::Issued => "neu",
        RequestState::Matched => "zugeordnet",
        RequestState::Mismatch { .. } => "abweichung",
    }
}

/// Every request state filter as (key, label).
pub const STATE_FILTERS: [(&str, &str); 5] = [
    ("nicht_beantragt", "nicht beantragt"),
    ("beantragt", "beantragt"),
    ("neu", "ANR neu vergeben"),
    ("zugeordnet", "vorhandene ANR zugeordnet"),
    ("abweichung", "Abweichung – Klärung erforderlich"),
];

/// Whether the physician is active today (from the activity periods: a start in the future
/// is not active yet, and "all sites" counts with its own period).
pub fn is_active(record: &PhysicianRecord, today: Date) -> bool {
    record.form.is_active_on(today)
}

/// Whether the physician works (or worked) at `site`.
pub fn has_site(record: &PhysicianRecord, site: &str) -> bool {
    record.form.all_sites
        || record
            .form
            .sites
            .iter()
            .any(|s| s.site_number.as_str() == site)
}

/// The hospital's sites with validity as the write rules want them: listed ones and those the
/// directory removed (existing assignments there may be ended).
pub fn hospital_sites_of(list: &le_domain::api::directory::SiteList) -> Vec<HospitalSite> {
    let site = |s: &le_domain::directory::SiteEntry, in_directory| HospitalSite {
        site_number: s.site_number.clone(),
        valid_from: s.valid_from,
        valid_until: s.valid_until,
        in_directory,
    };
    list.sites
        .iter()
        .map(|s| site(s, true))
        .chain(list.removed.iter().map(|s| site(s, false)))
        .collect()
}
