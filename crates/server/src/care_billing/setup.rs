//! The care service's set-up: region (routing row), billing centre, sender address, branches.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use le_domain::api::care_billing::{CareSetup, NewBranch, SetupRequest};
use le_domain::care_billing::RoutingTable;

use super::caller::{CareAdmin, CareCaller};
use super::{log, store};
use crate::AppState;
use crate::error::AppError;
use crate::extract::ApiJson;

async fn current(state: &AppState, institution_id: i64) -> Result<CareSetup, AppError> {
    let setup = store::setup_of(&state.database, institution_id).await?;
    Ok(CareSetup {
        region: setup.as_ref().map(|s| s.region.clone()),
        billing_centre_ik: setup.as_ref().and_then(|s| s.billing_centre_ik.clone()),
        sender_email: setup.map(|s| s.sender_email).unwrap_or_default(),
        branches: store::branches_of(&state.database, institution_id).await?,
        regions: RoutingTable::builtin()
            .regions()
            .map(str::to_owned)
            .collect(),
    })
}

/// `GET /api/v1/care/setup`
#[utoipa::path(
    get,
    path = "/care/setup",
    operation_id = "care.setup.get",
    tag = "Pflegeabrechnung",
    summary = "Einrichtung des Pflegedienstes: Filialen mit IK, Region, Abrechnungsstelle",
    responses((status = 200, description = "Die Einrichtung.", body = le_domain::api::care_billing::CareSetup))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: CareCaller,
) -> Result<axum::Json<CareSetup>, AppError> {
    current(&state, caller.institution.id).await.map(axum::Json)
}

/// `PUT /api/v1/care/setup` (admin)
pub async fn put(
    State(state): State<AppState>,
    CareAdmin(caller): CareAdmin,
    ApiJson(req): ApiJson<SetupRequest>,
) -> Result<axum::Json<CareSetup>, AppError> {
    let errors = req.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    store::save_setup(
        &state.database,
        caller.institution.id,
        &req,
        state.clock.now(),
    )
    .await?;
    log(
        &state,
        &caller,
        "care_setup_changed",
        format!("Region {}", req.region.trim()),
    )
    .await;
    current(&state, caller.institution.id).await.map(axum::Json)
}

/// `POST /api/v1/care/branches` (admin)
pub async fn add_branch(
    State(state): State<AppState>,
    CareAdmin(caller): CareAdmin,
    ApiJson(req): ApiJson<NewBranch>,
) -> Result<(StatusCode, axum::Json<CareSetup>), AppError> {
    let errors = req.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let ik = req.ik.trim();
    let added = store::add_branch(
        &state.database,
        caller.institution.id,
        ik,
        req.name.trim(),
        state.clock.now(),
    )
    .await?;
    if added.is_none() {
        return Err(AppError::Validation(vec![le_domain::FieldError::new(
            "ik",
            "duplicate",
            format!("Die Betriebsstätte mit IK {ik} ist bereits eingetragen."),
        )]));
    }
    log(&state, &caller, "care_branch_added", format!("IK {ik}")).await;
    Ok((
        StatusCode::CREATED,
        axum::Json(current(&state, caller.institution.id).await?),
    ))
}

/// `DELETE /api/v1/care/branches/{id}` (admin)
pub async fn remove_branch(
    State(state): State<AppState>,
    CareAdmin(caller): CareAdmin,
    Path(id): Path<i64>,
) -> Result<axum::Json<CareSetup>, AppError> {
    if !store::remove_branch(&state.database, caller.institution.id, id).await? {
        return Err(AppError::NotFound);
    }
    log(
        &state,
        &caller,
        "care_branch_removed",
        format!("Eintrag {id}"),
    )
    .await;
    current(&state, caller.institution.id).await.map(axum::Json)
}
