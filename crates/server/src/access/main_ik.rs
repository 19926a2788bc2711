//! Shared Haupt-IK: an institution approved under a Haupt-IK that another institution already
//! used sees none of that Haupt-IK's data (physicians, audit cases) until an admin of an
//! institution with access confirms it here.
use axum::extract::{Path, State};
use le_domain::access::InstitutionKind;
use le_domain::api::access::{InstitutionRef, MainIkRequest};

use super::session::AdminSession;
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;

/// Only a hospital admin whose institution has access to its Haupt-IK may decide.
fn require_granted_hospital(admin: &AdminSession) -> Result<&str, AppError> {
    if admin.kind() != InstitutionKind::Hospital || !admin.institution.main_ik_granted() {
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
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, ik, name, created_at FROM institutions WHERE kind = 'hospital' \
         AND main_ik_access = 'pending' AND COALESCE(main_ik, ik) = ? ORDER BY id",
    )
    .bind(main_ik)
    .fetch_all(&state.db)
    .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, ik, name, created_at)| MainIkRequest {
                institution: InstitutionRef { id, ik, name },
                main_ik: main_ik.to_owned(),
                approved_at: rfc3339(created_at),
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
    let updated = sqlx::query(
        "UPDATE institutions SET main_ik_access = 'granted', main_ik_confirmed_by = ?, main_ik_confirmed_at = ? \
         WHERE id = ? AND kind = 'hospital' AND main_ik_access = 'pending' AND COALESCE(main_ik, ik) = ?",
    )
    .bind(admin.user.id)
    .bind(now)
    .bind(institution_id)
    .bind(&main_ik)
    .execute(&state.db)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let name: String =
        sqlx::query_scalar("SELECT name || ' (IK ' || ik || ')' FROM institutions WHERE id = ?")
            .bind(institution_id)
            .fetch_one(&state.db)
            .await?;
    audit_log::success(&admin.actor, "main_ik_access_confirmed")
        .target(name)
        .detail(format!(
            "Zugriff auf die Daten der Haupt-IK {main_ik} bestätigt"
        ))
        .record(&state.db, now)
        .await;
    list(State(state), admin).await
}
