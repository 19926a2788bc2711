//! Deliveries: the hospital submits the uploaded files of a request (the MD sees them from then
//! on) or declares a requested document unavailable, acknowledges a delivery, and fetches its
//! receipt (JSON for the printable page, or a PDF to file).
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use le_domain::api::audits::{Delivery, DocumentRequest, Receipt, SubmitResult, UnavailableForm};
use le_domain::audits::{DocumentState, Lateness, deadline_dates, lateness};

use super::caller::{AuditCaller, HospitalAuditCaller, Scope};
use super::store::{self, CaseRow, DeliveryRow, FileRow, RequestRow, actor_name, requested};
use crate::AppState;
use crate::audit_log;
use crate::clock::{german_time, rfc3339, today};
use crate::error::AppError;
use crate::extract::parse_json;

/// `POST /api/v1/audits/requests/{id}/submit` (hospital): all files not yet submitted become
/// one delivery. Its lateness is that of the Berlin day of submission; the request is complete
/// (and its deadline stops) only when no requested document is outstanding.
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
        store::visible_request(&state.database, Scope::Hospital(&caller.iks), request_id).await?;
    caller.require_act()?;
    case.require_open()?;
    let now = state.clock.now();
    let today = today(&state);
    let (due, late_until) = deadline_dates(request.received()?, request.weeks(), request.land());
    let late = lateness(today, due, late_until);
    let by = actor_name(&caller.actor);
    let mut tx = state.database.begin_write().await?;
    let Some(delivery_id) = store::insert_delivery(&mut tx, request_id, now, &by, late).await?
    else {
        return Err(AppError::Conflict {
            code: "nothing_to_submit",
            message: "Es gibt keine hochgeladenen Dateien, die noch nicht eingereicht sind."
                .to_owned(),
        });
    };
    let complete = store::settle_completion(&mut tx, request_id, now).await?;
    tx.commit().await?;
    let files = store::files_of_delivery(&state.database, delivery_id).await?;
    audit_log::success(&caller.actor, "audit_delivery_submitted")
        .target(format!("Anforderung {request_id}, Lieferung {delivery_id}"))
        .detail(format!(
            "{} Datei(en), {}{}",
            files.len(),
            late.label(),
            if complete {
                ", Anforderung vollständig"
            } else {
                ", Unterlagen stehen noch aus"
            }
        ))
        .record(&state.database, state.clock.now())
        .await;
    let delivery = store::delivery_row(&state.database, delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let request = store::request_row(&state.database, request_id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SubmitResult {
            delivery: delivery.api(&files),
            deadline: request.deadline(today)?,
        }),
    ))
}

/// `POST /api/v1/audits/requests/{id}/unavailable` (hospital): a requested document does not
/// exist; with the reason it no longer holds the request open.
#[utoipa::path(
    post,
    path = "/audits/requests/{id}/unavailable",
    operation_id = "audits.deliveries.declare_unavailable",
    tag = "Prüfverfahren",
    summary = "Eine angeforderte Unterlage als nicht vorhanden erklären (mit Begründung)",
    params(("id" = i64, Path, description = "Unterlagenanforderung")),
    request_body = le_domain::api::audits::UnavailableForm,
    responses((status = 200, description = "Die Anforderung mit dem Stand jeder Unterlage.", body = le_domain::api::audits::DocumentRequest), (status = 409, description = "Die Unterlage ist schon geliefert oder erklärt, oder der Prüffall ist abgeschlossen.", body = le_domain::ApiErrorBody), (status = 422, description = "Begründung fehlt oder Unterlage nicht angefordert.", body = le_domain::ApiErrorBody))
)]
pub async fn declare_unavailable(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    Path(request_id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<axum::Json<DocumentRequest>, AppError> {
    let (request, case) =
        store::visible_request(&state.database, Scope::Hospital(&caller.iks), request_id).await?;
    caller.require_act()?;
    case.require_open()?;
    // The body is read only once the caller may act on this request.
    let form: UnavailableForm = parse_json(&body)?;
    let errors = form.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if !request.tracked()?.contains(&form.document) {
        return Err(AppError::Validation(vec![le_domain::FieldError::new(
            "document",
            "invalid_value",
            "Diese Unterlage wurde mit der Anforderung nicht angefordert.",
        )]));
    }
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let states = store::document_states_in(&mut tx, &request).await?;
    match states
        .iter()
        .find(|s| s.kind == form.document)
        .map(|s| s.state)
    {
        Some(DocumentState::Outstanding) => {}
        Some(DocumentState::Delivered) => {
            return Err(AppError::Conflict {
                code: "document_delivered",
                message: "Diese Unterlage ist bereits geliefert.".to_owned(),
            });
        }
        _ => {
            return Err(AppError::Conflict {
                code: "document_unavailable",
                message: "Diese Unterlage ist bereits als nicht vorhanden erklärt.".to_owned(),
            });
        }
    }
    store::insert_unavailable(
        &mut tx,
        request_id,
        form.document,
        form.reason.trim(),
        &actor_name(&caller.actor),
        now,
    )
    .await?;
    let complete = store::settle_completion(&mut tx, request_id, now).await?;
    tx.commit().await?;
    audit_log::success(&caller.actor, "audit_document_unavailable")
        .target(format!("Anforderung {request_id}"))
        .detail(format!(
            "„{}“ nicht vorhanden: {}{}",
            form.document.label(),
            form.reason.trim(),
            if complete {
                " (Anforderung vollständig)"
            } else {
                ""
            }
        ))
        .record(&state.database, state.clock.now())
        .await;
    let request = store::request_row(&state.database, request_id).await?;
    Ok(axum::Json(
        store::request_api(&state.database, &request, today(&state), false).await?,
    ))
}

/// The delivery with its request and case, if the caller may see the case.
async fn visible_delivery(
    state: &AppState,
    scope: Scope<'_>,
    id: i64,
) -> Result<(DeliveryRow, RequestRow, CaseRow), AppError> {
    let delivery = store::delivery_row(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (request, case) =
        store::visible_request(&state.database, scope, delivery.request_id).await?;
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
        let mut tx = state.database.begin_write().await?;
        store::acknowledge_delivery(&mut tx, id, now, &actor_name(&caller.actor)).await?;
        tx.commit().await?;
        audit_log::success(&caller.actor, "audit_delivery_acknowledged")
            .target(format!("Lieferung {id}"))
            .record(&state.database, state.clock.now())
            .await;
    }
    let delivery = store::delivery_row(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let files = store::files_of_delivery(&state.database, id).await?;
    Ok(axum::Json(delivery.api(&files)))
}

/// The receipt of a delivery the caller may see (audit-logged as fetched).
async fn load_receipt(
    state: &AppState,
    caller: &AuditCaller,
    id: i64,
    what: &str,
) -> Result<Receipt, AppError> {
    let (delivery, request, case) = visible_delivery(state, caller.scope(), id).await?;
    let files = store::files_of_delivery(&state.database, id).await?;
    let received = request.received()?;
    let (due, late_until) = deadline_dates(received, request.weeks(), request.land());
    let states = store::document_states(&state.database, &request).await?;
    audit_log::success(caller.actor(), "audit_receipt_fetched")
        .target(format!("Lieferung {id}"))
        .detail(what.to_owned())
        .record(&state.database, state.clock.now())
        .await;
    let late: Lateness = delivery.lateness();
    let now = state.clock.now();
    Ok(Receipt {
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
        documents: requested(&store::documents_of(&request.documents)?),
        received_date: received,
        due,
        late_until,
        in_time: delivery.in_time,
        lateness: late,
        lateness_label: late.label().to_owned(),
        submitted_at: rfc3339(delivery.submitted_at),
        submitted_at_local: german_time(delivery.submitted_at),
        submitted_by: delivery.submitted_by.clone(),
        acknowledged_at: delivery.acknowledged_at.map(rfc3339),
        acknowledged_at_local: delivery.acknowledged_at.map(german_time),
        acknowledged_by: delivery.acknowledged_by.clone(),
        total_size: files
            .iter()
            .map(|f| u64::try_from(f.size).unwrap_or(0))
            .sum(),
        files: files.iter().map(FileRow::api).collect(),
        document_states: states,
        created_at: rfc3339(now),
        created_at_local: german_time(now),
    })
}

/// `GET /api/v1/audits/deliveries/{id}/receipt`: the proof of delivery (hospital, KIS, MD).
#[utoipa::path(
    get,
    path = "/audits/deliveries/{id}/receipt",
    operation_id = "audits.deliveries.receipt",
    tag = "Prüfverfahren",
    summary = "Die Quittung einer Lieferung (Dateien mit SHA-256, Zeiten, Falldaten, Stand der Unterlagen)",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Quittung.", body = le_domain::api::audits::Receipt))
)]
pub async fn receipt(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Receipt>, AppError> {
    Ok(axum::Json(load_receipt(&state, &caller, id, "JSON").await?))
}

/// `GET /api/v1/audits/deliveries/{id}/receipt.pdf`: the same receipt as a PDF to file.
#[utoipa::path(
    get,
    path = "/audits/deliveries/{id}/receipt.pdf",
    operation_id = "audits.deliveries.receipt_pdf",
    tag = "Prüfverfahren",
    summary = "Die Quittung einer Lieferung als PDF zum Ablegen",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Quittung als PDF.", content_type = "application/pdf", body = crate::openapi::BinaryFile))
)]
pub async fn receipt_pdf(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let receipt = load_receipt(&state, &caller, id, "PDF").await?;
    let bytes = super::receipt_pdf::render(&receipt);
    let name = format!("Quittung-{}.pdf", receipt.receipt_number);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}
