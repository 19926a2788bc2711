//! Physician directory (KHANR-VZ): sites, physician records, ANR requests with the central
//! registry, clarifications, bulk edits, and the HR interface (API token or CSV).
//!
//! Endpoints: [`router`] below. Rules (identity, ANR, sites and periods, bulk actions):
//! `le_domain::directory`. Every SQL statement: [`store`].
/// Bulk edits: preview, atomic apply with progress, undo as one step.
pub mod bulk;
/// Who calls: a hospital person (editor or reader), its HR token, or the office.
pub mod caller;
/// Mismatches with the registry: the hospital's inbox and the office's decision.
pub mod clarifications;
/// The HR system's file side: CSV import (dry run, apply) and export.
pub mod hr;
/// Physician records: list, read, create, update, ANR request.
pub mod physicians;
/// The central number registry (ANRV): match, issue or report a mismatch.
pub mod registry;
/// The national site directory: list and idempotent import.
pub mod sites;
/// Every SQL statement of the area.
pub mod store;
/// The whole directory as one answer: packed from the stored texts, off the runtime's workers.
pub mod table;
/// The one write path of a hospital's edits (form, REST, CSV, bulk, undo).
pub mod write;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

/// CSV files of a large hospital are bigger than ordinary JSON bodies.
const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new()
        .route("/sites", get(sites::own_sites))
        .route("/office/sites", get(sites::all_sites))
        .route(
            "/office/sites/import",
            post(sites::import_handler).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/physicians",
            get(physicians::list).post(physicians::create),
        )
        .route("/physicians/table", get(physicians::table))
        .route("/physicians/export.csv", get(hr::export))
        .route(
            "/physicians/import",
            post(hr::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/physicians/bulk/preview",
            post(bulk::preview).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/physicians/bulk/apply",
            post(bulk::apply).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/physicians/bulk/{operation_id}/undo", post(bulk::undo))
        .route("/physicians/bulk/progress/{key}", get(bulk::progress))
        .route(
            "/physicians/{id}",
            get(physicians::get).put(physicians::update),
        )
        .route(
            "/physicians/{id}/anr-request",
            post(physicians::request_anr),
        )
        .route("/clarifications", get(clarifications::inbox))
        .route(
            "/clarifications/{id}/document",
            post(clarifications::upload_document).layer(DefaultBodyLimit::max(11 * 1024 * 1024)),
        )
        .route("/office/registry", get(registry::search_handler))
        .route("/office/clarifications", get(clarifications::office_list))
        .route(
            "/office/clarifications/{id}/resolve",
            post(clarifications::resolve),
        )
        .route(
            "/office/clarifications/{id}/request-document",
            post(clarifications::request_document),
        )
        .route(
            "/office/clarifications/{id}/document",
            get(clarifications::office_document),
        )
}
