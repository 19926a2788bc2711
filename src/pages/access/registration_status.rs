//! Public page "Stand der Registrierung": state of a registration by its reference number, and
//! a form to look up another one.
use le_domain::api::access::{RegistrationState, RegistrationStatus};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiFailure};
use crate::components::data::{DefList, row};
use crate::components::form::{BUTTON_PRIMARY, CARD_CLASS, INPUT_CLASS, LABEL_CLASS, LINK_CLASS};
use crate::components::page_title::set_page_title;
use crate::format;
use crate::routes::{Route, use_route};

#[component]
pub fn RegistrationStatusPage() -> impl IntoView {
    set_page_title("Stand der Registrierung");
    let route = use_route();
    let query = use_query_map();
    let reference = Memo::new(move |_| match route.get() {
        Some(Route::RegistrationStatus {
            reference: Some(reference),
        }) => reference,
        _ => String::new(),
    });
    let is_new = Memo::new(move |_| query.read().get("neu").is_some());
    let status = api::Load::new(move || {
        let reference = reference.get();
        async move {
            if reference.trim().is_empty() {
                // Nothing to look up: only the form is shown.
                Err(ApiFailure::none())
            } else {
                api::access::registration_status(&reference).await
            }
        }
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Stand der Registrierung"</h1>
        <div role="status" class="mt-4 max-w-3xl empty:hidden">
            {move || is_new.get().then(|| view! {
                <p class="rounded border border-green-700 bg-green-50 p-4 font-medium text-green-900">
                    "Ihre Registrierung ist eingegangen. Der Medizinische Dienst prüft jetzt die Unterlagen."
                </p>
            })}
        </div>
        {move || match status.get() {
            _ if reference.with(|r| r.trim().is_empty()) => None,
            None => Some(view! { <p class="mt-6 text-slate-600">"Wird geladen …"</p> }.into_any()),
            Some(Ok(s)) => Some(view! { <StatusCard status=s /> }.into_any()),
            Some(Err(failure)) => {
                let message = if failure.status == 404 {
                    "Zu dieser Vorgangsnummer ist keine Registrierung bekannt. Bitte prüfen Sie die Eingabe.".to_owned()
                } else {
                    failure.message
                };
                Some(view! {
                    <p role="alert" class="mt-6 max-w-3xl rounded border border-red-700 bg-red-50 p-4 font-medium text-red-900">
                        {message}
                    </p>
                }.into_any())
            }
        }}
        <LookupForm current=reference />
    }
}

#[component]
fn StatusCard(status: RegistrationStatus) -> impl IntoView {
    let explanation = match status.state {
        RegistrationState::Pending => {
            "Die Unterlagen werden geprüft. Nach der Freigabe erhalten Sie die Zugangsdaten per Post.".to_owned()
        }
        RegistrationState::Approved => {
            "Die Registrierung ist freigegeben. Die Zugangsdaten werden per Post zugestellt.".to_owned()
        }
        RegistrationState::Rejected => {
            "Die Registrierung wurde abgelehnt. Den Grund finden Sie oben; Sie können sich erneut registrieren.".to_owned()
        }
        // The period is the domain's, the same the server expires registrations by.
        RegistrationState::Expired => format!(
            "Die Registrierung wurde nicht innerhalb von {} Tagen bearbeitet und ist abgelaufen. Bitte registrieren Sie sich erneut.",
            le_domain::access::REGISTRATION_EXPIRY_DAYS
        ),
    };
    let mut rows = vec![
        (
            "Stand",
            status.state.label().to_owned(),
            Some("registration-state"),
        ),
        row("Eingegangen am", format::date_time(&status.submitted_at)),
    ];
    if let Some(at) = &status.decided_at {
        rows.push(row("Entschieden am", format::date_time(at)));
    }
    if let Some(reason) = status.reject_reason {
        rows.push(row("Grund der Ablehnung", reason));
    }
    view! {
        <section aria-labelledby="vorgang" class=format!("mt-6 max-w-3xl space-y-4 {CARD_CLASS}")>
            <h2 id="vorgang" class="text-lg font-semibold text-slate-900">{status.institution_name.clone()}</h2>
            <div>
                <p class="text-sm font-semibold text-slate-700">"Vorgangsnummer"</p>
                <p class="font-mono text-3xl font-bold tracking-wider text-blue-950" data-testid="registration-reference">
                    {status.reference.clone()}
                </p>
                <p class="mt-1 text-sm text-slate-600">
                    "Bitte notieren Sie diese Nummer: Mit ihr fragen Sie den Stand Ihrer Registrierung ab."
                </p>
            </div>
            <DefList rows=rows />
            <p class="text-slate-700">{explanation}</p>
            {(status.state == RegistrationState::Rejected).then(|| view! {
                <p><a href=Route::Registration.href() class=LINK_CLASS>"Erneut registrieren"</a></p>
            })}
        </section>
    }
}

/// Looks up another reference number (navigates; the URL holds the reference).
#[component]
fn LookupForm(current: Memo<String>) -> impl IntoView {
    let navigate = use_navigate();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reference = value.get_untracked().trim().to_owned();
        if reference.is_empty() {
            error.set(Some("Bitte eine Vorgangsnummer eingeben."));
            return;
        }
        error.set(None);
        navigate(
            &Route::RegistrationStatus {
                reference: Some(reference),
            }
            .href(),
            Default::default(),
        );
    };
    let heading = move || {
        if current.with(|c| c.is_empty()) {
            "Registrierung nachschlagen"
        } else {
            "Andere Registrierung nachschlagen"
        }
    };
    view! {
        <section aria-labelledby="nachschlagen" class="mt-10 max-w-3xl">
            <h2 id="nachschlagen" class="text-lg font-semibold text-slate-900">{heading}</h2>
            <form class="mt-3 flex flex-wrap items-end gap-3" novalidate on:submit=submit>
                <div>
                    <label for="vorgangsnummer" class=LABEL_CLASS>"Vorgangsnummer"</label>
                    <input
                        id="vorgangsnummer"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        class=format!("{INPUT_CLASS} font-mono")
                        aria-describedby="vorgangsnummer-fehler"
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class=BUTTON_PRIMARY>"Stand abfragen"</button>
            </form>
            <p id="vorgangsnummer-fehler" class="mt-1 text-sm font-medium text-red-800 empty:hidden">{move || error.get()}</p>
        </section>
    }
}
