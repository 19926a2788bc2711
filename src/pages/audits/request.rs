//! `/pruefverfahren/anforderung/{id}`: one document request for the hospital: the case, the
//! documents asked for, the upload of many PDFs at once (one request per file, with progress),
//! the files uploaded so far (deletable until submitted), the submission and the deliveries.
use le_domain::api::audits::{CaseSummary, DocumentRequest, StoredFile, UnavailableForm};
use le_domain::audits::{DocumentKind, DocumentState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::{DeadlineBadge, can_act, current_role, is_hospital};
use crate::api::{self, ApiFailure};
use crate::components::data::{DefList, row};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, FileInput, LINK_CLASS, Notice,
};
use crate::components::guard::RequireSession;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::format;

#[component]
pub fn RequestPage(id: i64) -> impl IntoView {
    view! {
        <RequireSession allowed=is_hospital>
            <RequestDetail id=id />
        </RequireSession>
    }
}

/// The request and its case; the API has no single-request endpoint, so the inbox tells the
/// case and the case detail holds the request.
async fn load(id: i64) -> Result<(CaseSummary, DocumentRequest), ApiFailure> {
    let inbox = api::audits::inbox("").await?;
    let not_found = || ApiFailure {
        status: 404,
        code: "not_found".to_owned(),
        message: "Diese Anforderung gibt es nicht oder sie ist nicht für Ihr Haus bestimmt."
            .to_owned(),
        fields: Vec::new(),
    };
    let case_id = inbox
        .requests
        .iter()
        .find(|r| r.request_id == id)
        .map(|r| r.case_id)
        .ok_or_else(not_found)?;
    let detail = api::audits::case(case_id).await?;
    let request = detail
        .requests
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(not_found)?;
    Ok((detail.case, request))
}

/// One file chosen for upload and how far it got.
#[derive(Debug, Clone, Copy)]
struct Transfer {
    key: usize,
    name: StoredValue<String>,
    /// Percent sent (0–100).
    percent: RwSignal<f64>,
    state: RwSignal<TransferState>,
}

#[derive(Debug, Clone, PartialEq)]
enum TransferState {
    Checking,
    Sending,
    Done,
    Failed(String),
}

#[component]
fn RequestDetail(id: i64) -> impl IntoView {
    set_page_title("Anforderung");
    let session = Session::use_context();
    let reload = RwSignal::new(0u32);
    let data = RwSignal::new(None);
    api::load_into(data, move || {
        reload.track();
        load(id)
    });
    let may_act = Memo::new(move |_| current_role(session).is_some_and(can_act));
    // The last answer stays on screen while a reload runs, so the upload box (and the progress
    // of files still on their way) survives every refresh of the lists.
    let current = Memo::new(move |previous: Option<&Option<_>>| match data.get() {
        None => previous.cloned().flatten(),
        fresh => fresh,
    });
    let loaded = Memo::new(move |_| current.with(|c| matches!(c, Some(Ok(_)))));
    let in_flight = RwSignal::new(0usize);
    // Documents files can still be uploaded for: all but those declared unavailable.
    let uploadable = Memo::new(move |_| {
        current.with(|c| match c {
            Some(Ok((_, r))) => r
                .document_states
                .iter()
                .filter(|s| s.state != DocumentState::Unavailable)
                .map(|s| s.kind)
                .collect(),
            _ => Vec::new(),
        })
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Anforderung von Unterlagen"</h1>
        {move || match current.get() {
            None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
            Some(Err(failure)) => {
                session.check_failure(&failure);
                view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
            }
            Some(Ok((case, request))) => view! { <CaseCard case=case request=request /> }.into_any(),
        }}
        {move || (loaded.get() && may_act.get()).then(|| view! { <UploadBox request_id=id documents=uploadable reload=reload in_flight=in_flight /> })}
        {move || match current.get() {
            Some(Ok((_, request))) => view! {
                <PendingFiles request=request.clone() may_act=may_act.get() reload=reload in_flight=in_flight />
                {may_act.get().then(|| view! { <DeclareUnavailable request=request.clone() reload=reload /> })}
                <Deliveries request=request />
            }
            .into_any(),
            _ => ().into_any(),
        }}
        <p class="mt-8"><a class=LINK_CLASS href="/pruefverfahren">"Zurück zu den Anforderungen"</a></p>
    }
}

#[component]
fn CaseCard(case: CaseSummary, request: DocumentRequest) -> impl IntoView {
    view! {
        <section class=format!("mt-4 {CARD_CLASS}") aria-labelledby="fall">
            <h2 id="fall" class="text-xl font-semibold text-slate-900">"Fall"</h2>
            <div class="mt-2"><DeadlineBadge deadline=request.deadline.clone() /></div>
            <DefList
                class="mt-3"
                rows=vec![
                    row("Krankenhaus", format!("{} ({})", case.hospital_name, case.hospital_ik)),
                    row("Standort", case.site_number.clone().unwrap_or_else(|| "–".to_owned())),
                    ("Aufnahmenummer", case.admission_number.clone(), Some("admission-number")),
                    row("Rechnungsnummer", case.invoice_number.clone()),
                    row("Aufenthalt", format!("{} bis {}", case.admission_date, case.discharge_date)),
                    row("Krankenkasse (IK)", case.insurer_ik.clone()),
                    row("Prüfgegenstand", case.subject.clone()),
                    row("Eingang der Anforderung", request.received_date.to_string()),
                    ("Frist", format!("{} (Nachfrist bis {})", request.deadline.due, request.deadline.late_until), Some("due")),
                ]
            />
            <h3 class="mt-4 font-semibold text-slate-900">"Angeforderte Unterlagen"</h3>
            <DocumentStates request=request.clone() />
            {(!request.free_text.is_empty()).then(|| view! { <p class="mt-2 text-slate-800">{request.free_text.clone()}</p> })}
        </section>
    }
}

/// The state of every requested document (delivered, outstanding, not available with the
/// reason) and whether the request is complete.
#[component]
pub(crate) fn DocumentStates(request: DocumentRequest) -> impl IntoView {
    let total = request.document_states.len();
    let outstanding = request
        .document_states
        .iter()
        .filter(|s| s.state == DocumentState::Outstanding)
        .count();
    view! {
        <ul class="mt-1 space-y-1 text-slate-900" data-testid="requested-documents">
            {request.document_states.iter().map(|s| {
                let class = match s.state {
                    DocumentState::Delivered => "border-green-700 bg-green-50 text-green-900",
                    DocumentState::Outstanding => "border-amber-600 bg-amber-50 text-amber-950",
                    DocumentState::Unavailable => "border-slate-500 bg-slate-100 text-slate-900",
                };
                view! {
                    <li data-testid="document-state" data-state=document_state_key(s.state)>
                        <span class="font-medium">{s.label.clone()}</span>": "
                        <span class=format!("rounded border px-2 text-sm {class}")>{s.state_label.clone()}</span>
                        {s.reason.clone().map(|r| view! { <span class="ml-2 text-sm text-slate-700">{format!("Begründung: {r}")}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="mt-2 text-sm text-slate-800" data-testid="completeness">
            {if request.complete {
                "Vollständig: jede Unterlage ist geliefert oder als nicht vorhanden erklärt.".to_owned()
            } else {
                format!("{outstanding} von {total} Unterlagen stehen noch aus; die Frist läuft für sie weiter.")
            }}
        </p>
    }
}

/// The wire name of a document state (for tests and styling hooks).
pub(crate) fn document_state_key(state: DocumentState) -> &'static str {
    match state {
        DocumentState::Outstanding => "outstanding",
        DocumentState::Delivered => "delivered",
        DocumentState::Unavailable => "unavailable",
    }
}

/// The hospital declares an outstanding document unavailable, with its reason.
#[component]
fn DeclareUnavailable(request: DocumentRequest, reload: RwSignal<u32>) -> impl IntoView {
    let session = Session::use_context();
    let outstanding: Vec<DocumentKind> = request
        .document_states
        .iter()
        .filter(|s| s.state == DocumentState::Outstanding)
        .map(|s| s.kind)
        .collect();
    let first = outstanding.first().copied();
    let document = RwSignal::new(first);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let request_id = request.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(kind) = document.get_untracked() else {
            return;
        };
        let form = UnavailableForm {
            document: kind,
            reason: reason.get_untracked(),
        };
        if let Some(e) = form.validate().into_iter().next() {
            error.set(Some(e.message));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::audits::declare_unavailable(&session.csrf(), request_id, &form).await {
                Ok(_) => {
                    reload.try_update(|n| *n += 1);
                }
                Err(failure) => {
                    session.check_failure(&failure);
                    let message = failure
                        .fields
                        .first()
                        .map(|f| f.message.clone())
                        .unwrap_or(failure.message);
                    error.try_set(Some(message));
                }
            }
            busy.try_set(false);
        });
    };
    first.map(|_| {
        view! {
            <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="nicht-vorhanden">
                <h2 id="nicht-vorhanden" class="text-xl font-semibold text-slate-900">"Unterlage nicht vorhanden"</h2>
                <p class="mt-1 text-sm text-slate-700">
                    "Gibt es eine angeforderte Unterlage nicht, erklären Sie das hier mit einer Begründung. Sie hält die Anforderung dann nicht mehr offen."
                </p>
                <form class="mt-3 space-y-2" novalidate on:submit=submit data-testid="declare-unavailable">
                    <label for="nv-unterlage" class="block font-semibold text-slate-900">"Unterlage"</label>
                    <select
                        id="nv-unterlage"
                        class="rounded border border-slate-400 px-2 py-1"
                        on:change=move |ev| document.set(DocumentKind::from_wire(&event_target_value(&ev)))
                    >
                        {outstanding.iter().map(|k| view! { <option value=k.wire()>{k.label()}</option> }).collect_view()}
                    </select>
                    <label for="nv-grund" class="block font-semibold text-slate-900">"Begründung"</label>
                    <textarea
                        id="nv-grund"
                        rows="2"
                        class="w-full rounded border border-slate-400 px-2 py-1"
                        aria-describedby="nv-fehler"
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        prop:value=move || reason.get()
                        on:input=move |ev| {
                            error.set(None);
                            reason.set(event_target_value(&ev));
                        }
                    ></textarea>
                    <p id="nv-fehler" role="alert" class="text-sm font-medium text-red-800">{move || error.get()}</p>
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || busy.get()>"Als nicht vorhanden erklären"</button>
                </form>
            </section>
        }
    })
}

/// The file input and one progress bar per chosen file.
#[component]
fn UploadBox(
    request_id: i64,
    /// The requested documents files can be uploaded for.
    documents: Memo<Vec<DocumentKind>>,
    reload: RwSignal<u32>,
    in_flight: RwSignal<usize>,
) -> impl IntoView {
    let session = Session::use_context();
    let transfers = RwSignal::new(Vec::<Transfer>::new());
    let next_key = StoredValue::new(0usize);
    let picked = RwSignal::new(None::<DocumentKind>);
    // The document chosen, or the first one still offered.
    let document = Memo::new(move |_| {
        documents.with(|d| match picked.get() {
            Some(k) if d.contains(&k) => Some(k),
            _ => d.first().copied(),
        })
    });

    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let Some(kind) = document.get_untracked() else {
            return;
        };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        // Every file gets its row (and progress bar) at once; they are sent one after the other.
        let queue: Vec<(web_sys::File, Transfer)> = files
            .into_iter()
            .map(|file| {
                next_key.update_value(|k| *k += 1);
                let transfer = Transfer {
                    key: next_key.get_value(),
                    name: StoredValue::new(file.name()),
                    percent: RwSignal::new(0.0),
                    state: RwSignal::new(TransferState::Checking),
                };
                (file, transfer)
            })
            .collect();
        transfers.update(|t| t.extend(queue.iter().map(|(_, transfer)| *transfer)));
        in_flight.update(|n| *n += queue.len());
        spawn_local(async move {
            for (file, transfer) in queue {
                send_file(session, request_id, kind, file, transfer).await;
                in_flight.try_update(|n| *n = n.saturating_sub(1));
                reload.try_update(|n| *n += 1);
            }
        });
    };

    view! {
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="hochladen">
            <h2 id="hochladen" class="text-xl font-semibold text-slate-900">"Unterlagen hochladen"</h2>
            <label for="unterlage" class="mt-2 block font-semibold text-slate-900">"Die Dateien gehören zu"</label>
            <select
                id="unterlage"
                class="rounded border border-slate-400 px-2 py-1"
                data-testid="upload-document"
                on:change=move |ev| picked.set(DocumentKind::from_wire(&event_target_value(&ev)))
            >
                {move || documents.get().into_iter().map(|k| view! {
                    <option value=k.wire() selected=move || document.get() == Some(k)>{k.label()}</option>
                }).collect_view()}
            </select>
            <label for="dateien" class="mt-2 block font-semibold text-slate-900">"PDF-Dateien auswählen"</label>
            <p id="dateien-hinweis" class="text-sm text-slate-600">
                "Sie können mehrere PDF-Dateien auf einmal wählen. Jede Datei wird einzeln übertragen; vor dem Absenden können Sie Dateien wieder löschen."
            </p>
            <FileInput
                id="dateien"
                multiple=true
                accept="application/pdf,.pdf"
                describedby="dateien-hinweis"
                testid="file-input"
                on_change=Callback::new(on_change)
            />
            <ul class="mt-4 space-y-2" data-testid="transfers">
                <For each=move || transfers.get() key=|t| t.key let:t>
                    <TransferRow transfer=t />
                </For>
            </ul>
        </section>
    }
}

/// Checks that `file` is a PDF and uploads it, updating its row.
async fn send_file(
    session: Session,
    request_id: i64,
    document: DocumentKind,
    file: web_sys::File,
    transfer: Transfer,
) {
    if let Err(message) = api::audits::check_pdf(&file).await {
        transfer.state.try_set(TransferState::Failed(format!(
            "{message} Sie wurde übersprungen."
        )));
        return;
    }
    transfer.state.try_set(TransferState::Sending);
    let url = api::audits::file_upload_url(request_id, &file.name(), document);
    let answer = api::audits::upload_one(&session.csrf(), &url, &file, move |sent, total| {
        if total > 0.0 {
            transfer.percent.try_set((sent / total * 100.0).min(100.0));
        }
    })
    .await;
    match answer {
        Ok(_) => {
            transfer.percent.try_set(100.0);
            transfer.state.try_set(TransferState::Done);
        }
        Err(failure) => {
            session.check_failure(&failure);
            let message = failure
                .fields
                .first()
                .map(|f| f.message.clone())
                .unwrap_or(failure.message);
            transfer.state.try_set(TransferState::Failed(message));
        }
    }
}

#[component]
fn TransferRow(transfer: Transfer) -> impl IntoView {
    let label_id = format!("uebertragung-{}", transfer.key);
    let name = transfer.name.get_value();
    view! {
        <li class="rounded border border-slate-200 p-2" data-testid="transfer">
            <span id=label_id.clone() class="font-medium text-slate-900">{name}</span>
            <progress
                class="ml-3 align-middle"
                max="100"
                aria-labelledby=label_id
                prop:value=move || transfer.percent.get()
                data-testid="upload-progress"
            ></progress>
            <span class="ml-2 text-sm text-slate-700">
                {move || match transfer.state.get() {
                    TransferState::Checking => "wartet …".to_owned(),
                    TransferState::Sending => format!("{:.0} %", transfer.percent.get()),
                    TransferState::Done => "hochgeladen".to_owned(),
                    TransferState::Failed(_) => String::new(),
                }}
            </span>
            <p role="alert" class="text-sm font-medium text-red-800 empty:hidden">
                {move || match transfer.state.get() {
                    TransferState::Failed(m) => m,
                    _ => String::new(),
                }}
            </p>
        </li>
    }
}

/// Files uploaded but not yet submitted, and the submission.
#[component]
fn PendingFiles(
    request: DocumentRequest,
    may_act: bool,
    reload: RwSignal<u32>,
    /// Files chosen but not yet stored: submitting now would leave them behind.
    in_flight: RwSignal<usize>,
) -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let request_id = request.id;
    let has_files = !request.pending_files.is_empty();
    let delete = move |file_id: i64| {
        busy.set(true);
        spawn_local(async move {
            let answer = api::audits::delete_file(&session.csrf(), file_id).await;
            busy.try_set(false);
            match answer {
                Ok(()) => {
                    reload.try_update(|n| *n += 1);
                }
                Err(failure) => {
                    session.check_failure(&failure);
                    message.try_set(Some(Err(failure.message)));
                }
            }
        });
    };
    let submit = move |_| {
        busy.set(true);
        message.set(Some(Ok("Lieferung wird abgesendet …".to_owned())));
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::audits::submit(&session.csrf(), request_id).await;
            busy.try_set(false);
            match answer {
                Ok(result) => {
                    navigate(
                        &format!("/pruefverfahren/quittung/{}", result.delivery.id),
                        Default::default(),
                    );
                }
                Err(failure) => {
                    session.check_failure(&failure);
                    message.try_set(Some(Err(failure.message)));
                }
            }
        });
    };
    view! {
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="hochgeladen">
            <h2 id="hochgeladen" class="text-xl font-semibold text-slate-900">"Hochgeladen, noch nicht abgesendet"</h2>
            {if has_files {
                view! { <FileTable files=request.pending_files.clone() on_delete=may_act.then_some(Callback::new(delete)) busy=busy /> }.into_any()
            } else {
                view! { <p class="mt-2 text-slate-700">"Noch keine Dateien."</p> }.into_any()
            }}
            {may_act.then(|| view! {
                <div class="mt-4 space-y-3">
                    <button
                        type="button"
                        class=BUTTON_PRIMARY
                        disabled=move || busy.get() || !has_files || in_flight.get() != 0
                        on:click=submit
                        data-testid="submit-delivery"
                    >
                        "Lieferung absenden"
                    </button>
                    <Notice message=message />
                </div>
            })}
        </section>
    }
}

/// Name, size and SHA-256 of stored files, optionally with a delete button per file.
#[component]
pub(crate) fn FileTable(
    files: Vec<StoredFile>,
    #[prop(default = None)] on_delete: Option<Callback<i64>>,
    #[prop(default = None)] download: Option<fn(i64) -> String>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="relative mt-3 overflow-x-auto">
            <table class="min-w-full text-left text-sm" data-testid="files">
                <thead class="bg-slate-100 text-slate-800">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Datei"</th>
                        <th scope="col" class="px-3 py-2">"Größe"</th>
                        <th scope="col" class="px-3 py-2">"SHA-256"</th>
                        <th scope="col" class="px-3 py-2">"Hochgeladen"</th>
                        {on_delete.is_some().then(|| view! { <th scope="col" class="px-3 py-2"><span class="sr-only">"Aktion"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {files
                        .into_iter()
                        .map(|f| {
                            let name = f.name.clone();
                            view! {
                                <tr class="border-t border-slate-200" data-testid="file-row">
                                    <td class="px-3 py-2">
                                        {match download {
                                            Some(url) => view! { <a class=LINK_CLASS href=url(f.id) download=f.name.clone() data-testid="file-download">{f.name.clone()}</a> }.into_any(),
                                            None => view! { <span>{f.name.clone()}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td class="px-3 py-2 whitespace-nowrap">{format::file_size(i64::try_from(f.size).unwrap_or(i64::MAX))}</td>
                                    <td class="px-3 py-2 font-mono text-xs break-all" data-testid="sha256">{f.sha256.clone()}</td>
                                    <td class="px-3 py-2 whitespace-nowrap">{format!("{} ({})", format::date_time(&f.uploaded_at), f.uploaded_by)}</td>
                                    {on_delete.map(|cb| view! {
                                        <td class="px-3 py-2">
                                            <button type="button" class=BUTTON_SECONDARY disabled=move || busy.get() on:click=move |_| cb.run(f.id)>
                                                "Löschen"<span class="sr-only">{format!(" ({name})")}</span>
                                            </button>
                                        </td>
                                    })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Deliveries(request: DocumentRequest) -> impl IntoView {
    (!request.deliveries.is_empty()).then(|| {
        view! {
            <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="lieferungen">
                <h2 id="lieferungen" class="text-xl font-semibold text-slate-900">"Lieferungen"</h2>
                <ul class="mt-2 space-y-2">
                    {request.deliveries.into_iter().map(|d| view! {
                        <li>
                            {format!(
                                "{} von {} · {} · ",
                                format::date_time(&d.submitted_at),
                                d.submitted_by,
                                le_domain::text::count(d.files.len() as u64, "Datei", "Dateien"),
                            )}
                            <span data-testid="lateness" data-lateness=d.lateness.wire()>{d.lateness_label.clone()}</span>" "
                            <a class=LINK_CLASS href=format!("/pruefverfahren/quittung/{}", d.id)>"Quittung"</a>" · "
                            <a class=LINK_CLASS href=api::audits::receipt_pdf_url(d.id) download=format!("Quittung-{}.pdf", d.id)>"Quittung als PDF"</a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
