//! Typed client of the directory API: sites, physicians, ANR requests, bulk edits, HR CSV,
//! clarifications and the office's endpoints. One function per endpoint; mutating calls take the
//! session's CSRF token.
use gloo_net::http::Request;
use le_domain::api::directory::{
    BulkApplied, BulkPreview, BulkProgress, BulkRequest, BulkUndone, Clarification,
    DocumentRequest, HrImportReport, HrImportRequest, PhysicianTable, RegistryPerson,
    ResolveRequest, SiteImportReport, SiteImportRequest, SiteList, UpdatePhysicianRequest,
};
use le_domain::directory::{PhysicianForm, PhysicianRecord};

use super::access::encode;
use super::{ApiFailure, mutating, send, send_json};

/// `GET /api/v1/sites`
pub async fn sites() -> Result<SiteList, ApiFailure> {
    send_json(Request::get("/api/v1/sites").build()).await
}

/// `GET /api/v1/physicians/table`: every physician of the hospital, packed. Read as bytes (no
/// detour through a JavaScript string) and decoded straight into records.
pub async fn physician_table() -> Result<PhysicianTable, ApiFailure> {
    table_at("/api/v1/physicians/table").await
}

/// `GET /api/v1/physicians/table?limit={limit}`: the first rows of the table (and how many
/// there are), for the grid's first screen while the whole table loads.
pub async fn physician_table_start(limit: u32) -> Result<PhysicianTable, ApiFailure> {
    table_at(&format!("/api/v1/physicians/table?limit={limit}")).await
}

async fn table_at(url: &str) -> Result<PhysicianTable, ApiFailure> {
    let bytes = send(Request::get(url).build())
        .await?
        .binary()
        .await
        .map_err(ApiFailure::network)?;
    serde_json::from_slice(&bytes).map_err(ApiFailure::network)
}

/// `GET /api/v1/physicians/{id}`
pub async fn physician(id: i64) -> Result<PhysicianRecord, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/physicians/{id}")).build()).await
}

/// `POST /api/v1/physicians`
pub async fn create_physician(
    csrf: &str,
    form: &PhysicianForm,
) -> Result<PhysicianRecord, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/physicians"), Some(csrf)).json(form)).await
}

/// `PUT /api/v1/physicians/{id}`
pub async fn update_physician(
    csrf: &str,
    id: i64,
    request: &UpdatePhysicianRequest,
) -> Result<PhysicianRecord, ApiFailure> {
    let url = format!("/api/v1/physicians/{id}");
    send_json(mutating(Request::put(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/physicians/{id}/anr-request`
pub async fn request_anr(csrf: &str, id: i64) -> Result<PhysicianRecord, ApiFailure> {
    let url = format!("/api/v1/physicians/{id}/anr-request");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `POST /api/v1/physicians/bulk/preview`
pub async fn bulk_preview(csrf: &str, request: &BulkRequest) -> Result<BulkPreview, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/physicians/bulk/preview"), Some(csrf)).json(request))
        .await
}

/// `POST /api/v1/physicians/bulk/apply?progress={key}` (its progress: [`bulk_progress`])
pub async fn bulk_apply(
    csrf: &str,
    request: &BulkRequest,
    progress_key: &str,
) -> Result<BulkApplied, ApiFailure> {
    let url = format!("/api/v1/physicians/bulk/apply?progress={progress_key}");
    send_json(mutating(Request::post(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/physicians/bulk/{operation_id}/undo?progress={key}`
pub async fn bulk_undo(
    csrf: &str,
    operation_id: i64,
    progress_key: &str,
) -> Result<BulkUndone, ApiFailure> {
    let url = format!("/api/v1/physicians/bulk/{operation_id}/undo?progress={progress_key}");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/physicians/bulk/progress/{key}` (`running: false` when nothing runs under it)
pub async fn bulk_progress(progress_key: &str) -> Result<BulkProgress, ApiFailure> {
    let url = format!("/api/v1/physicians/bulk/progress/{progress_key}");
    send_json(Request::get(&url).build()).await
}

/// `POST /api/v1/physicians/import`
pub async fn hr_import(
    csrf: &str,
    request: &HrImportRequest,
) -> Result<HrImportReport, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/physicians/import"), Some(csrf)).json(request)).await
}

/// `GET /api/v1/physicians/export.csv[?ids=…]` (a plain download link; every record without
/// `ids`).
pub fn export_url(ids: Option<&[i64]>) -> String {
    match ids {
        None => "/api/v1/physicians/export.csv".to_owned(),
        Some(ids) => {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!("/api/v1/physicians/export.csv?ids={}", ids.join(","))
        }
    }
}

/// `GET /api/v1/clarifications`
pub async fn clarifications() -> Result<Vec<Clarification>, ApiFailure> {
    send_json(Request::get("/api/v1/clarifications").build()).await
}

/// `POST /api/v1/clarifications/{id}/document` (multipart part `document`, a PDF).
pub async fn upload_document(
    csrf: &str,
    id: i64,
    document: &web_sys::File,
) -> Result<Clarification, ApiFailure> {
    let body = web_sys::FormData::new().map_err(|_| ApiFailure::browser())?;
    body.append_with_blob_and_filename("document", document, &document.name())
        .map_err(|_| ApiFailure::browser())?;
    let url = format!("/api/v1/clarifications/{id}/document");
    send_json(mutating(Request::post(&url), Some(csrf)).body(body)).await
}

/// `GET /api/v1/office/clarifications`
pub async fn office_clarifications() -> Result<Vec<Clarification>, ApiFailure> {
    send_json(Request::get("/api/v1/office/clarifications").build()).await
}

/// `POST /api/v1/office/clarifications/{id}/resolve`
pub async fn office_resolve(
    csrf: &str,
    id: i64,
    request: &ResolveRequest,
) -> Result<Clarification, ApiFailure> {
    let url = format!("/api/v1/office/clarifications/{id}/resolve");
    send_json(mutating(Request::post(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/office/clarifications/{id}/request-document`
pub async fn office_request_document(
    csrf: &str,
    id: i64,
    request: &DocumentRequest,
) -> Result<Clarification, ApiFailure> {
    let url = format!("/api/v1/office/clarifications/{id}/request-document");
    send_json(mutating(Request::post(&url), Some(csrf)).json(request)).await
}

/// `GET /api/v1/office/clarifications/{id}/document` (opened as a link).
pub fn office_document_url(id: i64) -> String {
    format!("/api/v1/office/clarifications/{id}/document")
}

/// `GET /api/v1/office/sites`
pub async fn office_sites() -> Result<SiteList, ApiFailure> {
    send_json(Request::get("/api/v1/office/sites").build()).await
}

/// `POST /api/v1/office/sites/import`
pub async fn office_site_import(
    csrf: &str,
    request: &SiteImportRequest,
) -> Result<SiteImportReport, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/office/sites/import"), Some(csrf)).json(request))
        .await
}

/// `GET /api/v1/office/registry?q=`
pub async fn office_registry(query: &str) -> Result<Vec<RegistryPerson>, ApiFailure> {
    let url = format!("/api/v1/office/registry?q={}", encode(query));
    send_json(Request::get(&url).build()).await
}
