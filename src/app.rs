//! The app: session context, router, and the one table that maps each route to its page. The
//! start page, sign-in, the number check and the contact page are in the main module; every
//! other area is loaded on first use (areas.rs). Paths are in routes.rs.
use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

use crate::areas::{Area, LazyArea};
use crate::components::shell::Shell;
use crate::contexts::kiosk::{IdleWatch, Kiosk};
use crate::contexts::session::Session;
use crate::pages::access::sign_in::SignIn;
use crate::pages::{contact::Contact, home::Home, not_found::NotFound, number_check::NumberCheck};
use crate::routes::Route;

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    let kiosk = Kiosk::provide();
    let session = Session::use_context();
    // Once somebody is signed in, their areas' chunks are fetched in the background (once).
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match session.info() {
            Some(info) => {
                crate::areas::prefetch_for(info.role);
                true
            }
            None => false,
        }
    });
    // The page is built in a task after the shell's (see main.rs): two shorter tasks instead of
    // one long one, and the shell is painted first.
    let shell_painted = RwSignal::new(false);
    set_timeout(move || shell_painted.set(true), std::time::Duration::ZERO);
    // The router only tracks the location (links, history, query); `Page` picks what it shows
    // from the path itself. No `<Routes>`: its matching machinery and the generic code built for
    // it (80 KB of the main module's 650 KB, 26 KB brotli) had one catch-all route to match.
    view! {
        <Router>
            {move || kiosk.active().then(|| view! { <IdleWatch /> })}
            <Shell>
                {move || shell_painted.get().then(|| view! { <Page /> })}
            </Shell>
        </Router>
    }
}

/// What a route shows: a page of the main module, or a lazily loaded area (which then picks
/// its page). A memo, so that moving within an area keeps the area (and its loaded data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Home,
    NumberCheck,
    Contact,
    SignIn,
    Area(Area),
    NotFound,
}

impl Page {
    fn of(path: &str) -> Page {
        let Some(route) = Route::parse(path) else {
            // The directory and the audits answer their own unknown sub-paths (their "not
            // found" within the area).
            let areas = [
                (Route::Directory, Area::Directory),
                (Route::Audits, Area::Audits),
                (Route::CareBilling, Area::CareBilling),
            ];
            return areas
                .into_iter()
                .find(|(root, _)| {
                    path.strip_prefix(root.href().as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                })
                .map_or(Page::NotFound, |(_, area)| Page::Area(area));
        };
        match route {
            Route::Home => Page::Home,
            Route::NumberCheck => Page::NumberCheck,
            Route::Contact => Page::Contact,
            Route::CareBilling
            | Route::CareCertificates
            | Route::CareNew
            | Route::CareSetup
            | Route::CareStaff
            | Route::CareKey
            | Route::CareDelivery { .. } => Page::Area(Area::CareBilling),
            Route::SignIn => Page::SignIn,
            Route::Registration => Page::Area(Area::Registration),
            Route::RegistrationStatus { .. } => Page::Area(Area::RegistrationStatus),
            Route::EnrolTotp | Route::SetPassword | Route::RecoveryCodes => {
                Page::Area(Area::SignInSteps)
            }
            Route::Account => Page::Area(Area::Account),
            Route::AdminRegistrations
            | Route::AdminUsers
            | Route::AdminApiTokens
            | Route::AdminAuditLog => Page::Area(Area::Administration),
            Route::Directory
            | Route::DirectoryNew
            | Route::DirectoryPhysician { .. }
            | Route::DirectoryClarifications
            | Route::DirectoryOffice => Page::Area(Area::Directory),
            Route::Audits
            | Route::AuditRequest { .. }
            | Route::AuditReceipt { .. }
            | Route::AuditCases
            | Route::AuditCase { .. }
            | Route::AuditStructure
            | Route::AuditInspections => Page::Area(Area::Audits),
        }
    }
}

#[component]
fn Page() -> impl IntoView {
    let location = use_location();
    let page = Memo::new(move |_| location.pathname.with(|p| Page::of(p)));
    // A navigation to another path writes the address bar and scrolls once the router is told
    // that the new page is in place (what `<Routes>` does after it has rebuilt): here, after
    // each change of the path, in an effect (effects run after the views have been rebuilt).
    if let Some(browser_url) = use_context::<BrowserUrl>() {
        Effect::new(move |_| {
            location.pathname.track();
            browser_url.ready_to_complete();
        });
    }
    // Each page lives in its own owner, disposed only once the next page has replaced it in the
    // DOM (as the router does): a focused input that disappears fires `blur` on a live page.
    let parent = Owner::current().unwrap_or_default();
    let previous = StoredValue::new(None::<Owner>);
    move || {
        let page = page.get();
        let owner = parent.child();
        let view = owner.with(|| match page {
            Page::Home => view! { <HomeOrKiosk /> }.into_any(),
            Page::NumberCheck => view! { <NumberCheck /> }.into_any(),
            Page::Contact => view! { <Contact /> }.into_any(),
            Page::SignIn => view! { <SignIn /> }.into_any(),
            Page::Area(area) => view! { <LazyArea area=area /> }.into_any(),
            Page::NotFound => view! { <NotFound /> }.into_any(),
        });
        if let Some(old) = previous.try_update_value(|p| p.replace(owner)).flatten() {
            queue_microtask(move || drop(old));
        }
        view
    }
}

/// The start page; in kiosk mode the kiosk's start screen with its role tiles.
#[component]
fn HomeOrKiosk() -> impl IntoView {
    let kiosk = Kiosk::use_context();
    move || {
        if kiosk.active() {
            // Its own chunk: only a kiosk loads it.
            view! { <LazyArea area=Area::Kiosk /> }.into_any()
        } else {
            view! { <Home /> }.into_any()
        }
    }
}
