//! The Arztverzeichnis area: its own sub-routes under one top-level route (see app.rs). The
//! grid is in the area's chunk; the physician form, the clarifications (hospital and office) and
//! the bulk edit panel are pieces with chunks of their own (`areas.rs`), loaded when opened.
mod bulk;
mod clarifications;
mod common;
mod data;
mod form;
mod grid;
mod office;

use le_domain::access::{InstitutionKind, Permission, Role};
use leptos::prelude::*;

use crate::areas::{Area, LazyArea};
use crate::components::guard::RequireSession;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::routes::{Route, use_route};

/// Hospital roles that may open the directory (viewers read, editors and admins edit).
fn is_directory_user(role: Role) -> bool {
    role.allows(Permission::ViewDirectory)
}

/// Users of the directory office (its clerks and its admin).
fn is_office_user(role: Role) -> bool {
    role.allows(Permission::WorkInDirectoryOffice)
}

/// What the path below `/arztverzeichnis` asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Page {
    Grid,
    New,
    Edit(i64),
    Inbox,
    Office,
    OfficeOnly,
    NotFound,
}

fn page_of(route: Option<Route>) -> Page {
    match route {
        Some(Route::Directory) => Page::Grid,
        Some(Route::DirectoryNew) => Page::New,
        Some(Route::DirectoryClarifications) => Page::Inbox,
        Some(Route::DirectoryOffice) => Page::Office,
        Some(Route::DirectoryPhysician { id }) => Page::Edit(id),
        _ => Page::NotFound,
    }
}

/// Entry of the area; the rest of the URL selects the page.
#[component]
pub fn DirectoryArea() -> impl IntoView {
    set_page_title("Arztverzeichnis");
    let route = use_route();
    let session = Session::use_context();
    let is_office = Memo::new(move |_| {
        session
            .info()
            .is_some_and(|i| i.institution.kind == InstitutionKind::DirectoryOffice)
    });
    // The office has no hospital list of its own: its start page is its work list.
    let page = Memo::new(move |_| match page_of(route.get()) {
        Page::Grid if is_office.get() => Page::Office,
        // Hospital admins pass the role filter of the office page, but it is not theirs.
        Page::Office if session.info().is_some() && !is_office.get() => Page::OfficeOnly,
        page => page,
    });
    move || {
        match page.get() {
        Page::Grid => view! {
            <RequireSession allowed=is_directory_user>
                <grid::PhysicianGrid />
            </RequireSession>
        }
        .into_any(),
        // `Edit(id)` is its own page: another id builds the editor anew.
        Page::New | Page::Edit(_) => view! {
            <RequireSession allowed=is_directory_user>
                <LazyArea area=Area::DirectoryEditor />
            </RequireSession>
        }
        .into_any(),
        Page::Inbox => view! {
            <RequireSession allowed=is_directory_user>
                <LazyArea area=Area::DirectoryClarifications />
            </RequireSession>
        }
        .into_any(),
        Page::Office => view! {
            <RequireSession allowed=is_office_user>
                <LazyArea area=Area::DirectoryClarifications />
            </RequireSession>
        }
        .into_any(),
        Page::OfficeOnly => view! {
            <h1 class="text-2xl font-bold text-blue-950">"Geschäftsstelle Arztverzeichnis"</h1>
            <p role="alert" class="mt-4">"Diese Seite ist der Geschäftsstelle des Arztverzeichnisses vorbehalten."</p>
        }
        .into_any(),
        Page::NotFound => view! {
            <h1 class="text-2xl font-bold text-blue-950">"Seite nicht gefunden"</h1>
            <p class="mt-4">"Diese Seite des Arztverzeichnisses gibt es nicht."</p>
        }
        .into_any(),
    }
    }
}

/// The physician form (chunk `directory_editor`): new, or the physician of the path. Drawn anew
/// by [`DirectoryArea`] for each page, so the route is read once.
#[component]
pub fn EditorPiece() -> impl IntoView {
    let id = match use_route().get_untracked() {
        Some(Route::DirectoryPhysician { id }) => Some(id),
        _ => None,
    };
    view! { <form::PhysicianEditor id /> }
}

/// The hospital's clarifications, or the office's page (chunk `directory_clarifications`).
#[component]
pub fn ClarificationsPiece() -> impl IntoView {
    match use_route().get_untracked() {
        Some(Route::DirectoryClarifications) => {
            view! { <clarifications::HospitalInbox /> }.into_any()
        }
        _ => view! { <office::OfficePage /> }.into_any(),
    }
}

/// The bulk edit panel (chunk `directory_bulk`), below the grid whose context it reads.
#[component]
pub fn BulkPiece() -> impl IntoView {
    view! { <bulk::BulkPanel /> }
}
