//! Deliveries: the hospital submits the uploaded files of a request (the MD sees them from then
//! on), acknowledges a delivery, and fetches its receipt (names, sizes, SHA-256, times).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use le_domain::api::audits::{Delivery, Receipt, SubmitResult};
use le_domain::audits::deadline;

use super::caller::{AuditCaller, HospitalAuditCaller, Scope};
use super::store::{
    self, CaseRow, DELIVERY_SELECT, DeliveryRow, FileRow, RequestRow, actor_name, documents_of,
    requested,
};
use super::uploads::record;
use crate::AppState;
use crate::clock::rfc3339;
use crate::directory::caller::today;
use crate::error::AppError;

/// `POST /api/v1/audits/requests/{id}/submit` (hospital): all files not yet submitted become
/// one delivery.
#[utoipa::path(
    post,
    path = "/audits/requests/{id}/submit",
    operation_id = "audits.deliveries.submit",
    tag = "Prüfverfahren",
    summary = "Alle noch nicht eingereichten Dateien einer Anforderung als Lieferung einreichen",
    params(("id" = i64, Path, description = "Unterlagenanforderung")),
    responses((status = 201, description = "Die Lieferung und die Frist danach.", body = le_domain::api::audits::SubmitResult), (status = 409, description = "Keine Dateien zum Einreichen oder Prüffall abgeschlossen.", body = le_domain::ApiErrorBody))
)]
pub async fn submit(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    Path(request_id): Path<i64>,
) -> Result<(StatusCode, axum::Json<SubmitResult>), AppError> {
    let (request, case) =
        store::visible_request(&state.db, Scope::Hospital(&caller.iks), request_id).await?;
    caller.require_act()?;
    case.require_open()?;
    let now = state.clock.now();
    let today = today(&state);
    let due = deadline(request.received()?, request.weeks(), today, false).due;
    let in_time = today <= due;
    let by = actor_name(&caller.actor);
    let mut tx = crate::db::begin_write(&state.db).await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_files WHERE request_id = ? AND delivery_id IS NULL",
    )
    .bind(request_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending == 0 {
        return Err(AppError::Conflict {
            code: "nothing_to_submit",
            message: "Es gibt keine hochgeladenen Dateien, die noch nicht eingereicht sind."
                .to_owned(),
        });
    }
    let delivery_id = sqlx::query(
        "INSERT INTO audit_deliveries (request_id, submitted_at, submitted_by, in_time) VALUES (?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(now)
    .bind(&by)
    .bind(in_time)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    sqlx::query(
        "UPDATE audit_files SET delivery_id = ? WHERE request_id = ? AND delivery_id IS NULL",
    )
    .bind(delivery_id)
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_requests SET delivered_at = COALESCE(delivered_at, ?) WHERE id = ?")
        .bind(now)
        .bind(request_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let files = store::files_of_delivery(&state.db, delivery_id).await?;
    record(
        &state,
        &caller.actor,
        "audit_delivery_submitted",
        format!("Anforderung {request_id}, Lieferung {delivery_id}"),
        Some(format!(
            "{} Datei(en){}",
            files.len(),
            if in_time { "" } else { ", nach Fristablauf" }
        )),
    )
    .await;
    let delivery = delivery_row(&state, delivery_id).await?;
    let request = RequestRow {
        delivered_at: Some(request.delivered_at.unwrap_or(now)),
        ..request
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(SubmitResult {
            delivery: delivery.api(&files),
            deadline: request.deadline(today)?,
        }),
    ))
}

async fn delivery_row(state: &AppState, id: i64) -> Result<DeliveryRow, AppError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DELIVERY_SELECT} WHERE d.id = ?"
    )))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)
}

/// The delivery with its request and case, if the caller may see the case.
async fn visible_delivery(
    state: &AppState,
    scope: Scope<'_>,
    id: i64,
) -> Result<(DeliveryRow, RequestRow, CaseRow), AppError> {
    let delivery = delivery_row(state, id).await?;
    let (request, case) = store::visible_request(&state.db, scope, delivery.request_id).await?;
    Ok((delivery, request, case))
}

/// `POST /api/v1/audits/deliveries/{id}/acknowledge` (hospital)
#[utoipa::path(
    post,
    path = "/audits/deliveries/{id}/acknowledge",
    operation_id = "audits.deliveries.acknowledge",
    tag = "Prüfverfahren",
    summary = "Eine Lieferung quittieren",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Lieferung mit Quittierungszeitpunkt.", body = le_domain::api::audits::Delivery))
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Delivery>, AppError> {
    let (delivery, ..) = visible_delivery(&state, Scope::Hospital(&caller.iks), id).await?;
    caller.require_act()?;
    if delivery.acknowledged_at.is_none() {
        let now = state.clock.now();
        sqlx::query(
            "UPDATE audit_deliveries SET acknowledged_at = ?, acknowledged_by = ? \
             WHERE id = ? AND acknowledged_at IS NULL",
        )
        .bind(now)
        .bind(actor_name(&caller.actor))
        .bind(id)
        .execute(&state.db)
        .await?;
        record(
            &state,
            &caller.actor,
            "audit_delivery_acknowledged",
            format!("Lieferung {id}"),
            None,
        )
        .await;
    }
    let delivery = delivery_row(&state, id).await?;
    let files = store::files_of_delivery(&state.db, id).await?;
    Ok(axum::Json(delivery.api(&files)))
}

/// `GET /api/v1/audits/deliveries/{id}/receipt`: the proof of delivery (hospital, KIS, MD).
#[utoipa::path(
    get,
    path = "/audits/deliveries/{id}/receipt",
    operation_id = "audits.deliveries.receipt",
    tag = "Prüfverfahren",
    summary = "Die Quittung einer Lieferung (Dateien mit SHA-256, Zeiten, Falldaten)",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Quittung.", body = le_domain::api::audits::Receipt))
)]
pub async fn receipt(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Receipt>, AppError> {
    let (delivery, request, case) = visible_delivery(&state, caller.scope(), id).await?;
    let files = store::files_of_delivery(&state.db, id).await?;
    let received = request.received()?;
    let due = deadline(received, request.weeks(), received, false).due;
    record(
        &state,
        caller.actor(),
        "audit_receipt_fetched",
        format!("Lieferung {id}"),
        None,
    )
    .await;
    Ok(axum::Json(Receipt {
        receipt_number: format!("Q-{}-{}", case.id, delivery.id),
        delivery_id: delivery.id,
        hospital_ik: case.hospital_ik.clone(),
        hospital_name: case.hospital_name.clone(),
        case_id: case.id,
        site_number: case.site_number.clone(),
        admission_number: case.admission_number.clone(),
        invoice_number: case.invoice_number.clone(),
        admission_date: store::parse_date(&case.admission_date)?,
        discharge_date: store::parse_date(&case.discharge_date)?,
        insurer_ik: case.insurer_ik.clone(),
        subject: case.subject.clone(),
        request_id: request.id,
        documents: requested(&documents_of(&request.documents)?),
        received_date: received,
        due,
        in_time: delivery.in_time,
        submitted_at: rfc3339(delivery.submitted_at),
        submitted_by: delivery.submitted_by.clone(),
        acknowledged_at: delivery.acknowledged_at.map(rfc3339),
        acknowledged_by: delivery.acknowledged_by.clone(),
        total_size: files
            .iter()
            .map(|f| u64::try_from(f.size).unwrap_or(0))
            .sum(),
        files: files.iter().map(FileRow::api).collect(),
        created_at: rfc3339(state.clock.now()),
    }))
}
