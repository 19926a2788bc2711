//! `/arztverzeichnis/geschaeftsstelle`: the directory office's work — clarifications (accept the
//! hospital's or the registry's value, ask for a document), the site directory import (dry run
//! first) and a search in the central registry.
use le_domain::api::directory::{
    AcceptedSide, Clarification, ClarificationState, DocumentRequest, RegistryPerson,
    ResolveRequest, SiteImportReport, SiteImportRequest,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::clarifications::{case_state, differences_table};
use crate::api::{ApiFailure, Load, directory as api};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, FileInput, INPUT_CLASS, LABEL_CLASS, LINK_CLASS,
    Notice,
};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;

#[component]
pub fn OfficePage() -> impl IntoView {
    set_page_title("Geschäftsstelle Arztverzeichnis");
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Geschäftsstelle Arztverzeichnis"</h1>
        <OfficeClarifications />
        <SiteImport />
        <RegistrySearch />
    }
}

#[component]
fn OfficeClarifications() -> impl IntoView {
    let cases: Load<Vec<Clarification>> = Load::new(api::office_clarifications);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let done = move |answer: Result<Clarification, ApiFailure>, ok: &'static str| {
        if answer.is_ok() {
            notice.set(Some(Ok(ok.to_owned())));
            cases.reload();
        }
    };
    let resolve_call = Mutation::with_notice(
        notice,
        |csrf, (id, accept): (i64, AcceptedSide)| async move {
            api::office_resolve(&csrf, id, &ResolveRequest { accept }).await
        },
        move |answer| done(answer, "Klärung abgeschlossen."),
    );
    let ask_call = Mutation::with_notice(
        notice,
        |csrf, (id, message): (i64, String)| async move {
            api::office_request_document(&csrf, id, &DocumentRequest { message }).await
        },
        move |answer| done(answer, "Dokumentkopie angefordert."),
    );
    let resolve = move |id: i64, accept: AcceptedSide| {
        resolve_call.run((id, accept));
    };
    let ask = move |id: i64, message: String| {
        ask_call.run((id, message));
    };

    view! {
        <section class="mt-6" aria-labelledby="gs-klaerungen">
            <h2 id="gs-klaerungen" class="text-xl font-semibold text-blue-950">"Klärungen"</h2>
            <div class="mt-2"><Notice message=notice /></div>
            {move || match cases.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => view! { <p role="alert" class="mt-4 text-red-800">{failure.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="mt-4">"Keine Klärungen."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="mt-4 space-y-4">
                        {list.into_iter().map(|case| {
                            let id = case.id;
                            let open = case.state != ClarificationState::Resolved;
                            let message = RwSignal::new(String::new());
                            let message_id = format!("gs-nachricht-{id}");
                            view! {
                                <li class=CARD_CLASS data-testid="office-clarification">
                                    <h3 class="text-lg font-semibold text-blue-950">
                                        {format!("{} – {} (IK {})", case.physician_name, case.hospital_name, case.main_ik)}
                                    </h3>
                                    <p class="text-slate-700">{case_state(&case)}</p>
                                    <p class="text-slate-700">"ANR im Register: " <span class="font-mono">{case.registry_anr.clone().unwrap_or_default()}</span></p>
                                    {differences_table(&case)}
                                    {case.document_available.then(|| view! {
                                        <p class="mt-2"><a href=api::office_document_url(id) class=LINK_CLASS target="_blank" rel="noopener">"Dokumentkopie öffnen"</a></p>
                                    })}
                                    {open.then(|| view! {
                                        <div class="mt-4 flex flex-wrap gap-4">
                                            <button type="button" class=BUTTON_PRIMARY on:click=move |_| resolve(id, AcceptedSide::Directory)
                                                aria-label=format!("Angaben des Krankenhauses übernehmen: {}", case.physician_name)>
                                                "Angaben des Krankenhauses übernehmen"
                                            </button>
                                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| resolve(id, AcceptedSide::Registry)
                                                aria-label=format!("Angaben der Vergabestelle (Register) übernehmen: {}", case.physician_name)>
                                                "Angaben der Vergabestelle (Register) übernehmen"
                                            </button>
                                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| resolve(id, AcceptedSide::DifferentPerson)>
                                                "Andere Person – neue Arztnummer vergeben"
                                            </button>
                                        </div>
                                        <div class="mt-4 flex flex-wrap items-end gap-4">
                                            <div>
                                                <label for=message_id.clone() class=LABEL_CLASS>"Nachricht an das Krankenhaus"</label>
                                                <input id=message_id type="text" class=INPUT_CLASS prop:value=move || message.get()
                                                    on:input=move |ev| message.set(event_target_value(&ev)) />
                                            </div>
                                            <button type="button" class=BUTTON_SECONDARY
                                                disabled=move || message.with(|m| m.trim().is_empty())
                                                aria-label=format!("Dokumentkopie anfordern: {}", case.physician_name)
                                                on:click=move |_| ask(id, message.get_untracked())>
                                                "Dokumentkopie anfordern"
                                            </button>
                                        </div>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SiteImport() -> impl IntoView {
    let csv = RwSignal::new(None::<String>);
    let report = RwSignal::new(None::<SiteImportReport>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let line_errors = RwSignal::new(Vec::<String>::new());
    let current: Load<le_domain::api::directory::SiteList> = Load::new(api::office_sites);
    let import = Mutation::with_notice(
        notice,
        |csrf, request: SiteImportRequest| async move { api::office_site_import(&csrf, &request).await },
        move |answer| match answer {
            Ok(r) => {
                if r.applied {
                    notice.set(Some(Ok("Standortverzeichnis übernommen.".to_owned())));
                    current.reload();
                }
                report.set(Some(r));
            }
            Err(failure) => {
                line_errors.set(
                    failure
                        .fields
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect(),
                );
                report.set(None);
            }
        },
    );
    let current_count = move || match current.get() {
        None => "Standorte werden geladen …".to_owned(),
        Some(Ok(list)) => format!("Das Verzeichnis enthält {} Standorte.", list.sites.len()),
        Some(Err(failure)) => failure.message,
    };
    let run = move |dry_run: bool| {
        let Some(text) = csv.get_untracked() else {
            return;
        };
        notice.set(None);
        line_errors.set(Vec::new());
        import.run(SiteImportRequest { csv: text, dry_run });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        report.set(None);
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                csv.set(text);
                run(true);
            });
        }
    };
    view! {
        <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="gs-standorte">
            <h2 id="gs-standorte" class="text-xl font-semibold text-blue-950">"Standortverzeichnis importieren"</h2>
            <p class="mt-2 text-slate-700">{current_count}</p>
            <div class="mt-4">
                <label for="gs-standorte-datei" class=LABEL_CLASS>"Datei des Standortverzeichnisses (zuerst Probelauf)"</label>
                <FileInput id="gs-standorte-datei" accept=".csv,text/csv,text/plain" on_change=Callback::new(on_file) />
            </div>
            <div class="mt-4"><Notice message=notice /></div>
            <ul class="mt-2 list-disc pl-6 text-red-800" data-testid="site-import-errors">
                {move || line_errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            {move || report.get().map(|r| {
                let applied = r.applied;
                let list = |label: &'static str, items: Vec<String>| view! {
                    <p class="mt-2"><strong>{format!("{label}: {}", items.len())}</strong>
                        {(!items.is_empty()).then(|| format!(" ({})", items.join(", ")))}
                    </p>
                };
                view! {
                    <div data-testid="site-import-report">
                        <p class="mt-4 font-medium">{if applied { "Ergebnis" } else { "Probelauf" }}</p>
                        {list("neu", r.new)}
                        {list("geändert", r.changed)}
                        {list("entfernt", r.removed)}
                        <p class="mt-2">{format!("unverändert: {}", r.unchanged)}</p>
                        {(!applied).then(|| view! {
                            <button type="button" class=format!("mt-4 {BUTTON_PRIMARY}") on:click=move |_| run(false)>
                                "Import ausführen"
                            </button>
                        })}
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn RegistrySearch() -> impl IntoView {
    let query = RwSignal::new(String::new());
    // The submitted search (none before the first): the results load whenever it changes.
    let submitted = RwSignal::new(None::<String>);
    let results: Load<Vec<RegistryPerson>> = Load::new(move || {
        let q = submitted.get();
        async move {
            match q {
                Some(q) => api::office_registry(&q).await,
                None => Err(ApiFailure::none()),
            }
        }
    });
    let search = move || {
        let q = query.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        if submitted.get_untracked().as_deref() == Some(q.as_str()) {
            results.reload();
        } else {
            submitted.set(Some(q));
        }
    };
    view! {
        <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="gs-register">
            <h2 id="gs-register" class="text-xl font-semibold text-blue-950">"Register durchsuchen"</h2>
            <form role="search" class="mt-4 flex flex-wrap items-end gap-4" on:submit=move |ev| {
                ev.prevent_default();
                search();
            }>
                <div>
                    <label for="gs-register-suche" class=LABEL_CLASS>"Name oder ANR"</label>
                    <input id="gs-register-suche" type="search" class=INPUT_CLASS prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class=BUTTON_PRIMARY>"Suchen"</button>
            </form>
            {move || results.get().map(|r| match r {
                Err(failure) if failure.code == "none" => ().into_any(),
                Err(failure) => view! { <p role="alert" class="mt-4 text-red-800">{failure.message}</p> }.into_any(),
                Ok(people) if people.is_empty() => view! { <p role="status" class="mt-4">"Keine Treffer."</p> }.into_any(),
                Ok(people) => view! {
                    <table class="mt-4 w-full text-left" data-testid="registry-results">
                        <caption class="sr-only">"Treffer im Register"</caption>
                        <thead><tr>
                            <th scope="col" class="pr-4">"ANR"</th>
                            <th scope="col" class="pr-4">"Name"</th>
                            <th scope="col" class="pr-4">"Geburtsdatum"</th>
                            <th scope="col">"Quelle"</th>
                        </tr></thead>
                        <tbody>
                            {people.into_iter().map(|p| {
                                let birth = le_domain::directory::Date::parse(&p.birth_date)
                                    .map(|d| d.to_german())
                                    .unwrap_or(p.birth_date);
                                view! {
                                    <tr class="border-t border-slate-200">
                                        <td class="pr-4 font-mono">{p.anr}</td>
                                        <td class="pr-4">{format!("{}, {}", p.last_name, p.first_name)}</td>
                                        <td class="pr-4">{birth}</td>
                                        <td>{p.source}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </section>
    }
}
