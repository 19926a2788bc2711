//! Shown for any path the app does not know.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_title::set_page_title;
use crate::routes::Route;

#[component]
pub fn NotFound() -> impl IntoView {
    set_page_title("Seite nicht gefunden");
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Seite nicht gefunden"</h1>
        <p class="mt-4 text-slate-700">"Diese Adresse gibt es im LE-Portal nicht."</p>
        <p class="mt-4">
            <A href=Route::Home.href() attr:class="rounded text-blue-800 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                "Zur Startseite"
            </A>
        </p>
    }
}
