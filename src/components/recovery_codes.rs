//! Freshly issued recovery codes, shown once: list, download as text, print, and a confirmation
//! that they are stored before the user may continue.
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::components::form::{BUTTON_PRIMARY, BUTTON_SECONDARY};

#[component]
pub fn RecoveryCodes(
    codes: Vec<String>,
    /// Whose codes (named in the downloaded file).
    username: String,
    on_continue: Callback<()>,
) -> impl IntoView {
    let stored = RwSignal::new(false);
    let download = download_url(&codes, &username);
    if let Some(url) = download.clone() {
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
    }
    let count = codes.len();
    view! {
        <div class="space-y-4">
            <p class="max-w-3xl text-slate-700">
                {format!("Mit jedem der folgenden {count} Codes können Sie sich einmal anmelden, wenn Ihre Authenticator-App nicht verfügbar ist. ")}
                "Die Codes werden nur jetzt angezeigt. Bewahren Sie sie getrennt von Ihrem Passwort sicher auf."
            </p>
            <ol
                data-testid="recovery-codes"
                class="grid max-w-md list-decimal gap-x-10 gap-y-1 rounded border border-slate-300 bg-white py-4 pl-10 pr-4 font-mono text-lg sm:grid-cols-2"
            >
                {codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
            </ol>
            <div class="flex flex-wrap gap-3 print:hidden">
                {download.map(|url| view! {
                    <a href=url download="le-portal-wiederherstellungscodes.txt" class=BUTTON_SECONDARY>
                        "Herunterladen"
                    </a>
                })}
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| print()>
                    "Drucken"
                </button>
            </div>
            <div class="flex items-center gap-2 print:hidden">
                <input
                    id="codes-aufbewahrt"
                    type="checkbox"
                    class="h-5 w-5 accent-blue-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700"
                    prop:checked=move || stored.get()
                    on:change=move |ev| stored.set(event_target_checked(&ev))
                />
                <label for="codes-aufbewahrt" class="font-medium text-slate-900">
                    "Ich habe die Codes sicher aufbewahrt"
                </label>
            </div>
            <button
                type="button"
                class=format!("{BUTTON_PRIMARY} print:hidden")
                disabled=move || !stored.get()
                on:click=move |_| on_continue.run(())
            >
                "Weiter"
            </button>
            <p class="text-sm text-slate-600 print:hidden">
                "Neue Codes erzeugen Sie jederzeit unter „Konto“; die bisherigen werden dann ungültig."
            </p>
        </div>
    }
}

/// Opens the browser's print dialog.
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// A blob: URL of the codes as a text file.
fn download_url(codes: &[String], username: &str) -> Option<String> {
    let mut text = format!(
        "LE-Portal – Wiederherstellungscodes für {username}\r\nErstellt am {}\r\n\r\n",
        crate::dates::today()
    );
    for (i, code) in codes.iter().enumerate() {
        text.push_str(&format!("{:>2}. {code}\r\n", i + 1));
    }
    text.push_str("\r\nJeder Code gilt für genau eine Anmeldung anstelle des Codes aus der Authenticator-App.\r\n");
    let parts = js_sys::Array::of1(&JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
