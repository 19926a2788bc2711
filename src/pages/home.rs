//! Start page: what the portal does, and the way in to each area.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_title::set_page_title;
use crate::routes::Route;

#[component]
pub fn Home() -> impl IntoView {
    set_page_title("Startseite");
    view! {
        // Break opportunities: the long compound may wrap on a phone instead of running off the
        // page (the text itself stays one word for screen readers and search).
        <h1 class="text-2xl font-bold break-words text-blue-950 sm:text-3xl">"Das Leistungs"<wbr />"erbringer"<wbr />"portal"</h1>
        <p class="mt-4 max-w-3xl text-lg text-slate-700">
            "Über das LE-Portal tauschen Medizinische Dienste, Krankenhäuser und Pflegedienste Daten und Dokumente elektronisch aus: "
            "Unterlagen zur Abrechnungsprüfung, das Krankenhausarztnummernverzeichnis und die Pflegeabrechnung nach § 105 SGB XI."
        </p>
        <section aria-labelledby="bereiche" class="mt-10">
            <h2 id="bereiche" class="text-xl font-semibold text-slate-900">"Bereiche"</h2>
            <ul class="mt-4 grid gap-4 md:grid-cols-2">
                <AreaCard
                    href=Route::NumberCheck
                    title="Nummernprüfung"
                    text="Arztnummer, Institutionskennzeichen, Standortnummer oder Beschäftigtennummer sofort prüfen – ohne Anmeldung."
                />
                <AreaCard
                    href=Route::Audits
                    title="Prüfverfahren (MD-Portal)"
                    text="Prüfanzeigen, Unterlagenanforderungen mit Fristen, Uploads mit Quittung, Begehungslisten, Gutachten und Strukturprüfungen."
                />
                <AreaCard
                    href=Route::Directory
                    title="Arztverzeichnis (KHANR-VZ)"
                    text="Ärztinnen und Ärzte je Standort pflegen, Arztnummern beantragen, Abweichungen klären, viele Einträge auf einmal ändern."
                />
                <AreaCard
                    href=Route::CareBilling
                    title="Pflegeabrechnung (§ 105 SGB XI)"
                    text="Abrechnungslieferungen prüfen, dem richtigen Empfänger zuordnen und mit Auftragsdatei verschlüsselt bereitstellen."
                />
            </ul>
        </section>
    }
}

#[component]
fn AreaCard(href: Route, title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h3 class="text-lg font-semibold">
                <A href=href.href() attr:class="rounded text-blue-800 underline hover:text-blue-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                    {title}
                </A>
            </h3>
            <p class="mt-2 text-slate-700">{text}</p>
        </li>
    }
}
