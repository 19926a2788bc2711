//! Physician records of a hospital: list, read, create, update (with version check), and the
//! ANR request against the central registry. Serves the SPA and HR systems (API token) alike.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use le_domain::FieldError;
use le_domain::api::directory::{PhysicianList, PhysicianTable, UpdatePhysicianRequest};
use le_domain::directory::{
    IdentityMatch, MatchOutcome, PhysicianForm, PhysicianRecord, RequestState,
};

use super::caller::{HospitalCaller, HospitalEditor};
use super::registry::{self, RegistryAnswer};
use super::{store, table, write};
use crate::AppState;
use crate::audit_log;
use crate::clock::today;
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
    audit_log::success(&caller.actor, action)
        .target(target)
        .detail_opt(detail)
        .record(&state.database, state.clock.now())
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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Name search: prefix of the last or first name (umlauts and case do not matter).
    q: Option<String>,
}

/// `GET /api/v1/physicians[?q=name]`
#[utoipa::path(
    get,
    path = "/physicians",
    operation_id = "directory.physicians.list",
    tag = "Arztverzeichnis",
    summary = "Die Ärztinnen und Ärzte des Krankenhauses, optional nach Namen gesucht",
    params(ListQuery),
    responses((status = 200, description = "Die Einträge.", body = le_domain::api::directory::PhysicianList), (status = 422, description = "Ungültiger Suchbegriff.", body = le_domain::ApiErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: HospitalCaller,
    headers: axum::http::HeaderMap,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<axum::response::Response, AppError> {
    let encoding = table::Encoding::accepted(&headers);
    if let Some(q) = &query.q {
        le_domain::access::check_search_term(q).map_err(|e| AppError::field("q", &e))?;
    }
    match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let physicians =
                store::search_physicians(&state.database, caller.main_ik.as_str(), q).await?;
            Ok(axum::Json(PhysicianList { physicians }).into_response())
        }
        None => {
            // Tens of MB at national scale: read, written and compressed off the runtime's
            // workers.
            let all = store::physicians_json(&state.database, caller.main_ik.as_str()).await?;
            let body = table::off_the_workers(move || {
                let physicians = store::records_from_json(&all)?;
                let json = serde_json::to_vec(&PhysicianList { physicians })
                    .map_err(|e| AppError::internal("physician list", e))?;
                encoding.compress(json)
            })
            .await?;
            Ok(table::json_response(body, encoding))
        }
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableQuery {
    /// Only the first this many rows (1 to 1000); `total` still counts every record.
    limit: Option<u32>,
}

/// Most rows a limited table answers with (it is meant for a first screen).
const TABLE_LIMIT_MAX: u32 = 1_000;

/// `GET /api/v1/physicians/table[?limit=n]`
#[utoipa::path(
    get,
    path = "/physicians/table",
    operation_id = "directory.physicians.table",
    tag = "Arztverzeichnis",
    summary = "Die Ärztinnen und Ärzte des Krankenhauses als gepackte Tabelle (für das Raster)",
    description = "Dieselben Einträge wie `GET /physicians`, in derselben Reihenfolge, aber je Eintrag ein Array mit den Feldern in der Reihenfolge von `columns` (Datumsangaben als Tage seit 1970-01-01): etwa ein Drittel der Bytes. Mit `limit` nur die ersten Einträge (für die erste Bildschirmseite); `total` zählt immer alle.",
    params(TableQuery),
    responses((status = 200, description = "Die Einträge.", body = le_domain::api::directory::PhysicianTable), (status = 422, description = "Ungültiges Limit.", body = le_domain::ApiErrorBody))
)]
pub async fn table(
    State(state): State<AppState>,
    caller: HospitalCaller,
    headers: axum::http::HeaderMap,
    axum::extract::Query(query): axum::extract::Query<TableQuery>,
) -> Result<axum::response::Response, AppError> {
    let encoding = table::Encoding::accepted(&headers);
    let main_ik = caller.main_ik.as_str();
    match query.limit {
        None => {
            // Packed straight from the stored texts and compressed, off the runtime's workers
            // (see `table`).
            let all = store::physicians_json(&state.database, main_ik).await?;
            let body = table::off_the_workers(move || {
                let json =
                    table::packed_table(&all).map_err(|e| AppError::internal("stored JSON", e))?;
                encoding.compress(json)
            })
            .await?;
            Ok(table::json_response(body, encoding))
        }
        Some(limit @ 1..=TABLE_LIMIT_MAX) => {
            let (first, total) = store::first_physicians(&state.database, main_ik, limit).await?;
            Ok(axum::Json(PhysicianTable::first_of(first, total)).into_response())
        }
        Some(_) => Err(AppError::Validation(vec![FieldError::new(
            "limit",
            "out_of_range",
            format!("Das Limit muss zwischen 1 und {TABLE_LIMIT_MAX} liegen."),
        )])),
    }
}

/// `GET /api/v1/physicians/{id}`
#[utoipa::path(
    get,
    path = "/physicians/{id}",
    operation_id = "directory.physicians.get",
    tag = "Arztverzeichnis",
    summary = "Ein Eintrag mit Version (für Änderungen)",
    params(("id" = i64, Path, description = "Eintrag")),
    responses((status = 200, description = "Der Eintrag.", body = le_domain::directory::physician::PhysicianRecord))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: HospitalCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    store::physician(&state.database, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}

/// `POST /api/v1/physicians`
#[utoipa::path(
    post,
    path = "/physicians",
    operation_id = "directory.physicians.create",
    tag = "Arztverzeichnis",
    summary = "Einen Eintrag anlegen",
    request_body(content = le_domain::directory::physician::PhysicianForm, content_type = "application/json"),
    responses((status = 201, description = "Angelegt.", body = le_domain::directory::physician::PhysicianRecord), (status = 422, description = "Ungültige Angaben (Feldfehler mit Feldpfad).", body = le_domain::ApiErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    ApiJson(form): ApiJson<PhysicianForm>,
) -> Result<(StatusCode, axum::Json<PhysicianRecord>), AppError> {
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let saved = write::save(&mut tx, &caller, None, &form, today(&state), now).await?;
    tx.commit().await?;
    let id = saved.id;
    audit_change(
        &state,
        &caller,
        "physician_created",
        format!("{} (ID {id})", name_of(&form)),
        None,
    )
    .await;
    let record = store::physician(&state.database, caller.main_ik.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(record)))
}

/// `PUT /api/v1/physicians/{id}`: refused with 409 when someone changed it in between.
#[utoipa::path(
    put,
    path = "/physicians/{id}",
    operation_id = "directory.physicians.update",
    tag = "Arztverzeichnis",
    summary = "Einen Eintrag ändern (mit Versionsprüfung)",
    params(("id" = i64, Path, description = "Eintrag")),
    request_body(content = le_domain::api::directory::UpdatePhysicianRequest, content_type = "application/json"),
    responses((status = 200, description = "Geändert.", body = le_domain::directory::physician::PhysicianRecord), (status = 409, description = "Inzwischen von jemand anderem geändert (Version).", body = le_domain::ApiErrorBody), (status = 422, description = "Ungültige Angaben.", body = le_domain::ApiErrorBody))
)]
pub async fn update(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    // Another hospital's record is "not found" before its body is even read.
    let current = store::physician(&state.database, caller.main_ik.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ApiJson(req) =
        <ApiJson<UpdatePhysicianRequest> as axum::extract::FromRequest<AppState>>::from_request(
            request, &state,
        )
        .await?;
    if current.version != req.version {
        return Err(version_conflict(current.version));
    }
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    write::save(
        &mut tx,
        &caller,
        Some(&current),
        &req.form,
        today(&state),
        now,
    )
    .await?;
    tx.commit().await?;
    audit_change(
        &state,
        &caller,
        "physician_updated",
        format!("{} (ID {id})", name_of(&req.form)),
        None,
    )
    .await;
    store::physician(&state.database, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}

/// `POST /api/v1/physicians/{id}/anr-request`: compare with the registry; new ANR, matched ANR,
/// or a mismatch that goes to the clarification inbox. An ANR typed into the record is looked up
/// first: the same person there is matched; anyone else is a clarification, never a silent new
/// number; an ANR the registry does not know is refused.
#[utoipa::path(
    post,
    path = "/physicians/{id}/anr-request",
    operation_id = "directory.physicians.request_anr",
    tag = "Arztverzeichnis",
    summary = "Eine Arztnummer beim Register anfragen (neu, gefunden oder Klärfall)",
    params(("id" = i64, Path, description = "Eintrag")),
    responses((status = 200, description = "Der Eintrag mit Ergebnis.", body = le_domain::directory::physician::PhysicianRecord), (status = 409, description = "Schon angefragt oder ANR vorhanden.", body = le_domain::ApiErrorBody))
)]
pub async fn request_anr(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Path(id): Path<i64>,
) -> Result<axum::Json<PhysicianRecord>, AppError> {
    let record = store::physician(&state.database, caller.main_ik.as_str(), id)
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
    write::check(&caller, Some(&record), &record.form, today(&state))?;
    let identity = record.form.identity().ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "birth_date",
            "required",
            "Für den Antrag sind Geburtsdatum und Geschlecht nötig.",
        )])
    })?;
    let now = state.clock.now();
    let name = name_of(&record.form);
    let mut tx = state.database.begin_write().await?;
    let answer = match record.anr() {
        Some(entered) => {
            let lifelong_id = registry::lifelong_id_of(&entered);
            match registry::person(&mut tx, lifelong_id).await? {
                Some((anr, registered)) if anr == entered => {
                    match IdentityMatch::compare(&identity, &registered) {
                        MatchOutcome::Same => RegistryAnswer::Matched { anr, lifelong_id },
                        // Someone else (or the same person with other data) holds this number:
                        // the office clarifies; the hospital gets no other number silently.
                        _ => RegistryAnswer::Mismatch {
                            anr,
                            differences: IdentityMatch::differences(&identity, &registered),
                        },
                    }
                }
                _ => {
                    return Err(AppError::Validation(vec![FieldError::new(
                        "anr",
                        "anr_unknown",
                        "Diese Arztnummer ist in der zentralen Vergabe nicht bekannt. Bitte prüfen oder das Feld leeren, um eine Nummer zu beantragen.",
                    )]));
                }
            }
        }
        None => registry::request(&mut tx, &identity, &record.form.specialties, now).await?,
    };
    let (action, detail) = match &answer {
        RegistryAnswer::Issued { anr, lifelong_id }
        | RegistryAnswer::Matched { anr, lifelong_id } => {
            let issued = matches!(answer, RegistryAnswer::Issued { .. });
            let state_after = if issued {
                RequestState::Issued
            } else {
                RequestState::Matched
            };
            store::link_registry(
                &mut tx,
                &record,
                anr.as_str(),
                *lifelong_id,
                &state_after,
                now,
            )
            .await?
            .ok_or_else(|| version_conflict(record.version))?;
            (
                if issued { "anr_issued" } else { "anr_matched" },
                format!("ANR {anr}"),
            )
        }
        RegistryAnswer::Mismatch { anr, differences } => {
            // The record keeps only which fields differ; the values stay with the office.
            let state_after = RequestState::Mismatch {
                differences: differences.iter().map(|d| d.for_hospital()).collect(),
            };
            if !store::set_request_state(&mut tx, id, record.version, &state_after, now).await? {
                return Err(version_conflict(record.version));
            }
            store::open_clarification(&mut tx, id, anr.as_str(), differences, now).await?;
            (
                "anr_mismatch",
                format!("{} Abweichung(en) zu ANR {anr}", differences.len()),
            )
        }
    };
    tx.commit().await?;
    audit_change(
        &state,
        &caller,
        action,
        format!("{name} (ID {id})"),
        Some(detail),
    )
    .await;
    store::physician(&state.database, caller.main_ik.as_str(), id)
        .await?
        .map(axum::Json)
        .ok_or(AppError::NotFound)
}
