//! Staff with their worker numbers (LBNR or substitute number with its reason), and the CSV
//! import (checked as a dry run first, then taken all or nothing).
use le_domain::api::care_billing::{StaffImportReport, StaffImportRequest};
use le_domain::care_billing::STAFF_CSV_COLUMNS;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, Load};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, HINT_CLASS, INPUT_CLASS, LABEL_CLASS, Notice,
};
use crate::components::mutation::Mutation;

/// What an import's answer says: how many rows are wrong, taken or could be taken.
fn import_message(r: &StaffImportReport) -> Result<String, String> {
    if !r.errors.is_empty() {
        Err(format!(
            "{} Zeilen sind fehlerhaft; nichts wurde übernommen.",
            r.errors.len()
        ))
    } else if r.applied {
        Ok(format!("{} Personen übernommen.", r.added))
    } else {
        Ok(format!(
            "Geprüft: {} Personen können übernommen werden.",
            r.added
        ))
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let staff = Load::new(api::care_billing::staff);
    let csv = RwSignal::new(String::new());
    let report = RwSignal::new(None::<StaffImportReport>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let import = Mutation::with_notice(
        notice,
        |csrf, req: StaffImportRequest| async move {
            api::care_billing::import_staff(&csrf, &req).await
        },
        move |answer: Result<StaffImportReport, ApiFailure>| {
            let Ok(r) = answer else { return };
            notice.set(Some(import_message(&r)));
            if r.applied {
                staff.reload();
            }
            report.set(Some(r));
        },
    );
    let run = move |dry_run: bool| {
        import.run(StaffImportRequest {
            csv: csv.get_untracked(),
            dry_run,
        });
    };
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Personal"</h1>
        <h2 id="personal-titel" class="mt-4 text-lg font-semibold">"Pflegekräfte"</h2>
        {move || match staff.get() {
            None => view! { <p role="status">"Wird geladen …"</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="text-red-800">{e.message}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="relative mt-2 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby="personal-titel" tabindex="0">
                    <table class="min-w-full text-left text-sm" data-testid="staff">
                        <thead class="bg-slate-100"><tr>
                            <th scope="col" class="px-3 py-2">"Name"</th>
                            <th scope="col" class="px-3 py-2">"LBNR"</th>
                            <th scope="col" class="px-3 py-2">"Art / Grund"</th>
                            <th scope="col" class="px-3 py-2">"LBNR-pflichtig"</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|m| view! {
                                <tr class="border-t border-slate-200">
                                    <td class="px-3 py-2">{format!("{}, {}", m.form.last_name, m.form.first_name)}</td>
                                    <td class="px-3 py-2 font-mono">{m.form.lbnr.clone()}</td>
                                    <td class="px-3 py-2">{if m.form.reason.is_empty() { m.number_label.clone() } else { format!("{}: {}", m.number_label, m.form.reason) }}</td>
                                    <td class="px-3 py-2">{if m.form.requires_lbnr { "ja" } else { "nein" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
        <section class=format!("mt-6 space-y-3 {CARD_CLASS}") aria-labelledby="csv-titel">
            <h2 id="csv-titel" class="text-lg font-semibold">"Import aus CSV"</h2>
            <label for="personal-csv" class=LABEL_CLASS>"CSV-Inhalt (Semikolon getrennt)"</label>
            <p id="personal-csv-hinweis" class=HINT_CLASS>{format!("Spalten: {}", STAFF_CSV_COLUMNS.join(";"))}</p>
            <textarea id="personal-csv" rows="6" class=format!("{INPUT_CLASS} max-w-2xl font-mono") aria-describedby="personal-csv-hinweis"
                prop:value=move || csv.get() on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
            <div class="flex flex-wrap gap-3">
                <button type="button" class=BUTTON_SECONDARY disabled=move || import.pending() on:click=move |_| run(true)>"Prüfen"</button>
                <button type="button" class=BUTTON_PRIMARY disabled=move || import.pending() on:click=move |_| run(false)>"Übernehmen"</button>
            </div>
            <Notice message=notice />
            <ul class="list-disc pl-6 text-red-800">
                {move || report.get().map(|r| r.errors.into_iter().map(|e| view! { <li>{format!("Zeile {}: {}", e.line, e.message)}</li> }).collect_view())}
            </ul>
        </section>
    }
}
