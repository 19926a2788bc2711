//! Structure audits: a hospital applies per site and OPS code with evidence PDFs; the MD
//! certifies (with a validity period) or rejects (with a reason). Lists show the certificate's
//! validity today, so expiring certificates show 90 days ahead.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use le_domain::FieldError;
use le_domain::api::audits::{
    Certificate, StoredFile, StructureAudit, StructureDecision, StructureForm, StructureList,
    StructureState,
};
use le_domain::audits::certificate_status;
use le_domain::directory::Date;

use super::caller::{ActingHospital, AuditCaller, HospitalAuditCaller, MdCaller, Scope};
use super::cases::check_site;
use super::store::{self, DocumentRow, actor_name, parse_date};
use super::uploads::{UploadName, receive_pdf, serve_pdf};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

use super::store::StructureRow as Row;

fn state_of(s: &str) -> StructureState {
    match s {
        "certified" => StructureState::Certified,
        "rejected" => StructureState::Rejected,
        _ => StructureState::Applied,
    }
}

async fn to_api(state: &AppState, r: Row, today: Date) -> Result<StructureAudit, AppError> {
    let evidence = store::evidence_of(&state.database, r.id).await?;
    let st = state_of(&r.state);
    let certificate = match (st, &r.valid_from, &r.valid_until) {
        (StructureState::Certified, Some(from), Some(until)) => {
            let (from, until) = (parse_date(from)?, parse_date(until)?);
            let status = certificate_status(from, until, today);
            Some(Certificate {
                valid_from: from,
                valid_until: until,
                status,
                status_label: status.label().to_owned(),
            })
        }
        _ => None,
    };
    Ok(StructureAudit {
        id: r.id,
        hospital_ik: r.hospital_ik,
        hospital_name: r.hospital_name,
        site_number: r.site_number,
        ops_code: r.ops_code,
        note: r.note,
        state: st,
        state_label: st.label().to_owned(),
        applied_at: rfc3339(r.applied_at),
        applied_by: r.applied_by,
        evidence: evidence.iter().map(DocumentRow::api).collect(),
        decided_at: r.decided_at.map(rfc3339),
        decided_by: r.decided_by,
        certificate,
        reject_reason: r.reject_reason,
    })
}

async fn visible(state: &AppState, scope: Scope<'_>, id: i64) -> Result<Row, AppError> {
    let row = store::structure_row(&state.database, id).await?;
    row.filter(|r| scope.includes(&r.hospital_ik))
        .ok_or(AppError::NotFound)
}

/// `GET /api/v1/audits/structure` (MD all, hospital own)
#[utoipa::path(
    get,
    path = "/audits/structure",
    operation_id = "audits.structure.list",
    tag = "Prüfverfahren",
    summary = "Strukturprüfungen (MD: alle, Krankenhaus: eigene)",
    responses((status = 200, description = "Die Strukturprüfungen.", body = le_domain::api::audits::StructureList))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: AuditCaller,
) -> Result<axum::Json<StructureList>, AppError> {
    let today = today(&state);
    let mut applications = Vec::new();
    for r in store::structure_rows(&state.database, caller.scope()).await? {
        applications.push(to_api(&state, r, today).await?);
    }
    Ok(axum::Json(StructureList { applications }))
}

/// `GET /api/v1/audits/structure/{id}`
#[utoipa::path(
    get,
    path = "/audits/structure/{id}",
    operation_id = "audits.structure.get",
    tag = "Prüfverfahren",
    summary = "Eine Strukturprüfung mit Nachweisen und Bescheinigung",
    params(("id" = i64, Path, description = "Strukturprüfung")),
    responses((status = 200, description = "Die Strukturprüfung.", body = le_domain::api::audits::StructureAudit))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<StructureAudit>, AppError> {
    let row = visible(&state, caller.scope(), id).await?;
    Ok(axum::Json(to_api(&state, row, today(&state)).await?))
}

/// `POST /api/v1/audits/structure` (hospital): applies for one site and OPS code.
#[utoipa::path(
    post,
    path = "/audits/structure",
    operation_id = "audits.structure.apply",
    tag = "Prüfverfahren",
    summary = "Eine Strukturprüfung für einen Standort und OPS-Kode beantragen",
    request_body(content = le_domain::api::audits::StructureForm, content_type = "application/json"),
    responses((status = 201, description = "Der Antrag.", body = le_domain::api::audits::StructureAudit), (status = 422, description = "Ungültige Angaben (Feldfehler).", body = le_domain::ApiErrorBody))
)]
pub async fn apply(
    State(state): State<AppState>,
    ActingHospital(caller): ActingHospital,
    ApiJson(form): ApiJson<StructureForm>,
) -> Result<(StatusCode, axum::Json<StructureAudit>), AppError> {
    let own_ik = caller
        .iks
        .first()
        .cloned()
        .ok_or_else(|| AppError::internal("caller", "no IK"))?;
    // The form's own rules are the domain's; the site must also be one of the hospital's.
    let mut errors: Vec<FieldError> = form.validate();
    let site = form.site_number.trim();
    if !errors.iter().any(|e| e.field == "site_number")
        && let Some(e) = check_site(&state, &own_ik, site, "site_number").await?
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let id = store::insert_structure_application(
        &mut tx,
        &own_ik,
        site,
        form.ops_code.trim(),
        form.note.trim(),
        &actor_name(&caller.actor),
        now,
    )
    .await?;
    tx.commit().await?;
    audit_log::success(&caller.actor, "structure_audit_applied")
        .target(format!("Strukturprüfung {id}"))
        .detail(format!("Standort {site}, OPS {}", form.ops_code.trim()))
        .record(&state.database, state.clock.now())
        .await;
    let row = visible(&state, Scope::All, id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(to_api(&state, row, today(&state)).await?),
    ))
}

fn decided() -> AppError {
    AppError::Conflict {
        code: "decided",
        message: "Über diesen Antrag ist bereits entschieden.".to_owned(),
    }
}

/// `PUT /api/v1/audits/structure/{id}/evidence?name=…` (hospital; raw PDF body)
#[utoipa::path(
    put,
    path = "/audits/structure/{id}/evidence",
    operation_id = "audits.structure.upload_evidence",
    tag = "Prüfverfahren",
    summary = "Einen Nachweis (PDF) zu einer Strukturprüfung hochladen",
    params(("id" = i64, Path, description = "Strukturprüfung"), crate::audits::uploads::UploadName),
    request_body(content = crate::openapi::PdfFile, content_type = "application/pdf", description = "Die PDF-Datei als roher Körper."),
    responses((status = 201, description = "Gespeichert.", body = le_domain::api::audits::StoredFile), (status = 413, description = "Zu groß.", body = le_domain::ApiErrorBody), (status = 422, description = "Kein PDF oder Name fehlt.", body = le_domain::ApiErrorBody))
)]
pub async fn upload_evidence(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    Path(id): Path<i64>,
    Query(q): Query<UploadName>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<StoredFile>), AppError> {
    let config = &*state.config;
    let row = visible(&state, Scope::Hospital(&caller.iks), id).await?;
    caller.require_act()?;
    if state_of(&row.state) != StructureState::Applied {
        return Err(decided());
    }
    let upload = receive_pdf(
        &state,
        config.max_upload_bytes,
        &headers,
        body,
        q.name.as_deref(),
    )
    .await?;
    let now = state.clock.now();
    let by = actor_name(&caller.actor);
    let tx = state.database.begin_write().await?;
    let file = upload
        .commit(
            &state,
            tx,
            store::FileOwner::Evidence { structure_id: id },
            by,
            now,
        )
        .await?;
    let file_id = file.id;
    audit_log::success(&caller.actor, "structure_evidence_uploaded")
        .target(format!("Strukturprüfung {id}, Nachweis {file_id}"))
        .detail(format!("{} ({} Bytes)", file.name, file.size))
        .record(&state.database, state.clock.now())
        .await;
    Ok((StatusCode::CREATED, axum::Json(file)))
}

/// `GET /api/v1/audits/evidence/{id}` (MD and the applying hospital)
#[utoipa::path(
    get,
    path = "/audits/evidence/{id}",
    operation_id = "audits.structure.download_evidence",
    tag = "Prüfverfahren",
    summary = "Einen Nachweis herunterladen",
    params(("id" = i64, Path, description = "Nachweis")),
    responses((status = 200, description = "Der Nachweis.", body = crate::openapi::PdfFile, content_type = "application/pdf"))
)]
pub async fn download_evidence(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = store::evidence_row(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    visible(&state, caller.scope(), file.owner_id).await?;
    let res = serve_pdf(
        &state,
        &file.stored_name,
        &file.file_name,
        &file.sha256,
        &headers,
    )
    .await?;
    audit_log::success(caller.actor(), "structure_evidence_downloaded")
        .target(format!("Strukturprüfung {}, Nachweis {id}", file.owner_id))
        .record(&state.database, state.clock.now())
        .await;
    Ok(res)
}

/// `POST /api/v1/audits/structure/{id}/decide` (MD): certificate with validity, or rejection.
pub async fn decide(
    State(state): State<AppState>,
    md: MdCaller,
    Path(id): Path<i64>,
    ApiJson(decision): ApiJson<StructureDecision>,
) -> Result<axum::Json<StructureAudit>, AppError> {
    let row = visible(&state, Scope::All, id).await?;
    if state_of(&row.state) != StructureState::Applied {
        return Err(decided());
    }
    // The domain's rules, the same the MD's form applies.
    let errors = decision.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let by = actor_name(&md.actor);
    let detail = match &decision {
        StructureDecision::Certify {
            valid_from,
            valid_until,
        } => {
            let evidence = store::evidence_count(&state.database, id).await?;
            if evidence == 0 {
                return Err(AppError::Conflict {
                    code: "no_evidence",
                    message: "Ohne Nachweise kann keine Bescheinigung erteilt werden.".to_owned(),
                });
            }
            let mut tx = state.database.begin_write().await?;
            store::certify_structure(&mut tx, id, &by, now, *valid_from, *valid_until).await?;
            tx.commit().await?;
            format!(
                "Bescheinigung gültig {} bis {}",
                valid_from.to_german(),
                valid_until.to_german()
            )
        }
        StructureDecision::Reject { reason } => {
            store::reject_structure(&state.database, id, &by, now, reason.trim()).await?;
            "abgelehnt".to_owned()
        }
    };
    audit_log::success(&md.actor, "structure_audit_decided")
        .target(format!("Strukturprüfung {id}"))
        .detail(detail)
        .record(&state.database, state.clock.now())
        .await;
    let row = visible(&state, Scope::All, id).await?;
    Ok(axum::Json(to_api(&state, row, today(&state)).await?))
}
