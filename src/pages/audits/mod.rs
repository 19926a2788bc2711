//! The Prüfverfahren area (the audit exchange between the Medizinischer Dienst and hospitals):
//! one page per route of `routes.rs`, picked here; the area's sub-menu comes from the domain's
//! `nav::AuditsMenuEntry`. Imports run one way: this module → the pages → `shared`. The start
//! pages are in the area's chunk; a case with its requests and receipts, and the structure audits
//! with the inspections, are pieces with chunks of their own (`areas.rs`), loaded when opened.
//!
//! - `inbox`: the hospital's requests (start page of hospitals)
//! - `cases`: the MD's cases, new case, one case (start page of the MD)
//! - `request`: one document request: uploads, unavailable documents, submission
//! - `receipt`: the printable receipt of a delivery and its acknowledgement
//! - `structure`: structure audits (applications, evidence, decisions)
//! - `inspections`: announced on-site inspections
//! - `strip`: the deadline strip above the start pages
//! - `shared`: role predicates, deadline badge, file table and document states
mod cases;
mod inbox;
mod inspections;
mod receipt;
mod request;
mod shared;
mod strip;
mod structure;

use le_domain::nav::AuditsMenuEntry;
use leptos::prelude::*;

use crate::areas::{Area, LazyArea};
use crate::components::form::LINK_CLASS;
use crate::components::guard::RequireSession;
use crate::contexts::session::Session;
use crate::pages::not_found::NotFound;
use crate::routes::{Route, use_route};
use shared::{current_role, is_audit_user, is_md};

/// Entry of the area: the route picks the page (an unknown sub-path is "not found").
#[component]
pub fn AuditsArea() -> impl IntoView {
    let route = use_route();
    view! {
        <AreaNav />
        {move || match route.get() {
            Some(Route::Audits) => view! { <Start /> }.into_any(),
            Some(Route::AuditCases) => view! { <cases::CasesPage /> }.into_any(),
            Some(Route::AuditRequest { .. } | Route::AuditReceipt { .. } | Route::AuditCase { .. }) => {
                view! { <LazyArea area=Area::AuditCase /> }.into_any()
            }
            Some(Route::AuditStructure | Route::AuditInspections) => {
                view! { <LazyArea area=Area::AuditStructure /> }.into_any()
            }
            _ => view! { <NotFound /> }.into_any(),
        }}
    }
}

/// A case, a document request or a receipt (chunk `audits_case`). Drawn anew by
/// [`AuditsArea`] for each page, so the route is read once.
#[component]
pub fn CasePiece() -> impl IntoView {
    match use_route().get_untracked() {
        Some(Route::AuditCase { id }) => view! { <cases::CasePage id=id /> }.into_any(),
        Some(Route::AuditRequest { id }) => view! { <request::RequestPage id=id /> }.into_any(),
        Some(Route::AuditReceipt { id }) => view! { <receipt::ReceiptPage id=id /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The structure audits or the inspections (chunk `audits_structure`).
#[component]
pub fn StructurePiece() -> impl IntoView {
    match use_route().get_untracked() {
        Some(Route::AuditInspections) => view! { <inspections::InspectionsPage /> }.into_any(),
        _ => view! { <structure::StructurePage /> }.into_any(),
    }
}

/// The start page: the MD's cases, the hospital's inbox.
#[component]
fn Start() -> impl IntoView {
    let session = Session::use_context();
    view! {
        <RequireSession allowed=is_audit_user>
            {move || {
                if current_role(session).is_some_and(is_md) {
                    view! { <cases::CasesPage /> }.into_any()
                } else {
                    view! { <inbox::InboxPage /> }.into_any()
                }
            }}
        </RequireSession>
    }
}

/// The page of a sub-menu entry.
fn menu_route(entry: AuditsMenuEntry) -> Route {
    match entry {
        AuditsMenuEntry::Start => Route::Audits,
        AuditsMenuEntry::Cases => Route::AuditCases,
        AuditsMenuEntry::StructureAudits => Route::AuditStructure,
        AuditsMenuEntry::Inspections => Route::AuditInspections,
    }
}

/// Links between the pages of the area, as the domain's menu gives them for the role (hidden
/// when printing; absent for people outside the area).
#[component]
fn AreaNav() -> impl IntoView {
    let session = Session::use_context();
    move || {
        let role = current_role(session)?;
        let entries: Vec<AuditsMenuEntry> = AuditsMenuEntry::for_role(role).collect();
        (!entries.is_empty()).then(|| {
            view! {
                <nav aria-label="Prüfverfahren" class="mb-6 print:hidden">
                    <ul class="flex flex-wrap gap-x-6 gap-y-2 border-b border-slate-200 pb-3">
                        {entries
                            .into_iter()
                            .map(|entry| view! {
                                <li><a href=menu_route(entry).href() class=LINK_CLASS>{entry.label(role)}</a></li>
                            })
                            .collect_view()}
                    </ul>
                </nav>
            }
        })
    }
}
