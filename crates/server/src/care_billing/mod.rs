//! Care billing exchange (§ 105 SGB XI) for care services: the routing set-up (region, billing
//! centre, branches with their IKs) and deliveries — the server receives the file the browser
//! signed and encrypted (it never sees a private key), assigns the transfer number, writes the
//! order file with the domain's rules and keeps the delivery log with error returns.
//!
//! Endpoints: [`router`] below. Rules (order file, kinds, LBNR, staff): `le_domain::care_billing`.
//! Every SQL statement: [`store`].
/// Who calls: the care service's admin or billing clerk, or its billing software.
pub mod caller;
/// Recipient certificates: the operator's import, the care service's lookup.
pub mod certificates;
/// Deliveries: transfer number, order file, mail, log, error returns.
pub mod deliveries;
/// The set-up: region, billing centre, sender address, branches.
pub mod setup;
/// Staff with their numbers: form and CSV import through one rule.
pub mod staff;
/// Every SQL statement of the area.
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};

/// Writes an audit-log entry of this area about the caller's care service.
pub(crate) async fn log(
    state: &crate::AppState,
    caller: &caller::CareCaller,
    action: &str,
    detail: String,
) {
    crate::audit_log::success(&caller.actor, action)
        .target(format!("IK {}", caller.institution.ik))
        .detail(detail)
        .record(&state.database, state.clock.now())
        .await;
}

/// Largest encrypted delivery accepted.
pub const MAX_DELIVERY_BYTES: u64 = 200 * 1024 * 1024;

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new()
        .route("/care/setup", get(setup::get).put(setup::put))
        .route("/care/branches", post(setup::add_branch))
        .route("/care/branches/{id}", delete(setup::remove_branch))
        .route("/care/staff", get(staff::list).post(staff::create))
        .route("/care/staff/{id}", put(staff::update))
        .route("/care/staff/import", post(staff::import))
        .route(
            "/care/deliveries",
            get(deliveries::list)
                .post(deliveries::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/care/deliveries/{id}", get(deliveries::get))
        .route(
            "/care/deliveries/{id}/order-file",
            get(deliveries::order_file),
        )
        .route("/care/deliveries/{id}/payload", get(deliveries::payload))
        .route(
            "/care/deliveries/{id}/error-return",
            post(deliveries::error_return),
        )
        .route("/care/deliveries/{id}/send", post(deliveries::send))
        .route(
            "/care/certificates",
            get(certificates::list).post(certificates::import),
        )
        .route("/care/recipient-certificate", get(certificates::recipient))
}
