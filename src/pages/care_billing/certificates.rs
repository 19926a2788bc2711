//! The operator's import of the trust centre's public key list (the recipients' certificates).
use le_domain::api::care_billing::CertificateImportReport;
use leptos::prelude::*;

use super::keystore;
use crate::api::{self, ApiFailure, Load};
use crate::components::form::{
    BUTTON_PRIMARY, CARD_CLASS, FileInput, HINT_CLASS, LABEL_CLASS, Notice,
};
use crate::components::mutation::Mutation;

#[component]
pub fn CertificatesPage() -> impl IntoView {
    let list = Load::new(api::care_billing::certificates);
    let file = RwSignal::new(None::<web_sys::File>);
    let report = RwSignal::new(None::<CertificateImportReport>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let on_file = Callback::new(move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        file.set(input.files().and_then(|f| f.get(0)));
    });
    let importing = Mutation::with_notice(
        notice,
        |csrf, picked: web_sys::File| async move {
            let bytes = keystore::file_bytes(&picked)
                .await
                .map_err(ApiFailure::local)?;
            api::care_billing::import_certificates(&csrf, &bytes).await
        },
        move |answer: Result<CertificateImportReport, ApiFailure>| match answer {
            Ok(r) => {
                notice.set(Some(Ok(format!(
                    "{} Zertifikate übernommen, {} bereits bekannt, {} abgelehnt.",
                    r.added.len(),
                    r.unchanged,
                    r.skipped.len()
                ))));
                report.set(Some(r));
                list.reload();
            }
            Err(e) => {
                if let Some(field) = e.fields.first() {
                    notice.set(Some(Err(field.message.clone())));
                }
            }
        },
    );
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(picked) = file.get_untracked() else {
            notice.set(Some(Err("Bitte die Schlüsselliste wählen.".into())));
            return;
        };
        importing.run(picked);
    };
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Zertifikate der Datenannahmestellen"</h1>
        <form class=format!("mt-4 space-y-3 {CARD_CLASS}") on:submit=import aria-labelledby="liste-titel">
            <h2 id="liste-titel" class="text-lg font-semibold">"Schlüsselliste des Trust Centers einspielen"</h2>
            <label for="schluesselliste" class=LABEL_CLASS>"Datei (PEM, DER oder Base64-Liste)"</label>
            <p id="schluesselliste-hinweis" class=HINT_CLASS>"Abgelaufene Zertifikate und solche ohne IK werden nicht übernommen."</p>
            <FileInput id="schluesselliste" accept="" describedby="schluesselliste-hinweis" on_change=on_file testid="key-list" />
            <button type="submit" class=BUTTON_PRIMARY disabled=move || importing.pending()>"Einspielen"</button>
            <Notice message=notice />
            <ul class="list-disc pl-6">
                {move || report.get().map(|r| r.skipped.into_iter().map(|s| view! { <li>{format!("{}: {}", s.subject, s.reason)}</li> }).collect_view())}
            </ul>
        </form>
        <h2 id="zert-titel" class="mt-6 text-lg font-semibold">"Vorhandene Zertifikate"</h2>
        {move || match list.get() {
            None => view! { <p role="status">"Wird geladen …"</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="text-red-800">{e.message}</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <div class="relative mt-2 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby="zert-titel" tabindex="0">
                    <table class="min-w-full text-left text-sm" data-testid="certificates">
                        <thead class="bg-slate-100"><tr>
                            <th scope="col" class="px-3 py-2">"IK"</th>
                            <th scope="col" class="px-3 py-2">"Inhaber"</th>
                            <th scope="col" class="px-3 py-2">"Gültig bis"</th>
                            <th scope="col" class="px-3 py-2">"SHA-256"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|c| view! {
                                <tr class="border-t border-slate-200">
                                    <td class="px-3 py-2">{c.ik}</td>
                                    <td class="px-3 py-2">{c.subject}</td>
                                    <td class="px-3 py-2">{c.not_after}</td>
                                    <td class="break-all px-3 py-2 font-mono text-xs">{c.sha256}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
