//! The care billing area (§ 105 SGB XI): set-up, staff, the signing key kept in this browser,
//! new deliveries sealed here, the delivery log with detail, error returns and corrections, and
//! the operator's import of the recipients' certificates. One lazily loaded chunk; the crypto crate
//! is a chunk of its own (`crypto.rs`), fetched when a key is imported or a delivery sealed.
mod certificates;
mod crypto;
mod deliver;
mod detail;
pub(crate) mod keystore;
mod log;
mod setup;
mod signing_key;
mod staff;

use le_domain::access::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::guard::RequireSession;
use crate::components::page_title::set_page_title;
use crate::pages::not_found::NotFound;

/// The care service's people (the server also checks the kind of institution).
fn is_care_user(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BillingClerk)
}

fn is_operator(role: Role) -> bool {
    role == Role::MdAdmin
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Page {
    Log,
    New,
    Setup,
    Staff,
    Key,
    Certificates,
    Detail(i64),
    NotFound,
}

fn page_of(path: &str) -> Page {
    let rest = path
        .trim_start_matches("/pflegeabrechnung")
        .trim_matches('/');
    match rest {
        "" => Page::Log,
        "neu" => Page::New,
        "einrichtung" => Page::Setup,
        "personal" => Page::Staff,
        "schluessel" => Page::Key,
        "zertifikate" => Page::Certificates,
        other => other
            .strip_prefix("lieferung/")
            .and_then(|id| id.parse().ok())
            .map(Page::Detail)
            .unwrap_or(Page::NotFound),
    }
}

const SUB_NAV: &[(&str, &str)] = &[
    ("/pflegeabrechnung", "Lieferungen"),
    ("/pflegeabrechnung/neu", "Neue Lieferung"),
    ("/pflegeabrechnung/einrichtung", "Einrichtung"),
    ("/pflegeabrechnung/personal", "Personal"),
    ("/pflegeabrechnung/schluessel", "Schlüssel"),
];

/// The area's own navigation (care services only).
#[component]
fn CareNav() -> impl IntoView {
    view! {
        <nav aria-label="Pflegeabrechnung" class="mb-6">
            <ul class="flex flex-wrap gap-2">
                {SUB_NAV
                    .iter()
                    .map(|(href, label)| view! {
                        <li>
                            <A href=*href exact=true attr:class="block rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 aria-[current=page]:border-blue-800 aria-[current=page]:bg-blue-50">
                                {*label}
                            </A>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Entry of the area; the rest of the URL selects the page.
#[component]
pub fn CareBillingArea() -> impl IntoView {
    set_page_title("Pflegeabrechnung");
    let location = use_location();
    let page = Memo::new(move |_| page_of(&location.pathname.get()));
    move || {
        match page.get() {
        Page::Log => view! {
            <RequireSession allowed=is_care_user><CareNav /><log::DeliveryLog /></RequireSession>
        }
        .into_any(),
        Page::New => view! {
            <RequireSession allowed=is_care_user><CareNav /><deliver::NewDelivery /></RequireSession>
        }
        .into_any(),
        Page::Setup => view! {
            <RequireSession allowed=is_care_user><CareNav /><setup::SetupPage /></RequireSession>
        }
        .into_any(),
        Page::Staff => view! {
            <RequireSession allowed=is_care_user><CareNav /><staff::StaffPage /></RequireSession>
        }
        .into_any(),
        Page::Key => view! {
            <RequireSession allowed=is_care_user><CareNav /><signing_key::SigningKeyPage /></RequireSession>
        }
        .into_any(),
        Page::Detail(id) => view! {
            <RequireSession allowed=is_care_user><CareNav /><detail::DeliveryDetail id=id /></RequireSession>
        }
        .into_any(),
        Page::Certificates => view! {
            <RequireSession allowed=is_operator><certificates::CertificatesPage /></RequireSession>
        }
        .into_any(),
        Page::NotFound => view! { <NotFound /> }.into_any(),
    }
    }
}
