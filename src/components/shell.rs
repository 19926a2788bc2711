//! The app shell: skip link, header with product name and navigation, main region, footer.
use leptos::prelude::*;
use leptos_router::components::A;

/// Navigation entries: (path, label). Areas that are not built yet lead to their preview page.
const NAV: &[(&str, &str)] = &[
    ("/", "Startseite"),
    ("/nummernpruefung", "Nummernprüfung"),
    ("/bereich/pruefverfahren", "Prüfverfahren"),
    ("/bereich/arztverzeichnis", "Arztverzeichnis"),
    ("/bereich/pflegeabrechnung", "Pflegeabrechnung"),
];

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <a
            href="#inhalt"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-blue-900 focus:ring-2 focus:ring-blue-700"
        >
            "Zum Inhalt springen"
        </a>
        <div class="flex min-h-screen flex-col bg-slate-50 text-slate-900">
            <header class="border-b border-slate-200 bg-white">
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
                    <A href="/" attr:class="flex flex-col rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                        <span class="text-xl font-bold text-blue-900">"LE-Portal"</span>
                        <span class="text-sm text-slate-600">"Leistungserbringerportal"</span>
                    </A>
                    <nav aria-label="Hauptnavigation">
                        <ul class="flex flex-wrap gap-1">
                            {NAV
                                .iter()
                                .map(|(href, label)| {
                                    view! {
                                        <li>
                                            <A
                                                href=*href
                                                exact=true
                                                attr:class="block rounded px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 aria-[current=page]:bg-blue-50 aria-[current=page]:text-blue-900"
                                            >
                                                {*label}
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </nav>
                </div>
            </header>
            <main id="inhalt" tabindex="-1" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none">
                {children()}
            </main>
            <footer class="border-t border-slate-200 bg-white">
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4 text-sm text-slate-600">
                    <p>"LE-Portal – Datenaustausch zwischen Medizinischen Diensten, Krankenhäusern und Pflegediensten"</p>
                    <A href="/kontakt" attr:class="rounded font-medium text-blue-800 underline hover:text-blue-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                        "Kontakt und Ansprechpartner"
                    </A>
                </div>
            </footer>
        </div>
    }
}
