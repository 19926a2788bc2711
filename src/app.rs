//! The app: session context, router and the routes of every area. The start page, sign-in and
//! the number check are in the main module; every other area is loaded on first use (areas.rs).
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::areas::{Area, LazyArea};
use crate::components::shell::Shell;
use crate::contexts::session::Session;
use crate::pages::access::sign_in::SignIn;
use crate::pages::{
    area::AreaPreview, contact::Contact, home::Home, not_found::NotFound, number_check::NumberCheck,
};

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
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
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/nummernpruefung") view=NumberCheck />
                    <Route path=path!("/kontakt") view=Contact />
                    <Route path=path!("/bereich/:area") view=AreaPreview />
                    <Route path=path!("/registrierung") view=|| view! { <LazyArea area=Area::Registration /> } />
                    <Route path=path!("/registrierung/status/:reference?") view=|| view! { <LazyArea area=Area::RegistrationStatus /> } />
                    <Route path=path!("/anmelden") view=SignIn />
                    <Route path=path!("/anmelden/:step") view=|| view! { <LazyArea area=Area::SignInSteps /> } />
                    <Route path=path!("/konto") view=|| view! { <LazyArea area=Area::Account /> } />
                    <Route path=path!("/verwaltung/:page") view=|| view! { <LazyArea area=Area::Administration /> } />
                    <Route path=path!("/arztverzeichnis") view=|| view! { <LazyArea area=Area::Directory /> } />
                    <Route path=path!("/arztverzeichnis/*rest") view=|| view! { <LazyArea area=Area::Directory /> } />
                    <Route path=path!("/pruefverfahren") view=|| view! { <LazyArea area=Area::Audits /> } />
                    <Route path=path!("/pflegeabrechnung") view=|| view! { <LazyArea area=Area::CareBilling /> } />
                    <Route path=path!("/pflegeabrechnung/*rest") view=|| view! { <LazyArea area=Area::CareBilling /> } />
                    <Route path=path!("/pruefverfahren/*rest") view=|| view! { <LazyArea area=Area::Audits /> } />
                </Routes>
            </Shell>
        </Router>
    }
}
