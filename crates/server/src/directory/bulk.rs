//! Bulk edits of many physicians at once: preview (the same domain function the browser runs),
//! one atomic apply with a version check, and undo of a whole operation.
use axum::extract::{Path, State};
use le_domain::api::directory::{
    BulkApplied, BulkPreview, BulkPreviewItem, BulkRequest, BulkUndone,
};
use le_domain::directory::{BulkOutcome, PhysicianForm, bulk_preview_at};
use serde::{Deserialize, Serialize};

use super::caller::{HospitalCaller, HospitalEditor, today};
use super::{store, write};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;
use crate::extract::ApiJson;

/// Most records one bulk call may touch.
pub const MAX_BULK: usize = 10_000;

#[derive(Serialize, Deserialize)]
struct SnapshotItem {
    id: i64,
    version_after: i64,
    form_before: PhysicianForm,
}

/// Loads the selected records of the caller's hospital; unknown ids and stale versions are errors.
async fn selected(
    state: &AppState,
    caller: &HospitalCaller,
    req: &BulkRequest,
) -> Result<Vec<le_domain::directory::PhysicianRecord>, AppError> {
    if req.items.is_empty() || req.items.len() > MAX_BULK {
        return Err(AppError::Validation(vec![le_domain::FieldError {
            field: "items".to_owned(),
            code: "count".to_owned(),
            message: format!("Bitte zwischen 1 und {MAX_BULK} Einträge auswählen."),
        }]));
    }
    let all = store::physicians_of(&state.db, caller.main_ik.as_str()).await?;
    let by_id: std::collections::HashMap<i64, _> = all.into_iter().map(|r| (r.id, r)).collect();
    let mut out = Vec::with_capacity(req.items.len());
    for item in &req.items {
        let record = by_id.get(&item.id).ok_or(AppError::NotFound)?;
        if record.version != item.version {
            return Err(AppError::Conflict {
                code: "version_conflict",
                message: format!(
                    "{} wurde inzwischen geändert. Bitte neu laden und die Vorschau wiederholen.",
                    super::physicians::name_of(&record.form)
                ),
            });
        }
        out.push(record.clone());
    }
    Ok(out)
}

/// `POST /api/v1/physicians/bulk/preview`
#[utoipa::path(
    post,
    path = "/physicians/bulk/preview",
    operation_id = "directory.bulk.preview",
    tag = "Arztverzeichnis",
    summary = "Sammeländerung: Vorschau",
    request_body(content = le_domain::api::directory::BulkRequest, content_type = "application/json"),
    responses((status = 200, description = "Was sich je Eintrag ändern würde.", body = le_domain::api::directory::BulkPreview), (status = 422, description = "Ungültige Änderung.", body = le_domain::ApiErrorBody))
)]
pub async fn preview(
    State(state): State<AppState>,
    caller: HospitalCaller,
    ApiJson(req): ApiJson<BulkRequest>,
) -> Result<axum::Json<BulkPreview>, AppError> {
    let records = selected(&state, &caller, &req).await?;
    let forms: Vec<PhysicianForm> = records.iter().map(|r| r.form.clone()).collect();
    let outcomes = bulk_preview_at(&forms, &req.action, today(&state), &caller.sites);
    Ok(axum::Json(BulkPreview {
        items: records
            .iter()
            .zip(outcomes)
            .map(|(r, outcome)| BulkPreviewItem {
                id: r.id,
                version: r.version,
                outcome,
            })
            .collect(),
    }))
}

/// `POST /api/v1/physicians/bulk/apply`: all or nothing.
#[utoipa::path(
    post,
    path = "/physicians/bulk/apply",
    operation_id = "directory.bulk.apply",
    tag = "Arztverzeichnis",
    summary = "Sammeländerung ausführen (alles oder nichts, mit Versionsprüfung)",
    request_body(content = le_domain::api::directory::BulkRequest, content_type = "application/json"),
    responses((status = 200, description = "Ausgeführt.", body = le_domain::api::directory::BulkApplied), (status = 409, description = "Ein Eintrag wurde inzwischen geändert.", body = le_domain::ApiErrorBody), (status = 422, description = "Ungültige Änderung.", body = le_domain::ApiErrorBody))
)]
pub async fn apply(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    ApiJson(req): ApiJson<BulkRequest>,
) -> Result<axum::Json<BulkApplied>, AppError> {
    let records = selected(&state, &caller, &req).await?;
    let forms: Vec<PhysicianForm> = records.iter().map(|r| r.form.clone()).collect();
    let outcomes = bulk_preview_at(&forms, &req.action, today(&state), &caller.sites);
    // Any rejected record stops the whole operation: nothing is half-applied.
    let rejected: Vec<le_domain::FieldError> = records
        .iter()
        .zip(&outcomes)
        .filter_map(|(r, o)| match o {
            BulkOutcome::Rejected { errors } => Some(le_domain::FieldError {
                field: format!("items[{}]", r.id),
                code: "rejected".to_owned(),
                message: format!(
                    "{}: {}",
                    super::physicians::name_of(&r.form),
                    errors
                        .iter()
                        .map(|e| e.message.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            }),
            _ => None,
        })
        .collect();
    if !rejected.is_empty() {
        return Err(AppError::Validation(rejected));
    }
    let now = state.clock.now();
    let today = today(&state);
    let mut tx = crate::db::begin_write(&state.db).await?;
    let mut snapshot = Vec::new();
    let mut unchanged = 0;
    for (record, outcome) in records.iter().zip(&outcomes) {
        if !matches!(outcome, BulkOutcome::Changed { .. }) {
            unchanged += 1;
            continue;
        }
        let (form, _) =
            le_domain::directory::apply_bulk_at(&record.form, &req.action, today, &caller.sites)
                .map_err(AppError::Validation)?;
        let version_after = write::save(&mut tx, &caller, Some(record), &form, today, now)
            .await?
            .version;
        snapshot.push(SnapshotItem {
            id: record.id,
            version_after,
            form_before: record.form.clone(),
        });
    }
    let operation_id = sqlx::query(
        "INSERT INTO bulk_operations (main_ik, actor_user_id, at, action, snapshot) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(caller.main_ik.as_str())
    .bind(caller.actor.user_id)
    .bind(now)
    .bind(serde_json::to_string(&req.action).map_err(|e| AppError::internal("json", e))?)
    .bind(serde_json::to_string(&snapshot).map_err(|e| AppError::internal("json", e))?)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    tx.commit().await?;
    audit_log::success(&caller.actor, "physicians_bulk_changed")
        .target(format!("Sammeländerung {operation_id}"))
        .detail(format!(
            "{} geändert, {unchanged} unverändert",
            snapshot.len()
        ))
        .record(&state.db, now)
        .await;
    let changed_ids: std::collections::HashSet<i64> = snapshot.iter().map(|s| s.id).collect();
    let physicians = store::physicians_of(&state.db, caller.main_ik.as_str())
        .await?
        .into_iter()
        .filter(|p| changed_ids.contains(&p.id))
        .collect();
    Ok(axum::Json(BulkApplied {
        operation_id,
        changed: snapshot.len(),
        unchanged,
        physicians,
    }))
}

/// `POST /api/v1/physicians/bulk/{operation_id}/undo`: restores every record of the operation,
/// unless one of them was changed since (then nothing is restored).
#[utoipa::path(
    post,
    path = "/physicians/bulk/{operation_id}/undo",
    operation_id = "directory.bulk.undo",
    tag = "Arztverzeichnis",
    summary = "Eine Sammeländerung als Ganzes rückgängig machen",
    params(("operation_id" = i64, Path, description = "Sammeländerung")),
    responses((status = 200, description = "Rückgängig gemacht.", body = le_domain::api::directory::BulkUndone), (status = 409, description = "Einträge inzwischen geändert.", body = le_domain::ApiErrorBody))
)]
pub async fn undo(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Path(operation_id): Path<i64>,
) -> Result<axum::Json<BulkUndone>, AppError> {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT main_ik, snapshot, undone_at FROM bulk_operations WHERE id = ?")
            .bind(operation_id)
            .fetch_optional(&state.db)
            .await?;
    let Some((main_ik, snapshot, undone_at)) = row.filter(|(ik, ..)| ik == caller.main_ik.as_str())
    else {
        return Err(AppError::NotFound);
    };
    if undone_at.is_some() {
        return Err(AppError::Conflict {
            code: "already_undone",
            message: "Diese Sammeländerung wurde bereits rückgängig gemacht.".to_owned(),
        });
    }
    let snapshot: Vec<SnapshotItem> =
        serde_json::from_str(&snapshot).map_err(|e| AppError::internal("json", e))?;
    let now = state.clock.now();
    let today = today(&state);
    let current: std::collections::HashMap<i64, le_domain::directory::PhysicianRecord> =
        store::physicians_of(&state.db, &main_ik)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let changed_since = || {
        AppError::Conflict {
        code: "version_conflict",
        message: "Einträge wurden nach der Sammeländerung erneut geändert; sie kann nicht mehr rückgängig gemacht werden.".to_owned(),
    }
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    for item in &snapshot {
        let record = current
            .get(&item.id)
            .filter(|r| r.version == item.version_after)
            .ok_or_else(changed_since)?;
        // Undo is a write like any other: the same rule and the same store call.
        write::save(
            &mut tx,
            &caller,
            Some(record),
            &item.form_before,
            today,
            now,
        )
        .await
        .map_err(|e| match e {
            AppError::Conflict { .. } => changed_since(),
            other => other,
        })?;
    }
    sqlx::query("UPDATE bulk_operations SET undone_at = ? WHERE id = ?")
        .bind(now)
        .bind(operation_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit_log::success(&caller.actor, "physicians_bulk_undone")
        .target(format!("Sammeländerung {operation_id}"))
        .detail(format!("{} Einträge wiederhergestellt", snapshot.len()))
        .record(&state.db, now)
        .await;
    let ids: std::collections::HashSet<i64> = snapshot.iter().map(|s| s.id).collect();
    let physicians = store::physicians_of(&state.db, &main_ik)
        .await?
        .into_iter()
        .filter(|p| ids.contains(&p.id))
        .collect();
    Ok(axum::Json(BulkUndone {
        restored: snapshot.len(),
        physicians,
    }))
}
