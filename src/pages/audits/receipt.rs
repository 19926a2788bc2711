//! `/pruefverfahren/quittung/{id}`: the printable proof of a delivery (window.print(), print
//! styles hide the navigation), with the hospital's acknowledgement of the receipt.
use le_domain::api::audits::Receipt;
use leptos::prelude::*;

use super::shared::{FileTable, can_act, current_role, document_state_key, is_audit_user};
use crate::api;
use crate::components::data::{DefList, row};
use crate::components::form::{BUTTON_PRIMARY, BUTTON_SECONDARY, Notice};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::format;

#[component]
pub fn ReceiptPage(id: i64) -> impl IntoView {
    view! {
        <RequireSession allowed=is_audit_user>
            <ReceiptView id=id />
        </RequireSession>
    }
}

#[component]
fn ReceiptView(id: i64) -> impl IntoView {
    set_page_title("Quittung");
    let receipt = api::Load::new(move || api::audits::receipt(id));
    // Shown after the reload that follows the acknowledgement (the document is rebuilt).
    let notice = RwSignal::new(None::<Result<String, String>>);
    view! {
        {move || match receipt.get() {
            None => view! { <p role="status" class="text-slate-600">"Wird geladen …"</p> }.into_any(),
            Some(Err(failure)) => {
                view! {
                    <h1 class="text-2xl font-bold text-blue-950">"Quittung"</h1>
                    <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p>
                }
                .into_any()
            }
            Some(Ok(r)) => view! { <ReceiptDocument receipt=r reload=receipt notice=notice /> }.into_any(),
        }}
    }
}

#[component]
fn ReceiptDocument(
    receipt: Receipt,
    reload: api::Load<Receipt>,
    notice: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let session = Session::use_context();
    let open = receipt.acknowledged_at.is_none();
    let may_acknowledge = move || open && current_role(session).is_some_and(can_act);
    let delivery_id = receipt.delivery_id;
    let acknowledge = Mutation::with_notice(
        notice,
        move |csrf, ()| async move { api::audits::acknowledge(&csrf, delivery_id).await },
        move |answer| {
            if answer.is_ok() {
                notice.set(Some(Ok("Empfang der Quittung bestätigt.".to_owned())));
                reload.reload();
            }
        },
    );
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let documents = receipt
        .documents
        .iter()
        .map(|d| d.label.clone())
        .collect::<Vec<_>>()
        .join(", ");
    // Times as the server states them in German local time (the visitor's zone plays no part).
    let acknowledged = match (&receipt.acknowledged_at_local, &receipt.acknowledged_by) {
        (Some(at), Some(by)) => format!("{at} von {by}"),
        (Some(at), None) => at.clone(),
        _ => "noch nicht bestätigt".to_owned(),
    };
    view! {
        <article class="max-w-4xl rounded-lg border border-slate-200 bg-white p-6 shadow-sm print:border-0 print:p-0 print:shadow-none" data-testid="receipt">
            <h1 class="text-2xl font-bold text-blue-950">"Quittung über die Lieferung von Unterlagen"</h1>
            <p class="mt-1 text-lg text-slate-900">
                <span class="font-medium">"Quittungsnummer: "</span>
                <span class="font-semibold" data-testid="receipt-number">{receipt.receipt_number.clone()}</span>
            </p>
            <DefList
                class="mt-4"
                rows=vec![
                    row("Krankenhaus", format!("{} (IK {})", receipt.hospital_name, receipt.hospital_ik)),
                    row("Standort", receipt.site_number.clone().unwrap_or_else(|| "–".to_owned())),
                    row("Aufnahmenummer", receipt.admission_number.clone()),
                    row("Rechnungsnummer", receipt.invoice_number.clone()),
                    row("Aufenthalt", format!("{} bis {}", receipt.admission_date, receipt.discharge_date)),
                    row("Krankenkasse (IK)", receipt.insurer_ik.clone()),
                    row("Prüfgegenstand", receipt.subject.clone()),
                    row("Angeforderte Unterlagen", documents),
                    row("Eingang der Anforderung", receipt.received_date.to_string()),
                    row("Frist", format!("{} (Nachfrist bis {})", receipt.due, receipt.late_until)),
                    ("Abgesendet", format!("{} von {}", receipt.submitted_at_local, receipt.submitted_by), Some("submitted-at")),
                    ("Fristenstand", receipt.lateness_label.clone(), Some("lateness")),
                    ("Empfang bestätigt", acknowledged, Some("acknowledged")),
                    row("Gesamtgröße", format::file_size(i64::try_from(receipt.total_size).unwrap_or(i64::MAX))),
                    row("Quittung erstellt", receipt.created_at_local.clone()),
                ]
            />
            <h2 class="mt-6 text-xl font-semibold text-slate-900">"Stand der angeforderten Unterlagen"</h2>
            <ul class="mt-1 space-y-1 text-slate-900" data-testid="receipt-documents">
                {receipt.document_states.iter().map(|d| view! {
                    <li data-testid="document-state" data-state=document_state_key(d.state)>
                        {format!("{}: {}", d.label, d.state_label)}
                        {d.reason.clone().map(|r| format!(" (Begründung: {r})"))}
                    </li>
                }).collect_view()}
            </ul>
            <h2 class="mt-6 text-xl font-semibold text-slate-900">"Gelieferte Dateien"</h2>
            <FileTable files=receipt.files.clone() />
            <div class="mt-6 flex flex-wrap gap-3 print:hidden">
                <button type="button" class=BUTTON_SECONDARY on:click=print>"Drucken"</button>
                <a class=BUTTON_SECONDARY href=api::audits::receipt_pdf_url(delivery_id) download=format!("Quittung-{}.pdf", receipt.receipt_number) data-testid="receipt-pdf">"Als PDF herunterladen"</a>
                {may_acknowledge().then(|| view! {
                    <button type="button" class=BUTTON_PRIMARY disabled=move || acknowledge.pending() on:click=move |_| { acknowledge.run(()); }
                        aria-describedby="quittung-bestaetigen-hinweis" data-testid="acknowledge">
                        "Empfang der Quittung bestätigen"
                    </button>
                    <p id="quittung-bestaetigen-hinweis" class="basis-full text-sm text-slate-700">
                        "Damit bestätigen Sie für Ihr Krankenhaus, dass Ihnen diese Quittung über die gelieferten Unterlagen vorliegt. "
                        "Der Medizinische Dienst sieht die Bestätigung mit Datum und Ihrem Namen."
                    </p>
                })}
            </div>
            <div class="mt-3 print:hidden"><Notice message=notice /></div>
        </article>
    }
}
