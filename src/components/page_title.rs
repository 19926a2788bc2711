//! Sets the document title (screen readers announce it on navigation).
use leptos::prelude::*;

/// Sets `document.title` to "<title> – LE-Portal" while the page is shown.
pub fn set_page_title(title: &'static str) {
    Effect::new(move |_| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&format!("{title} – LE-Portal"));
        }
    });
}
