//! Audit exchange (MD portal): cases and notices, document requests with deadlines, streamed PDF
//! uploads with deliveries and receipts, inspection lists, expert reports, structure audits,
//! retention of closed cases, and the machine interface (API token, OpenAPI document) for KIS.
pub mod caller;
pub mod cases;
pub mod deliveries;
pub mod inspections;
pub mod reports;
pub mod requests;
pub mod retention;
pub mod store;
pub mod structure;
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

pub use retention::{purge_expired, spawn_retention_job};

/// Largest upload by default (the real portal allows 500 MB a file).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 500 * 1024 * 1024;
/// Days after closing when a case is purged by default.
pub const DEFAULT_RETENTION_DAYS: u32 = 100;

/// Settings of the audit exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditsConfig {
    /// Largest accepted file (`--max-upload-bytes`).
    pub max_upload_bytes: u64,
    /// Days after closing when a case and its files are deleted (`--retention-days`).
    pub retention_days: u32,
}

impl Default for AuditsConfig {
    fn default() -> Self {
        AuditsConfig {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

impl AuditsConfig {
    /// The audit settings of the server's configuration (flags with environment fallbacks).
    pub fn from_config(config: &crate::config::Config) -> Self {
        AuditsConfig {
            max_upload_bytes: config.max_upload_bytes,
            retention_days: config.retention_days,
        }
    }
}

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
            "/audits/files/{id}",
            get(uploads::download_file).delete(uploads::delete_file),
        )
        .route(
            "/audits/deliveries/{id}/acknowledge",
            post(deliveries::acknowledge),
        )
        .route("/audits/deliveries/{id}/receipt", get(deliveries::receipt))
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
