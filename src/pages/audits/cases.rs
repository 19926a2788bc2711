//! `/pruefverfahren/faelle` and `/pruefverfahren/fall/{id}`: the MD's cases (a hospital sees its
//! own, read-only): the list, the form "Neuer Fall" (case with its audit notice, checked live by
//! the domain's rules), and the case with notices, document requests, deliveries, expert reports.
use le_domain::api::audits::{
    CaseDetail, CaseForm, CaseState, CaseSummary, DocumentRequest, NoticeForm, RequestForm,
};
use le_domain::audits::{DEFAULT_DEADLINE_WEEKS, DocumentKind};
use le_domain::directory::Date;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::shared::{
    DeadlineBadge, DocumentStates, FileTable, current_role, first_message, is_audit_user, is_md,
};
use super::strip::Strip;
use crate::api;
use crate::components::data::{DefList, row};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, ERROR_CLASS, FileInput, INPUT_CLASS, LABEL_CLASS,
    LINK_CLASS, Notice, ServerErrors, TextField, Touched, focus_by_id, number_error,
    number_progress, shown,
};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::dates;
use crate::routes::Route;

#[component]
pub fn CasesPage() -> impl IntoView {
    view! {
        <RequireSession allowed=is_audit_user>
            <Cases />
        </RequireSession>
    }
}

#[component]
fn Cases() -> impl IntoView {
    set_page_title("Fälle");
    let session = Session::use_context();
    let md = Memo::new(move |_| current_role(session).is_some_and(is_md));
    let state = RwSignal::new(String::from("open"));
    let list = api::Load::new(move || {
        let s = state.get();
        async move { api::audits::cases(&s).await }
    });
    let dashboard = api::Load::new(api::audits::dashboard);
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Prüffälle"</h1>
        {move || match dashboard.get() {
            Some(Ok(d)) => view! { <Strip dashboard=d /> }.into_any(),
            _ => ().into_any(),
        }}
        {move || md.get().then(|| view! { <NewCase /> })}
        <section class="mt-8" aria-labelledby="faelle">
            <div class="flex flex-wrap items-end justify-between gap-4">
                <h2 id="faelle" class="text-xl font-semibold text-slate-900">"Fälle"</h2>
                <div>
                    <label for="fall-status" class=LABEL_CLASS>"Anzeigen"</label>
                    <select id="fall-status" class=INPUT_CLASS on:change=move |ev| state.set(event_target_value(&ev))>
                        <option value="open" selected=true>"in Prüfung"</option>
                        <option value="closed">"abgeschlossen"</option>
                        <option value="">"alle"</option>
                    </select>
                </div>
            </div>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(list)) if list.cases.is_empty() => view! { <p class="mt-4 text-slate-700">"Keine Fälle."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="mt-4 space-y-3" data-testid="cases">
                        {list.cases.into_iter().map(|c| view! { <CaseEntry case=c /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn CaseEntry(case: CaseSummary) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="case">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <a class=format!("{LINK_CLASS} text-lg") href={Route::AuditCase { id: case.id }.href()}>
                    {format!("{} · Aufnahme {}", case.hospital_name, case.admission_number)}
                </a>
                {case.next_deadline.clone().map(|d| view! { <DeadlineBadge deadline=d /> })}
            </div>
            <p class="mt-1 text-sm text-slate-700">
                {format!(
                    "IK {} · Standort {} · Rechnung {} · {} · {}",
                    case.hospital_ik,
                    case.site_number.clone().unwrap_or_else(|| "–".to_owned()),
                    case.invoice_number,
                    case.state_label,
                    le_domain::text::count(case.open_requests.unsigned_abs(), "offene Anforderung", "offene Anforderungen"),
                )}
            </p>
            <p class="mt-1 text-slate-900">{case.subject.clone()}</p>
        </li>
    }
}

/// The fields of "Neuer Fall" in page order (JSON key = element id).
const CASE_FIELDS: &[&str] = &[
    "hospital_ik",
    "site_number",
    "admission_number",
    "invoice_number",
    "admission_date",
    "discharge_date",
    "insurer_ik",
    "subject",
];

/// The fields that hold a 9-digit number (checked while typing).
const NUMBER_FIELDS: &[&str] = &["hospital_ik", "site_number", "insurer_ik"];

#[component]
fn NewCase() -> impl IntoView {
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let hospital_ik = RwSignal::new(String::new());
    let site_number = RwSignal::new(String::new());
    let admission_number = RwSignal::new(String::new());
    let invoice_number = RwSignal::new(String::new());
    let admission_date = RwSignal::new(String::new());
    let discharge_date = RwSignal::new(String::new());
    let insurer_ik = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let form = Memo::new(move |_| CaseForm {
        hospital_ik: hospital_ik.get().trim().to_owned(),
        site_number: site_number.get().trim().to_owned(),
        admission_number: admission_number.get(),
        invoice_number: invoice_number.get(),
        admission_date: dates::parse_input(&admission_date.get()),
        discharge_date: dates::parse_input(&discharge_date.get()),
        insurer_ik: insurer_ik.get().trim().to_owned(),
        subject: subject.get(),
    });
    let today = dates::today();
    let errors = Memo::new(move |_| form.with(|f| f.validate(today)));
    let touched = Touched::new();
    let server = ServerErrors::new();
    let raw = move |field: &str| -> String {
        match field {
            "hospital_ik" => hospital_ik.get(),
            "site_number" => site_number.get(),
            "admission_number" => admission_number.get(),
            "invoice_number" => invoice_number.get(),
            "admission_date" => admission_date.get(),
            "discharge_date" => discharge_date.get(),
            "insurer_ik" => insurer_ik.get(),
            "subject" => subject.get(),
            _ => String::new(),
        }
    };
    let local_error = move |field: &str| {
        errors.with(|e| {
            e.iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            let local = if NUMBER_FIELDS.contains(&field) {
                number_error(touched, field, &raw(field), local_error(field))
            } else {
                shown(touched, field, local_error(field))
            };
            local.or_else(|| server.message(field, &raw(field)))
        })
    };
    let progress = move |field: &'static str| {
        Signal::derive(move || {
            number_progress(&raw(field), field_error(field).with(Option::is_some))
        })
    };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));

    let create = Mutation::new(
        |csrf, request: CaseForm| async move { api::audits::create_case(&csrf, &request).await },
        move |answer| match answer {
            Ok(detail) => navigate(
                &Route::AuditCase { id: detail.case.id }.href(),
                Default::default(),
            ),
            Err(failure) => {
                server.set(failure.fields, |f| raw(f));
                if let Some(first) = server.first_in(CASE_FIELDS) {
                    focus_by_id(first);
                }
            }
        },
    );
    let notice = create.notice();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.running() {
            return;
        }
        touched.submit();
        server.clear();
        if let Some(first) = CASE_FIELDS.iter().find(|f| local_error(f).is_some()) {
            notice.set(Some(Err(
                "Bitte die markierten Felder korrigieren.".to_owned()
            )));
            focus_by_id(first);
            return;
        }
        create.run_with("Fall wird angelegt …", form.get_untracked());
    };

    view! {
        <div class="mt-4">
            <button
                type="button"
                class=BUTTON_PRIMARY
                aria-expanded=move || open.get().to_string()
                aria-controls="neuer-fall"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Neuer Fall"
            </button>
        </div>
        <form
            id="neuer-fall"
            class=move || format!("mt-4 max-w-3xl space-y-4 {CARD_CLASS} {}", if open.get() { "" } else { "hidden" })
            novalidate
            on:submit=submit
        >
            <h2 class="text-xl font-semibold text-slate-900">"Neuer Fall mit Prüfanzeige"</h2>
            <TextField id="hospital_ik" label="IK des Krankenhauses" value=hospital_ik error=field_error("hospital_ik") progress=progress("hospital_ik") inputmode="numeric" mono=true required=true on_blur=touch("hospital_ik") />
            <TextField id="site_number" label="Standortnummer" hint="Neunstellig, beginnt mit 77; leer lassen, wenn der Fall keinem Standort zugeordnet ist." value=site_number error=field_error("site_number") progress=progress("site_number") inputmode="numeric" mono=true on_blur=touch("site_number") />
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField id="admission_number" label="Aufnahmenummer" value=admission_number error=field_error("admission_number") required=true on_blur=touch("admission_number") />
                <TextField id="invoice_number" label="Rechnungsnummer" value=invoice_number error=field_error("invoice_number") required=true on_blur=touch("invoice_number") />
                <TextField id="admission_date" label="Aufnahmetag" input_type="date" value=admission_date error=field_error("admission_date") required=true on_blur=touch("admission_date") />
                <TextField id="discharge_date" label="Entlassungstag" input_type="date" value=discharge_date error=field_error("discharge_date") required=true on_blur=touch("discharge_date") />
            </div>
            <TextField id="insurer_ik" label="IK der Krankenkasse" value=insurer_ik error=field_error("insurer_ik") progress=progress("insurer_ik") inputmode="numeric" mono=true required=true on_blur=touch("insurer_ik") />
            <div>
                <label for="subject" class=LABEL_CLASS>"Prüfgegenstand (Fragestellung)"<span class="font-normal text-slate-600">" (Pflichtfeld)"</span></label>
                <textarea
                    id="subject"
                    rows="4"
                    class=INPUT_CLASS
                    aria-required="true"
                    aria-describedby="subject-fehler"
                    aria-invalid=move || field_error("subject").with(Option::is_some).to_string()
                    prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))
                    on:blur=move |_| touched.touch("subject")
                ></textarea>
                <p id="subject-fehler" class=ERROR_CLASS>{move || field_error("subject").get()}</p>
            </div>
            <button type="submit" class=BUTTON_PRIMARY disabled=move || create.pending() data-testid="create-case">"Fall anlegen"</button>
            <Notice message=notice />
        </form>
    }
}

#[component]
pub fn CasePage(id: i64) -> impl IntoView {
    view! {
        <RequireSession allowed=is_audit_user>
            <CaseView id=id />
        </RequireSession>
    }
}

#[component]
fn CaseView(id: i64) -> impl IntoView {
    set_page_title("Fall");
    let session = Session::use_context();
    let detail = api::Load::new(move || api::audits::case(id));
    let changed = Callback::new(move |()| detail.reload());
    let current = detail.latest();
    let md = Memo::new(move |_| current_role(session).is_some_and(is_md));
    view! {
        {move || match current.get() {
            None => view! { <p role="status" class="text-slate-600">"Wird geladen …"</p> }.into_any(),
            Some(Err(failure)) => {
                view! {
                    <h1 class="text-2xl font-bold text-blue-950">"Fall"</h1>
                    <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p>
                }
                .into_any()
            }
            Some(Ok(d)) => view! { <CaseBody detail=d md=md.get() changed=changed /> }.into_any(),
        }}
    }
}

#[component]
fn CaseBody(detail: CaseDetail, md: bool, changed: Callback<()>) -> impl IntoView {
    let case = detail.case.clone();
    let is_open = case.state == CaseState::Open;
    let act = md && is_open;
    let case_id = case.id;
    view! {
        <h1 class="text-2xl font-bold text-blue-950">{format!("Fall {} · Aufnahme {}", case.id, case.admission_number)}</h1>
        <section class=format!("mt-4 {CARD_CLASS}") aria-labelledby="falldaten">
            <h2 id="falldaten" class="text-xl font-semibold text-slate-900">"Falldaten"</h2>
            <DefList
                class="mt-3"
                rows=vec![
                    row("Krankenhaus", format!("{} (IK {})", case.hospital_name, case.hospital_ik)),
                    row("Standort", case.site_number.clone().unwrap_or_else(|| "–".to_owned())),
                    row("Rechnungsnummer", case.invoice_number.clone()),
                    row("Aufenthalt", format!("{} bis {}", case.admission_date, case.discharge_date)),
                    row("Krankenkasse (IK)", case.insurer_ik.clone()),
                    ("Stand", case.state_label.clone(), Some("case-state")),
                    row("Löschung am", case.purge_on.map(|d| d.to_string()).unwrap_or_else(|| "–".to_owned())),
                ]
            />
        </section>
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="anzeigen">
            <h2 id="anzeigen" class="text-xl font-semibold text-slate-900">"Prüfanzeigen"</h2>
            <ul class="mt-2 space-y-2">
                {detail.notices.iter().map(|n| view! {
                    <li class="border-l-4 border-blue-800 pl-3">
                        <p class="font-medium text-slate-900">{format!("{} vom {} ({})", n.kind_label, dates::date_time(&n.created_at), n.created_by)}</p>
                        <p class="text-slate-800">{n.subject.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
            {act.then(|| view! { <ExtensionForm case_id=case_id changed=changed /> })}
        </section>
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="anforderungen">
            <h2 id="anforderungen" class="text-xl font-semibold text-slate-900">"Anforderungen von Unterlagen"</h2>
            {if detail.requests.is_empty() {
                view! { <p class="mt-2 text-slate-700">"Noch keine Anforderungen."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 space-y-4" data-testid="requests">
                        {detail.requests.iter().cloned().map(|r| view! { <RequestEntry request=r md=md /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {act.then(|| {
                let created = dates::berlin_day_of(&detail.case.created_at).unwrap_or(Date::MIN);
                view! { <RequestFormBox case_id=case_id case_created=created changed=changed /> }
            })}
        </section>
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="gutachten">
            <h2 id="gutachten" class="text-xl font-semibold text-slate-900">"Gutachten"</h2>
            {if detail.reports.is_empty() {
                view! { <p class="mt-2 text-slate-700">"Noch kein Gutachten."</p> }.into_any()
            } else {
                view! { <FileTable files=detail.reports.clone() download=Some(api::audits::report_url) /> }.into_any()
            }}
            {act.then(|| view! { <ReportUpload case_id=case_id changed=changed /> })}
        </section>
        {act.then(|| view! { <CloseCase case_id=case_id changed=changed /> })}
        <p class="mt-8"><a class=LINK_CLASS href=Route::AuditCases.href()>"Zurück zu den Fällen"</a></p>
    }
}

#[component]
fn RequestEntry(request: DocumentRequest, md: bool) -> impl IntoView {
    let documents = request
        .documents
        .iter()
        .map(|d| d.label.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="rounded border border-slate-200 p-3" data-testid="request">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <span class="font-medium text-slate-900">{format!("Anforderung {} vom {}", request.id, request.received_date)}</span>
                <DeadlineBadge deadline=request.deadline.clone() />
            </div>
            <p class="mt-1 text-sm text-slate-800">{documents}</p>
            <DocumentStates request=request.clone() />
            {(!request.free_text.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-800">{request.free_text.clone()}</p> })}
            {(!md).then(|| view! {
                <p class="mt-1"><a class=LINK_CLASS href={Route::AuditRequest { id: request.id }.href()}>"Zur Anforderung"</a></p>
            })}
            {request.deliveries.into_iter().map(|d| view! {
                <div class="mt-3" data-testid="delivery">
                    <h3 class="font-semibold text-slate-900">
                        {format!(
                            "Lieferung vom {} ({}) ",
                            dates::date_time(&d.submitted_at),
                            d.submitted_by,
                        )}
                    </h3>
                    <p class="text-sm" data-testid="lateness" data-lateness=d.lateness.wire()>{d.lateness_label.clone()}</p>
                    <FileTable files=d.files download=Some(api::audits::file_url) />
                    <a class=LINK_CLASS href={Route::AuditReceipt { id: d.id }.href()}>"Quittung"</a>
                </div>
            }).collect_view()}
        </li>
    }
}

#[component]
fn ExtensionForm(case_id: i64, changed: Callback<()>) -> impl IntoView {
    let subject = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = Mutation::new(
        move |csrf, form: NoticeForm| async move {
            api::audits::add_notice(&csrf, case_id, &form).await
        },
        move |answer| match answer {
            Ok(_) => changed.run(()),
            Err(failure) => error.set(Some(first_message(failure))),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = NoticeForm {
            subject: subject.get_untracked(),
        };
        // The domain's rule, the same the server applies.
        if let Some(e) = form.validate().into_iter().next() {
            error.set(Some(e.message));
            focus_by_id("erweiterung");
            return;
        }
        add.run(form);
    };
    view! {
        <form class="mt-4 space-y-2" novalidate on:submit=submit>
            <label for="erweiterung" class=LABEL_CLASS>"Erweiterung des Prüfgegenstands"</label>
            <textarea
                id="erweiterung"
                rows="3"
                class=INPUT_CLASS
                aria-describedby="erweiterung-fehler"
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || subject.get()
                on:input=move |ev| {
                    error.set(None);
                    subject.set(event_target_value(&ev));
                }
            ></textarea>
            <p id="erweiterung-fehler" class=ERROR_CLASS>{move || error.get()}</p>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || add.pending()>"Erweiterung anzeigen"</button>
        </form>
    }
}

/// The fields of "Unterlagen anfordern" in page order (JSON key; the documents' first box is
/// `doc-0`).
const REQUEST_FIELDS: &[&str] = &["documents", "free_text", "received_date", "deadline_weeks"];

#[component]
fn RequestFormBox(
    case_id: i64,
    /// The Berlin day the case was created (a request cannot have reached the hospital earlier).
    case_created: Date,
    changed: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<DocumentKind>::new());
    let free_text = RwSignal::new(String::new());
    let received = RwSignal::new(dates::today().to_iso());
    let weeks = RwSignal::new(DEFAULT_DEADLINE_WEEKS.to_string());
    let server = ServerErrors::new();
    // The request as entered, and the domain's verdict on it (the same rules the server
    // applies): the weeks must be a number, then `RequestForm::validate`.
    let form = Memo::new(move |_| {
        weeks
            .with(|w| RequestForm::parse_weeks(w))
            .map(|deadline_weeks| RequestForm {
                documents: chosen.get(),
                free_text: free_text.get(),
                received_date: dates::parse_input(&received.get()),
                deadline_weeks,
            })
    });
    let local = Memo::new(move |_| {
        form.with(|f| match f {
            Ok(form) => form.validate(dates::today(), case_created),
            Err(e) => vec![e.clone()],
        })
    });
    let touched = Touched::new();
    let raw = move |field: &str| match field {
        "free_text" => free_text.get(),
        "received_date" => received.get(),
        "deadline_weeks" => weeks.get(),
        "documents" => format!("{:?}", chosen.get()),
        _ => String::new(),
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            local
                .with(|e| touched.message_in(e, field))
                .or_else(|| server.message(field, &raw(field)))
        })
    };
    let send = Mutation::new(
        move |csrf, form: RequestForm| async move {
            api::audits::create_request(&csrf, case_id, &form).await
        },
        move |answer| match answer {
            Ok(_) => changed.run(()),
            Err(failure) => server.set(failure.fields, |f| raw(f)),
        },
    );
    let notice = send.notice();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.submit();
        server.clear();
        let first = local.with_untracked(|errors| {
            REQUEST_FIELDS
                .iter()
                .find(|f| errors.iter().any(|e| e.field == **f))
                .copied()
        });
        if let Some(field) = first {
            focus_by_id(if field == "documents" { "doc-0" } else { field });
            return;
        }
        if let Ok(form) = form.get_untracked() {
            send.run(form);
        }
    };
    view! {
        <form class="mt-6 space-y-4 border-t border-slate-200 pt-4" novalidate on:submit=submit>
            <h3 class="text-lg font-semibold text-slate-900">"Unterlagen anfordern"</h3>
            <fieldset aria-describedby="documents-fehler">
                <legend class=LABEL_CLASS>"Angeforderte Unterlagen"</legend>
                <div class="mt-2 grid gap-1 sm:grid-cols-2">
                    {DocumentKind::ALL.iter().enumerate().map(|(i, kind)| {
                        let kind = *kind;
                        let id = format!("doc-{i}");
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="flex items-center gap-2 text-slate-900">
                                <input
                                    id=id
                                    type="checkbox"
                                    class="h-4 w-4"
                                    prop:checked=move || chosen.with(|c| c.contains(&kind))
                                    on:change=move |ev| {
                                        let on = ev
                                            .target()
                                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                            .is_some_and(|i| i.checked());
                                        chosen.update(|c| {
                                            c.retain(|k| *k != kind);
                                            if on {
                                                c.push(kind);
                                            }
                                        });
                                    }
                                />
                                {kind.label()}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <p id="documents-fehler" class=ERROR_CLASS>{move || error("documents").get()}</p>
            </fieldset>
            <div>
                <label for="free_text" class=LABEL_CLASS>"Freitext"</label>
                <textarea
                    id="free_text"
                    rows="2"
                    class=INPUT_CLASS
                    aria-describedby="free_text-fehler"
                    aria-invalid=move || error("free_text").with(Option::is_some).to_string()
                    prop:value=move || free_text.get()
                    on:input=move |ev| free_text.set(event_target_value(&ev))
                ></textarea>
                <p id="free_text-fehler" class=ERROR_CLASS>{move || error("free_text").get()}</p>
            </div>
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField id="received_date" label="Eingang beim Krankenhaus" input_type="date" value=received error=error("received_date") />
                <TextField id="deadline_weeks" label="Frist in Wochen" inputmode="numeric" value=weeks error=error("deadline_weeks") />
            </div>
            <button type="submit" class=BUTTON_PRIMARY disabled=move || send.pending() data-testid="create-request">"Anforderung senden"</button>
            <Notice message=notice />
        </form>
    }
}

#[component]
fn ReportUpload(case_id: i64, changed: Callback<()>) -> impl IntoView {
    let percent = RwSignal::new(None::<f64>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let upload = Mutation::with_notice(
        notice,
        move |csrf, file: web_sys::File| async move {
            let url = api::audits::report_upload_url(case_id, &file.name());
            api::audits::upload_pdf(&csrf, &url, &file, move |sent, total| {
                percent.set(Some(sent / total * 100.0));
            })
            .await
        },
        move |answer| {
            percent.set(None);
            match answer {
                Ok(f) => {
                    notice.set(Some(Ok(format!("Gutachten „{}“ hochgeladen.", f.name))));
                    changed.run(());
                }
                Err(failure) => notice.set(Some(Err(first_message(failure)))),
            }
        },
    );
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        if upload.running() {
            notice.set(Some(Err(
                "Bitte warten, bis das laufende Gutachten hochgeladen ist.".to_owned(),
            )));
            return;
        }
        notice.set(None);
        percent.set(Some(0.0));
        upload.run(file);
    };
    view! {
        <div class="mt-4 space-y-2">
            <label for="gutachten-datei" class=LABEL_CLASS>"Gutachten hochladen (PDF)"</label>
            <FileInput id="gutachten-datei" accept="application/pdf,.pdf" on_change=Callback::new(on_change) />
            {move || percent.get().map(|p| view! { <progress max="100" prop:value=p aria-label="Fortschritt des Gutachtens"></progress> })}
            <Notice message=notice />
        </div>
    }
}

#[component]
fn CloseCase(case_id: i64, changed: Callback<()>) -> impl IntoView {
    let close = Mutation::new(
        move |csrf, ()| async move { api::audits::close_case(&csrf, case_id).await },
        move |answer| {
            if answer.is_ok() {
                changed.run(());
            }
        },
    );
    view! {
        <section class="mt-6 space-y-2" aria-label="Fall abschließen">
            <crate::components::confirm::ConfirmAction
                id="fall-abschliessen".to_owned()
                label="Fall abschließen"
                question="Den Fall abschließen? Danach sind keine Anforderungen mehr möglich; Fall und Dateien werden nach der Aufbewahrungsfrist gelöscht."
                confirm_label="Ja, abschließen"
                busy=close.busy()
                on_confirm=Callback::new(move |()| {
                    close.run(());
                })
            />
            <Notice message=close.notice() />
        </section>
    }
}
