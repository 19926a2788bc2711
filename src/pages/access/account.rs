//! Page "Konto": the user's own data, changing the password, new recovery codes, and signing out
//! on every device.
use le_domain::api::access::SessionInfo;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::confirm::ConfirmAction;
use crate::components::data::{DefList, row};
use crate::components::form::{BUTTON_DANGER, CARD_CLASS, Notice, focus_soon};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::components::password_form::PasswordForm;
use crate::components::recovery_codes::RecoveryCodes;
use crate::contexts::session::Session;
use crate::format;
use crate::routes::Route;

#[component]
pub fn Account() -> impl IntoView {
    set_page_title("Konto");
    view! {
        <RequireSession>
            <h1 class="text-2xl font-bold text-blue-950">"Konto"</h1>
            <OwnData />
            // Demo accounts are shared by every visitor: the server refuses these changes.
            {if api::demo::is_demo() {
                view! {
                    <p class=format!("mt-6 max-w-3xl {CARD_CLASS}") data-testid="demo-account-note">
                        "Demo-Modus: Passwort, zweiter Faktor, Wiederherstellungscodes und Sitzungen auf anderen Geräten lassen sich hier nicht ändern – alle Besucher teilen diese Zugänge."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <section aria-labelledby="passwort" class=format!("mt-6 max-w-3xl {CARD_CLASS}")>
                        <h2 id="passwort" class="mb-4 text-lg font-semibold text-slate-900">"Passwort ändern"</h2>
                        <ChangePassword />
                    </section>
                    <NewRecoveryCodes />
                    <SignOutEverywhere />
                }
                .into_any()
            }}
        </RequireSession>
    }
}

#[component]
fn OwnData() -> impl IntoView {
    let session = Session::use_context();
    move || {
        session.info().map(|i: SessionInfo| {
            view! {
                <section aria-labelledby="daten" class=format!("mt-6 max-w-3xl {CARD_CLASS}")>
                    <h2 id="daten" class="text-lg font-semibold text-slate-900">"Ihre Daten"</h2>
                    <DefList
                        class="mt-3"
                        rows=vec![
                            row("Name", i.display_name),
                            row("Benutzername", i.username),
                            row("Rolle", i.role.label()),
                            row("Einrichtung", i.institution.name),
                            row("Art der Einrichtung", i.institution.kind.label()),
                            row("Institutionskennzeichen", i.institution.ik),
                            row("Sitzung endet spätestens", format::date_time(&i.absolute_expires_at)),
                        ]
                    />
                </section>
            }
        })
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let session = Session::use_context();
    let on_done = Callback::new(move |step: le_domain::api::access::StepResult| {
        session.set(step.session);
    });
    view! { <PasswordForm require_current=true submit_label="Passwort ändern" on_done=on_done /> }
}

/// Replaces the recovery codes; the new ones are shown here, once.
#[component]
fn NewRecoveryCodes() -> impl IntoView {
    let session = Session::use_context();
    let codes = RwSignal::new(None::<Vec<String>>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let generate = Mutation::with_notice(
        notice,
        |csrf, ()| async move { api::access::new_recovery_codes(&csrf).await },
        move |answer| {
            if let Ok(step) = answer {
                codes.set(step.recovery_codes.clone());
                notice.set(Some(Ok(
                    "Neue Wiederherstellungscodes erzeugt; die bisherigen gelten nicht mehr."
                        .to_owned(),
                )));
                session.dismiss_recovery_notice();
                session.set(step.session);
            }
        },
    );
    view! {
        <section aria-labelledby="codes" class=format!("mt-6 max-w-3xl space-y-4 {CARD_CLASS}")>
            <h2 id="codes" class="text-lg font-semibold text-slate-900">"Wiederherstellungscodes"</h2>
            {move || match codes.get() {
                Some(list) => view! {
                    <RecoveryCodes
                        codes=list
                        username=untrack(move || session.info().map(|i| i.username).unwrap_or_default())
                        on_continue=Callback::new(move |()| {
                            codes.set(None);
                            notice.set(None);
                            focus_soon("codes-neu".to_owned());
                        })
                    />
                }
                .into_any(),
                None => view! {
                    <p class="text-slate-700">
                        "Mit einem Wiederherstellungscode melden Sie sich an, wenn Ihre Authenticator-App nicht verfügbar ist. "
                        "Neue Codes ersetzen alle bisherigen."
                    </p>
                    <ConfirmAction
                        id="codes-neu".to_owned()
                        label="Neue Codes erzeugen"
                        question="Die bisherigen Codes werden ungültig. Fortfahren?"
                        confirm_label="Ja, neue Codes erzeugen"
                        busy=generate.busy()
                        on_confirm=Callback::new(move |()| {
                            generate.run(());
                        })
                    />
                }
                .into_any(),
            }}
            <Notice message=notice />
        </section>
    }
}

#[component]
fn SignOutEverywhere() -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    let sign_out = Mutation::new(
        |csrf, ()| async move { api::access::sign_out_everywhere(&csrf).await },
        move |answer| {
            if answer.is_ok() {
                navigate(&Route::SignIn.href_with("abgemeldet=2"), Default::default());
                session.clear();
            }
        },
    );
    let notice = sign_out.notice();
    view! {
        <section aria-labelledby="ueberall" class=format!("mt-6 max-w-3xl space-y-4 {CARD_CLASS}")>
            <h2 id="ueberall" class="text-lg font-semibold text-slate-900">"Auf allen Geräten abmelden"</h2>
            <p class="text-slate-700">
                "Beendet alle Ihre Sitzungen, auch auf anderen Geräten und in anderen Browsern – "
                "zum Beispiel, wenn Sie vergessen haben, sich an einem fremden Rechner abzumelden."
            </p>
            <button type="button" class=BUTTON_DANGER on:click=move |_| {
                sign_out.run(());
            }>"Überall abmelden"</button>
            <Notice message=notice />
        </section>
    }
}
