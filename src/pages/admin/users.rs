//! Admin page "Benutzer": the users of the own institution, creating one (the one-time password
//! is shown once), changing roles, deactivating and resetting the second factor.
use le_domain::access::{Role, check_email, check_person_name, check_username};
use le_domain::api::access::{CreateUserRequest, CreatedUser, UpdateUserRequest, UserSummary};
use leptos::prelude::*;

use crate::api;
use crate::components::confirm::ConfirmAction;
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, INPUT_CLASS, LABEL_CLASS, Notice, ServerErrors,
    TextField, Touched, focus_by_id, focus_soon, shown,
};
use crate::components::guard::{RequireSession, is_admin};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::format;

#[component]
pub fn AdminUsers() -> impl IntoView {
    set_page_title("Benutzer");
    view! {
        <RequireSession allowed=is_admin>
            <Users />
        </RequireSession>
    }
}

#[component]
fn Users() -> impl IntoView {
    let session = Session::use_context();
    let list = api::Load::new(api::access::users);
    let reload = move || list.reload();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let created = RwSignal::new(None::<CreatedUser>);
    let institution = move || {
        session
            .info()
            .map(|i| i.institution.name)
            .unwrap_or_default()
    };
    let is_hospital = move || {
        session
            .info()
            .is_some_and(|i| i.institution.kind == le_domain::access::InstitutionKind::Hospital)
    };
    let on_created = Callback::new(move |c: CreatedUser| {
        created.set(Some(c));
        reload();
        focus_soon("neu-angelegt".to_owned());
    });
    // The row is rebuilt with the new data: the focus goes to the list's heading.
    let on_changed = Callback::new(move |message: Result<String, String>| {
        notice.set(Some(message));
        reload();
        focus_soon("liste".to_owned());
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Benutzer"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            {move || format!("Die Benutzer von „{}“. Sie legen Benutzer an, ändern ihre Rolle, sperren Zugänge und setzen den zweiten Faktor zurück.", institution())}
        </p>
        <section class="mt-8">
            <h2 id="liste" tabindex="-1" class="text-xl font-semibold text-slate-900 focus:outline-none">"Alle Benutzer"</h2>
            <div class="mt-3"><Notice message=notice /></div>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(users)) => view! { <UserTable users=users on_changed=on_changed /> }.into_any(),
            }}
        </section>
        {move || is_hospital().then(|| view! { <MainIkRequests /> })}
        <section aria-labelledby="anlegen" class=format!("mt-10 max-w-3xl {CARD_CLASS}")>
            <h2 id="anlegen" class="text-xl font-semibold text-slate-900">"Benutzer anlegen"</h2>
            {move || created.get().map(|c| view! {
                <CreatedNotice created=c on_close=Callback::new(move |()| {
                    created.set(None);
                    focus_soon("first_name".to_owned());
                }) />
            })}
            <CreateUserForm on_created=on_created />
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    on_changed: Callback<Result<String, String>>,
) -> impl IntoView {
    let session = Session::use_context();
    let me = session.info().map(|i| i.user_id);
    let roles: &'static [Role] = session.info().map_or(&[], |i| i.institution.kind.roles());
    view! {
        <div class="relative mt-4 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby="liste" tabindex="0">
            <table class="min-w-full text-left text-sm" data-testid="user-table">
                <thead class="bg-slate-100 text-slate-800">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Name"</th>
                        <th scope="col" class="px-3 py-2">"Benutzername"</th>
                        <th scope="col" class="px-3 py-2">"Rolle"</th>
                        <th scope="col" class="px-3 py-2">"Status"</th>
                        <th scope="col" class="px-3 py-2">"Zweiter Faktor"</th>
                        <th scope="col" class="px-3 py-2">"Letzte Anmeldung"</th>
                        <th scope="col" class="px-3 py-2">"Aktionen"</th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|u| view! {
                            <UserRow is_me=me == Some(u.id) user=u roles=roles on_changed=on_changed />
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    is_me: bool,
    roles: &'static [Role],
    on_changed: Callback<Result<String, String>>,
) -> impl IntoView {
    let id = user.id;
    let name = format!("{} {}", user.first_name, user.last_name);
    let role = RwSignal::new(user.role);

    // One PATCH or reset with its success message; the list is reloaded afterwards.
    let change = Mutation::new(
        move |csrf, (action, success): (UserAction, String)| async move {
            // A reset answers the one-time set-up code, shown once in the message.
            Ok(match action {
                UserAction::Update(request) => {
                    api::access::update_user(&csrf, id, &request).await?;
                    success
                }
                UserAction::ResetSecondFactor => {
                    let reset = api::access::reset_second_factor(&csrf, id).await?;
                    format!(
                        "{success} Einrichtungscode (nur jetzt sichtbar, bitte persönlich übergeben): {}",
                        reset.enrolment_code
                    )
                }
            })
        },
        move |answer| on_changed.run(answer.map_err(|failure| failure.message)),
    );
    let busy = change.busy();
    let run = move |action: UserAction, success: String| {
        change.run((action, success));
    };

    let save_role = {
        let name = name.clone();
        move |_| {
            let r = role.get_untracked();
            run(
                UserAction::Update(UpdateUserRequest {
                    role: Some(r),
                    active: None,
                }),
                format!("{name} hat jetzt die Rolle „{}“.", r.label()),
            );
        }
    };
    let toggle_active = {
        let name = name.clone();
        let active = user.active;
        move |_| {
            run(
                UserAction::Update(UpdateUserRequest {
                    role: None,
                    active: Some(!active),
                }),
                if active {
                    format!("Der Zugang von {name} ist gesperrt.")
                } else {
                    format!("Der Zugang von {name} ist wieder aktiv.")
                },
            );
        }
    };
    let reset = {
        let name = name.clone();
        move |()| {
            run(
                UserAction::ResetSecondFactor,
                format!(
                    "Der zweite Faktor von {name} ist zurückgesetzt. Bei der nächsten Anmeldung gibt {name} das Passwort und im Feld „Code“ den Einrichtungscode ein und richtet die Authenticator-App neu ein."
                ),
            );
        }
    };

    let second_factor = match (&user.totp_enrolled, &user.totp_device_name) {
        (true, Some(device)) => format!("eingerichtet ({device})"),
        (true, None) => "eingerichtet".to_owned(),
        (false, _) => "nicht eingerichtet".to_owned(),
    };
    let status = if !user.active {
        "gesperrt"
    } else if user.must_change_password {
        "aktiv, Erstanmeldung ausstehend"
    } else {
        "aktiv"
    };
    let last = user
        .last_sign_in_at
        .as_deref()
        .map_or_else(|| "noch nie".to_owned(), format::date_time);
    let select_id = format!("rolle-{id}");
    let username = user.username.clone();
    let cell = "px-3 py-2 align-top";
    let small_button = "rounded border border-blue-800 bg-white px-2 py-1 text-sm font-semibold text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 disabled:border-slate-300 disabled:text-slate-400";

    view! {
        <tr class="border-t border-slate-200" data-username=user.username.clone()>
            <th scope="row" class=format!("{cell} font-medium text-slate-900")>
                {name.clone()}
                {is_me.then_some(view! { <span class="block text-xs font-normal text-slate-600">"(Sie)"</span> })}
                <span class="block text-xs font-normal text-slate-600">{user.email.clone()}</span>
            </th>
            <td class=format!("{cell} font-mono")>{user.username.clone()}</td>
            <td class=cell>
                <label for=select_id.clone() class="sr-only">{format!("Rolle von {name}")}</label>
                <div class="flex flex-wrap items-center gap-2">
                    <select
                        id=select_id
                        class="w-max rounded border border-slate-400 bg-white px-2 py-1 focus:outline-none focus:ring-2 focus:ring-blue-700 disabled:bg-slate-100"
                        disabled=is_me
                        on:change=move |ev| {
                            if let Some(r) = Role::from_wire(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }
                    >
                        {roles
                            .iter()
                            .map(|r| view! {
                                <option value=r.as_str() selected=user.role == *r>{r.label()}</option>
                            })
                            .collect_view()}
                    </select>
                    <button
                        type="button"
                        class=small_button
                        disabled=move || is_me || role.get() == user.role
                        on:click=save_role
                    >
                        "Übernehmen"
                        <span class="sr-only">{format!(" (Rolle von {name})")}</span>
                    </button>
                </div>
            </td>
            <td class=cell>{status}</td>
            <td class=cell>{second_factor}</td>
            <td class=cell>{last}</td>
            <td class=cell>
                <div class="flex flex-col items-start gap-2">
                    <button type="button" class=small_button disabled=is_me aria-busy=move || busy.get().to_string() on:click=toggle_active>
                        {if user.active { "Sperren" } else { "Entsperren" }}
                        <span class="sr-only">{format!(" ({name})")}</span>
                    </button>
                    <ConfirmAction
                        id=format!("zuruecksetzen-{id}")
                        label="Zweiten Faktor zurücksetzen"
                        context=username.clone()
                        question="Die App und die Wiederherstellungscodes gelten dann nicht mehr. Zurücksetzen?"
                        confirm_label="Ja, zurücksetzen"
                        disabled=is_me || !user.totp_enrolled
                        busy=busy
                        on_confirm=Callback::new(reset)
                    />
                </div>
            </td>
        </tr>
    }
}

#[derive(Clone)]
enum UserAction {
    Update(UpdateUserRequest),
    ResetSecondFactor,
}

/// The new user's one-time password, shown once.
#[component]
fn CreatedNotice(created: CreatedUser, on_close: Callback<()>) -> impl IntoView {
    let name = format!("{} {}", created.user.first_name, created.user.last_name);
    view! {
        <div id="neu-angelegt" tabindex="-1" class="mt-4 space-y-3 rounded border border-green-700 bg-green-50 p-4 text-green-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
            <p class="font-semibold">{format!("{name} ist angelegt.")}</p>
            <p>"Geben Sie Benutzername und Einmal-Passwort auf sicherem Weg weiter. Das Einmal-Passwort wird nur jetzt angezeigt."</p>
            <dl class="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1">
                <dt class="font-medium">"Benutzername"</dt>
                <dd class="font-mono" data-testid="new-user-username">{created.user.username.clone()}</dd>
                <dt class="font-medium">"Einmal-Passwort"</dt>
                <dd class="font-mono text-lg" data-testid="new-user-otp">{created.one_time_password.clone()}</dd>
            </dl>
            <p class="text-sm">
                "Bei der ersten Anmeldung lässt der neue Benutzer das Code-Feld leer, richtet dann die Authenticator-App ein und wählt ein eigenes Passwort."
            </p>
            <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_close.run(())>
                "Weitergegeben – ausblenden"
            </button>
        </div>
    }
}

#[component]
fn CreateUserForm(on_created: Callback<CreatedUser>) -> impl IntoView {
    let session = Session::use_context();
    let roles: &'static [Role] = session.info().map_or(&[], |i| i.institution.kind.roles());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    // Default: the first role that is not the administrator's.
    let role = RwSignal::new(
        roles
            .get(1)
            .or(roles.first())
            .copied()
            .unwrap_or(Role::Viewer),
    );
    let touched = Touched::new();
    let server = ServerErrors::new();

    let local = move |field: &str| -> Option<String> {
        let result = match field {
            "first_name" => check_person_name(&first_name.read()),
            "last_name" => check_person_name(&last_name.read()),
            "email" => check_email(&email.read()),
            "username" => check_username(&username.read()),
            _ => Ok(()),
        };
        result.err().map(|e| e.message())
    };
    let value = move |field: &str| -> String {
        match field {
            "first_name" => first_name.get(),
            "last_name" => last_name.get(),
            "email" => email.get(),
            "username" => username.get(),
            "role" => role.get().as_str().to_owned(),
            _ => String::new(),
        }
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            shown(touched, field, local(field)).or_else(|| server.message(field, &value(field)))
        })
    };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));
    let role_error = error("role");
    const ORDER: [&str; 5] = ["first_name", "last_name", "email", "username", "role"];
    let create = Mutation::new(
        |csrf, request: CreateUserRequest| async move {
            api::access::create_user(&csrf, &request).await
        },
        move |answer| match answer {
            Ok(created) => {
                for s in [first_name, last_name, email, username] {
                    s.set(String::new());
                }
                touched.reset();
                on_created.run(created);
            }
            Err(failure) => {
                server.set(failure.fields, value);
                if let Some(first) = server.first_in(&ORDER) {
                    focus_by_id(first);
                }
            }
        },
    );
    let notice = create.notice();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.running() {
            return;
        }
        touched.submit();
        server.clear();
        if let Some(first) = ORDER.iter().find(|f| local(f).is_some()) {
            notice.set(Some(Err(
                "Bitte die markierten Felder korrigieren.".to_owned()
            )));
            focus_by_id(first);
            return;
        }
        let request = CreateUserRequest {
            username: username.get_untracked().trim().to_owned(),
            first_name: first_name.get_untracked().trim().to_owned(),
            last_name: last_name.get_untracked().trim().to_owned(),
            email: email.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
        };
        create.run_with("Benutzer wird angelegt …", request);
    };

    view! {
        <form class="mt-4 space-y-4" novalidate on:submit=submit>
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField id="first_name" label="Vorname" value=first_name error=error("first_name") autocomplete="off" on_blur=touch("first_name") />
                <TextField id="last_name" label="Nachname" value=last_name error=error("last_name") autocomplete="off" on_blur=touch("last_name") />
            </div>
            <TextField id="email" label="E-Mail-Adresse" value=email error=error("email") input_type="email" on_blur=touch("email") />
            <TextField
                id="username"
                label="Benutzername"
                value=username
                error=error("username")
                hint="3 bis 64 Zeichen: Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich, beginnend mit einem Buchstaben."
                on_blur=touch("username")
            />
            <div>
                <label for="role" class=LABEL_CLASS>"Rolle"</label>
                <select
                    id="role"
                    class=INPUT_CLASS
                    aria-describedby="role-fehler"
                    aria-invalid=move || role_error.with(Option::is_some).to_string()
                    on:change=move |ev| {
                        if let Some(r) = Role::from_wire(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }
                >
                    {roles
                        .iter()
                        .map(|r| {
                            let r = *r;
                            view! { <option value=r.as_str() selected=move || role.get() == r>{r.label()}</option> }
                        })
                        .collect_view()}
                </select>
                <p id="role-fehler" class="mt-1 text-sm font-medium text-red-800 empty:hidden">{move || role_error.get()}</p>
            </div>
            <button type="submit" class=BUTTON_PRIMARY aria-busy=move || create.pending().to_string()>
                "Benutzer anlegen"
            </button>
            <Notice message=notice />
        </form>
    }
}

/// Institutions approved under the own Haupt-IK: they see its physicians and audit cases only
/// after this admin confirms them (shown only while some wait).
#[component]
fn MainIkRequests() -> impl IntoView {
    let list = api::Load::new(api::access::main_ik_requests);
    let notice = RwSignal::new(None);
    let confirmation = Mutation::with_notice(
        notice,
        |csrf, (id, name): (i64, String)| async move {
            api::access::confirm_main_ik(&csrf, id).await.map(|_| name)
        },
        move |answer| {
            if let Ok(name) = answer {
                notice.set(Some(Ok(format!("Zugriff für „{name}“ bestätigt."))));
                list.reload();
            }
        },
    );
    let confirm = move |id: i64, name: String| {
        confirmation.run((id, name));
    };
    view! {
        <div class="mt-3"><Notice message=notice /></div>
        {move || match list.get() {
            Some(Ok(requests)) if !requests.is_empty() => view! {
                <section aria-labelledby="haupt-ik" class=format!("mt-10 max-w-3xl {CARD_CLASS}") data-testid="main-ik-requests">
                    <h2 id="haupt-ik" class="text-xl font-semibold text-slate-900">"Weitere Einrichtungen unter Ihrer Haupt-IK"</h2>
                    <p class="mt-2 text-slate-700">"Diese Einrichtungen wurden unter Ihrer Haupt-IK freigegeben. Erst nach Ihrer Bestätigung sehen sie die Ärztinnen und Ärzte und die Prüfverfahren dieser Haupt-IK."</p>
                    <ul class="mt-4 space-y-3">
                        {requests.into_iter().map(|r| {
                            let id = r.institution.id;
                            let name = format!("{} (IK {})", r.institution.name, r.institution.ik);
                            let label = format!("Zugriff bestätigen für {name}");
                            let for_click = name.clone();
                            view! {
                                <li class="flex flex-wrap items-center gap-4">
                                    <span>{format!("{name}, freigegeben am {}", format::date_time(&r.approved_at))}</span>
                                    <button type="button" class=BUTTON_PRIMARY aria-label=label
                                        on:click=move |_| confirm(id, for_click.clone())>
                                        "Zugriff bestätigen"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}
