//! Shared Haupt-IK: an institution approved under a Haupt-IK that another institution already
//! used sees none of that Haupt-IK's data (physicians, audit cases) until an admin of an
//! institution with access confirms it here.
use axum::extract::{Path, State};
use le_domain::api::access::{InstitutionRef, MainIkRequest};

use super::session::AdminSession;
use super::store;
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;

/// Only a hospital admin whose institution has access to its Haupt-IK may decide.
fn require_granted_hospital(admin: &AdminSession) -> Result<&str, AppError> {
    if !admin.kind().shares_main_ik() || !admin.institution.main_ik_granted() {
        return Err(AppError::forbidden());
    }
    Ok(admin.institution.effective_main_ik())
}

/// `GET /api/v1/main-ik/requests`: institutions waiting for access to the caller's Haupt-IK.
pub async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<axum::Json<Vec<MainIkRequest>>, AppError> {
    let main_ik = require_granted_hospital(&admin)?;
    let rows = store::pending_main_ik_requests(&state.database, main_ik).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|row| MainIkRequest {
                institution: InstitutionRef {
                    id: row.id,
                    ik: row.ik,
                    name: row.name,
                },
                main_ik: main_ik.to_owned(),
                approved_at: rfc3339(row.created_at),
            })
            .collect(),
    ))
}

/// `POST /api/v1/main-ik/requests/{institution_id}/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(institution_id): Path<i64>,
) -> Result<axum::Json<Vec<MainIkRequest>>, AppError> {
    let main_ik = require_granted_hospital(&admin)?.to_owned();
    let now = state.clock.now();
    if !store::confirm_main_ik_access(
        &state.database,
        institution_id,
        &main_ik,
        admin.user.id,
        now,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    let name = store::institution_label(&state.database, institution_id).await?;
    audit_log::success(&admin.actor, "main_ik_access_confirmed")
        .target(name)
        .detail(format!(
            "Zugriff auf die Daten der Haupt-IK {main_ik} bestätigt"
        ))
        .record(&state.database, now)
        .await;
    list(State(state), admin).await
}
