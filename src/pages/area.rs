//! Preview of an area that is announced in the navigation but not yet available.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::page_title::set_page_title;
use crate::pages::not_found::NotFound;

/// (slug, title, what the area will offer)
const AREAS: &[(&str, &str, &str)] = &[
    (
        "pruefverfahren",
        "Prüfverfahren (MD-Portal)",
        "Der Medizinische Dienst stellt Prüfanzeigen und Unterlagenanforderungen mit Fristen bereit; Krankenhäuser laden die angeforderten Unterlagen als PDF hoch und erhalten eine Quittung. Dazu kommen Begehungslisten, Gutachten und Anträge auf Strukturprüfung.",
    ),
    (
        "arztverzeichnis",
        "Arztverzeichnis (KHANR-VZ)",
        "Krankenhäuser pflegen die Daten ihrer Ärztinnen und Ärzte je Standort, beantragen Arztnummern bei der zentralen Vergabestelle und ändern viele Einträge auf einmal.",
    ),
];

#[component]
pub fn AreaPreview() -> impl IntoView {
    let params = use_params_map();
    let area = Memo::new(move |_| {
        let slug = params.read().get("area").unwrap_or_default();
        AREAS.iter().find(|(s, _, _)| *s == slug).copied()
    });
    set_page_title("Bereich in Vorbereitung");
    move || {
        match area.get() {
        Some((_, title, text)) => view! {
            <h1 class="text-2xl font-bold text-blue-950">{title}</h1>
            <p class="mt-4 max-w-3xl text-slate-700">{text}</p>
            <p class="mt-6 max-w-3xl rounded border border-amber-300 bg-amber-50 p-4 text-amber-950">
                "Dieser Bereich ist in Vorbereitung und noch nicht freigeschaltet."
            </p>
        }
        .into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
    }
}
