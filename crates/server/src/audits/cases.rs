//! Audit cases and their notices: the MD opens a case for a hospital with its first notice
//! (Prüfanzeige), extends the subject with further notices and closes the case; both sides read.
use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use le_domain::api::audits::{
    CaseDetail, CaseForm, CaseList, CaseSummary, Notice, NoticeForm, NoticeKind,
};
use le_domain::{FieldError, Ik, SiteNumber, ValidationError};
use serde::Deserialize;

use super::caller::{AuditCaller, MdCaller, Scope};
use super::store::{self, CaseRow, DocumentRow, NoticeRow, RequestRow, actor_name};
use crate::AppState;
use crate::audit_log;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

pub use super::store::hospital_registered;

/// Checks a site against the hospital's sites in the directory (when the directory knows any).
pub async fn check_site(
    state: &AppState,
    hospital_ik: &str,
    site: &str,
    field_name: &str,
) -> Result<Option<FieldError>, AppError> {
    let parsed = match SiteNumber::parse(site) {
        Ok(s) => s,
        Err(e) => return Ok(Some(e.for_field(field_name))),
    };
    let main_ik = store::main_ik_of(&state.database, hospital_ik)
        .await?
        .unwrap_or_else(|| hospital_ik.to_owned());
    let known = crate::directory::store::site_numbers_of(&state.database, &main_ik).await?;
    if !known.is_empty() && !known.contains(&parsed) {
        return Ok(Some(
            ValidationError::SiteNotAllowed {
                site: parsed.as_str().to_owned(),
            }
            .for_field(field_name),
        ));
    }
    Ok(None)
}

/// `POST /api/v1/audits/cases` (MD): the case and its first notice.
pub async fn create(
    State(state): State<AppState>,
    md: MdCaller,
    ApiJson(form): ApiJson<CaseForm>,
) -> Result<(StatusCode, axum::Json<CaseDetail>), AppError> {
    let config = &*state.config;
    let today = today(&state);
    let mut errors = form.validate(today);
    let hospital_ik = form.hospital_ik.trim().to_owned();
    if Ik::parse(&hospital_ik).is_ok()
        && !hospital_registered(&state.database, &hospital_ik).await?
    {
        errors.push(FieldError::new(
            "hospital_ik",
            "not_registered",
            "Für dieses IK ist kein Krankenhaus im Portal registriert.",
        ));
    }
    let site = form.site_number.trim();
    if !site.is_empty()
        && SiteNumber::parse(site).is_ok()
        && let Some(e) = check_site(&state, &hospital_ik, site, "site_number").await?
    {
        errors.push(e);
    }
    let (Some(admission), Some(discharge), true) =
        (form.admission_date, form.discharge_date, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let now = state.clock.now();
    let by = actor_name(&md.actor);
    let subject = form.subject.trim();
    let mut tx = state.database.begin_write().await?;
    let id = store::insert_case(
        &mut tx,
        &store::NewCase {
            hospital_ik: &hospital_ik,
            site_number: Some(site).filter(|s| !s.is_empty()),
            admission_number: form.admission_number.trim(),
            invoice_number: form.invoice_number.trim(),
            admission_date: admission,
            discharge_date: discharge,
            insurer_ik: form.insurer_ik.trim(),
            subject,
            created_by: &by,
            created_at: now,
        },
    )
    .await?;
    store::insert_notice(&mut tx, id, NoticeKind::Initial, subject, &by, now).await?;
    tx.commit().await?;
    audit_log::success(&md.actor, "audit_case_created")
        .target(format!("Prüffall {id}"))
        .detail(format!(
            "IK {hospital_ik}, Aufnahme {}, Rechnung {}",
            form.admission_number.trim(),
            form.invoice_number.trim()
        ))
        .record(&state.database, state.clock.now())
        .await;
    let case = store::visible_case(&state.database, Scope::All, id).await?;
    let detail = detail(&state, config, &case, true).await?;
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// `open`, `closed` or absent (all).
    pub state: Option<String>,
}

/// `GET /api/v1/audits/cases`: the MD all cases, a hospital its own.
#[utoipa::path(
    get,
    path = "/audits/cases",
    operation_id = "audits.cases.list",
    tag = "Prüfverfahren",
    summary = "Prüffälle (MD: alle, Krankenhaus: eigene)",
    params(CaseFilter),
    responses((status = 200, description = "Die Prüffälle.", body = le_domain::api::audits::CaseList))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: AuditCaller,
    Query(filter): Query<CaseFilter>,
) -> Result<axum::Json<CaseList>, AppError> {
    let config = &*state.config;
    let state_where = match filter.state.as_deref().unwrap_or("") {
        "" | "all" => "",
        "open" => " AND c.closed_at IS NULL",
        "closed" => " AND c.closed_at IS NOT NULL",
        _ => {
            return Err(AppError::Validation(vec![FieldError::new(
                "state",
                "invalid_value",
                "Erlaubt sind „open“ und „closed“.",
            )]));
        }
    };
    let (cases, requests) =
        store::cases_with_open_requests(&state.database, caller.scope(), state_where).await?;
    let mut by_case: HashMap<i64, Vec<&RequestRow>> = HashMap::new();
    for r in &requests {
        by_case.entry(r.case_id).or_default().push(r);
    }
    let today = today(&state);
    let summaries = cases
        .iter()
        .map(|c| {
            let open = by_case.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
            c.summary(open, today, config.retention_days)
        })
        .collect::<Result<Vec<CaseSummary>, AppError>>()?;
    Ok(axum::Json(CaseList { cases: summaries }))
}

/// Everything about one case as `md` or the hospital sees it.
pub async fn detail(
    state: &AppState,
    config: &crate::config::Config,
    case: &CaseRow,
    md: bool,
) -> Result<CaseDetail, AppError> {
    let today = today(state);
    let notices = store::notices_of(&state.database, case.id).await?;
    let requests = store::requests_of(&state.database, case.id).await?;
    let reports = store::reports_of(&state.database, case.id).await?;
    let open: Vec<&RequestRow> = requests
        .iter()
        .filter(|r| r.delivered_at.is_none())
        .collect();
    let mut api_requests = Vec::with_capacity(requests.len());
    for r in &requests {
        api_requests.push(store::request_api(&state.database, r, today, md).await?);
    }
    Ok(CaseDetail {
        case: case.summary(&open, today, config.retention_days)?,
        notices: notices.iter().map(NoticeRow::api).collect(),
        requests: api_requests,
        reports: reports.iter().map(DocumentRow::api).collect(),
    })
}

/// `GET /api/v1/audits/cases/{id}`
#[utoipa::path(
    get,
    path = "/audits/cases/{id}",
    operation_id = "audits.cases.get",
    tag = "Prüfverfahren",
    summary = "Ein Prüffall mit Prüfanzeigen, Anforderungen, Dateien und Lieferungen",
    params(("id" = i64, Path, description = "Prüffall")),
    responses((status = 200, description = "Der Prüffall.", body = le_domain::api::audits::CaseDetail))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: AuditCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<CaseDetail>, AppError> {
    let config = &*state.config;
    let case = store::visible_case(&state.database, caller.scope(), id).await?;
    Ok(axum::Json(
        detail(&state, config, &case, caller.is_md()).await?,
    ))
}

/// `POST /api/v1/audits/cases/{id}/notices` (MD): extends the subject of audit.
pub async fn add_notice(
    State(state): State<AppState>,
    md: MdCaller,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<NoticeForm>,
) -> Result<(StatusCode, axum::Json<Notice>), AppError> {
    let case = store::visible_case(&state.database, Scope::All, id).await?;
    case.require_open()?;
    let errors = form.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let by = actor_name(&md.actor);
    let mut tx = state.database.begin_write().await?;
    let notice_id = store::insert_notice(
        &mut tx,
        id,
        NoticeKind::Extension,
        form.subject.trim(),
        &by,
        now,
    )
    .await?;
    tx.commit().await?;
    audit_log::success(&md.actor, "audit_notice_created")
        .target(format!("Prüffall {id}, Prüfanzeige {notice_id}"))
        .record(&state.database, state.clock.now())
        .await;
    let row = store::notice_row(&state.database, notice_id).await?;
    Ok((StatusCode::CREATED, axum::Json(row.api())))
}

/// `POST /api/v1/audits/cases/{id}/close` (MD): the retention period starts.
pub async fn close(
    State(state): State<AppState>,
    md: MdCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<CaseSummary>, AppError> {
    let config = &*state.config;
    let case = store::visible_case(&state.database, Scope::All, id).await?;
    case.require_open()?;
    let now = state.clock.now();
    store::close_case(&state.database, id, now, &actor_name(&md.actor)).await?;
    audit_log::success(&md.actor, "audit_case_closed")
        .target(format!("Prüffall {id}"))
        .detail(format!("Löschung nach {} Tagen", config.retention_days))
        .record(&state.database, state.clock.now())
        .await;
    let case = store::visible_case(&state.database, Scope::All, id).await?;
    let detail = detail(&state, config, &case, true).await?;
    Ok(axum::Json(detail.case))
}
