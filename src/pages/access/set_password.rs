//! First sign-in step "Eigenes Passwort festlegen": replaces the one-time password.
use le_domain::api::access::SessionStage;
use leptos::prelude::*;

use crate::components::guard::RequireSession;
use crate::components::page_title::set_page_title;
use crate::components::password_form::PasswordForm;
use crate::contexts::session::Session;

#[component]
pub fn SetPassword() -> impl IntoView {
    set_page_title("Eigenes Passwort festlegen");
    let session = Session::use_context();
    // The guard moves on once the session has left this stage.
    let on_done = Callback::new(move |step| session.accept_step(step));
    view! {
        <RequireSession stage=SessionStage::SetPassword>
            <h1 class="text-2xl font-bold text-blue-950">"Eigenes Passwort festlegen"</h1>
            <p class="mt-2 mb-6 max-w-3xl text-slate-700">
                "Das Einmal-Passwort gilt nur für die erste Anmeldung. Wählen Sie jetzt Ihr eigenes Passwort."
            </p>
            <PasswordForm submit_label="Passwort speichern" on_done=on_done />
        </RequireSession>
    }
}
