//! `/pruefverfahren/strukturpruefungen`: structure audits. A hospital applies for a site and an
//! OPS code and uploads evidence PDFs; the MD certifies (validity period) or rejects (reason).
//! The list shows each certificate's status; expiring or expired ones stand out.
use std::collections::VecDeque;

use le_domain::api::audits::{StructureAudit, StructureDecision, StructureForm, StructureState};
use le_domain::audits::CertificateStatus;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::shared::{FileTable, can_act, current_role, first_message, is_audit_user, is_md};
use crate::api::{self, ApiFailure};
use crate::components::form::{
    BUTTON_DANGER, BUTTON_PRIMARY, CARD_CLASS, ERROR_CLASS, FileInput, INPUT_CLASS, LABEL_CLASS,
    Notice, ServerErrors, TextField, Touched, focus_by_id, number_error, number_progress, shown,
};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::dates;

#[component]
pub fn StructurePage() -> impl IntoView {
    view! {
        <RequireSession allowed=is_audit_user>
            <Structure />
        </RequireSession>
    }
}

fn certificate_class(status: CertificateStatus) -> &'static str {
    match status {
        CertificateStatus::Valid => "border-green-700 bg-green-50 text-green-900",
        CertificateStatus::NotYetValid => "border-slate-400 bg-slate-50 text-slate-900",
        CertificateStatus::ExpiresSoon => "border-amber-600 bg-amber-50 text-amber-950",
        CertificateStatus::Expired => "border-red-700 bg-red-50 text-red-900",
    }
}

#[component]
fn Structure() -> impl IntoView {
    set_page_title("Strukturprüfungen");
    let session = Session::use_context();
    let md = Memo::new(move |_| current_role(session).is_some_and(is_md));
    let act = Memo::new(move |_| current_role(session).is_some_and(can_act));
    let loaded = api::Load::new(api::audits::structure_audits);
    let changed = Callback::new(move |()| loaded.reload());
    let list = loaded.latest();
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Strukturprüfungen"</h1>
        {move || act.get().then(|| view! { <ApplyForm changed=changed /> })}
        <section class="mt-8" aria-labelledby="antraege">
            <h2 id="antraege" class="text-xl font-semibold text-slate-900">"Anträge und Bescheinigungen"</h2>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(list)) if list.applications.is_empty() => view! { <p class="mt-4 text-slate-700">"Keine Anträge."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="mt-4 space-y-4" data-testid="structure-list">
                        {list.applications.into_iter().map(|a| view! { <Application audit=a md=md.get_untracked() act=act.get_untracked() changed=changed /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn Application(audit: StructureAudit, md: bool, act: bool, changed: Callback<()>) -> impl IntoView {
    let expiring = audit.certificate.as_ref().is_some_and(|c| {
        matches!(
            c.status,
            CertificateStatus::ExpiresSoon | CertificateStatus::Expired
        )
    });
    let frame = if expiring {
        "border-amber-600 ring-2 ring-amber-300"
    } else {
        "border-slate-200"
    };
    let applied = audit.state == StructureState::Applied;
    let id = audit.id;
    view! {
        <li class=format!("rounded-lg border bg-white p-4 shadow-sm {frame}") data-testid="structure-item">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <span class="text-lg font-semibold text-slate-900">
                    {format!("OPS {} · Standort {} · {}", audit.ops_code, audit.site_number, audit.hospital_name)}
                </span>
                <span class="rounded border border-slate-400 px-2 py-0.5 text-sm font-semibold text-slate-900" data-testid="structure-state">
                    {audit.state_label.clone()}
                </span>
            </div>
            <p class="mt-1 text-sm text-slate-700">
                {format!("beantragt am {} von {}", dates::date_time(&audit.applied_at), audit.applied_by)}
            </p>
            {(!audit.note.is_empty()).then(|| view! { <p class="mt-1 text-slate-800">{audit.note.clone()}</p> })}
            {audit.certificate.clone().map(|c| view! {
                <p class="mt-2" data-testid="certificate">
                    <span class="font-medium text-slate-900">{format!("Bescheinigung gültig vom {} bis {} ", c.valid_from, c.valid_until)}</span>
                    <span class=format!("rounded border px-2 py-0.5 text-xs font-semibold {}", certificate_class(c.status))>{c.status_label}</span>
                </p>
            })}
            {audit.reject_reason.clone().map(|r| view! { <p class="mt-2 text-red-900">{format!("Abgelehnt: {r}")}</p> })}
            <h3 class="mt-3 font-semibold text-slate-900">"Nachweise"</h3>
            {if audit.evidence.is_empty() {
                view! { <p class="text-slate-700">"Noch keine Nachweise."</p> }.into_any()
            } else {
                view! { <FileTable files=audit.evidence.clone() download=Some(api::audits::evidence_url) /> }.into_any()
            }}
            {(act && applied).then(|| view! { <EvidenceUpload id=id changed=changed /> })}
            {(md && applied).then(|| view! { <DecideForm id=id changed=changed subject=format!("OPS {} an Standort {}", audit.ops_code, audit.site_number) /> })}
        </li>
    }
}

#[component]
fn ApplyForm(changed: Callback<()>) -> impl IntoView {
    let site = RwSignal::new(String::new());
    let ops = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let touched = Touched::new();
    let server = ServerErrors::new();
    // The domain's rules of the form (the server applies the same, then checks the site).
    let local = move |field: &str| -> Option<String> {
        StructureForm {
            site_number: site.get().trim().to_owned(),
            ops_code: ops.get(),
            note: note.get(),
        }
        .validate()
        .into_iter()
        .find(|e| e.field == field)
        .map(|e| e.message)
    };
    let raw = move |field: &str| match field {
        "site_number" => site.get(),
        "ops_code" => ops.get(),
        "note" => note.get(),
        _ => String::new(),
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            let local = if field == "site_number" {
                site.with(|v| number_error(touched, field, v, local(field)))
            } else {
                shown(touched, field, local(field))
            };
            local.or_else(|| server.message(field, &raw(field)))
        })
    };
    let site_progress = Signal::derive(move || {
        site.with(|v| number_progress(v, error("site_number").with(Option::is_some)))
    });
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));
    let notice = RwSignal::new(None::<Result<String, String>>);
    let apply = Mutation::with_notice(
        notice,
        |csrf, form: StructureForm| async move { api::audits::apply_structure(&csrf, &form).await },
        move |answer| match answer {
            Ok(_) => {
                notice.set(Some(Ok(
                    "Antrag gestellt. Bitte laden Sie jetzt die Nachweise hoch.".to_owned(),
                )));
                touched.reset();
                site.set(String::new());
                ops.set(String::new());
                note.set(String::new());
                changed.run(());
            }
            Err(failure) => server.set(failure.fields, |f| raw(f)),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.submit();
        server.clear();
        if let Some(first) = ["site_number", "ops_code", "note"]
            .into_iter()
            .find(|f| local(f).is_some())
        {
            focus_by_id(first);
            return;
        }
        apply.run(StructureForm {
            site_number: site.get_untracked().trim().to_owned(),
            ops_code: ops.get_untracked().trim().to_owned(),
            note: note.get_untracked(),
        });
    };
    view! {
        <form class=format!("mt-4 max-w-3xl space-y-4 {CARD_CLASS}") novalidate on:submit=submit>
            <h2 class="text-xl font-semibold text-slate-900">"Strukturprüfung beantragen"</h2>
            <TextField id="site_number" label="Standortnummer" value=site error=error("site_number") progress=site_progress inputmode="numeric" mono=true required=true on_blur=touch("site_number") />
            <TextField id="ops_code" label="OPS-Kode" hint="Zum Beispiel 8-98f oder 8-550.1" value=ops error=error("ops_code") mono=true required=true on_blur=touch("ops_code") />
            <div>
                <label for="note" class=LABEL_CLASS>"Bemerkung"</label>
                <textarea id="note" rows="2" class=INPUT_CLASS prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            <button type="submit" class=BUTTON_PRIMARY disabled=move || apply.pending() data-testid="apply-structure">"Antrag stellen"</button>
            <Notice message=notice />
        </form>
    }
}

#[component]
fn EvidenceUpload(id: i64, changed: Callback<()>) -> impl IntoView {
    let percent = RwSignal::new(0.0f64);
    let notice = RwSignal::new(None::<Result<String, String>>);
    // Files chosen while an upload runs join the queue the running call works through (one
    // after the other, like the document uploads).
    let queue = StoredValue::new_local(VecDeque::<web_sys::File>::new());
    let send = Mutation::new(
        move |csrf, ()| async move {
            while let Some(file) = queue.try_update_value(VecDeque::pop_front).flatten() {
                percent.set(0.0);
                let url = api::audits::evidence_upload_url(id, &file.name());
                let answer = api::audits::upload_pdf(&csrf, &url, &file, move |sent, total| {
                    percent.set(sent / total * 100.0);
                })
                .await;
                notice.set(Some(match answer {
                    Ok(f) => Ok(format!("Nachweis „{}“ hochgeladen.", f.name)),
                    Err(failure) => Err(first_message(failure)),
                }));
            }
            Ok::<(), ApiFailure>(())
        },
        // Once at the end: the refresh rebuilds this box.
        move |_| changed.run(()),
    );
    let input_id = format!("nachweise-{id}");
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        queue.update_value(|q| q.extend(files));
        send.run(());
    };
    view! {
        <div class="mt-3 space-y-2">
            <label for=input_id.clone() class=LABEL_CLASS>"Nachweise hochladen (PDF, mehrere möglich)"</label>
            <FileInput id=input_id multiple=true accept="application/pdf,.pdf" testid="evidence-input" on_change=Callback::new(on_change) />
            {move || send.pending().then(|| view! { <progress max="100" prop:value=move || percent.get() aria-label="Fortschritt der Nachweise"></progress> })}
            <Notice message=notice />
        </div>
    }
}

#[component]
fn DecideForm(
    id: i64,
    changed: Callback<()>,
    /// What is decided (read to screen readers with the buttons).
    subject: String,
) -> impl IntoView {
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let decide = Mutation::with_notice(
        notice,
        move |csrf, decision: StructureDecision| async move {
            api::audits::decide_structure(&csrf, id, &decision).await
        },
        move |answer| match answer {
            Ok(_) => changed.run(()),
            Err(failure) => notice.set(Some(Err(first_message(failure)))),
        },
    );
    // The domain's rules of a decision, the same the server applies.
    let certify = move |_| match StructureDecision::certify(
        dates::parse_input(&from.get_untracked()),
        dates::parse_input(&until.get_untracked()),
    ) {
        Ok(decision) => {
            error.set(None);
            decide.run(decision);
        }
        Err(errors) => error.set(errors.into_iter().next().map(|e| e.message)),
    };
    let reject = move |_| {
        let decision = StructureDecision::Reject {
            reason: reason.get_untracked(),
        };
        match decision.validate().into_iter().next() {
            Some(e) => {
                notice.set(Some(Err(e.message)));
                focus_by_id(&format!("grund-{id}"));
            }
            None => {
                decide.run(decision);
            }
        }
    };
    let (from_id, until_id, reason_id, err_id) = (
        format!("gueltig-ab-{id}"),
        format!("gueltig-bis-{id}"),
        format!("grund-{id}"),
        format!("gueltig-fehler-{id}"),
    );
    view! {
        <div class="mt-4 space-y-3 border-t border-slate-200 pt-3">
            <h3 class="font-semibold text-slate-900">"Entscheidung"</h3>
            <div class="flex flex-wrap items-end gap-4">
                <div>
                    <label for=from_id.clone() class=LABEL_CLASS>"Gültig ab"</label>
                    <input id=from_id type="date" class=INPUT_CLASS aria-describedby=err_id.clone() prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for=until_id.clone() class=LABEL_CLASS>"Gültig bis"</label>
                    <input id=until_id type="date" class=INPUT_CLASS aria-describedby=err_id.clone() prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev)) />
                </div>
                <button type="button" class=BUTTON_PRIMARY disabled=move || decide.pending() on:click=certify data-testid="certify"
                    aria-label=format!("Bescheinigung erteilen: {subject}")>
                    "Bescheinigung erteilen"
                </button>
            </div>
            <p id=err_id class=ERROR_CLASS>{move || error.get()}</p>
            <div class="flex flex-wrap items-end gap-4">
                <div class="grow">
                    <label for=reason_id.clone() class=LABEL_CLASS>"Grund der Ablehnung"</label>
                    <input id=reason_id type="text" class=INPUT_CLASS prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
                <button type="button" class=BUTTON_DANGER disabled=move || decide.pending() on:click=reject
                    aria-label=format!("Ablehnen: {subject}")>
                    "Ablehnen"
                </button>
            </div>
            <Notice message=notice />
        </div>
    }
}
