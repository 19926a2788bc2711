//! The kiosk's start screen (role tiles, the sign-in of the chosen demo account with its code on
//! screen, staff's reset with the PIN) and the permanent "Demo" banner with the way back.
use le_domain::api::access::SignInRequest;
use le_domain::api::demo::{DemoAccount, KIOSK_TILES, KioskTile};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::form::{CARD_CLASS, Notice};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::kiosk::{Kiosk, back_to_start, visit_left_open};
use crate::contexts::session::{Session, SessionState};

/// Large touch targets (at least 44 px high).
const BIG_BUTTON: &str = "min-h-11 rounded bg-blue-800 px-6 py-3 text-lg font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:bg-slate-400";
const BIG_BUTTON_SECONDARY: &str = "min-h-11 rounded border-2 border-blue-800 bg-white px-6 py-3 text-lg font-semibold text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:border-slate-400 disabled:text-slate-500";

/// Milliseconds since the epoch (the browser's clock).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The demo accounts with the moment they were fetched (for the codes' countdown).
#[derive(Clone)]
struct Fetched {
    accounts: Vec<DemoAccount>,
    at_ms: f64,
}

#[component]
pub fn KioskStart() -> impl IntoView {
    set_page_title("Demo");
    let session = Session::use_context();
    let kiosk = Kiosk::use_context();
    let navigate = use_navigate();
    // A visitor still signed in who comes back here, or one whose session expired before the
    // visit was reset: that visit ends first (not the sign-in of a tile, which moves on to the
    // role's start page).
    let own_sign_in = StoredValue::new(false);
    Effect::new(move |_| {
        let visit_open = match session.state() {
            SessionState::SignedIn(_) => !own_sign_in.get_value(),
            SessionState::SignedOut => visit_left_open(session),
            SessionState::Checking => false,
        };
        if visit_open && !kiosk.resetting() {
            back_to_start(kiosk, session, navigate.clone());
        }
    });
    let chosen = RwSignal::new(None::<KioskTile>);
    view! {
        <h1 class="text-3xl font-bold text-blue-950">"LE-Portal ausprobieren"</h1>
        <p class="mt-2 max-w-3xl text-lg text-slate-800">
            "Wählen Sie eine Rolle. Alle Einrichtungen, Personen und Daten sind erfunden; nach Ihrem Besuch wird alles zurückgesetzt."
        </p>
        {move || match chosen.get() {
            None => view! { <Tiles chosen=chosen /> }.into_any(),
            Some(tile) => view! { <TileSignIn tile=tile chosen=chosen own_sign_in=own_sign_in /> }.into_any(),
        }}
        <StaffReset />
    }
}

#[component]
fn Tiles(chosen: RwSignal<Option<KioskTile>>) -> impl IntoView {
    view! {
        <ul class="mt-6 grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Rollen">
            {KIOSK_TILES
                .into_iter()
                .map(|tile| {
                    view! {
                        <li>
                            <button
                                type="button"
                                class="flex h-full min-h-32 w-full flex-col items-start rounded-lg border-2 border-blue-800 bg-white p-5 text-left shadow-sm hover:bg-blue-50 focus:outline-none focus-visible:ring-4 focus-visible:ring-blue-700"
                                data-testid=format!("kiosk-tile-{}", tile.username)
                                on:click=move |_| chosen.set(Some(tile))
                            >
                                <span class="text-xl font-bold text-blue-950">{tile.title}</span>
                                <span class="mt-2 text-base text-slate-800">{tile.sentence}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The real sign-in of the chosen demo account: name and password filled, the second-factor
/// step with the code an authenticator app would show now, set into the field by one tap.
#[component]
fn TileSignIn(
    tile: KioskTile,
    chosen: RwSignal<Option<KioskTile>>,
    own_sign_in: StoredValue<bool>,
) -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    let accounts = RwSignal::new(None::<Fetched>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::demo::accounts().await {
                let _ = accounts.try_set(Some(Fetched {
                    accounts: list,
                    at_ms: now_ms(),
                }));
            }
        });
    };
    reload();
    // A clock for the countdown of the code; at zero the next code is fetched.
    let now = RwSignal::new(now_ms());
    let tick = set_interval_with_handle(
        move || {
            let _ = now.try_set(now_ms());
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    let account = Memo::new(move |_| {
        accounts.with(|f| {
            f.as_ref().and_then(|f| {
                f.accounts
                    .iter()
                    .find(|a| a.username == tile.username)
                    .cloned()
                    .map(|a| (a, f.at_ms))
            })
        })
    });
    let seconds_left = Memo::new(move |_| {
        account.with(|a| {
            a.as_ref().map(|(a, at)| {
                let elapsed = ((now.get() - at) / 1000.0).max(0.0);
                #[allow(clippy::cast_possible_truncation)]
                let elapsed = elapsed as i64;
                a.code_valid_for - elapsed
            })
        })
    });
    Effect::new(move |_| {
        if seconds_left.get().is_some_and(|s| s <= 0) {
            reload();
        }
    });
    let code = RwSignal::new(String::new());
    // A code in the field that the server no longer offers (used, or its time is over) goes.
    Effect::new(move |_| {
        let offered = account.with(|a| a.as_ref().map(|(a, _)| a.code.clone()));
        if code.with_untracked(|c| !c.is_empty() && Some(c) != offered.as_ref()) {
            code.set(String::new());
        }
    });
    let sign_in = Mutation::new(
        |_, request: SignInRequest| async move { api::access::sign_in(&request).await },
        move |answer| match answer {
            Ok(step) => {
                own_sign_in.set_value(true);
                session.accept_step(step);
                navigate(
                    &session.next_path(None),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
            Err(_) => {
                code.set(String::new());
                reload();
            }
        },
    );
    let notice = sign_in.notice();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((a, _)) = account.get_untracked() else {
            return;
        };
        let value = code.get_untracked();
        if value.trim().is_empty() {
            notice.set(Some(Err("Bitte zuerst den Code einsetzen.".to_owned())));
            return;
        }
        sign_in.run_with(
            "Anmeldung läuft …",
            SignInRequest {
                username: a.username.clone(),
                password: a.password.clone(),
                code: Some(value.trim().to_owned()),
            },
        );
    };
    view! {
        <section aria-labelledby="kiosk-anmelden" class=format!("mt-6 max-w-2xl {CARD_CLASS}") data-testid="kiosk-sign-in">
            <h2 id="kiosk-anmelden" class="text-2xl font-bold text-blue-950">{format!("Anmelden als {}", tile.title)}</h2>
            {move || account.get().map(|(a, _)| view! {
                <p class="mt-1 text-slate-700">{format!("{}, {}", a.display_name, a.institution)}</p>
            })}
            <form class="mt-4 space-y-4" novalidate on:submit=submit>
                <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-lg">
                    <dt class="font-semibold">"Benutzername"</dt>
                    <dd class="font-mono">{tile.username}</dd>
                    <dt class="font-semibold">"Passwort"</dt>
                    <dd>"wird eingesetzt (Demo)"</dd>
                </dl>
                <div>
                    <label for="kiosk-code" class="block text-lg font-semibold">"Schritt 2: Code aus der Authenticator-App"</label>
                    <input
                        id="kiosk-code"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        class="mt-1 block min-h-11 w-full max-w-xs rounded border border-slate-500 px-3 py-2 font-mono text-2xl tracking-widest"
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                </div>
                <div class="rounded border border-blue-300 bg-blue-50 p-4" aria-live="polite">
                    <p class="text-slate-800">"So würde Ihre Authenticator-App den Code jetzt anzeigen:"</p>
                    {move || match (account.get(), seconds_left.get()) {
                        (Some((a, _)), Some(left)) if !a.code.is_empty() && left > 0 => {
                            let fill = a.code.clone();
                            view! {
                                <button
                                    type="button"
                                    class=format!("mt-2 {BIG_BUTTON_SECONDARY}")
                                    data-testid="kiosk-code-fill"
                                    on:click=move |_| code.set(fill.clone())
                                >
                                    {format!("Code {} {} einsetzen", &a.code[..3.min(a.code.len())], &a.code[3.min(a.code.len())..])}
                                </button>
                                <p class="mt-1 text-sm text-slate-700">{format!("noch {left} s gültig")}</p>
                            }
                            .into_any()
                        }
                        _ => view! { <p class="mt-2 text-slate-700">"Der nächste Code kommt gleich …"</p> }.into_any(),
                    }}
                </div>
                <div class="flex flex-wrap gap-3">
                    <button type="submit" class=BIG_BUTTON data-testid="kiosk-submit" aria-busy=move || sign_in.pending().to_string()>
                        "Anmelden"
                    </button>
                    <button type="button" class=BIG_BUTTON_SECONDARY on:click=move |_| chosen.set(None)>
                        "Andere Rolle wählen"
                    </button>
                </div>
                <Notice message=notice />
            </form>
        </section>
    }
}

/// Staff only: reset the demo data now, with the PIN set at the server's start.
#[component]
fn StaffReset() -> impl IntoView {
    let pin = RwSignal::new(String::new());
    let notice = RwSignal::new(None);
    let reset = Mutation::with_notice(
        notice,
        |_, pin: String| async move { api::demo::kiosk_reset("", Some(pin)).await },
        move |answer| {
            pin.set(String::new());
            if answer.is_ok() {
                notice.set(Some(Ok("Die Demodaten sind zurückgesetzt.".to_owned())));
            }
        },
    );
    view! {
        <details class="mt-10 max-w-md text-slate-700">
            <summary class="min-h-11 cursor-pointer py-2 font-semibold">"Für das Standpersonal"</summary>
            <form class="mt-2 space-y-3" novalidate on:submit=move |ev| {
                ev.prevent_default();
                reset.run_with("Wird zurückgesetzt …", pin.get_untracked());
            }>
                <label for="kiosk-pin" class="block font-semibold">"PIN"</label>
                <input id="kiosk-pin" type="password" inputmode="numeric" autocomplete="off" class="block min-h-11 w-full rounded border border-slate-500 px-3 py-2"
                    prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                <button type="submit" class=BIG_BUTTON_SECONDARY>"Demodaten jetzt zurücksetzen"</button>
                <Notice message=notice />
            </form>
        </details>
    }
}

/// The permanent banner in kiosk mode: "Demo", the visitor's role, and the way back to the start.
#[component]
pub fn KioskBanner() -> impl IntoView {
    let kiosk = Kiosk::use_context();
    let session = Session::use_context();
    let navigate = use_navigate();
    move || {
        if !kiosk.active() {
            return None;
        }
        let role = session.info().map(|i| i.role.label().to_owned());
        let navigate = navigate.clone();
        Some(view! {
            <aside aria-label="Demo" class="bg-amber-300 text-slate-950 print:hidden" data-testid="kiosk-banner">
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-2">
                    <p class="text-lg">
                        <strong class="mr-2 rounded bg-slate-950 px-2 py-0.5 text-amber-300">"Demo"</strong>
                        {role.map_or_else(|| "Erfundene Daten – bitte eine Rolle wählen".to_owned(), |r| format!("Sie sind: {r}"))}
                    </p>
                    <button
                        type="button"
                        class="min-h-11 rounded bg-slate-950 px-5 py-2 text-lg font-semibold text-white hover:bg-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2"
                        aria-busy=move || kiosk.resetting().to_string()
                        on:click=move |_| back_to_start(kiosk, session, navigate.clone())
                    >
                        "Zurück zum Start"
                    </button>
                </div>
            </aside>
        })
    }
}
