//! `/pruefverfahren/anforderung/{id}`: one document request for the hospital: the case, the
//! documents asked for, the upload of many PDFs at once (one request per file, with progress),
//! the files uploaded so far (deletable until submitted), the submission and the deliveries.
use std::collections::VecDeque;

use le_domain::api::audits::{CaseSummary, DocumentRequest, UnavailableForm};
use le_domain::audits::{DocumentKind, DocumentState};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::shared::{
    DeadlineBadge, DocumentStates, FileTable, can_act, current_role, first_message, is_hospital,
};
use crate::api::{self, ApiFailure};
use crate::components::data::{DefList, row};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, FileInput, LINK_CLASS, Notice, focus_by_id,
};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::dates;
use crate::routes::Route;

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

/// Files chosen for upload, sent one after the other by one mutation: files chosen while it
/// runs join the queue it is working through (the server's storage handles parallel uploads of
/// one request poorly).
#[derive(Clone, Copy)]
struct Uploads {
    /// Every chosen file's row, in order.
    transfers: RwSignal<Vec<Transfer>>,
    queue: StoredValue<VecDeque<(web_sys::File, Transfer, DocumentKind)>, LocalStorage>,
    send: Mutation<()>,
    next_key: StoredValue<usize>,
}

impl Uploads {
    fn new(request_id: i64, changed: Callback<()>) -> Self {
        let queue = StoredValue::new_local(VecDeque::new());
        let send = Mutation::new(
            move |csrf, ()| async move {
                while let Some((file, transfer, kind)) =
                    queue.try_update_value(VecDeque::pop_front).flatten()
                {
                    send_file(&csrf, request_id, kind, file, transfer).await;
                    changed.run(());
                }
                Ok::<(), ApiFailure>(())
            },
            |_| {},
        );
        Uploads {
            transfers: RwSignal::new(Vec::new()),
            queue,
            send,
            next_key: StoredValue::new(0),
        }
    }

    /// Every file gets its row (and progress bar) at once; the queue is sent in order.
    fn add(&self, files: Vec<web_sys::File>, kind: DocumentKind) {
        for file in files {
            self.next_key.update_value(|k| *k += 1);
            let transfer = Transfer {
                key: self.next_key.get_value(),
                name: StoredValue::new(file.name()),
                percent: RwSignal::new(0.0),
                state: RwSignal::new(TransferState::Checking),
            };
            self.transfers.update(|t| t.push(transfer));
            self.queue
                .update_value(|q| q.push_back((file, transfer, kind)));
        }
        // Already running: the running call takes the new files too.
        self.send.run(());
    }
}

#[component]
fn RequestDetail(id: i64) -> impl IntoView {
    set_page_title("Anforderung");
    let session = Session::use_context();
    let data = api::Load::new(move || load(id));
    let changed = Callback::new(move |()| data.reload());
    let may_act = Memo::new(move |_| current_role(session).is_some_and(can_act));
    let current = data.latest();
    let loaded = Memo::new(move |_| current.with(|c| matches!(c, Some(Ok(_)))));
    let uploads = Uploads::new(id, changed);
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
                view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
            }
            Some(Ok((case, request))) => view! { <CaseCard case=case request=request /> }.into_any(),
        }}
        {move || (loaded.get() && may_act.get()).then(|| view! { <UploadBox documents=uploadable uploads=uploads /> })}
        {move || match current.get() {
            Some(Ok((_, request))) => view! {
                <PendingFiles request=request.clone() may_act=may_act.get() changed=changed uploading=uploads.send.busy() />
                {may_act.get().then(|| view! { <DeclareUnavailable request=request.clone() changed=changed /> })}
                <Deliveries request=request />
            }
            .into_any(),
            _ => ().into_any(),
        }}
        <p class="mt-8"><a class=LINK_CLASS href=Route::Audits.href()>"Zurück zu den Anforderungen"</a></p>
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

/// The hospital declares an outstanding document unavailable, with its reason.
#[component]
fn DeclareUnavailable(request: DocumentRequest, changed: Callback<()>) -> impl IntoView {
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
    let request_id = request.id;
    let declare = Mutation::new(
        move |csrf, form: UnavailableForm| async move {
            api::audits::declare_unavailable(&csrf, request_id, &form).await
        },
        move |answer| match answer {
            Ok(_) => changed.run(()),
            Err(failure) => error.set(Some(first_message(failure))),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(kind) = document.get_untracked() else {
            return;
        };
        let form = UnavailableForm {
            document: kind,
            reason: reason.get_untracked(),
        };
        // The domain's rule, the same the server applies.
        if let Some(e) = form.validate().into_iter().next() {
            error.set(Some(e.message));
            focus_by_id("nv-grund");
            return;
        }
        declare.run(form);
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
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || declare.pending()>"Als nicht vorhanden erklären"</button>
                </form>
            </section>
        }
    })
}

/// The file input and one progress bar per chosen file.
#[component]
fn UploadBox(
    /// The requested documents files can be uploaded for.
    documents: Memo<Vec<DocumentKind>>,
    uploads: Uploads,
) -> impl IntoView {
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
        uploads.add(files, kind);
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
                <For each=move || uploads.transfers.get() key=|t| t.key let:t>
                    <TransferRow transfer=t />
                </For>
            </ul>
        </section>
    }
}

/// Checks that `file` is a PDF and uploads it, updating its row.
async fn send_file(
    csrf: &str,
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
    let answer = api::audits::upload_one(csrf, &url, &file, move |sent, total| {
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
            transfer
                .state
                .try_set(TransferState::Failed(first_message(failure)));
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
    changed: Callback<()>,
    /// Files chosen are still being sent: submitting now would leave them behind.
    uploading: Signal<bool>,
) -> impl IntoView {
    let navigate = use_navigate();
    let message = RwSignal::new(None::<Result<String, String>>);
    let request_id = request.id;
    let has_files = !request.pending_files.is_empty();
    let delete = Mutation::with_notice(
        message,
        |csrf, file_id: i64| async move { api::audits::delete_file(&csrf, file_id).await },
        move |answer| {
            if answer.is_ok() {
                changed.run(());
            }
        },
    );
    let submit = Mutation::with_notice(
        message,
        move |csrf, ()| async move { api::audits::submit(&csrf, request_id).await },
        move |answer| {
            if let Ok(result) = answer {
                navigate(
                    &Route::AuditReceipt {
                        id: result.delivery.id,
                    }
                    .href(),
                    Default::default(),
                );
            }
        },
    );
    let busy = Signal::derive(move || delete.pending() || submit.pending());
    let on_delete = Callback::new(move |file_id: i64| {
        delete.run(file_id);
    });
    let submit = move |_| {
        if !delete.running() {
            submit.run_with("Lieferung wird abgesendet …", ());
        }
    };
    view! {
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="hochgeladen">
            <h2 id="hochgeladen" class="text-xl font-semibold text-slate-900">"Hochgeladen, noch nicht abgesendet"</h2>
            {if has_files {
                view! { <FileTable files=request.pending_files.clone() on_delete=may_act.then_some(on_delete) busy=busy /> }.into_any()
            } else {
                view! { <p class="mt-2 text-slate-700">"Noch keine Dateien."</p> }.into_any()
            }}
            {may_act.then(|| view! {
                <div class="mt-4 space-y-3">
                    <button
                        type="button"
                        class=BUTTON_PRIMARY
                        disabled=move || busy.get() || !has_files || uploading.get()
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
                                dates::date_time(&d.submitted_at),
                                d.submitted_by,
                                le_domain::text::count(d.files.len() as u64, "Datei", "Dateien"),
                            )}
                            <span data-testid="lateness" data-lateness=d.lateness.wire()>{d.lateness_label.clone()}</span>" "
                            <a class=LINK_CLASS href={Route::AuditReceipt { id: d.id }.href()}>"Quittung"</a>" · "
                            <a class=LINK_CLASS href=api::audits::receipt_pdf_url(d.id) download=format!("Quittung-{}.pdf", d.id)>"Quittung als PDF"</a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
