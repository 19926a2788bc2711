//! The app: session context, router and the routes of every area.
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

use crate::components::shell::Shell;
use crate::contexts::session::Session;
use crate::pages::access::{
    account::Account, enrol_totp::EnrolTotp, recovery_codes::RecoveryCodesPage,
    registration::Registration, registration_status::RegistrationStatusPage,
    set_password::SetPassword, sign_in::SignIn,
};
use crate::pages::admin::{
    api_tokens::AdminApiTokens, audit_log::AdminAuditLog, registrations::AdminRegistrations,
    users::AdminUsers,
};
use crate::pages::audits::AuditsArea;
use crate::pages::directory::DirectoryArea;
use crate::pages::{
    area::AreaPreview, contact::Contact, home::Home, not_found::NotFound, number_check::NumberCheck,
};

/// The set-up steps after signing in, one page each (one route for all keeps the router small).
#[component]
fn SignInStep() -> impl IntoView {
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step").unwrap_or_default());
    move || match step.get().as_str() {
        "app-einrichten" => view! { <EnrolTotp /> }.into_any(),
        "passwort" => view! { <SetPassword /> }.into_any(),
        "wiederherstellungscodes" => view! { <RecoveryCodesPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The administration pages, one each.
#[component]
fn Administration() -> impl IntoView {
    let params = use_params_map();
    let page = Memo::new(move |_| params.read().get("page").unwrap_or_default());
    move || match page.get().as_str() {
        "registrierungen" => view! { <AdminRegistrations /> }.into_any(),
        "benutzer" => view! { <AdminUsers /> }.into_any(),
        "api-tokens" => view! { <AdminApiTokens /> }.into_any(),
        "protokoll" => view! { <AdminAuditLog /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/nummernpruefung") view=NumberCheck />
                    <Route path=path!("/kontakt") view=Contact />
                    <Route path=path!("/bereich/:area") view=AreaPreview />
                    <Route path=path!("/registrierung") view=Registration />
                    <Route path=path!("/registrierung/status/:reference?") view=RegistrationStatusPage />
                    <Route path=path!("/anmelden") view=SignIn />
                    <Route path=path!("/anmelden/:step") view=SignInStep />
                    <Route path=path!("/konto") view=Account />
                    <Route path=path!("/verwaltung/:page") view=Administration />
                    <Route path=path!("/arztverzeichnis") view=DirectoryArea />
                    <Route path=path!("/arztverzeichnis/*rest") view=DirectoryArea />
                    <Route path=path!("/pruefverfahren") view=AuditsArea />
                    <Route path=path!("/pruefverfahren/*rest") view=AuditsArea />
                </Routes>
            </Shell>
        </Router>
    }
}
