//! Page "Anmelden": user name, password and the code from the authenticator app (or a recovery
//! code). Afterwards the session decides where to go: a set-up step or the requested page.
use le_domain::access::parse_second_factor;
use le_domain::api::access::SignInRequest;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, Notice, ServerErrors, TextField, Touched,
    focus_by_id, shown,
};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::{Session, SessionState};
use crate::routes::Route;

/// Ways in for people without access or without their app (static text).
fn help() -> String {
    format!(
        "<p>Noch kein Zugang? <a href=\"{}\" class=\"rounded font-medium text-blue-800 underline \
hover:text-blue-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700\">Registrieren Sie Ihre Einrichtung</a>.</p>\
<p>Authenticator-App verloren? Melden Sie sich mit einem Ihrer Wiederherstellungscodes an oder bitten Sie Ihre \
Administration, den zweiten Faktor zurückzusetzen.</p>",
        Route::Registration.href()
    )
}

#[component]
pub fn SignIn() -> impl IntoView {
    set_page_title("Anmelden");
    let session = Session::use_context();
    let navigate = use_navigate();
    let query = use_query_map();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let touched = Touched::new();
    let notice = RwSignal::new(None::<Result<String, String>>);
    // The server's word on the code (e.g. used already), while the field still holds that code.
    let server = ServerErrors::new();
    let sign_in = Mutation::with_notice(
        notice,
        |_, request: SignInRequest| async move { api::access::sign_in(&request).await },
        move |answer| match answer {
            // The effect below navigates on.
            Ok(step) => {
                notice.set(Some(Ok("Angemeldet.".to_owned())));
                session.accept_step(step);
            }
            Err(failure) => {
                if failure.code == "code_already_used" {
                    server.set(
                        vec![le_domain::FieldError::new(
                            "code",
                            failure.code.clone(),
                            failure.message,
                        )],
                        |_| code.get_untracked(),
                    );
                    focus_by_id("code");
                }
            }
        },
    );

    let username_error = Memo::new(move |_| {
        username
            .read()
            .trim()
            .is_empty()
            .then(|| "Bitte den Benutzernamen eingeben.".to_owned())
    });
    let password_error = Memo::new(move |_| {
        password
            .read()
            .is_empty()
            .then(|| "Bitte das Passwort eingeben.".to_owned())
    });
    // Empty is allowed: users created by an administrator have no second factor yet.
    let code_error = Memo::new(move |_| {
        let c = code.read();
        (!c.trim().is_empty() && parse_second_factor(&c).is_none()).then(|| {
            "Ungültiges Format: erwartet 6 Ziffern aus der App, einen Wiederherstellungscode aus 10 Zeichen oder einen Einrichtungscode aus 12 Zeichen.".to_owned()
        })
    });

    // Signed in (now or before): on to the next set-up step, the requested page, or where the
    // role's work starts.
    Effect::new(move |_| {
        if let SessionState::SignedIn(_) = session.state() {
            let requested = query
                .with_untracked(|q| q.get("weiter"))
                .filter(|w| w.starts_with('/') && !w.starts_with("//"));
            navigate(
                &session.next_path(requested.as_deref()),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let info = Memo::new(move |_| {
        query.with(|q| {
            if q.get("abgemeldet").as_deref() == Some("2") {
                Some("Sie wurden auf allen Geräten abgemeldet.")
            } else if q.get("abgemeldet").is_some() {
                Some("Sie wurden abgemeldet.")
            } else if q.get("weiter").is_some() {
                Some("Bitte melden Sie sich an, um die Seite zu öffnen.")
            } else {
                None
            }
        })
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sign_in.running() {
            return;
        }
        touched.submit();
        let first_invalid = [
            ("username", username_error.get_untracked()),
            ("password", password_error.get_untracked()),
            ("code", code_error.get_untracked()),
        ]
        .into_iter()
        .find(|(_, e)| e.is_some());
        if let Some((id, _)) = first_invalid {
            notice.set(Some(Err(
                "Bitte die markierten Felder korrigieren.".to_owned()
            )));
            focus_by_id(id);
            return;
        }
        server.clear();
        let code_value = code.get_untracked().trim().to_owned();
        let request = SignInRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            code: (!code_value.is_empty()).then_some(code_value),
        };
        sign_in.run_with("Anmeldung läuft …", request);
    };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Anmelden"</h1>
        <div role="status" class="mt-4 max-w-xl empty:hidden">
            {move || info.get().map(|text| view! {
                <p class="rounded border border-blue-300 bg-blue-50 p-3 text-blue-950">{text}</p>
            })}
        </div>
        <crate::components::later::Later>
        <form class=format!("mt-6 max-w-xl space-y-4 {CARD_CLASS}") novalidate on:submit=submit>
            <TextField
                id="username"
                label="Benutzername"
                value=username
                error=Signal::derive(move || shown(touched, "username", username_error.get()))
                autocomplete="username"
                on_blur=touch("username")
            />
            <TextField
                id="password"
                label="Passwort"
                value=password
                error=Signal::derive(move || shown(touched, "password", password_error.get()))
                input_type="password"
                autocomplete="current-password"
                hint="Bei der ersten Anmeldung: das Einmal-Passwort aus dem Zugangsschreiben oder von Ihrer Administration."
                on_blur=touch("password")
            />
            <TextField
                id="code"
                label="Code aus der Authenticator-App oder Wiederherstellungscode"
                value=code
                error=Signal::derive(move || {
                    shown(touched, "code", code_error.get())
                        .or_else(|| code.with(|c| server.message("code", c)))
                })
                autocomplete="one-time-code"
                hint="Leer lassen, wenn für Ihren Zugang noch keine Authenticator-App eingerichtet ist. Wurde sie zurückgesetzt: den Einrichtungscode Ihrer Administration eingeben."
                on_blur=touch("code")
            />
            <button type="submit" class=BUTTON_PRIMARY aria-busy=move || sign_in.pending().to_string()>
                "Anmelden"
            </button>
            <Notice message=notice />
        </form>
        </crate::components::later::Later>
        // Below the form: built after it (a shorter start-up task).
        <crate::components::later::Later>
            <DemoAccounts username=username password=password code=code />
            <div class="mt-8 max-w-xl space-y-2 text-slate-700" inner_html=help()></div>
        </crate::components::later::Later>
    }
}

/// Demo (kiosk) mode only: the seeded accounts with the code an authenticator app would show
/// now; "Übernehmen" fills the form. Outside demo mode the server lists none and nothing shows.
#[component]
fn DemoAccounts(
    username: RwSignal<String>,
    password: RwSignal<String>,
    code: RwSignal<String>,
) -> impl IntoView {
    let accounts = api::Load::new(api::demo::accounts);
    move || {
        let list = match accounts.get() {
            Some(Ok(list)) if !list.is_empty() => list,
            _ => return None,
        };
        Some(view! {
            <section aria-labelledby="demo-titel" class=format!("mt-8 max-w-4xl {CARD_CLASS}") data-testid="demo-accounts">
                <h2 id="demo-titel" class="text-lg font-semibold text-slate-900">"Demo-Zugänge"</h2>
                <p class="mt-1 text-sm text-slate-700">
                    "Demo-Modus: alle Einrichtungen und Personen sind erfunden. Der Code ist der, den eine Authenticator-App jetzt anzeigen würde; jeder Code gilt nur einmal."
                </p>
                <button type="button" class=format!("mt-2 {BUTTON_SECONDARY}") on:click=move |_| accounts.reload()>
                    "Codes aktualisieren"
                </button>
                // On a phone the table scrolls inside its frame instead of widening the page.
                <div class="relative mt-3 overflow-x-auto" role="region" aria-label="Tabelle der Demo-Zugänge" tabindex="0">
                <table class="w-full text-left text-sm">
                    <thead>
                        <tr class="border-b border-slate-300">
                            <th scope="col" class="py-1 pr-2">"Benutzer"</th>
                            <th scope="col" class="py-1 pr-2">"Rolle"</th>
                            <th scope="col" class="py-1 pr-2">"Einrichtung"</th>
                            <th scope="col" class="py-1 pr-2">"Code"</th>
                            <th scope="col" class="py-1"><span class="sr-only">"Aktion"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {list
                            .into_iter()
                            .map(|a| {
                                let fill = a.clone();
                                let label = format!("{} übernehmen", a.username);
                                view! {
                                    <tr class="border-b border-slate-200">
                                        <td class="py-1 pr-2 font-mono">{a.username.clone()}</td>
                                        <td class="py-1 pr-2">{a.role_label.clone()}</td>
                                        <td class="py-1 pr-2">{a.institution.clone()}</td>
                                        <td class="py-1 pr-2 font-mono">{format!("{} (noch {} s)", a.code, a.code_valid_for)}</td>
                                        <td class="py-1">
                                            <button
                                                type="button"
                                                class=BUTTON_SECONDARY
                                                aria-label=label
                                                on:click=move |_| {
                                                    username.set(fill.username.clone());
                                                    password.set(fill.password.clone());
                                                    code.set(fill.code.clone());
                                                }
                                            >
                                                "Übernehmen"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        })
    }
}
