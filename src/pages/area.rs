//! Preview of the care billing area, announced in the navigation but not yet live.
use leptos::prelude::*;

use crate::components::page_title::set_page_title;

#[component]
pub fn CareBillingPreview() -> impl IntoView {
    set_page_title("Bereich in Vorbereitung");
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Pflegeabrechnung (§ 105 SGB XI)"</h1>
        <p class="mt-4 max-w-3xl text-slate-700">
            "Pflegedienste prüfen ihre Abrechnungslieferungen, ordnen sie dem zuständigen Empfänger zu und stellen sie mit Auftragsdatei verschlüsselt bereit."
        </p>
        <p class="mt-6 max-w-3xl rounded border border-amber-300 bg-amber-50 p-4 text-amber-950">
            "Dieser Bereich ist in Vorbereitung und noch nicht freigeschaltet."
        </p>
    }
}
