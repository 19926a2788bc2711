//! Bulk edits of many physicians at once, at national scale (25,000 and more in one operation):
//! preview (the same domain function the browser runs), one atomic apply with a version check,
//! undo of a whole operation, and the progress of a running apply or undo.
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex, PoisonError};

use axum::extract::{Path, Query, State};
use le_domain::api::directory::{
    BulkApplied, BulkPreview, BulkPreviewItem, BulkProgress, BulkRequest, BulkUndone,
};
use le_domain::directory::{
    BulkAction, BulkOutcome, Date, HospitalSite, OutcomeKind, PhysicianRecord, apply_bulk_at,
    bulk_outcome, bulk_outcome_kind, check_bulk_selection,
};

use super::caller::{HospitalCaller, HospitalEditor};
use super::store::{self, SnapshotItem};
use super::write;
use crate::AppState;
use crate::audit_log;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

/// How many saved records between two progress updates.
const PROGRESS_STEP: usize = 250;

/// Running applies and undos by (Haupt-IK, key chosen by the browser). They live exactly as long
/// as their request, so memory is the right place: the entry is removed when the request ends,
/// however it ends (answer, error, or a dropped connection that rolls the transaction back).
static RUNNING: LazyLock<Mutex<Running>> = LazyLock::new(Default::default);

/// Progress by (Haupt-IK, key).
type Running = HashMap<(String, String), BulkProgress>;

fn running() -> std::sync::MutexGuard<'static, Running> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The progress entry of one running operation (none when the caller gave no key).
struct Progress {
    key: Option<(String, String)>,
    total: usize,
}

/// The caller's progress key from `?progress=` (checked before any work starts).
fn progress_key(
    caller: &HospitalCaller,
    query: &HashMap<String, String>,
) -> Result<Option<(String, String)>, AppError> {
    match query.get("progress") {
        None => Ok(None),
        Some(key) if is_progress_key(key) => {
            Ok(Some((caller.main_ik.as_str().to_owned(), key.clone())))
        }
        Some(_) => Err(AppError::Validation(vec![le_domain::FieldError {
            field: "progress".to_owned(),
            code: "format".to_owned(),
            message:
                "Der Fortschrittsschlüssel besteht aus 8 bis 64 Buchstaben, Ziffern, - oder _."
                    .to_owned(),
        }])),
    }
}

impl Progress {
    fn start(key: Option<(String, String)>, total: usize) -> Self {
        let progress = Progress { key, total };
        progress.set(0);
        progress
    }

    fn set(&self, done: usize) {
        if let Some(key) = &self.key {
            running().insert(
                key.clone(),
                BulkProgress {
                    running: true,
                    done,
                    total: self.total,
                },
            );
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            running().remove(key);
        }
    }
}

fn is_progress_key(key: &str) -> bool {
    (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /api/v1/physicians/bulk/progress/{key}`: only the caller's own Haupt-IK's operations
/// (another's key reads as "nothing running").
#[utoipa::path(
    get,
    path = "/physicians/bulk/progress/{key}",
    operation_id = "directory.bulk.progress",
    tag = "Arztverzeichnis",
    summary = "Fortschritt einer laufenden Sammeländerung oder ihrer Rücknahme",
    params(("key" = String, Path, description = "Fortschrittsschlüssel, beim Ausführen als ?progress= angegeben")),
    responses((status = 200, description = "Gespeichert so weit (sichtbar erst nach dem Abschluss); running = false, wenn unter dem Schlüssel nichts (mehr) läuft.", body = le_domain::api::directory::BulkProgress))
)]
pub async fn progress(
    caller: HospitalCaller,
    Path(key): Path<String>,
) -> Result<axum::Json<BulkProgress>, AppError> {
    Ok(axum::Json(
        running()
            .get(&(caller.main_ik.as_str().to_owned(), key))
            .copied()
            .unwrap_or(BulkProgress {
                running: false,
                done: 0,
                total: 0,
            }),
    ))
}

/// Loads the selected records of the caller's hospital in the request's order (an id listed
/// twice counts once); unknown ids and stale versions are errors.
async fn selected(
    state: &AppState,
    caller: &HospitalCaller,
    req: &BulkRequest,
) -> Result<Vec<PhysicianRecord>, AppError> {
    check_bulk_selection(req.items.len()).map_err(|e| AppError::Validation(vec![e]))?;
    let mut by_id: HashMap<i64, PhysicianRecord> =
        store::physicians_of(&state.database, caller.main_ik.as_str())
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let mut out = Vec::with_capacity(req.items.len());
    let mut seen = HashSet::with_capacity(req.items.len());
    for item in &req.items {
        if !seen.insert(item.id) {
            continue;
        }
        let record = by_id.remove(&item.id).ok_or(AppError::NotFound)?;
        if record.version != item.version {
            return Err(AppError::Conflict {
                code: "version_conflict",
                message: format!(
                    "{} wurde inzwischen geändert. Bitte neu laden und die Vorschau wiederholen.",
                    super::physicians::name_of(&record.form)
                ),
            });
        }
        out.push(record);
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
    let today = today(&state);
    Ok(axum::Json(BulkPreview {
        items: records
            .iter()
            .map(|r| BulkPreviewItem {
                id: r.id,
                version: r.version,
                outcome: bulk_outcome(&r.form, &req.action, today, &caller.sites),
            })
            .collect(),
    }))
}

/// The rule errors of the rejected records (their `kinds`), one per record (field
/// `items[{id}]`, the message naming the person and the reasons), or nothing when every record
/// can take the action. Only the rejected records' outcomes are written out.
fn rejections(
    records: &[PhysicianRecord],
    kinds: &[OutcomeKind],
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
) -> Vec<le_domain::FieldError> {
    records
        .iter()
        .zip(kinds)
        .filter(|(_, kind)| **kind == OutcomeKind::Rejected)
        .filter_map(|(r, _)| match bulk_outcome(&r.form, action, today, sites) {
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
        .collect()
}

/// `POST /api/v1/physicians/bulk/apply[?progress={key}]`: all or nothing, in one transaction
/// however many records (the progress of a long one is at `…/bulk/progress/{key}`).
#[utoipa::path(
    post,
    path = "/physicians/bulk/apply",
    operation_id = "directory.bulk.apply",
    tag = "Arztverzeichnis",
    summary = "Sammeländerung ausführen (alles oder nichts, mit Versionsprüfung)",
    params(("progress" = Option<String>, Query, description = "Fortschrittsschlüssel (8–64 Zeichen A–Z, a–z, 0–9, - und _) für …/bulk/progress/{key}")),
    request_body(content = le_domain::api::directory::BulkRequest, content_type = "application/json"),
    responses((status = 200, description = "Ausgeführt.", body = le_domain::api::directory::BulkApplied), (status = 409, description = "Ein Eintrag wurde inzwischen geändert.", body = le_domain::ApiErrorBody), (status = 422, description = "Ungültige Änderung.", body = le_domain::ApiErrorBody))
)]
pub async fn apply(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Query(query): Query<HashMap<String, String>>,
    ApiJson(req): ApiJson<BulkRequest>,
) -> Result<axum::Json<BulkApplied>, AppError> {
    let key = progress_key(&caller, &query)?;
    let records = selected(&state, &caller, &req).await?;
    let today = today(&state);
    // The outcome of each record without the texts of its changes (nobody reads them here).
    let kinds: Vec<OutcomeKind> = records
        .iter()
        .map(|r| bulk_outcome_kind(&r.form, &req.action, today, &caller.sites))
        .collect();
    // Any rejected record stops the whole operation: nothing is half-applied.
    let rejected = rejections(&records, &kinds, &req.action, today, &caller.sites);
    if !rejected.is_empty() {
        return Err(AppError::Validation(rejected));
    }
    let to_change: Vec<&PhysicianRecord> = records
        .iter()
        .zip(&kinds)
        .filter(|(_, kind)| **kind == OutcomeKind::Changed)
        .map(|(r, _)| r)
        .collect();
    let unchanged = records.len() - to_change.len();
    let progress = Progress::start(key, to_change.len());
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let mut snapshot = Vec::with_capacity(to_change.len());
    for (n, record) in to_change.into_iter().enumerate() {
        let (form, _) = apply_bulk_at(&record.form, &req.action, today, &caller.sites)
            .map_err(AppError::Validation)?;
        let version_after = write::save(&mut tx, &caller, Some(record), &form, today, now)
            .await?
            .version;
        snapshot.push(SnapshotItem {
            id: record.id,
            version_after,
            form_before: record.form.clone(),
        });
        if (n + 1) % PROGRESS_STEP == 0 {
            progress.set(n + 1);
        }
    }
    let operation_id = store::insert_bulk_operation(
        &mut tx,
        caller.main_ik.as_str(),
        caller.actor.user_id,
        now,
        &req.action,
        &snapshot,
    )
    .await?;
    tx.commit().await?;
    progress.set(snapshot.len());
    audit_log::success(&caller.actor, "physicians_bulk_changed")
        .target(format!("Sammeländerung {operation_id}"))
        .detail(format!(
            "{} geändert, {unchanged} unverändert",
            snapshot.len()
        ))
        .record(&state.database, now)
        .await;
    let changed_ids: HashSet<i64> = snapshot.iter().map(|s| s.id).collect();
    let physicians = store::physicians_of(&state.database, caller.main_ik.as_str())
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

/// `POST /api/v1/physicians/bulk/{operation_id}/undo[?progress={key}]`: restores every record of
/// the operation in one transaction, unless one of them was changed since (then nothing is).
#[utoipa::path(
    post,
    path = "/physicians/bulk/{operation_id}/undo",
    operation_id = "directory.bulk.undo",
    tag = "Arztverzeichnis",
    summary = "Eine Sammeländerung als Ganzes rückgängig machen",
    params(("operation_id" = i64, Path, description = "Sammeländerung"), ("progress" = Option<String>, Query, description = "Fortschrittsschlüssel für …/bulk/progress/{key}")),
    responses((status = 200, description = "Rückgängig gemacht.", body = le_domain::api::directory::BulkUndone), (status = 409, description = "Einträge inzwischen geändert.", body = le_domain::ApiErrorBody))
)]
pub async fn undo(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Path(operation_id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<axum::Json<BulkUndone>, AppError> {
    let key = progress_key(&caller, &query)?;
    let Some(operation) = store::bulk_operation(&state.database, operation_id)
        .await?
        .filter(|op| op.main_ik == caller.main_ik.as_str())
    else {
        return Err(AppError::NotFound);
    };
    if operation.undone_at.is_some() {
        return Err(AppError::Conflict {
            code: "already_undone",
            message: "Diese Sammeländerung wurde bereits rückgängig gemacht.".to_owned(),
        });
    }
    let snapshot = operation.snapshot;
    let progress = Progress::start(key, snapshot.len());
    let now = state.clock.now();
    let today = today(&state);
    let current: HashMap<i64, PhysicianRecord> =
        store::physicians_of(&state.database, &operation.main_ik)
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
    let mut tx = state.database.begin_write().await?;
    for (n, item) in snapshot.iter().enumerate() {
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
        if (n + 1) % PROGRESS_STEP == 0 {
            progress.set(n + 1);
        }
    }
    store::mark_bulk_undone(&mut tx, operation_id, now).await?;
    tx.commit().await?;
    progress.set(snapshot.len());
    audit_log::success(&caller.actor, "physicians_bulk_undone")
        .target(format!("Sammeländerung {operation_id}"))
        .detail(format!("{} Einträge wiederhergestellt", snapshot.len()))
        .record(&state.database, now)
        .await;
    let ids: HashSet<i64> = snapshot.iter().map(|s| s.id).collect();
    let physicians = store::physicians_of(&state.database, &operation.main_ik)
        .await?
        .into_iter()
        .filter(|p| ids.contains(&p.id))
        .collect();
    Ok(axum::Json(BulkUndone {
        restored: snapshot.len(),
        physicians,
    }))
}
