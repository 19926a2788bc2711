//! Inspection lists: the MD announces an on-site audit (date, site, the cases to prepare).
use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use le_domain::api::audits::{Inspection, InspectionCase, InspectionForm, InspectionList};
use le_domain::{FieldError, Ik, ValidationError};

use super::caller::{AuditCaller, MdCaller};
use super::cases::{check_site, hospital_registered};
use super::store::{HOSPITAL_NAME, actor_name, parse_date, scope_sql};
use super::uploads::record;
use crate::AppState;
use crate::clock::rfc3339;
use crate::directory::caller::today;
use crate::error::AppError;
use crate::extract::ApiJson;

fn field(name: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: name.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    hospital_ik: String,
    hospital_name: String,
    site_number: Option<String>,
    date: String,
    note: String,
    created_by: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct CaseLink {
    inspection_id: i64,
    case_id: i64,
    admission_number: String,
    invoice_number: String,
}

/// `GET /api/v1/audits/inspections`: upcoming first (MD all, hospital own).
#[utoipa::path(
    get,
    path = "/audits/inspections",
    operation_id = "audits.inspections.list",
    tag = "Prüfverfahren",
    summary = "Begehungslisten (anstehende zuerst)",
    responses((status = 200, description = "Die Begehungen.", body = le_domain::api::audits::InspectionList))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: AuditCaller,
) -> Result<axum::Json<InspectionList>, AppError> {
    let (scope_where, binds) = scope_sql(caller.scope(), "c.hospital_ik");
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, c.hospital_ik, {HOSPITAL_NAME} AS hospital_name, c.site_number, c.date, c.note, \
         c.created_by, c.created_at FROM audit_inspections c WHERE 1 = 1{scope_where} ORDER BY c.date, c.id"
    )));
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.fetch_all(&state.db).await?;
    let mut lq = sqlx::query_as::<_, CaseLink>(sqlx::AssertSqlSafe(format!(
        "SELECT l.inspection_id, l.case_id, a.admission_number, a.invoice_number \
         FROM audit_inspection_cases l JOIN audit_inspections c ON c.id = l.inspection_id \
         JOIN audit_cases a ON a.id = l.case_id WHERE 1 = 1{scope_where} ORDER BY a.admission_number"
    )));
    for b in &binds {
        lq = lq.bind(b.clone());
    }
    let mut links: HashMap<i64, Vec<InspectionCase>> = HashMap::new();
    for l in lq.fetch_all(&state.db).await? {
        links
            .entry(l.inspection_id)
            .or_default()
            .push(InspectionCase {
                case_id: l.case_id,
                admission_number: l.admission_number,
                invoice_number: l.invoice_number,
            });
    }
    let inspections = rows
        .into_iter()
        .map(|r| {
            Ok(Inspection {
                id: r.id,
                hospital_ik: r.hospital_ik,
                hospital_name: r.hospital_name,
                site_number: r.site_number,
                date: parse_date(&r.date)?,
                cases: links.remove(&r.id).unwrap_or_default(),
                note: r.note,
                created_at: rfc3339(r.created_at),
                created_by: r.created_by,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(axum::Json(InspectionList { inspections }))
}

/// `POST /api/v1/audits/inspections` (MD)
pub async fn create(
    State(state): State<AppState>,
    md: MdCaller,
    ApiJson(form): ApiJson<InspectionForm>,
) -> Result<(StatusCode, axum::Json<Inspection>), AppError> {
    let today = today(&state);
    let mut errors = Vec::new();
    let hospital_ik = form.hospital_ik.trim().to_owned();
    match Ik::parse(&hospital_ik) {
        Err(e) => errors.push(e.for_field("hospital_ik")),
        Ok(_) if !hospital_registered(&state.db, &hospital_ik).await? => errors.push(field(
            "hospital_ik",
            "not_registered",
            "Für dieses IK ist kein Krankenhaus im Portal registriert.",
        )),
        Ok(_) => {}
    }
    let site = form.site_number.trim();
    if !site.is_empty()
        && let Some(e) = check_site(&state.db, &hospital_ik, site, "site_number").await?
    {
        errors.push(e);
    }
    match form.date {
        None => errors.push(ValidationError::Required.for_field("date")),
        Some(d) if d < today => errors.push(field(
            "date",
            "in_past",
            "Der Begehungstermin darf nicht in der Vergangenheit liegen.",
        )),
        Some(_) => {}
    }
    if form.note.trim().chars().count() > 2000 {
        errors.push(ValidationError::TooLong { max: 2000 }.for_field("note"));
    }
    let mut case_ids = form.case_ids.clone();
    case_ids.sort_unstable();
    case_ids.dedup();
    if case_ids.is_empty() {
        errors.push(field(
            "case_ids",
            "required",
            "Bitte mindestens einen vorzubereitenden Fall auswählen.",
        ));
    }
    for id in &case_ids {
        let ok: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM audit_cases WHERE id = ? AND hospital_ik = ? AND closed_at IS NULL",
        )
        .bind(id)
        .bind(&hospital_ik)
        .fetch_optional(&state.db)
        .await?;
        if ok.is_none() {
            errors.push(field(
                "case_ids",
                "unknown_case",
                format!("Fall {id} ist kein offener Prüffall dieses Krankenhauses."),
            ));
        }
    }
    let (Some(date), true) = (form.date, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = sqlx::query(
        "INSERT INTO audit_inspections (hospital_ik, site_number, date, note, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&hospital_ik)
    .bind(Some(site).filter(|s| !s.is_empty()))
    .bind(date.to_iso())
    .bind(form.note.trim())
    .bind(actor_name(&md.actor))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    for case_id in &case_ids {
        sqlx::query("INSERT INTO audit_inspection_cases (inspection_id, case_id) VALUES (?, ?)")
            .bind(id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    record(
        &state,
        &md.actor,
        "audit_inspection_created",
        format!("Begehung {id}"),
        Some(format!(
            "IK {hospital_ik}, {}, {} Fälle",
            date.to_german(),
            case_ids.len()
        )),
    )
    .await;
    let axum::Json(list) = list(State(state), AuditCaller::Md(md)).await?;
    list.inspections
        .into_iter()
        .find(|i| i.id == id)
        .map(|i| (StatusCode::CREATED, axum::Json(i)))
        .ok_or(AppError::NotFound)
}
