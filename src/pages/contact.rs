//! Contacts for the portal (from the MD portal's public page, seed 000).
use leptos::prelude::*;

use crate::components::page_title::set_page_title;

#[component]
pub fn Contact() -> impl IntoView {
    set_page_title("Kontakt");
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Wer sind Ihre Ansprechpartner?"</h1>
        <div class="mt-6 grid gap-6 md:grid-cols-2">
            <section aria-labelledby="kontakt-zentral" class="rounded-lg border border-slate-200 bg-white p-5">
                <h2 id="kontakt-zentral" class="text-lg font-semibold">"Zentrale E-Mail für Anfragen rund um das Portal"</h2>
                <p class="mt-2">
                    <a class="text-blue-800 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700" href="mailto:mdportal@md-nordrhein.de">
                        "mdportal@md-nordrhein.de"
                    </a>
                </p>
            </section>
            <section aria-labelledby="kontakt-fachlich" class="rounded-lg border border-slate-200 bg-white p-5">
                <h2 id="kontakt-fachlich" class="text-lg font-semibold">"Fachliche Ansprechpartner im Medizinischen Dienst Nordrhein"</h2>
                <ul class="mt-2 space-y-2">
                    <li>"Gregor Gluch (Stationäre Versorgung), Telefon: 0211 1382 - 423"</li>
                    <li>"Mathias Rosendahl (Psychiatrie, Psychotherapie und Psychosomatik), Telefon: 0211 1382 - 492"</li>
                </ul>
            </section>
            <section aria-labelledby="kontakt-technik" class="rounded-lg border border-slate-200 bg-white p-5">
                <h2 id="kontakt-technik" class="text-lg font-semibold">"Technischer Ansprechpartner im Medizinischen Dienst Nordrhein"</h2>
                <p class="mt-2">"Richard Woitaschik (Bereich IT), Telefon: 0211 1382 - 172"</p>
            </section>
            <section aria-labelledby="kontakt-hersteller" class="rounded-lg border border-slate-200 bg-white p-5">
                <h2 id="kontakt-hersteller" class="text-lg font-semibold">"Ansprechpartner für Systemhersteller zur Software-Schnittstelle"</h2>
                <p class="mt-2">"MDK-IT GmbH, Avni Troni, Telefon: 030 959 99 98 - 70"</p>
                <p class="mt-1">
                    "E-Mail: "
                    <a class="text-blue-800 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700" href="mailto:kontakt@mdk-it.gmbh">
                        "kontakt@mdk-it.gmbh"
                    </a>
                </p>
            </section>
        </div>
    }
}
