//! The Prüfverfahren area: its own sub-routes under one top-level route (see app.rs); the path
//! after `/pruefverfahren` selects the page.
mod cases;
mod inbox;
mod inspections;
mod receipt;
mod request;
mod strip;
mod structure;

use le_domain::access::Role;
use le_domain::api::audits::DeadlineInfo;
use le_domain::audits::{DeadlineStatus, days_left_phrase};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::form::LINK_CLASS;
use crate::contexts::session::Session;
use crate::pages::not_found::NotFound;

/// Users of the Medizinischer Dienst.
pub(crate) fn is_md(role: Role) -> bool {
    matches!(role, Role::MdAdmin | Role::MdAuditor)
}

/// Users of a hospital who see audit requests.
pub(crate) fn is_hospital(role: Role) -> bool {
    matches!(role, Role::Admin | Role::AuditClerk | Role::Viewer)
}

/// Everyone taking part in audits (MD and hospital).
pub(crate) fn is_audit_user(role: Role) -> bool {
    is_md(role) || is_hospital(role)
}

/// Hospital users who may act (upload, submit, apply); viewers only read.
pub(crate) fn can_act(role: Role) -> bool {
    matches!(role, Role::Admin | Role::AuditClerk)
}

/// The signed-in user's role (tracked), if any.
pub(crate) fn current_role(session: Session) -> Option<Role> {
    session.info().map(|i| i.role)
}

/// Classes of a deadline status badge (colour and border, readable without colour too).
pub(crate) fn status_class(status: DeadlineStatus) -> &'static str {
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
pub(crate) fn DeadlineBadge(deadline: DeadlineInfo) -> impl IntoView {
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

/// Entry of the area; the rest of the URL selects the page.
#[component]
pub fn AuditsArea() -> impl IntoView {
    let location = use_location();
    let rest = Memo::new(move |_| {
        location.pathname.with(|p| {
            p.trim_start_matches("/pruefverfahren")
                .trim_matches('/')
                .to_owned()
        })
    });
    view! {
        <AreaNav />
        {move || {
            let rest = rest.get();
            let parts: Vec<&str> = rest.split('/').collect();
            let id = parts.get(1).and_then(|s| s.parse::<i64>().ok());
            match (parts.as_slice(), id) {
                ([""], _) => view! { <inbox::Start /> }.into_any(),
                (["anforderung", _], Some(id)) => view! { <request::RequestPage id=id /> }.into_any(),
                (["quittung", _], Some(id)) => view! { <receipt::ReceiptPage id=id /> }.into_any(),
                (["faelle"], _) => view! { <cases::CasesPage /> }.into_any(),
                (["fall", _], Some(id)) => view! { <cases::CasePage id=id /> }.into_any(),
                (["strukturpruefungen"], _) => view! { <structure::StructurePage /> }.into_any(),
                (["begehungen"], _) => view! { <inspections::InspectionsPage /> }.into_any(),
                _ => view! { <NotFound /> }.into_any(),
            }
        }}
    }
}

/// Links between the pages of the area (hidden when printing).
#[component]
fn AreaNav() -> impl IntoView {
    let session = Session::use_context();
    let md = move || current_role(session).is_some_and(is_md);
    view! {
        <nav aria-label="Prüfverfahren" class="mb-6 print:hidden">
            <ul class="flex flex-wrap gap-x-6 gap-y-2 border-b border-slate-200 pb-3">
                <li>
                    <a href="/pruefverfahren" class=LINK_CLASS>
                        {move || if md() { "Übersicht" } else { "Anforderungen" }}
                    </a>
                </li>
                <li><a href="/pruefverfahren/faelle" class=LINK_CLASS>"Fälle"</a></li>
                <li><a href="/pruefverfahren/strukturpruefungen" class=LINK_CLASS>"Strukturprüfungen"</a></li>
                <li><a href="/pruefverfahren/begehungen" class=LINK_CLASS>"Begehungen"</a></li>
            </ul>
        </nav>
    }
}
