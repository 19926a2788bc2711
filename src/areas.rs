//! The areas whose code is loaded on first use: one split point (its own wasm chunk) per area, and
//! the route view that shows the area's heading at once, then the area, or a German message.
//! The two largest areas load their less used pages the same way from inside the area (pieces:
//! the physician form, the clarifications, the bulk edit panel; a case with its requests, the
//! structure audits), so that an area's first visit fetches what its start page needs.
//!
//! The split itself is done by `scripts/split-spa.sh` after the wasm32 build; a build without that
//! step cannot start (the chunks' imports are placeholders).
use std::cell::RefCell;

use le_domain::access::Role;
use le_domain::nav::WorkArea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

use crate::components::form::{BUTTON_PRIMARY, CARD_CLASS};
use crate::pages::access::{
    account::Account, enrol_totp::EnrolTotp, recovery_codes::RecoveryCodesPage,
    registration::Registration, registration_status::RegistrationStatusPage,
    set_password::SetPassword,
};
use crate::pages::admin::{
    api_tokens::AdminApiTokens, audit_log::AdminAuditLog, registrations::AdminRegistrations,
    users::AdminUsers,
};
use crate::pages::audits::AuditsArea;
use crate::pages::care_billing::CareBillingArea;
use crate::pages::directory::DirectoryArea;
use crate::pages::not_found::NotFound;
use crate::routes::{Route, use_route};

/// Draws an area; the function lives in the area's chunk.
type Render = fn() -> AnyView;

/// The lazily loaded areas (one wasm chunk each; code they share goes into shared chunks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Directory,
    Audits,
    Administration,
    Registration,
    RegistrationStatus,
    SignInSteps,
    Account,
    CareBilling,
    /// The kiosk's start screen (kiosk mode only).
    Kiosk,
    /// Directory piece: the physician form (new, edit).
    DirectoryEditor,
    /// Directory piece: the hospital's clarifications and the directory office's page.
    DirectoryClarifications,
    /// Directory piece: the bulk edit panel below the grid (fetched once something is selected).
    DirectoryBulk,
    /// Audits piece: one case, one document request, a receipt.
    AuditCase,
    /// Audits piece: structure audits and inspections.
    AuditStructure,
}

impl Area {
    /// The heading shown while the chunk loads (the page's own heading, if known).
    fn heading(self, route: Option<Route>) -> &'static str {
        match (self, route) {
            (Area::Administration, Some(Route::AdminRegistrations)) => "Registrierungen",
            (Area::Administration, Some(Route::AdminUsers)) => "Benutzer",
            (Area::Administration, Some(Route::AdminApiTokens)) => {
                "API-Tokens für Krankenhaussysteme"
            }
            (Area::Administration, Some(Route::AdminAuditLog)) => "Protokoll",
            (Area::Administration, _) => "Verwaltung",
            (Area::SignInSteps, Some(Route::EnrolTotp)) => "Authenticator-App einrichten",
            (Area::SignInSteps, Some(Route::SetPassword)) => "Eigenes Passwort festlegen",
            (Area::SignInSteps, Some(Route::RecoveryCodes)) => "Ihre Wiederherstellungscodes",
            (Area::SignInSteps, _) => "Anmelden",
            (Area::Directory, _) => "Arztverzeichnis",
            (Area::DirectoryEditor, Some(Route::DirectoryPhysician { .. })) => {
                "Ärztin/Arzt bearbeiten"
            }
            (Area::DirectoryEditor, _) => "Ärztin/Arzt anlegen",
            (Area::DirectoryClarifications, Some(Route::DirectoryClarifications)) => "Klärungen",
            (Area::DirectoryClarifications, _) => "Geschäftsstelle Arztverzeichnis",
            (Area::DirectoryBulk, _) => "Sammeländerung",
            (Area::Audits, _) => "Prüfverfahren",
            (Area::AuditCase, Some(Route::AuditRequest { .. })) => "Anforderung von Unterlagen",
            (Area::AuditCase, Some(Route::AuditReceipt { .. })) => "Quittung",
            (Area::AuditCase, _) => "Fall",
            (Area::AuditStructure, Some(Route::AuditInspections)) => "Begehungen",
            (Area::AuditStructure, _) => "Strukturprüfungen",
            (Area::Registration, _) => "Registrierung für das LE-Portal",
            (Area::RegistrationStatus, _) => "Stand der Registrierung",
            (Area::Account, _) => "Konto",
            (Area::CareBilling, _) => "Pflegeabrechnung",
            (Area::Kiosk, _) => "LE-Portal ausprobieren",
        }
    }

    /// Fetches the area's chunk (once; later calls answer at once) and hands back its view.
    async fn load(self) -> Result<Render, SplitLoaderError> {
        match self {
            Area::Directory => directory().await,
            Area::Audits => audits().await,
            Area::Administration => administration().await,
            Area::Registration => registration().await,
            Area::RegistrationStatus => registration_status().await,
            Area::SignInSteps => sign_in_steps().await,
            Area::Account => account().await,
            Area::CareBilling => care_billing().await,
            Area::Kiosk => kiosk().await,
            Area::DirectoryEditor => directory_editor().await,
            Area::DirectoryClarifications => directory_clarifications().await,
            Area::DirectoryBulk => directory_bulk().await,
            Area::AuditCase => audits_case().await,
            Area::AuditStructure => audits_structure().await,
        }
    }

    /// A panel within a page (an `h2` section) rather than a page of its own.
    fn is_panel(self) -> bool {
        self == Area::DirectoryBulk
    }
}

// The split points. `fallible`: a chunk that cannot be fetched is an error we show, not a panic.
#[wasm_split(directory, wasm_split_path = ::leptos::wasm_split, fallible)]
fn directory() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <DirectoryArea /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(audits, wasm_split_path = ::leptos::wasm_split, fallible)]
fn audits() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <AuditsArea /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(administration, wasm_split_path = ::leptos::wasm_split, fallible)]
fn administration() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <Administration /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(registration, wasm_split_path = ::leptos::wasm_split, fallible)]
fn registration() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <Registration /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(registration_status, wasm_split_path = ::leptos::wasm_split, fallible)]
fn registration_status() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <RegistrationStatusPage /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(sign_in_steps, wasm_split_path = ::leptos::wasm_split, fallible)]
fn sign_in_steps() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <SignInStep /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(account, wasm_split_path = ::leptos::wasm_split, fallible)]
fn account() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <Account /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(care_billing, wasm_split_path = ::leptos::wasm_split, fallible)]
fn care_billing() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <CareBillingArea /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(kiosk, wasm_split_path = ::leptos::wasm_split, fallible)]
fn kiosk() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::kiosk::KioskStart /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(directory_editor, wasm_split_path = ::leptos::wasm_split, fallible)]
fn directory_editor() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::directory::EditorPiece /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(directory_clarifications, wasm_split_path = ::leptos::wasm_split, fallible)]
fn directory_clarifications() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::directory::ClarificationsPiece /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(directory_bulk, wasm_split_path = ::leptos::wasm_split, fallible)]
fn directory_bulk() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::directory::BulkPiece /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(audits_case, wasm_split_path = ::leptos::wasm_split, fallible)]
fn audits_case() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::audits::CasePiece /> }.into_any()
    }
    Ok(draw)
}

#[wasm_split(audits_structure, wasm_split_path = ::leptos::wasm_split, fallible)]
fn audits_structure() -> Result<Render, SplitLoaderError> {
    fn draw() -> AnyView {
        view! { <crate::pages::audits::StructurePiece /> }.into_any()
    }
    Ok(draw)
}

/// The set-up steps after signing in, one page each (one chunk for all).
#[component]
fn SignInStep() -> impl IntoView {
    let route = use_route();
    move || match route.get() {
        Some(Route::EnrolTotp) => view! { <EnrolTotp /> }.into_any(),
        Some(Route::SetPassword) => view! { <SetPassword /> }.into_any(),
        Some(Route::RecoveryCodes) => view! { <RecoveryCodesPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The administration pages, one each.
#[component]
fn Administration() -> impl IntoView {
    let route = use_route();
    move || match route.get() {
        Some(Route::AdminRegistrations) => view! { <AdminRegistrations /> }.into_any(),
        Some(Route::AdminUsers) => view! { <AdminUsers /> }.into_any(),
        Some(Route::AdminApiTokens) => view! { <AdminApiTokens /> }.into_any(),
        Some(Route::AdminAuditLog) => view! { <AdminAuditLog /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

thread_local! {
    /// Areas already loaded in this tab: shown at once when opened again (no fetch, no flicker).
    static LOADED: RefCell<Vec<(Area, Render)>> = const { RefCell::new(Vec::new()) };
}

fn loaded(area: Area) -> Option<Render> {
    LOADED.with_borrow(|all| all.iter().find(|(a, _)| *a == area).map(|(_, r)| *r))
}

/// Whether the area's chunk is already loaded in this tab (then it shows at once).
pub fn is_loaded(area: Area) -> bool {
    loaded(area).is_some()
}

/// Loads an area's chunk (if not yet loaded) and remembers its view.
async fn fetch(area: Area) -> Result<Render, SplitLoaderError> {
    if let Some(render) = loaded(area) {
        return Ok(render);
    }
    let render = area.load().await?;
    LOADED.with_borrow_mut(|all| {
        if !all.iter().any(|(a, _)| *a == area) {
            all.push((area, render));
        }
    });
    Ok(render)
}

/// After sign-in, fetches in the background the areas the role works in, so that opening one
/// right away is as fast as with a single module (the first load stays small for everybody).
pub fn prefetch_for(role: Role) {
    let mut areas: Vec<Area> = WorkArea::for_role(role)
        .map(|area| match area {
            WorkArea::Directory => Area::Directory,
            WorkArea::Audits => Area::Audits,
            WorkArea::Administration => Area::Administration,
        })
        .collect();
    if role.allows(le_domain::access::Permission::UseCareBilling) {
        areas.push(Area::CareBilling);
    }
    spawn_local(async move {
        for area in areas {
            // A failure is shown when the area is opened (and retried then).
            let _ = fetch(area).await;
        }
    });
}

/// What the route shows: the heading and a progress bar while the chunk loads, then the area.
#[derive(Clone, Copy)]
enum State {
    Loading,
    Ready(Render),
    Failed,
}

/// The route view of a lazily loaded area (or a piece of one): the heading and a progress bar
/// while its chunk loads, then the area; a German message with a reload button when it fails.
/// A panel shows the same in a section with an `h2`.
#[component]
pub fn LazyArea(area: Area) -> impl IntoView {
    let state = RwSignal::new(match loaded(area) {
        Some(render) => State::Ready(render),
        None => State::Loading,
    });
    if matches!(state.get_untracked(), State::Loading) {
        spawn_local(async move {
            let next = match fetch(area).await {
                Ok(render) => State::Ready(render),
                Err(_) => State::Failed,
            };
            // The user may have left the page meanwhile: then there is nothing to update.
            let _ = state.try_set(next);
        });
    }
    let route = use_route();
    let heading = move || area.heading(route.get());
    let placeholder = move |body: AnyView| {
        if area.is_panel() {
            view! {
                <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="teil-titel">
                    <h2 id="teil-titel" class="text-lg font-semibold text-blue-950">{heading}</h2>
                    {body}
                </section>
            }
            .into_any()
        } else {
            view! {
                <h1 class="text-2xl font-bold text-blue-950">{heading}</h1>
                {body}
            }
            .into_any()
        }
    };
    move || {
        match state.get() {
        State::Ready(render) => render(),
        State::Loading => placeholder(
            view! {
                <div role="status" class="mt-6 max-w-md text-slate-700">
                    <p id="bereich-laedt">"Dieser Bereich wird geladen …"</p>
                    <progress aria-labelledby="bereich-laedt" class="mt-2 h-2 w-full"></progress>
                </div>
            }
            .into_any(),
        ),
        State::Failed => placeholder(
            view! {
                <div role="alert" class="mt-6 max-w-xl rounded border border-red-700 bg-red-50 p-4 text-red-950">
                    <p class="font-semibold">"Dieser Bereich konnte nicht geladen werden."</p>
                    <p class="mt-2">
                        "Vielleicht ist die Verbindung unterbrochen oder das LE-Portal wurde gerade aktualisiert. Bitte laden Sie die Seite neu."
                    </p>
                    <button type="button" class=format!("mt-4 {BUTTON_PRIMARY}") on:click=|_| reload()>
                        "Seite neu laden"
                    </button>
                </div>
            }
            .into_any(),
        ),
    }
    }
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
