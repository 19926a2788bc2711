//! Choosing a new password with the domain's rules checked live: the first sign-in (no current
//! password) and the account page (current password required).
use le_domain::access::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, check_new_password};
use le_domain::api::access::{SetPasswordRequest, StepResult};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{
    BUTTON_PRIMARY, Notice, ServerErrors, TextField, Touched, focus_by_id, shown,
};
use crate::components::mutation::Mutation;
use crate::contexts::session::Session;

#[component]
pub fn PasswordForm(
    /// Ask for the current password (outside the first sign-in).
    #[prop(optional)]
    require_current: bool,
    submit_label: &'static str,
    /// Gets the server's answer once the password is set.
    on_done: Callback<StepResult>,
) -> impl IntoView {
    let session = Session::use_context();
    let username = Memo::new(move |_| session.info().map(|i| i.username).unwrap_or_default());
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let touched = Touched::new();
    let server = ServerErrors::new();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let save = Mutation::with_notice(
        notice,
        |csrf, request: SetPasswordRequest| async move {
            api::access::set_password(&csrf, &request).await
        },
        move |answer| match answer {
            Ok(step) => {
                notice.set(Some(Ok("Das neue Passwort ist gespeichert.".to_owned())));
                current.set(String::new());
                new.set(String::new());
                repeat.set(String::new());
                touched.reset();
                server.clear();
                on_done.run(step);
            }
            Err(failure) => {
                if let Some(first) = failure.fields.first() {
                    focus_by_id(&first.field);
                }
                let sent = move |field: &str| match field {
                    "current_password" => current.get_untracked(),
                    "new_password" => new.get_untracked(),
                    _ => String::new(),
                };
                server.set(failure.fields, sent);
            }
        },
    );

    // The one-time password is unknown here: that rule is the server's (shown via `server`).
    let new_error = Memo::new(move |_| {
        check_new_password(&new.read(), &username.read(), None)
            .err()
            .map(|e| e.message())
    });
    let repeat_error = Memo::new(move |_| {
        if repeat.read().is_empty() {
            Some("Bitte das neue Passwort wiederholen.".to_owned())
        } else if *repeat.read() != *new.read() {
            Some("Die beiden Eingaben stimmen nicht überein.".to_owned())
        } else {
            None
        }
    });
    let current_error = Memo::new(move |_| {
        (require_current && current.read().is_empty())
            .then(|| "Bitte das bisherige Passwort eingeben.".to_owned())
    });
    let length_ok = Memo::new(move |_| {
        (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&new.read().chars().count())
    });
    let not_username = Memo::new(move |_| {
        let n = new.read();
        !n.is_empty() && !n.trim().eq_ignore_ascii_case(username.read().trim())
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.running() {
            return;
        }
        touched.submit();
        let first_invalid = [
            ("current_password", current_error.get_untracked()),
            ("new_password", new_error.get_untracked()),
            ("new_password_repeat", repeat_error.get_untracked()),
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
        let request = SetPasswordRequest {
            current_password: require_current.then(|| current.get_untracked()),
            new_password: new.get_untracked(),
        };
        save.run_with("Passwort wird gespeichert …", request);
    };

    let error_of =
        move |field: &'static str, value: RwSignal<String>, local: Memo<Option<String>>| {
            Signal::derive(move || {
                shown(touched, field, local.get()).or_else(|| server.message(field, &value.read()))
            })
        };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));
    let rule = move |ok: Memo<bool>, text: &'static str| {
        view! {
            <li class=move || if ok.get() { "text-green-800" } else { "text-slate-700" }>
                <span aria-hidden="true">{move || if ok.get() { "✓ " } else { "○ " }}</span>
                {text}
                <span class="sr-only">{move || if ok.get() { " – erfüllt" } else { " – noch nicht erfüllt" }}</span>
            </li>
        }
    };

    view! {
        <form class="max-w-xl space-y-4" novalidate on:submit=submit>
            {require_current.then(|| view! {
                <TextField
                    id="current_password"
                    label="Bisheriges Passwort"
                    value=current
                    error=error_of("current_password", current, current_error)
                    input_type="password"
                    autocomplete="current-password"
                    on_blur=touch("current_password")
                />
            })}
            <TextField
                id="new_password"
                label="Neues Passwort"
                value=new
                error=error_of("new_password", new, new_error)
                hint="Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten."
                input_type="password"
                autocomplete="new-password"
                on_blur=touch("new_password")
            />
            <ul class="space-y-1 text-sm" aria-label="Regeln für das neue Passwort">
                {rule(length_ok, "12 bis 128 Zeichen")}
                {rule(not_username, "nicht der Benutzername")}
                <li class="text-slate-700">
                    <span aria-hidden="true">"○ "</span>
                    "nicht das Einmal-Passwort (prüft der Server beim Speichern)"
                </li>
            </ul>
            <TextField
                id="new_password_repeat"
                label="Neues Passwort wiederholen"
                value=repeat
                error=error_of("new_password_repeat", repeat, repeat_error)
                input_type="password"
                autocomplete="new-password"
                on_blur=touch("new_password_repeat")
            />
            <button type="submit" class=BUTTON_PRIMARY aria-busy=move || save.pending().to_string()>
                {submit_label}
            </button>
            <Notice message=notice />
        </form>
    }
}
