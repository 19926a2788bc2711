//! The app shell: skip link, header with product name, navigation and the session's user,
//! main region, footer. Only the main region is printed.
use le_domain::api::access::SessionStage;
use le_domain::nav::MenuEntry;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::mutation::Mutation;
use crate::contexts::session::{Session, SessionState};
use crate::routes::Route;

/// Navigation entries: (page, label). Areas that are not built yet lead to their preview page.
const NAV: [(Route, &str); 5] = [
    (Route::Home, "Startseite"),
    (Route::NumberCheck, "Nummernprüfung"),
    (Route::Audits, "Prüfverfahren"),
    (Route::Directory, "Arztverzeichnis"),
    (Route::CareBilling, "Pflegeabrechnung"),
];

/// The page and label of an entry of the account menu (who sees it: the domain's `nav`).
fn menu_entry(entry: MenuEntry) -> (Route, &'static str) {
    match entry {
        MenuEntry::Registrations => (Route::AdminRegistrations, "Registrierungen"),
        MenuEntry::Users => (Route::AdminUsers, "Benutzer"),
        MenuEntry::ApiTokens => (Route::AdminApiTokens, "API-Tokens"),
        MenuEntry::AuditLog => (Route::AdminAuditLog, "Protokoll"),
        MenuEntry::CareCertificates => (Route::CareCertificates, "Pflege-Zertifikate"),
        MenuEntry::Account => (Route::Account, "Konto"),
    }
}

const NAV_LINK: &str = "block rounded px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 aria-[current=page]:bg-blue-50 aria-[current=page]:text-blue-900";

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let kiosk = crate::contexts::kiosk::Kiosk::use_context();
    view! {
        <a
            href="#inhalt"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-blue-900 focus:ring-2 focus:ring-blue-700"
        >
            "Zum Inhalt springen"
        </a>
        <div class="flex min-h-screen flex-col bg-slate-50 text-slate-900 print:block print:min-h-0 print:bg-white">
            <crate::pages::kiosk::KioskBanner />
            <header class="border-b border-slate-200 bg-white print:hidden">
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 pt-3">
                    <A href=Route::Home.href() attr:class="flex flex-col rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                        <span class="text-xl font-bold text-blue-900">"LE-Portal"</span>
                        <span class="text-sm text-slate-600">"Leistungserbringerportal"</span>
                    </A>
                    <UserBox />
                </div>
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-2">
                    <nav aria-label="Hauptnavigation">
                        <ul class="flex flex-wrap gap-1">
                            {NAV
                                .into_iter()
                                .map(|(route, label)| {
                                    view! {
                                        <li>
                                            <A href=route.href() exact=route == Route::Home attr:class=NAV_LINK>
                                                {label}
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </nav>
                    <AccountNav />
                </div>
            </header>
            <main id="inhalt" tabindex="-1" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none print:max-w-none print:p-0">
                <RecoveryCodeNotice />
                {children()}
            </main>
            // Last on the page and not needed for the first paint.
            <crate::components::later::Later>
                <footer class="border-t border-slate-200 bg-white print:hidden">
                    <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4 text-sm text-slate-600">
                        <p>"LE-Portal – Datenaustausch zwischen Medizinischen Diensten, Krankenhäusern und Pflegediensten"</p>
                        // The contact page's addresses leave the app: not at a kiosk.
                        {move || (!kiosk.active()).then(|| view! {
                            <A href=Route::Contact.href() attr:class="rounded font-medium text-blue-800 underline hover:text-blue-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700">
                                "Kontakt und Ansprechpartner"
                            </A>
                        })}
                    </div>
                </footer>
            </crate::components::later::Later>
        </div>
    }
}

/// Signed out: the ways in. Signed in: who is signed in, for which institution, and sign-out.
#[component]
fn UserBox() -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    // Signed out locally even if the server is unreachable; its session then expires.
    let sign_out = Mutation::new(
        |csrf, ()| async move { api::access::sign_out(&csrf).await },
        move |_| {
            navigate(&Route::SignIn.href_with("abgemeldet=1"), Default::default());
            session.clear();
        },
    );
    let busy = sign_out.busy();
    let sign_out = move |_| {
        sign_out.run(());
    };
    move || {
        match session.state() {
        SessionState::Checking => view! { <p class="text-sm text-slate-600">"Anmeldung wird geprüft …"</p> }.into_any(),
        SessionState::SignedOut => view! {
            <ul class="flex flex-wrap gap-2" aria-label="Zugang">
                <li>
                    <A href=Route::SignIn.href() attr:class="block rounded bg-blue-800 px-3 py-2 text-sm font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2">
                        "Anmelden"
                    </A>
                </li>
                <li>
                    <A href=Route::Registration.href() attr:class="block rounded border border-blue-800 px-3 py-2 text-sm font-semibold text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2">
                        "Registrieren"
                    </A>
                </li>
            </ul>
        }
        .into_any(),
        SessionState::SignedIn(info) => view! {
            <div class="flex flex-wrap items-center gap-3">
                <p class="text-right text-sm leading-tight" data-testid="signed-in-user">
                    <span class="block font-semibold text-slate-900">{info.display_name.clone()}</span>
                    <span class="block text-slate-600">{info.institution.name.clone()}</span>
                </p>
                <button
                    type="button"
                    class="rounded border border-slate-400 px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2"
                    aria-busy=move || busy.get().to_string()
                    on:click=sign_out
                >
                    "Abmelden"
                </button>
            </div>
        }
        .into_any(),
    }
    }
}

/// After a sign-in with a recovery code: that code is used up; how many are left, and the way
/// to new codes. Stays on every page until dismissed or new codes exist.
#[component]
fn RecoveryCodeNotice() -> impl IntoView {
    let session = Session::use_context();
    let remaining = Memo::new(move |_| session.info().and(session.recovery_codes_remaining()));
    move || {
        remaining.get().map(|left| {
            let rest = if left == 0 {
                "Sie haben keine Wiederherstellungscodes mehr.".to_owned()
            } else {
                format!(
                    "Ihnen {} noch {}.",
                    le_domain::text::pick(u64::from(left), "bleibt", "bleiben"),
                    le_domain::text::count(
                        u64::from(left),
                        "Wiederherstellungscode",
                        "Wiederherstellungscodes"
                    )
                )
            };
            view! {
                <section
                    aria-labelledby="code-verbraucht"
                    class="mb-6 rounded border border-amber-600 bg-amber-50 p-4 text-amber-950"
                    data-testid="recovery-code-notice"
                >
                    <h2 id="code-verbraucht" class="font-semibold">"Wiederherstellungscode verbraucht"</h2>
                    <p class="mt-1">
                        {format!("Sie haben sich mit einem Wiederherstellungscode angemeldet; dieser Code gilt nicht mehr. {rest}")}
                    </p>
                    <p class="mt-1">
                        "Richten Sie Ihre Authenticator-App wieder ein (Ihre Administration setzt den zweiten Faktor dafür zurück) "
                        "und erzeugen Sie neue Wiederherstellungscodes."
                    </p>
                    <div class="mt-3 flex flex-wrap gap-3">
                        <A href=Route::Account.href_to("codes") attr:class="rounded bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2">
                            "Neue Wiederherstellungscodes erzeugen"
                        </A>
                        <button
                            type="button"
                            class="rounded border border-amber-700 bg-white px-4 py-2 font-semibold text-amber-950 hover:bg-amber-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2"
                            on:click=move |_| session.dismiss_recovery_notice()
                        >
                            "Hinweis ausblenden"
                        </button>
                    </div>
                </section>
            }
        })
    }
}

/// Links by role, once set-up is complete.
#[component]
fn AccountNav() -> impl IntoView {
    let session = Session::use_context();
    let role = Memo::new(move |_| {
        session
            .info()
            .filter(|i| i.stage == SessionStage::Full)
            .map(|i| i.role)
    });
    move || {
        role.get().map(|role| {
            view! {
                <nav aria-label="Konto und Verwaltung">
                    <ul class="flex flex-wrap gap-1">
                        {MenuEntry::for_role(role)
                                .map(menu_entry)
                            .map(|(route, label)| {
                                view! {
                                    <li>
                                        <A href=route.href() attr:class=NAV_LINK>
                                            {label}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
            }
        })
    }
}
