//! Expert reports: the MD uploads a report (PDF) to a case; the hospital downloads it.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use le_domain::api::audits::StoredFile;

use super::caller::{AuditCaller, MdCaller, Scope};
use super::store::{self, actor_name};
use super::uploads::{UploadName, receive_pdf, serve_pdf};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;

/// `PUT /api/v1/audits/cases/{id}/reports?name=…` (MD; raw PDF body)
pub async fn upload(
    State(state): State<AppState>,
    md: MdCaller,
    Path(case_id): Path<i64>,
    Query(q): Query<UploadName>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<StoredFile>), AppError> {
    let config = &*state.config;
    let case = store::visible_case(&state.database, Scope::All, case_id).await?;
    case.require_open()?;
    let upload = receive_pdf(
        &state,
        config.max_upload_bytes,
        &headers,
        body,
        q.name.as_deref(),
    )
    .await?;
    let now = state.clock.now();
    let by = actor_name(&md.actor);
    let tx = state.database.begin_write().await?;
    let file = upload
        .commit(&state, tx, store::FileOwner::Report { case_id }, by, now)
        .await?;
    let id = file.id;
    audit_log::success(&md.actor, "audit_report_uploaded")
        .target(format!("Prüffall {case_id}, Gutachten {id}"))
        .detail(format!("{} ({} Bytes)", file.name, file.size))
        .record(&state.database, state.clock.now())
        .await;
    Ok((StatusCode::CREATED, axum::Json(file)))
}

/// `GET /api/v1/audits/reports/{id}` (MD and the case's hospital)
#[utoipa::path(
    get,
    path = "/audits/reports/{id}",
    operation_id = "audits.reports.download",
    tag = "Prüfverfahren",
    summary = "Ein Gutachten herunterladen",
    params(("id" = i64, Path, description = "Gutachten")),
    responses((status = 200, description = "Das Gutachten.", body = crate::openapi::PdfFile, content_type = "application/pdf"))
)]
pub async fn download(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let row = store::report_row(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::visible_case(&state.database, caller.scope(), row.owner_id).await?;
    let res = serve_pdf(
        &state,
        &row.stored_name,
        &row.file_name,
        &row.sha256,
        &headers,
    )
    .await?;
    audit_log::success(caller.actor(), "audit_report_downloaded")
        .target(format!("Prüffall {}, Gutachten {id}", row.owner_id))
        .detail(row.file_name.clone())
        .record(&state.database, state.clock.now())
        .await;
    Ok(res)
}
