//! What the audits pages share (the bottom of the area's imports): who may do what (the domain's
//! role matrix), the deadline badge, the file table and the states of requested documents.
use le_domain::access::{Permission, Role};
use le_domain::api::audits::{DeadlineInfo, DocumentRequest, StoredFile};
use le_domain::audits::{DeadlineStatus, DocumentState, days_left_phrase};
use le_domain::nav::WorkArea;
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::components::form::{BUTTON_SECONDARY, LINK_CLASS};
use crate::contexts::session::Session;
use crate::dates;
use crate::format;

/// Users of the Medizinischer Dienst.
pub(super) fn is_md(role: Role) -> bool {
    role.allows(Permission::AuditAsMd)
}

/// Users of a hospital who see audit requests.
pub(super) fn is_hospital(role: Role) -> bool {
    role.allows(Permission::ViewHospitalAudits)
}

/// Everyone taking part in audits (MD and hospital).
pub(super) fn is_audit_user(role: Role) -> bool {
    WorkArea::Audits.open_to(role)
}

/// Hospital users who may act (upload, submit, apply); viewers only read.
pub(super) fn can_act(role: Role) -> bool {
    role.allows(Permission::ActInHospitalAudits)
}

/// The signed-in user's role (tracked), if any.
pub(super) fn current_role(session: Session) -> Option<Role> {
    session.info().map(|i| i.role)
}

/// The server's first field message, else its general one (for forms with one message line).
pub(super) fn first_message(failure: ApiFailure) -> String {
    failure
        .fields
        .into_iter()
        .next()
        .map(|f| f.message)
        .unwrap_or(failure.message)
}

/// Classes of a deadline status badge (colour and border, readable without colour too).
pub(super) fn status_class(status: DeadlineStatus) -> &'static str {
    match status {
        DeadlineStatus::Open => "border-slate-400 bg-slate-50 text-slate-900",
        DeadlineStatus::DueSoon => "border-amber-600 bg-amber-50 text-amber-950",
        DeadlineStatus::LateWindow => "border-orange-700 bg-orange-50 text-orange-950",
        DeadlineStatus::Overdue => "border-red-700 bg-red-50 text-red-900",
        DeadlineStatus::Delivered => "border-green-700 bg-green-50 text-green-900",
    }
}

/// A deadline shown everywhere the same way: date, days left, status label.
#[component]
pub(super) fn DeadlineBadge(deadline: DeadlineInfo) -> impl IntoView {
    let phrase = if deadline.status == DeadlineStatus::Delivered {
        String::new()
    } else {
        format!(" · {}", days_left_phrase(deadline.days_left))
    };
    view! {
        <span class="inline-flex flex-wrap items-center gap-2" data-testid="deadline">
            <span class="font-medium text-slate-900">{format!("Frist {}", deadline.due)}{phrase}</span>
            <span class=format!("rounded border px-2 py-0.5 text-xs font-semibold {}", status_class(deadline.status))>
                {deadline.status_label.clone()}
            </span>
        </span>
    }
}

/// The state of every requested document (delivered, outstanding, not available with the
/// reason) and whether the request is complete.
#[component]
pub(super) fn DocumentStates(request: DocumentRequest) -> impl IntoView {
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
pub(super) fn document_state_key(state: DocumentState) -> &'static str {
    match state {
        DocumentState::Outstanding => "outstanding",
        DocumentState::Delivered => "delivered",
        DocumentState::Unavailable => "unavailable",
    }
}

/// Name, size and SHA-256 of stored files, optionally with a delete button per file.
#[component]
pub(super) fn FileTable(
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
                                    <td class="px-3 py-2 whitespace-nowrap">{format!("{} ({})", dates::date_time(&f.uploaded_at), f.uploaded_by)}</td>
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
