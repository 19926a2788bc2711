//! `/pruefverfahren/begehungen`: inspection lists. The MD announces an on-site audit (date,
//! hospital, site, the cases to prepare); the hospital sees its announced inspections.
use le_domain::Ik;
use le_domain::api::audits::{Inspection, InspectionForm};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::shared::{current_role, is_audit_user, is_md};
use crate::api;
use crate::components::form::{
    BUTTON_PRIMARY, CARD_CLASS, ERROR_CLASS, INPUT_CLASS, LABEL_CLASS, Notice, ServerErrors,
    TextField, Touched, focus_by_id, number_error, number_progress, shown,
};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::dates;

#[component]
pub fn InspectionsPage() -> impl IntoView {
    view! {
        <RequireSession allowed=is_audit_user>
            <Inspections />
        </RequireSession>
    }
}

#[component]
fn Inspections() -> impl IntoView {
    set_page_title("Begehungen");
    let session = Session::use_context();
    let md = Memo::new(move |_| current_role(session).is_some_and(is_md));
    let list = api::Load::new(api::audits::inspections);
    let changed = Callback::new(move |()| list.reload());
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Begehungen"</h1>
        {move || md.get().then(|| view! { <NewInspection changed=changed /> })}
        <section class="mt-8" aria-labelledby="begehungen">
            <h2 id="begehungen" class="text-xl font-semibold text-slate-900">"Angekündigte Begehungen"</h2>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(list)) if list.inspections.is_empty() => view! { <p class="mt-4 text-slate-700">"Keine Begehungen angekündigt."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="mt-4 space-y-4" data-testid="inspections">
                        {list.inspections.into_iter().map(|i| view! { <InspectionEntry inspection=i /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn InspectionEntry(inspection: Inspection) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="inspection">
            <p class="text-lg font-semibold text-slate-900">
                {format!(
                    "Begehung am {} · {} · Standort {}",
                    inspection.date,
                    inspection.hospital_name,
                    inspection.site_number.clone().unwrap_or_else(|| "–".to_owned()),
                )}
            </p>
            <p class="text-sm text-slate-700">
                {format!("angekündigt am {} von {}", dates::date_time(&inspection.created_at), inspection.created_by)}
            </p>
            {(!inspection.note.is_empty()).then(|| view! { <p class="mt-1 text-slate-800">{inspection.note.clone()}</p> })}
            <h3 class="mt-2 font-semibold text-slate-900">"Vorzubereitende Fälle"</h3>
            <ul class="list-disc pl-6 text-slate-900">
                {inspection.cases.into_iter().map(|c| view! {
                    <li>{format!("Aufnahme {} · Rechnung {}", c.admission_number, c.invoice_number)}</li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn NewInspection(changed: Callback<()>) -> impl IntoView {
    let hospital_ik = RwSignal::new(String::new());
    let site = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let touched = Touched::new();
    let server = ServerErrors::new();
    // Open cases to pick from, narrowed to the hospital once its IK is valid.
    let cases = api::Load::new(|| api::audits::cases("open"));
    let valid_ik = Memo::new(move |_| hospital_ik.with(|v| Ik::parse(v.trim()).is_ok()));

    // The domain's rules of the form (the server applies the same, then its database checks).
    let form_now = move || InspectionForm {
        hospital_ik: hospital_ik.get().trim().to_owned(),
        site_number: site.get().trim().to_owned(),
        date: dates::parse_input(&date.get()),
        case_ids: chosen.get(),
        note: note.get(),
    };
    let form_now_untracked = move || untrack(form_now);
    let local = move |field: &str| -> Option<String> {
        form_now()
            .validate(dates::today())
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
    };
    let raw = move |field: &str| match field {
        "hospital_ik" => hospital_ik.get(),
        "site_number" => site.get(),
        "date" => date.get(),
        "case_ids" => format!("{:?}", chosen.get()),
        _ => String::new(),
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            let local = if field == "hospital_ik" {
                hospital_ik.with(|v| number_error(touched, field, v, local(field)))
            } else {
                shown(touched, field, local(field))
            };
            local.or_else(|| server.message(field, &raw(field)))
        })
    };
    let ik_progress = Signal::derive(move || {
        hospital_ik.with(|v| number_progress(v, error("hospital_ik").with(Option::is_some)))
    });
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));
    let notice = RwSignal::new(None::<Result<String, String>>);
    let announce = Mutation::with_notice(
        notice,
        |csrf, form: InspectionForm| async move { api::audits::create_inspection(&csrf, &form).await },
        move |answer| match answer {
            Ok(_) => {
                notice.set(Some(Ok("Begehung angekündigt.".to_owned())));
                chosen.set(Vec::new());
                touched.reset();
                changed.run(());
            }
            Err(failure) => server.set(failure.fields, |f| raw(f)),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.submit();
        server.clear();
        if let Some(first) = ["hospital_ik", "site_number", "date", "note", "case_ids"]
            .into_iter()
            .find(|f| local(f).is_some())
        {
            focus_by_id(if first == "case_ids" {
                "begehung-faelle"
            } else {
                first
            });
            return;
        }
        announce.run(form_now_untracked());
    };
    view! {
        <form class=format!("mt-4 max-w-3xl space-y-4 {CARD_CLASS}") novalidate on:submit=submit>
            <h2 class="text-xl font-semibold text-slate-900">"Begehung ankündigen"</h2>
            <TextField id="hospital_ik" label="IK des Krankenhauses" value=hospital_ik error=error("hospital_ik") progress=ik_progress inputmode="numeric" mono=true required=true on_blur=touch("hospital_ik") />
            <TextField id="site_number" label="Standortnummer" value=site error=error("site_number") inputmode="numeric" mono=true />
            <TextField id="date" label="Datum der Begehung" input_type="date" value=date error=error("date") required=true on_blur=touch("date") />
            <fieldset id="begehung-faelle" tabindex="-1" aria-describedby="case_ids-fehler">
                <legend class=LABEL_CLASS>"Fälle"</legend>
                {move || {
                    if !valid_ik.get() {
                        return view! { <p class="text-sm text-slate-600">"Nach Eingabe des IK erscheinen hier die offenen Fälle des Hauses."</p> }.into_any();
                    }
                    let ik = le_domain::numbers::normalize_number(&hospital_ik.get()).into_owned();
                    match cases.get() {
                        Some(Ok(list)) => {
                            let mine: Vec<_> = list.cases.into_iter().filter(|c| c.hospital_ik == ik).collect();
                            if mine.is_empty() {
                                return view! { <p class="text-sm text-slate-700">"Keine offenen Fälle dieses Hauses."</p> }.into_any();
                            }
                            mine.into_iter().map(|c| {
                                let id = c.id;
                                let input_id = format!("begehung-fall-{id}");
                                let label_for = input_id.clone();
                                view! {
                                    <label for=label_for class="flex items-center gap-2 text-slate-900">
                                        <input
                                            id=input_id
                                            type="checkbox"
                                            class="h-4 w-4"
                                            prop:checked=move || chosen.with(|v| v.contains(&id))
                                            on:change=move |ev| {
                                                let on = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked());
                                                chosen.update(|v| {
                                                    v.retain(|x| *x != id);
                                                    if on {
                                                        v.push(id);
                                                    }
                                                });
                                            }
                                        />
                                        {format!("Aufnahme {} · Rechnung {}", c.admission_number, c.invoice_number)}
                                    </label>
                                }
                            }).collect_view().into_any()
                        }
                        Some(Err(failure)) => view! { <p role="alert" class="text-red-800">{failure.message}</p> }.into_any(),
                        None => view! { <p class="text-slate-600">"Fälle werden geladen …"</p> }.into_any(),
                    }
                }}
                <p id="case_ids-fehler" class=ERROR_CLASS>{move || error("case_ids").get()}</p>
            </fieldset>
            <div>
                <label for="begehung-notiz" class=LABEL_CLASS>"Hinweis an das Krankenhaus"</label>
                <textarea id="begehung-notiz" rows="2" class=INPUT_CLASS prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            <button type="submit" class=BUTTON_PRIMARY disabled=move || announce.pending()>"Begehung ankündigen"</button>
            <Notice message=notice />
        </form>
    }
}
