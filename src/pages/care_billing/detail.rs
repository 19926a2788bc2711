//! One delivery: what was sent, the order file's fields in German, sending by e-mail or the two
//! downloads with the data-carrier note, paper receipts, error returns and the correction.
use le_domain::api::care_billing::{Delivery, ErrorReturnRequest};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiFailure, Load};
use crate::components::form::{BUTTON_PRIMARY, CARD_CLASS, LINK_CLASS, Notice, TextField};
use crate::components::mutation::Mutation;
use crate::routes::Route;

#[component]
pub fn DeliveryDetail(id: i64) -> impl IntoView {
    let loaded = Load::new(move || api::care_billing::delivery(id));
    let delivery = loaded.latest();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let sending = Mutation::with_notice(
        notice,
        move |csrf, ()| async move { api::care_billing::send_delivery(&csrf, id).await },
        move |answer: Result<Delivery, ApiFailure>| {
            if let Ok(d) = answer {
                notice.set(Some(Ok(format!(
                    "Per E-Mail an {} gesendet.",
                    d.sent_to.unwrap_or_default()
                ))));
                loaded.reload();
            }
        },
    );
    let send = move |_| {
        notice.set(None);
        sending.run(());
    };
    let error_number = RwSignal::new(String::new());
    let error_action = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let field_error = RwSignal::new(Vec::<le_domain::FieldError>::new());
    let err_of = move |f: &'static str| {
        Signal::derive(move || {
            field_error.with(|e| e.iter().find(|e| e.field == f).map(|e| e.message.clone()))
        })
    };
    let recording = Mutation::with_notice(
        notice,
        move |csrf, req: ErrorReturnRequest| async move {
            api::care_billing::record_error_return(&csrf, id, &req).await
        },
        move |answer: Result<Delivery, ApiFailure>| match answer {
            Ok(_) => {
                notice.set(Some(Ok("Die Fehlerrückmeldung ist vermerkt.".into())));
                loaded.reload();
            }
            Err(e) => field_error.set(e.fields),
        },
    );
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, a) = (
            ErrorReturnRequest::parse_code("error_number", &error_number.get_untracked()),
            ErrorReturnRequest::parse_code("error_action", &error_action.get_untracked()),
        );
        let request = match (n, a) {
            (Ok(error_number), Ok(error_action)) => ErrorReturnRequest {
                error_number,
                error_action,
                note: note.get_untracked(),
            },
            (n, a) => {
                field_error.set([n.err(), a.err()].into_iter().flatten().collect());
                return;
            }
        };
        let errors = request.validate();
        field_error.set(errors.clone());
        if errors.is_empty() {
            recording.run(request);
        }
    };
    view! {
        {move || match delivery.get() {
            None => view! { <h1 class="text-2xl font-bold text-blue-950">"Lieferung"</h1><p role="status">"Wird geladen …"</p> }.into_any(),
            Some(Err(e)) => view! { <h1 class="text-2xl font-bold text-blue-950">"Lieferung"</h1><p role="alert" class="text-red-800">{e.message}</p> }.into_any(),
            Some(Ok(d)) => view! {
                <h1 class="text-2xl font-bold text-blue-950">{format!("Lieferung {}", d.payload_file_name)}</h1>
                <dl class="mt-4 grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]" data-testid="delivery-summary">
                    <dt class="font-medium text-slate-700">"Transfernummer"</dt><dd>{format!("{:03}", d.transfer_number)}</dd>
                    <dt class="font-medium text-slate-700">"Leistungsart"</dt><dd>{format!("{} {}", d.kind, d.kind_label)}</dd>
                    <dt class="font-medium text-slate-700">"Abrechnungsmonat"</dt><dd>{d.month.clone()}</dd>
                    <dt class="font-medium text-slate-700">"Verfahren"</dt><dd>{d.procedure.label()}</dd>
                    <dt class="font-medium text-slate-700">"Absender-IK"</dt><dd>{d.branch_ik.clone()}</dd>
                    <dt class="font-medium text-slate-700">"Größe"</dt><dd>{format!("{} Bytes Nutzdaten, {} Bytes verschlüsselt", d.payload_size, d.transfer_size)}</dd>
                    <dt class="font-medium text-slate-700">"SHA-256"</dt><dd class="break-all font-mono text-xs">{d.sha256.clone()}</dd>
                    <dt class="font-medium text-slate-700">"Angelegt"</dt><dd>{format!("{} von {}", d.created_at, d.created_by)}</dd>
                    <dt class="font-medium text-slate-700">"Papierbelege an"</dt><dd>{d.paper_receipts.clone()}</dd>
                    <dt class="font-medium text-slate-700">"E-Mail"</dt>
                    <dd data-testid="sent">{match (&d.sent_at, &d.sent_to) { (Some(at), Some(to)) => format!("gesendet {at} an {to}"), _ => "noch nicht gesendet".to_owned() }}</dd>
                    {d.correction_of.map(|c| view! { <dt class="font-medium text-slate-700">"Korrigiert"</dt><dd><A href=Route::CareDelivery { id: c }.href() attr:class=LINK_CLASS>{format!("Lieferung {c}")}</A></dd> })}
                </dl>
                <section class=format!("mt-6 space-y-3 {CARD_CLASS}") aria-labelledby="versand-titel">
                    <h2 id="versand-titel" class="text-lg font-semibold">"Versand"</h2>
                    <button type="button" class=BUTTON_PRIMARY disabled=move || sending.pending() || delivery.with(|d| matches!(d, Some(Ok(d)) if d.sent_at.is_some())) on:click=send>"Per E-Mail an die Datenannahmestelle senden"</button>
                    <p>"Oder beide Dateien herunterladen und auf einem Datenträger senden:"</p>
                    <ul class="list-disc pl-6">
                        <li><a class=LINK_CLASS href=format!("/api/v1/care/deliveries/{}/payload", d.id) download=d.payload_file_name.clone()>{format!("Verschlüsselte Datei {}", d.payload_file_name)}</a></li>
                        <li><a class=LINK_CLASS href=format!("/api/v1/care/deliveries/{}/order-file", d.id) download=d.order_file_name.clone()>{format!("Auftragsdatei {}", d.order_file_name)}</a></li>
                    </ul>
                    <p class="text-slate-700" data-testid="data-carrier">{d.data_carrier.clone()}</p>
                    <Notice message=notice />
                </section>
                <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="auftrag-titel">
                    <h2 id="auftrag-titel" class="text-lg font-semibold">"Auftragsdatei"</h2>
                    <div class="relative mt-3 overflow-x-auto" role="region" aria-label="Felder der Auftragsdatei" tabindex="0">
                        <table class="min-w-full text-left text-sm" data-testid="order-fields">
                            <thead class="bg-slate-100"><tr>
                                <th scope="col" class="px-2 py-1">"Feld"</th>
                                <th scope="col" class="px-2 py-1">"Stelle"</th>
                                <th scope="col" class="px-2 py-1">"Inhalt"</th>
                            </tr></thead>
                            <tbody>
                                {d.order_fields.iter().map(|f| view! {
                                    <tr class="border-t border-slate-200">
                                        <td class="px-2 py-1">{f.label.clone()}</td>
                                        <td class="px-2 py-1">{format!("{}–{}", f.offset, f.offset + f.len - 1)}</td>
                                        <td class="whitespace-pre px-2 py-1 font-mono">{f.value.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class=format!("mt-6 space-y-3 {CARD_CLASS}") aria-labelledby="fehler-titel">
                    <h2 id="fehler-titel" class="text-lg font-semibold">"Fehlerrückmeldung der Datenannahmestelle"</h2>
                    {d.error_return.clone().map(|e| view! {
                        <p data-testid="error-return">{format!("Fehlernummer {}, Maßnahme {} ({}). {}", e.error_number, e.error_action, e.recorded_at, e.note)}</p>
                        <A href=Route::CareNew.href_with(&format!("korrektur={}", d.id)) attr:class=LINK_CLASS>"Korrekturlieferung anlegen"</A>
                    })}
                    <form class="space-y-3" on:submit=record>
                        <TextField id="fehlernummer" label="Fehlernummer" value=error_number error=err_of("error_number") inputmode="numeric" />
                        <TextField id="fehlermassnahme" label="Fehlermaßnahme" value=error_action error=err_of("error_action") inputmode="numeric" />
                        <TextField id="fehlernotiz" label="Notiz" value=note error=err_of("note") />
                        <button type="submit" class=BUTTON_PRIMARY disabled=move || recording.pending()>"Fehlerrückmeldung vermerken"</button>
                    </form>
                </section>
            }.into_any(),
        }}
    }
}
