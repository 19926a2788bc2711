//! The delivery log with filters (month, kind, test/real, state), kept in the URL.
use le_domain::care_billing::KindCatalog;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, Load, access::encode};
use crate::components::form::{INPUT_CLASS, LABEL_CLASS, LINK_CLASS};
use crate::routes::Route;

#[component]
pub fn DeliveryLog() -> impl IntoView {
    let month = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let list = Load::new(move || {
        let query = format!(
            "month={}&kind={}&procedure={}&state={}",
            encode(&month.get()),
            encode(&kind.get()),
            encode(&procedure.get()),
            encode(&state.get())
        );
        async move { api::care_billing::deliveries(&query).await }
    });
    let select = |id: &'static str,
                  label: &'static str,
                  value: RwSignal<String>,
                  options: Vec<(String, String)>| {
        view! {
            <div>
                <label for=id class=LABEL_CLASS>{label}</label>
                <select id=id class=INPUT_CLASS prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">"alle"</option>
                    {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let kinds: Vec<(String, String)> = KindCatalog::builtin()
        .kinds()
        .iter()
        .map(|k| (k.code.clone(), format!("{} {}", k.code, k.label)))
        .collect();
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Lieferungen"</h1>
        <p class="mt-2 text-slate-700">
            <A href=Route::CareNew.href() attr:class=LINK_CLASS>"Neue Lieferung anlegen"</A>
        </p>
        <form class="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4" role="search" aria-label="Lieferungen filtern" on:submit=|ev| ev.prevent_default()>
            <div>
                <label for="filter-monat" class=LABEL_CLASS>"Abrechnungsmonat"</label>
                <input id="filter-monat" type="month" class=INPUT_CLASS prop:value=move || month.get() on:change=move |ev| month.set(event_target_value(&ev)) />
            </div>
            {select("filter-art", "Leistungsart", kind, kinds)}
            {select("filter-verfahren", "Verfahren", procedure, vec![("TPFL0".into(), "Testverfahren".into()), ("EPFL0".into(), "Echtverfahren".into())])}
            {select("filter-stand", "Stand", state, vec![("ok".into(), "ohne Fehlerrückmeldung".into()), ("error".into(), "mit Fehlerrückmeldung".into())])}
        </form>
        <h2 id="lieferungen-titel" class="sr-only">"Liste der Lieferungen"</h2>
        {move || match list.get() {
            None => view! { <p class="mt-4 text-slate-700" role="status">"Wird geladen …"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="mt-4 text-red-800" role="alert">{e.message}</p> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! { <p class="mt-4 text-slate-700" data-testid="no-deliveries">"Keine Lieferungen."</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <div class="relative mt-4 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby="lieferungen-titel" tabindex="0">
                    <table class="min-w-full text-left text-sm" data-testid="delivery-log">
                        <thead class="bg-slate-100 text-slate-800">
                            <tr>
                                <th scope="col" class="px-3 py-2">"Datei"</th>
                                <th scope="col" class="px-3 py-2">"Monat"</th>
                                <th scope="col" class="px-3 py-2">"Leistungsart"</th>
                                <th scope="col" class="px-3 py-2">"Verfahren"</th>
                                <th scope="col" class="px-3 py-2">"Stand"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|d| {
                                let state = match (&d.error_return, &d.sent_at) {
                                    (Some(e), _) => format!("Fehler {} (Maßnahme {})", e.error_number, e.error_action),
                                    (None, Some(_)) => "per E-Mail gesendet".to_owned(),
                                    (None, None) => "bereitgestellt".to_owned(),
                                };
                                view! {
                                    <tr class="border-t border-slate-200">
                                        <td class="px-3 py-2"><A href=Route::CareDelivery { id: d.id }.href() attr:class=LINK_CLASS>{d.payload_file_name.clone()}</A></td>
                                        <td class="px-3 py-2">{d.month.clone()}</td>
                                        <td class="px-3 py-2">{format!("{} {}", d.kind, d.kind_label)}</td>
                                        <td class="px-3 py-2">{d.procedure.label()}</td>
                                        <td class="px-3 py-2">{state}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
