//! The national site directory: list for hospitals, import (idempotent, with a report) for the
//! office and for the weekly command-line job.
use axum::extract::State;
use le_domain::api::directory::{ImportLineError, SiteImportReport, SiteImportRequest, SiteList};
use le_domain::directory::{diff_sites, parse_site_directory};

use super::caller::{HospitalCaller, OfficeCaller};
use super::store;
use crate::AppState;
use crate::access::session::Actor;
use crate::audit_log;
use crate::error::AppError;
use crate::extract::ApiJson;

/// `GET /api/v1/sites`: the hospital's own sites.
#[utoipa::path(
    get,
    path = "/sites",
    operation_id = "directory.sites.own_sites",
    tag = "Arztverzeichnis",
    summary = "Die Standorte des eigenen Krankenhauses (Haupt-IK)",
    responses((status = 200, description = "Die Standorte.", body = le_domain::api::directory::SiteList))
)]
pub async fn own_sites(
    State(state): State<AppState>,
    caller: HospitalCaller,
) -> Result<axum::Json<SiteList>, AppError> {
    Ok(axum::Json(SiteList {
        sites: store::all_sites(&state.database, Some(caller.main_ik.as_str())).await?,
        removed: store::removed_sites(&state.database, caller.main_ik.as_str()).await?,
    }))
}

/// `GET /api/v1/office/sites`: the whole directory (office).
pub async fn all_sites(
    State(state): State<AppState>,
    _office: OfficeCaller,
) -> Result<axum::Json<SiteList>, AppError> {
    Ok(axum::Json(SiteList {
        sites: store::all_sites(&state.database, None).await?,
        removed: Vec::new(),
    }))
}

/// Errors of an import file, as a 422 with one entry per line (field `line 12: plz`).
pub fn line_errors(errors: Vec<le_domain::directory::LineError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| {
                let line = ImportLineError {
                    line: e.line,
                    field: e.field,
                    code: e.code,
                    message: e.message,
                };
                le_domain::FieldError::new(
                    format!("csv[{}].{}", line.line, line.field),
                    line.code,
                    format!("Zeile {}: {}", line.line, line.message),
                )
            })
            .collect(),
    )
}

/// Imports (or previews) a site directory file; the same code serves the API and the CLI.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    csv: &str,
    dry_run: bool,
) -> Result<SiteImportReport, AppError> {
    let incoming = parse_site_directory(csv).map_err(line_errors)?;
    let current = store::all_sites(&state.database, None).await?;
    let diff = diff_sites(&current, &incoming);
    let report = SiteImportReport {
        applied: !dry_run && !diff.is_empty(),
        new: diff.new.iter().map(|s| s.site_number.to_string()).collect(),
        changed: diff
            .changed
            .iter()
            .map(|c| c.after.site_number.to_string())
            .collect(),
        removed: diff
            .removed
            .iter()
            .map(|s| s.site_number.to_string())
            .collect(),
        unchanged: diff.unchanged.len(),
    };
    if report.applied {
        let now = state.clock.now();
        let mut tx = state.database.begin_write().await?;
        let changed: Vec<_> = diff
            .new
            .iter()
            .cloned()
            .chain(diff.changed.iter().map(|c| c.after.clone()))
            .collect();
        store::replace_sites(&mut tx, &changed, &diff.removed, now).await?;
        store::record_site_import(
            &mut tx,
            now,
            actor.name.as_deref().unwrap_or(""),
            [report.new.len(), report.changed.len(), report.removed.len()],
        )
        .await?;
        tx.commit().await?;
        audit_log::success(actor, "sites_imported")
            .detail(format!(
                "{} neu, {} geändert, {} entfernt, {} unverändert",
                report.new.len(),
                report.changed.len(),
                report.removed.len(),
                report.unchanged
            ))
            .record(&state.database, now)
            .await;
    }
    Ok(report)
}

/// `POST /api/v1/office/sites/import`
pub async fn import_handler(
    State(state): State<AppState>,
    office: OfficeCaller,
    ApiJson(req): ApiJson<SiteImportRequest>,
) -> Result<axum::Json<SiteImportReport>, AppError> {
    import(&state, &office.actor, &req.csv, req.dry_run)
        .await
        .map(axum::Json)
}
