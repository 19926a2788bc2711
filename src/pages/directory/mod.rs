//! The Arztverzeichnis area: its own sub-routes under one top-level route (see app.rs).
use leptos::prelude::*;

use crate::components::page_title::set_page_title;

/// Entry of the area; `rest` of the URL selects the page.
#[component]
pub fn DirectoryArea() -> impl IntoView {
    set_page_title("Arztverzeichnis");
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Arztverzeichnis"</h1>
        <p class="mt-4 max-w-3xl rounded border border-amber-300 bg-amber-50 p-4 text-amber-950">
            "Dieser Bereich ist in Vorbereitung und noch nicht freigeschaltet."
        </p>
    }
}
