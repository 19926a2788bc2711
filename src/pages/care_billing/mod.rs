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

use le_domain::access::{Permission, Role};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::guard::RequireSession;
use crate::components::page_title::set_page_title;
use crate::pages::not_found::NotFound;
use crate::routes::{Route, use_route};

/// The care service's people (the server also checks the kind of institution).
fn is_care_user(role: Role) -> bool {
    role.allows(Permission::UseCareBilling)
}

/// The operator's administrator (the Medizinischer Dienst's), who imports the certificates.
fn is_operator(role: Role) -> bool {
    role.allows(Permission::ManageRecipientCertificates)
}

const SUB_NAV: &[(Route, &str)] = &[
    (Route::CareBilling, "Lieferungen"),
    (Route::CareNew, "Neue Lieferung"),
    (Route::CareSetup, "Einrichtung"),
    (Route::CareStaff, "Personal"),
    (Route::CareKey, "Schlüssel"),
];

/// The area's own navigation (care services only).
#[component]
fn CareNav() -> impl IntoView {
    view! {
        <nav aria-label="Pflegeabrechnung" class="mb-6">
            <ul class="flex flex-wrap gap-2">
                {SUB_NAV
                    .iter()
                    .map(|(route, label)| view! {
                        <li>
                            <A href=route.href() exact=true attr:class="block rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 aria-[current=page]:border-blue-800 aria-[current=page]:bg-blue-50">
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
    let route = use_route();
    move || {
        match route.get() {
        Some(Route::CareBilling) => view! {
            <RequireSession allowed=is_care_user><CareNav /><log::DeliveryLog /></RequireSession>
        }
        .into_any(),
        Some(Route::CareNew) => view! {
            <RequireSession allowed=is_care_user><CareNav /><deliver::NewDelivery /></RequireSession>
        }
        .into_any(),
        Some(Route::CareSetup) => view! {
            <RequireSession allowed=is_care_user><CareNav /><setup::SetupPage /></RequireSession>
        }
        .into_any(),
        Some(Route::CareStaff) => view! {
            <RequireSession allowed=is_care_user><CareNav /><staff::StaffPage /></RequireSession>
        }
        .into_any(),
        Some(Route::CareKey) => view! {
            <RequireSession allowed=is_care_user><CareNav /><signing_key::SigningKeyPage /></RequireSession>
        }
        .into_any(),
        Some(Route::CareDelivery { id }) => view! {
            <RequireSession allowed=is_care_user><CareNav /><detail::DeliveryDetail id=id /></RequireSession>
        }
        .into_any(),
        Some(Route::CareCertificates) => view! {
            <RequireSession allowed=is_operator><certificates::CertificatesPage /></RequireSession>
        }
        .into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
    }
}
