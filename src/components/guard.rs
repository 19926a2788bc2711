//! Guards for pages behind the sign-in: they send people without a session to the sign-in page,
//! people in an unfinished set-up to their next step, and refuse roles the page is not for.
use le_domain::access::Role;
use le_domain::api::access::SessionStage;
use le_domain::nav::MenuEntry;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::access::encode;
use crate::contexts::session::{Session, SessionState};
use crate::routes::Route;

/// What the guard decided; a memo so that session updates do not rebuild the page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    Checking,
    Redirecting,
    Forbidden,
    Granted,
}

#[component]
pub fn RequireSession(
    /// The set-up stage this page belongs to (`Full` for every normal page).
    #[prop(default = SessionStage::Full)]
    stage: SessionStage,
    /// Who may use the page; everyone signed in when absent.
    #[prop(optional)]
    allowed: Option<fn(Role) -> bool>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = Session::use_context();
    let location = use_location();
    let navigate = use_navigate();
    let here = location.pathname.get_untracked();

    let access = Memo::new(move |_| match session.state() {
        SessionState::Checking => Access::Checking,
        SessionState::SignedOut => Access::Redirecting,
        SessionState::SignedIn(info) => {
            if info.stage != stage || session.has_recovery_codes() {
                Access::Redirecting
            } else if allowed.is_some_and(|ok| !ok(info.role)) {
                Access::Forbidden
            } else {
                Access::Granted
            }
        }
    });

    // Redirecting is talking to the router, so it lives in an effect.
    Effect::new(move |_| {
        if access.get() != Access::Redirecting || location.pathname.get_untracked() != here {
            return;
        }
        let target = match session.state() {
            SessionState::SignedIn(_) => session.next_path(None),
            _ => {
                let search = location.search.get_untracked();
                let search = search.trim_start_matches('?');
                let back = if search.is_empty() {
                    here.clone()
                } else {
                    format!("{here}?{search}")
                };
                Route::SignIn.href_with(&format!("weiter={}", encode(&back)))
            }
        };
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });

    move || match access.get() {
        Access::Checking => {
            view! { <p role="status" class="text-slate-600">"Anmeldung wird geprüft …"</p> }
                .into_any()
        }
        Access::Redirecting => {
            view! { <p role="status" class="text-slate-600">"Weiterleitung …"</p> }.into_any()
        }
        Access::Forbidden => view! {
            <h1 class="text-2xl font-bold text-blue-950">"Keine Berechtigung"</h1>
            <p class="mt-4 max-w-3xl text-slate-700">
                "Diese Seite steht nur Administratorinnen und Administratoren zur Verfügung."
            </p>
        }
        .into_any(),
        Access::Granted => children().into_any(),
    }
}

/// Who may open the users page (and the API tokens and the audit log: the same people).
pub fn is_admin(role: Role) -> bool {
    MenuEntry::Users.open_to(role)
}

/// Who may open the registrations page.
pub fn is_md_admin(role: Role) -> bool {
    MenuEntry::Registrations.open_to(role)
}
