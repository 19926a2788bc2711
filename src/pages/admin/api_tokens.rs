//! Admin page "API-Tokens": tokens for the hospital's own systems (KIS/archive, HR system),
//! creating one (the token is shown once), listing and revoking them.
use le_domain::access::{TOKEN_NAME_MAX_CHARS, check_text};
use le_domain::api::access::{CreateTokenRequest, CreatedToken, TokenScope, TokenSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::confirm::ConfirmAction;
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, INPUT_CLASS, LABEL_CLASS, LINK_CLASS, Notice,
    ServerErrors, TextField, Touched, focus_by_id, focus_soon, shown,
};
use crate::components::guard::{RequireSession, is_admin};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::format;

#[component]
pub fn AdminApiTokens() -> impl IntoView {
    set_page_title("API-Tokens");
    view! {
        <RequireSession allowed=is_admin>
            <Tokens />
        </RequireSession>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let session = Session::use_context();
    let allowed: &'static [TokenScope] = session
        .info()
        .map_or(&[], |i| TokenScope::allowed_for(i.institution.kind));
    let list = api::Load::new(api::access::api_tokens);
    let reload = move || list.reload();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let created = RwSignal::new(None::<CreatedToken>);
    let on_created = Callback::new(move |c: CreatedToken| {
        created.set(Some(c));
        reload();
        focus_soon("neuer-token".to_owned());
    });
    // The row is rebuilt with the new data: the focus goes to the list's heading.
    let on_changed = Callback::new(move |message: Result<String, String>| {
        notice.set(Some(message));
        reload();
        focus_soon("liste".to_owned());
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"API-Tokens für Krankenhaussysteme"</h1>
        <div class="mt-2 max-w-3xl space-y-2 text-slate-700">
            <p>
                "Mit einem API-Token greifen die Systeme Ihres Hauses ohne Anmeldung im Browser auf das Portal zu: Das KIS- oder Archivsystem nutzt den Zweck „audits“ (Prüfverfahren), das Personalsystem den Zweck „directory“ (Arztverzeichnis)."
            </p>
            <p>
                "Das System sendet den Token bei jeder Anfrage im Kopf "
                <code class="rounded bg-slate-100 px-1 font-mono text-sm">"Authorization: Bearer <Token>"</code>
                ". Die Schnittstelle ist in der "
                <a href="/api/v1/openapi.json" class=LINK_CLASS>"OpenAPI-Beschreibung"</a>
                " dokumentiert."
            </p>
        </div>
        {if allowed.is_empty() {
            view! {
                <p class=format!("mt-8 max-w-3xl {CARD_CLASS}") data-testid="tokens-not-available">
                    "API-Tokens sind nur für Krankenhäuser vorgesehen. Für Ihre Einrichtung gibt es keine Schnittstelle für Maschinenzugriffe."
                </p>
            }
            .into_any()
        } else {
            view! {
                <section aria-labelledby="anlegen" class=format!("mt-8 max-w-3xl {CARD_CLASS}")>
                    <h2 id="anlegen" class="text-xl font-semibold text-slate-900">"Token anlegen"</h2>
                    {move || created.get().map(|c| view! {
                        <CreatedNotice created=c on_close=Callback::new(move |()| {
                            created.set(None);
                            focus_soon("name".to_owned());
                        }) />
                    })}
                    <CreateTokenForm allowed=allowed on_created=on_created />
                </section>
            }
            .into_any()
        }}
        <section class="mt-10">
            <h2 id="liste" tabindex="-1" class="text-xl font-semibold text-slate-900 focus:outline-none">"Alle Tokens"</h2>
            <div class="mt-3"><Notice message=notice /></div>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(tokens)) if tokens.is_empty() => {
                    view! { <p class="mt-4 text-slate-700">"Es gibt noch keine API-Tokens."</p> }.into_any()
                }
                Some(Ok(tokens)) => view! { <TokenTable tokens=tokens on_changed=on_changed /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<TokenSummary>,
    on_changed: Callback<Result<String, String>>,
) -> impl IntoView {
    view! {
        <div class="relative mt-4 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby="liste" tabindex="0">
            <table class="min-w-full text-left text-sm" data-testid="token-table">
                <thead class="bg-slate-100 text-slate-800">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Name"</th>
                        <th scope="col" class="px-3 py-2">"Beginnt mit"</th>
                        <th scope="col" class="px-3 py-2">"Zwecke"</th>
                        <th scope="col" class="px-3 py-2">"Angelegt"</th>
                        <th scope="col" class="px-3 py-2">"Zuletzt genutzt"</th>
                        <th scope="col" class="px-3 py-2">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {tokens
                        .into_iter()
                        .map(|t| view! { <TokenRow token=t on_changed=on_changed /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TokenRow(token: TokenSummary, on_changed: Callback<Result<String, String>>) -> impl IntoView {
    let id = token.id;
    let name = token.name.clone();
    let revoke = {
        let name = name.clone();
        Mutation::new(
            move |csrf, ()| async move { api::access::revoke_api_token(&csrf, id).await },
            move |answer| {
                on_changed.run(answer.map(|_| {
                    format!(
                        "Der Token „{name}“ ist widerrufen. Anfragen mit ihm werden abgewiesen."
                    )
                }).map_err(|failure| failure.message));
            },
        )
    };

    let scopes = token
        .scopes
        .iter()
        .map(|s| view! { <li>{s.label()}</li> })
        .collect_view();
    let last = token
        .last_used_at
        .as_deref()
        .map_or_else(|| "noch nie".to_owned(), format::date_time);
    let cell = "px-3 py-2 align-top";
    let status = match token.revoked_at.as_deref() {
        Some(at) => {
            view! { <span>{format!("widerrufen am {}", format::date_time(at))}</span> }.into_any()
        }
        None if !token.creator_active => view! {
            <span>
                "ungültig: Die ausstellende Person ist nicht mehr aktiv. Bitte ein neues Token ausstellen."
            </span>
        }
        .into_any(),
        None => view! {
            <ConfirmAction
                id=format!("widerrufen-{id}")
                label="Widerrufen"
                context=name.clone()
                question="Systeme mit diesem Token erhalten danach keinen Zugriff mehr. Widerrufen?"
                confirm_label="Ja, widerrufen"
                busy=revoke.busy()
                on_confirm=Callback::new(move |()| {
                    revoke.run(());
                })
            />
        }
        .into_any(),
    };

    view! {
        <tr class="border-t border-slate-200" data-token-name=token.name.clone()>
            <th scope="row" class=format!("{cell} font-medium text-slate-900")>{name.clone()}</th>
            <td class=format!("{cell} font-mono")>{format!("{}…", token.prefix)}</td>
            <td class=cell><ul class="space-y-1">{scopes}</ul></td>
            <td class=cell>
                {format::date_time(&token.created_at)}
                <span class="block text-xs text-slate-600">{format!("von {}", token.created_by)}</span>
            </td>
            <td class=cell>{last}</td>
            <td class=cell>{status}</td>
        </tr>
    }
}

/// The new token, shown once.
#[component]
fn CreatedNotice(created: CreatedToken, on_close: Callback<()>) -> impl IntoView {
    let token = created.token.clone();
    let copied = RwSignal::new(None::<Result<String, String>>);
    let copy = move |_| {
        let token = token.clone();
        spawn_local(async move {
            copied.set(Some(match copy_text(&token).await {
                Ok(()) => Ok("Token kopiert.".to_owned()),
                Err(()) => Err(
                    "Kopieren ist hier nicht möglich; bitte den Token markieren und kopieren."
                        .to_owned(),
                ),
            }));
        });
    };
    view! {
        <div id="neuer-token" tabindex="-1" class="mt-4 space-y-3 rounded border border-green-700 bg-green-50 p-4 text-green-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
            <p class="font-semibold">{format!("Der Token „{}“ ist angelegt.", created.summary.name)}</p>
            <p>"Der Token wird nur jetzt angezeigt. Hinterlegen Sie ihn sofort im System, das ihn nutzt; danach lässt er sich nicht mehr abrufen."</p>
            <div>
                <label for="neuer-token-wert" class=LABEL_CLASS>"Token"</label>
                <input
                    id="neuer-token-wert"
                    type="text"
                    readonly
                    class=format!("{INPUT_CLASS} max-w-full font-mono")
                    data-testid="new-token"
                    prop:value=created.token.clone()
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        {
                            input.select();
                        }
                    }
                />
            </div>
            <div class="flex flex-wrap gap-2">
                <button type="button" class=BUTTON_SECONDARY on:click=copy>"Kopieren"</button>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_close.run(())>
                    "Hinterlegt – ausblenden"
                </button>
            </div>
            <Notice message=copied />
        </div>
    }
}

#[component]
fn CreateTokenForm(
    allowed: &'static [TokenScope],
    on_created: Callback<CreatedToken>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(Vec::<TokenScope>::new());
    let touched = Touched::new();
    let server = ServerErrors::new();

    let local = move |field: &str| -> Option<String> {
        match field {
            "name" => check_text(&name.read(), TOKEN_NAME_MAX_CHARS)
                .err()
                .map(|e| e.message()),
            "scopes" => scopes
                .read()
                .is_empty()
                .then(|| "Bitte mindestens einen Zweck wählen.".to_owned()),
            _ => None,
        }
    };
    let value = move |field: &str| -> String {
        match field {
            "name" => name.get(),
            "scopes" => scopes
                .get()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(","),
            _ => String::new(),
        }
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            shown(touched, field, local(field)).or_else(|| server.message(field, &value(field)))
        })
    };
    let scopes_error = error("scopes");
    const ORDER: [&str; 2] = ["name", "scopes"];
    // The first checkbox receives the focus for the "scopes" field.
    let focus_target = |field: &str| {
        if field == "scopes" { "zweck-0" } else { "name" }
    };
    let create = Mutation::new(
        |csrf, request: CreateTokenRequest| async move {
            api::access::create_api_token(&csrf, &request).await
        },
        move |answer| match answer {
            Ok(created) => {
                name.set(String::new());
                scopes.set(Vec::new());
                touched.reset();
                on_created.run(created);
            }
            Err(failure) => {
                server.set(failure.fields, value);
                if let Some(first) = server.first_in(&ORDER) {
                    focus_by_id(focus_target(first));
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
            focus_by_id(focus_target(first));
            return;
        }
        let request = CreateTokenRequest {
            name: name.get_untracked().trim().to_owned(),
            scopes: scopes.get_untracked(),
        };
        create.run_with("Token wird angelegt …", request);
    };

    view! {
        <form class="mt-4 space-y-4" novalidate on:submit=submit>
            <TextField
                id="name"
                label="Name"
                value=name
                error=error("name")
                hint="Woran Sie den Token wiedererkennen, z. B. „KIS Produktion“."
                on_blur=Callback::new(move |()| touched.touch("name"))
            />
            <fieldset aria-describedby="scopes-fehler">
                <legend class=LABEL_CLASS>"Zwecke"</legend>
                <div class="mt-2 space-y-2">
                    {allowed
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let s = *s;
                            let id = format!("zweck-{i}");
                            view! {
                                <div class="flex items-center gap-2">
                                    <input
                                        id=id.clone()
                                        type="checkbox"
                                        value=s.as_str()
                                        class="h-4 w-4 rounded border-slate-400 text-blue-800 focus:ring-2 focus:ring-blue-700"
                                        aria-invalid=move || scopes_error.with(Option::is_some).to_string()
                                        prop:checked=move || scopes.read().contains(&s)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            scopes.update(|v| {
                                                v.retain(|x| *x != s);
                                                if on {
                                                    v.push(s);
                                                }
                                            });
                                            touched.touch("scopes");
                                        }
                                    />
                                    <label for=id class="text-slate-900">
                                        {s.label()}
                                        <span class="ml-1 font-mono text-sm text-slate-600">{format!("({})", s.as_str())}</span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
                <p id="scopes-fehler" class="mt-1 text-sm font-medium text-red-800 empty:hidden">{move || scopes_error.get()}</p>
            </fieldset>
            <button type="submit" class=BUTTON_PRIMARY aria-busy=move || create.pending().to_string()>
                "Token anlegen"
            </button>
            <Notice message=notice />
        </form>
    }
}

/// Writes `text` to the clipboard (Clipboard API; needs a secure context).
async fn copy_text(text: &str) -> Result<(), ()> {
    let clipboard = web_sys::window().ok_or(())?.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}
