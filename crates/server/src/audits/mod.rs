//! Audit exchange (MD portal): cases and notices, document requests with deadlines, streamed PDF
//! uploads with deliveries and receipts, inspection lists, expert reports, structure audits,
//! retention of closed cases, e-mail reminders of deadlines, and the machine interface (API
//! token, OpenAPI document) for KIS. Settings are fields of the server's `Config`
//! (`--max-upload-bytes`, `--retention-days`, `--reminder-lead-days`, …).
//!
//! Endpoints: [`router`] below. Rules (forms, deadlines, § 193 BGB, lateness, document states):
//! `le_domain::audits` and `le_domain::api::audits`. Every SQL statement: [`store`].
/// Who calls: the MD, a hospital person (acting or reading) or its KIS token; scopes.
pub mod caller;
/// Cases and notices: open, extend, close, list and read.
pub mod cases;
/// Submitting files as a delivery, declaring documents unavailable, receipts.
pub mod deliveries;
/// Inspection lists announcing on-site audits.
pub mod inspections;
/// The delivery receipt as a PDF.
pub mod receipt_pdf;
/// E-mail reminders of deadlines (leased background job) and their opt-out.
pub mod reminders;
/// Expert reports from the MD to the hospital.
pub mod reports;
/// Document requests, the hospital's inbox and dashboard.
pub mod requests;
/// Purging closed cases and their files after the retention period.
pub mod retention;
/// Every SQL statement of the area and the rows' conversion to API types.
pub mod store;
/// Structure audits: application with evidence, certificate or rejection.
pub mod structure;
/// Streamed PDF uploads of request files, downloads, deleting pending files.
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

pub use reminders::spawn_reminder_job;
pub use retention::{purge_expired, spawn_retention_job};

/// The routes of the audit exchange (their settings come from the server's `Config`).
pub fn router() -> crate::routes::ApiRouter {
    // Uploads stream with their own limit; the API's default body limit does not apply.
    let upload = || DefaultBodyLimit::disable();
    crate::routes::ApiRouter::new()
        .route("/audits/cases", get(cases::list).post(cases::create))
        .route("/audits/cases/{id}", get(cases::get))
        .route("/audits/cases/{id}/notices", post(cases::add_notice))
        .route("/audits/cases/{id}/close", post(cases::close))
        .route("/audits/cases/{id}/requests", post(requests::create))
        .route(
            "/audits/cases/{id}/reports",
            put(reports::upload).layer(upload()),
        )
        .route("/audits/inbox", get(requests::inbox))
        .route("/audits/dashboard", get(requests::dashboard))
        .route(
            "/audits/requests/{id}/files",
            put(uploads::upload_file).layer(upload()),
        )
        .route("/audits/requests/{id}/submit", post(deliveries::submit))
        .route(
            "/audits/requests/{id}/unavailable",
            post(deliveries::declare_unavailable),
        )
        .route(
            "/audits/reminder-settings",
            get(reminders::settings).put(reminders::update_settings),
        )
        .route(
            "/audits/files/{id}",
            get(uploads::download_file).delete(uploads::delete_file),
        )
        .route(
            "/audits/deliveries/{id}/acknowledge",
            post(deliveries::acknowledge),
        )
        .route("/audits/deliveries/{id}/receipt", get(deliveries::receipt))
        .route(
            "/audits/deliveries/{id}/receipt.pdf",
            get(deliveries::receipt_pdf),
        )
        .route("/audits/reports/{id}", get(reports::download))
        .route(
            "/audits/inspections",
            get(inspections::list).post(inspections::create),
        )
        .route(
            "/audits/structure",
            get(structure::list).post(structure::apply),
        )
        .route("/audits/structure/{id}", get(structure::get))
        .route(
            "/audits/structure/{id}/evidence",
            put(structure::upload_evidence).layer(upload()),
        )
        .route("/audits/structure/{id}/decide", post(structure::decide))
        .route("/audits/evidence/{id}", get(structure::download_evidence))
}
