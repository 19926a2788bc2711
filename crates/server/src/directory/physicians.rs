//! Physician records of a hospital: list, read, create, update (with version check), and the
//! ANR request against the central registry. Serves the SPA and HR systems (API token) alike.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use le_domain::api::access::AuditOutcome;
use le_domain::api::directory::{PhysicianList, UpdatePhysicianRequest};
use le_domain::directory::{
    PhysicianForm, PhysicianRecord, RequestState, SpecialtyCatalog, regroup_after_first_recognition,
};
use le_domain::{Anr, FieldError};

use super::caller::{HospitalCaller, today};
use super::registry::{self, RegistryAnswer};
use super::store;
use crate::AppState;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::extract::ApiJson;

pub fn name_of(form: &PhysicianForm) -> String {
    format!("{}, {}", form.last_name.trim(), form.first_name.trim())
}

async fn audit_change(
    state: &AppState,
    caller: &HospitalCaller,
    action: &str,
    target: String,
    detail: Option<String>,
) {
    audit::record(
        &state.db,
        state.clock.now(),
        Event {
            actor: &caller.actor,
            action,
            target: Some(target),
            outcome: AuditOutcome::Success,
            detail,
        },
    )
    .await;
}

fn version_conflict(current: i64) -> AppError {
    AppError::Conflict {
        code: "version_conflict",
        message: format!(
            "Der Eintrag wurde inzwischen geändert (Version {current}). Bitte neu laden und die Änderung wiederholen."
        ),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    /// Name search: prefix of the last or first name (umlauts and case do not matter).
    q: Option<String>,
}

/// `GET /api/v1/physicians[?q=name]`
pub async fn list(
    State(state): State<AppState>,
    caller: HospitalCaller,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<axum::Json<PhysicianList>, AppError> {
    if let Some(q) = &query.q {
        le_domain::access::check_search_term(q).map_err(|e| AppError::field("q", &e))?;
    }
    let physicians = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => store::search_physicians(&state.db, caller.main_ik.as_str(), q).await?,
        None => store::physicians_of(&state.db, caller.main_ik.as_str()).await?,
    };
    Ok(axum::Json(PhysicianList { physicians }))
}

/// `GET /api/v1/physicians/{id}`
pub async fn get(
    State(state): State<AppState>,
    caller: HospitalCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}

fn check(state: &AppState, caller: &HospitalCaller, form: &PhysicianForm) -> Result<(), AppError> {
    let errors: Vec<FieldError> = form.validate(today(state), &caller.allowed_sites);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// `POST /api/v1/physicians`
pub async fn create(
    State(state): State<AppState>,
    caller: HospitalCaller,
    ApiJson(form): ApiJson<PhysicianForm>,
) -> Result<(StatusCode, axum::Json<PhysicianRecord>), AppError> {
    caller.require_edit()?;
    check(&state, &caller, &form)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = store::insert_physician(&mut tx, caller.main_ik.as_str(), &form, now).await?;
    tx.commit().await?;
    audit_change(
        &state,
        &caller,
        "physician_created",
        format!("{} (ID {id})", name_of(&form)),
        None,
    )
    .await;
    let record = store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(record)))
}

/// `PUT /api/v1/physicians/{id}`: refused with 409 when someone changed it in between.
pub async fn update(
    State(state): State<AppState>,
    caller: HospitalCaller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UpdatePhysicianRequest>,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    caller.require_edit()?;
    let current = store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != req.version {
        return Err(version_conflict(current.version));
    }
    let mut form = req.form;
    // An issued ANR cannot be edited by hand; it changes only through the registry.
    if current.anr().is_some() && form.anr_input() != current.form.anr_input() {
        return Err(AppError::Validation(vec![FieldError {
            field: "anr".to_owned(),
            code: "anr_fixed".to_owned(),
            message: "Eine vergebene Arztnummer kann nicht geändert werden.".to_owned(),
        }]));
    }
    check(&state, &caller, &form)?;
    // The in-training code is replaced at the first specialist recognition.
    if let Some(anr) = current.anr()
        && let Ok(Some(regrouped)) =
            regroup_after_first_recognition(&anr, &form.specialties, SpecialtyCatalog::builtin())
    {
        sqlx::query("UPDATE registry_persons SET anr = ? WHERE anr = ?")
            .bind(regrouped.as_str())
            .bind(anr.as_str())
            .execute(&state.db)
            .await?;
        form.anr = Some(regrouped.to_string());
    }
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let Some(_) = store::update_physician(&mut tx, id, req.version, &form, None, now).await? else {
        return Err(version_conflict(current.version));
    };
    tx.commit().await?;
    audit_change(
        &state,
        &caller,
        "physician_updated",
        format!("{} (ID {id})", name_of(&form)),
        None,
    )
    .await;
    store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}

/// `POST /api/v1/physicians/{id}/anr-request`: compare with the registry; new ANR, matched ANR,
/// or a mismatch that goes to the clarification inbox.
pub async fn request_anr(
    State(state): State<AppState>,
    caller: HospitalCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    caller.require_edit()?;
    let record = store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if matches!(
        record.request_state,
        RequestState::Issued | RequestState::Matched
    ) {
        return Err(AppError::Conflict {
            code: "anr_present",
            message: "Für diesen Eintrag ist bereits eine Arztnummer vergeben.".to_owned(),
        });
    }
    if matches!(record.request_state, RequestState::Mismatch { .. }) {
        return Err(AppError::Conflict {
            code: "in_clarification",
            message: "Die Abweichung wird noch geklärt.".to_owned(),
        });
    }
    check(&state, &caller, &record.form)?;
    let identity = record.form.identity().ok_or_else(|| {
        AppError::Validation(vec![FieldError {
            field: "birth_date".to_owned(),
            code: "required".to_owned(),
            message: "Für den Antrag sind Geburtsdatum und Geschlecht nötig.".to_owned(),
        }])
    })?;
    let now = state.clock.now();
    let answer = registry::request(&state.db, &identity, &record.form.specialties, now).await?;
    let name = name_of(&record.form);
    let issued = matches!(answer, RegistryAnswer::Issued(_));
    match answer {
        RegistryAnswer::Issued(anr) | RegistryAnswer::Matched(anr) => {
            let state_after = if issued {
                RequestState::Issued
            } else {
                RequestState::Matched
            };
            set_anr(&state, &record, &anr, &state_after, now).await?;
            let action = if issued { "anr_issued" } else { "anr_matched" };
            audit_change(
                &state,
                &caller,
                action,
                format!("{name} (ID {id})"),
                Some(format!("ANR {anr}")),
            )
            .await;
        }
        RegistryAnswer::Mismatch { anr, differences } => {
            let state_after = RequestState::Mismatch {
                differences: differences.clone(),
            };
            store::set_request_state(&state.db, id, &state_after, now).await?;
            sqlx::query(
                "INSERT INTO clarifications (physician_id, registry_anr, differences, state, created_at, updated_at) \
                 VALUES (?, ?, ?, 'open', ?, ?)",
            )
            .bind(id)
            .bind(anr.as_str())
            .bind(serde_json::to_string(&differences).map_err(|e| AppError::internal("json", e))?)
            .bind(now)
            .bind(now)
            .execute(&state.db)
            .await?;
            audit_change(
                &state,
                &caller,
                "anr_mismatch",
                format!("{name} (ID {id})"),
                Some(format!("{} Abweichung(en) zu ANR {anr}", differences.len())),
            )
            .await;
        }
    }
    store::physician(&state.db, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}

/// Stores the ANR in the record and the request state (one version step).
pub async fn set_anr(
    state: &AppState,
    record: &PhysicianRecord,
    anr: &Anr,
    request_state: &RequestState,
    now: i64,
) -> Result<(), AppError> {
    let mut form = record.form.clone();
    form.anr = Some(anr.to_string());
    let mut tx = crate::db::begin_write(&state.db).await?;
    store::update_physician(
        &mut tx,
        record.id,
        record.version,
        &form,
        Some(request_state),
        now,
    )
    .await?
    .ok_or_else(|| version_conflict(record.version))?;
    tx.commit().await?;
    Ok(())
}
