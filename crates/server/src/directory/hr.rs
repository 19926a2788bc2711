//! The HR-system interface's file side: CSV import as Excel writes it (dry run first, then
//! apply) and CSV export. Rows are matched to records by ANR, else by name and birth date.
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use le_domain::ValidationError;
use le_domain::api::directory::{HrImportReport, HrImportRequest, HrImportRow, RowOutcome};
use le_domain::directory::{
    PhysicianForm, PhysicianRecord, check_write, normalize_name, parse_hr_csv, write_hr_csv,
};

use super::caller::HospitalCaller;
use super::physicians::name_of;
use super::sites::line_errors;
use super::{store, write};
use crate::AppState;
use crate::audit_log;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

fn identity_key(form: &PhysicianForm) -> (String, String, Option<String>) {
    (
        normalize_name(&form.last_name),
        normalize_name(&form.first_name),
        form.birth_date.map(|d| d.to_iso()),
    )
}

fn find<'a>(existing: &'a [PhysicianRecord], form: &PhysicianForm) -> Option<&'a PhysicianRecord> {
    if let Some(anr) = form.anr_input()
        && let Some(r) = existing.iter().find(|r| r.form.anr_input() == Some(anr))
    {
        return Some(r);
    }
    let key = identity_key(form);
    existing.iter().find(|r| identity_key(&r.form) == key)
}

/// `POST /api/v1/physicians/import`
#[utoipa::path(
    post,
    path = "/physicians/import",
    operation_id = "directory.hr.import",
    tag = "Arztverzeichnis",
    summary = "CSV-Import aus dem Personalsystem (mit Probelauf)",
    request_body(content = le_domain::api::directory::HrImportRequest, content_type = "application/json"),
    responses((status = 200, description = "Ergebnis je Zeile.", body = le_domain::api::directory::HrImportReport), (status = 422, description = "Ungültige Datei.", body = le_domain::ApiErrorBody))
)]
pub async fn import(
    State(state): State<AppState>,
    caller: HospitalCaller,
    ApiJson(req): ApiJson<HrImportRequest>,
) -> Result<axum::Json<HrImportReport>, AppError> {
    if !req.dry_run {
        caller.require_edit()?;
    }
    let parsed = parse_hr_csv(&req.csv).map_err(line_errors)?;
    let existing = store::physicians_of(&state.database, caller.main_ik.as_str()).await?;
    let today = today(&state);
    let mut rows = Vec::with_capacity(parsed.len());
    let mut plan: Vec<(Option<&PhysicianRecord>, PhysicianForm)> = Vec::new();
    let mut anrs_in_file = std::collections::HashSet::new();
    for row in parsed {
        let (name, outcome, physician_id, errors) = match row.result {
            Err(errors) => (String::new(), RowOutcome::Error, None, errors),
            Ok(form) => {
                let name = name_of(&form);
                let matched = find(&existing, &form);
                // The same rule as every other write (an issued ANR stays, removed sites, …),
                // and one ANR at most once in the hospital, also within the file.
                let mut errors = check_write(matched, &form, today, &caller.sites);
                if let Some(anr) = form.anr_input()
                    && !errors.iter().any(|e| e.field == "anr")
                {
                    let owner = existing
                        .iter()
                        .find(|r| r.form.anr_input() == Some(anr))
                        .map(|r| r.id);
                    let taken_by_other = owner.is_some_and(|o| Some(o) != matched.map(|m| m.id));
                    if taken_by_other || !anrs_in_file.insert(anr.to_owned()) {
                        errors.push(
                            ValidationError::AnrTaken {
                                anr: anr.to_owned(),
                            }
                            .for_field("anr"),
                        );
                    }
                }
                if !errors.is_empty() {
                    (name, RowOutcome::Error, matched.map(|r| r.id), errors)
                } else {
                    match matched {
                        Some(r) if r.form == form => {
                            (name, RowOutcome::Unchanged, Some(r.id), vec![])
                        }
                        Some(r) => {
                            plan.push((Some(r), form));
                            (name, RowOutcome::Update, Some(r.id), vec![])
                        }
                        None => {
                            plan.push((None, form));
                            (name, RowOutcome::Create, None, vec![])
                        }
                    }
                }
            }
        };
        rows.push(HrImportRow {
            line: row.line,
            name,
            outcome,
            physician_id,
            errors,
        });
    }
    let has_errors = rows.iter().any(|r| r.outcome == RowOutcome::Error);
    let applied = !req.dry_run && !has_errors && !plan.is_empty();
    if !req.dry_run && has_errors {
        // Nothing is imported while any row is wrong.
        return Ok(axum::Json(HrImportReport {
            applied: false,
            rows,
        }));
    }
    if applied {
        let now = state.clock.now();
        let mut tx = state.database.begin_write().await?;
        for (existing, form) in &plan {
            // The same store call as the form: version check, regrouping, unique ANR.
            write::save(&mut tx, &caller, *existing, form, today, now)
                .await
                .map_err(|e| match e {
                    AppError::Conflict { code: "version_conflict", .. } => AppError::Conflict {
                        code: "version_conflict",
                        message: "Einträge wurden während des Imports geändert; nichts wurde gespeichert.".to_owned(),
                    },
                    other => other,
                })?;
        }
        tx.commit().await?;
        let created = rows
            .iter()
            .filter(|r| r.outcome == RowOutcome::Create)
            .count();
        let updated = rows
            .iter()
            .filter(|r| r.outcome == RowOutcome::Update)
            .count();
        audit_log::success(&caller.actor, "physicians_imported")
            .detail(format!("{created} neu, {updated} geändert"))
            .record(&state.database, now)
            .await;
    }
    Ok(axum::Json(HrImportReport { applied, rows }))
}

/// `GET /api/v1/physicians/export.csv?ids=1,2,3` (the current filter's ids; all when absent)
#[utoipa::path(
    get,
    path = "/physicians/export.csv",
    operation_id = "directory.hr.export",
    tag = "Arztverzeichnis",
    summary = "Export als CSV (Excel, `;`, UTF-8 mit BOM)",
    params(("ids" = Option<String>, Query, description = "Komma-getrennte Eintrags-IDs; ohne: alle.")),
    responses((status = 200, description = "Die CSV-Datei.", body = crate::openapi::CsvFile, content_type = "text/csv"))
)]
pub async fn export(
    State(state): State<AppState>,
    caller: HospitalCaller,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<impl IntoResponse, AppError> {
    let records = store::physicians_of(&state.database, caller.main_ik.as_str()).await?;
    let wanted: Option<std::collections::HashSet<i64>> = query.get("ids").map(|ids| {
        ids.split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    });
    let forms: Vec<PhysicianForm> = records
        .into_iter()
        .filter(|r| wanted.as_ref().is_none_or(|w| w.contains(&r.id)))
        .map(|r| r.form)
        .collect();
    let csv = write_hr_csv(&forms);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"aerzte.csv\"",
            ),
        ],
        csv,
    ))
}
