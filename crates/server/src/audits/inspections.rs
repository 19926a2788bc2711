//! Inspection lists: the MD announces an on-site audit (date, site, the cases to prepare).
use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use le_domain::FieldError;
use le_domain::api::audits::{Inspection, InspectionCase, InspectionForm, InspectionList};

use super::caller::{AuditCaller, MdCaller};
use super::cases::{check_site, hospital_registered};
use super::store::{self, actor_name, parse_date};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

use super::store::{InspectionCaseLink as CaseLink, InspectionRow as Row};

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
    let (rows, case_links): (Vec<Row>, Vec<CaseLink>) =
        store::inspections_in(&state.database, caller.scope()).await?;
    let mut links: HashMap<i64, Vec<InspectionCase>> = HashMap::new();
    for l in case_links {
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
    // The form's own rules are the domain's; what needs the database follows.
    let mut errors = form.validate(today);
    let has = |errors: &[FieldError], f: &str| errors.iter().any(|e| e.field == f);
    let hospital_ik = form.hospital_ik.trim().to_owned();
    if !has(&errors, "hospital_ik") && !hospital_registered(&state.database, &hospital_ik).await? {
        errors.push(FieldError::new(
            "hospital_ik",
            "not_registered",
            "Für dieses IK ist kein Krankenhaus im Portal registriert.",
        ));
    }
    let site = form.site_number.trim();
    if !site.is_empty()
        && !has(&errors, "site_number")
        && let Some(e) = check_site(&state, &hospital_ik, site, "site_number").await?
    {
        errors.push(e);
    }
    let mut case_ids = form.case_ids.clone();
    case_ids.sort_unstable();
    case_ids.dedup();
    for id in &case_ids {
        if !store::open_case_of(&state.database, *id, &hospital_ik).await? {
            errors.push(FieldError::new(
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
    let mut tx = state.database.begin_write().await?;
    let id = store::insert_inspection(
        &mut tx,
        &hospital_ik,
        Some(site).filter(|s| !s.is_empty()),
        date,
        form.note.trim(),
        &actor_name(&md.actor),
        now,
        &case_ids,
    )
    .await?;
    tx.commit().await?;
    audit_log::success(&md.actor, "audit_inspection_created")
        .target(format!("Begehung {id}"))
        .detail(format!(
            "IK {hospital_ik}, {}, {} Fälle",
            date.to_german(),
            case_ids.len()
        ))
        .record(&state.database, state.clock.now())
        .await;
    let axum::Json(list) = list(State(state), AuditCaller::Md(md)).await?;
    list.inspections
        .into_iter()
        .find(|i| i.id == id)
        .map(|i| (StatusCode::CREATED, axum::Json(i)))
        .ok_or(AppError::NotFound)
}
