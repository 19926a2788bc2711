//! The care service's staff: list, add, change, and import from CSV — all through one rule
//! (`StaffForm::validate`) and one store call (`store::save_staff`).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use le_domain::FieldError;
use le_domain::api::care_billing::{StaffImportReport, StaffImportRequest, StaffMember};
use le_domain::care_billing::{StaffForm, parse_staff_csv};
use le_domain::directory::LineError;

use super::caller::CareCaller;
use super::{log, store};
use crate::AppState;
use crate::error::AppError;
use crate::extract::ApiJson;

fn member(id: i64, form: StaffForm) -> StaffMember {
    let number_label = match le_domain::Lbnr::parse(&form.lbnr) {
        Ok(n) => n.info().description,
        Err(_) => "keine Beschäftigtennummer".to_owned(),
    };
    StaffMember {
        id,
        form,
        number_label,
    }
}

fn duplicate_lbnr(lbnr: &str) -> FieldError {
    FieldError::new(
        "lbnr",
        "duplicate",
        format!("Die Beschäftigtennummer {lbnr} ist bereits einer anderen Person zugeordnet."),
    )
}

/// Validates and saves one form inside `tx`; field errors for a broken form or a taken LBNR.
async fn save(
    tx: &mut crate::db::Tx,
    institution_id: i64,
    id: Option<i64>,
    form: &StaffForm,
    now: i64,
) -> Result<Result<Option<i64>, Vec<FieldError>>, AppError> {
    let errors = form.validate();
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    match store::save_staff(tx, institution_id, id, form, now).await {
        Ok(saved) => Ok(Ok(saved)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Ok(Err(vec![duplicate_lbnr(form.lbnr.trim())]))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/care/staff`
#[utoipa::path(
    get,
    path = "/care/staff",
    operation_id = "care.staff.list",
    tag = "Pflegeabrechnung",
    summary = "Pflegekräfte mit Beschäftigtennummer",
    responses((status = 200, description = "Die Pflegekräfte.", body = Vec<le_domain::api::care_billing::StaffMember>))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: CareCaller,
) -> Result<axum::Json<Vec<StaffMember>>, AppError> {
    let staff = store::staff_of(&state.database, caller.institution.id).await?;
    Ok(axum::Json(
        staff.into_iter().map(|(id, f)| member(id, f)).collect(),
    ))
}

/// `POST /api/v1/care/staff`
#[utoipa::path(
    post,
    path = "/care/staff",
    operation_id = "care.staff.create",
    tag = "Pflegeabrechnung",
    summary = "Eine Pflegekraft anlegen",
    request_body(content = le_domain::care_billing::StaffForm, content_type = "application/json"),
    responses((status = 201, description = "Angelegt.", body = le_domain::api::care_billing::StaffMember), (status = 422, description = "Ungültige Angaben (z. B. LBNR).", body = le_domain::ApiErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: CareCaller,
    ApiJson(form): ApiJson<StaffForm>,
) -> Result<(StatusCode, axum::Json<StaffMember>), AppError> {
    let mut tx = state.database.begin_write().await?;
    let id = save(
        &mut tx,
        caller.institution.id,
        None,
        &form,
        state.clock.now(),
    )
    .await?
    .map_err(AppError::Validation)?
    .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    log(&state, &caller, "care_staff_added", format!("Eintrag {id}")).await;
    Ok((StatusCode::CREATED, axum::Json(member(id, form))))
}

/// `PUT /api/v1/care/staff/{id}`
#[utoipa::path(
    put,
    path = "/care/staff/{id}",
    operation_id = "care.staff.update",
    tag = "Pflegeabrechnung",
    summary = "Eine Pflegekraft ändern",
    params(("id" = i64, Path, description = "Pflegekraft")),
    request_body(content = le_domain::care_billing::StaffForm, content_type = "application/json"),
    responses((status = 200, description = "Geändert.", body = le_domain::api::care_billing::StaffMember), (status = 422, description = "Ungültige Angaben.", body = le_domain::ApiErrorBody))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<StaffForm>,
) -> Result<axum::Json<StaffMember>, AppError> {
    let mut tx = state.database.begin_write().await?;
    save(
        &mut tx,
        caller.institution.id,
        Some(id),
        &form,
        state.clock.now(),
    )
    .await?
    .map_err(AppError::Validation)?
    .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    log(
        &state,
        &caller,
        "care_staff_changed",
        format!("Eintrag {id}"),
    )
    .await;
    Ok(axum::Json(member(id, form)))
}

/// `POST /api/v1/care/staff/import` `{csv, dry_run}`: every line is checked; nothing is stored
/// unless all lines are right (all or nothing).
#[utoipa::path(
    post,
    path = "/care/staff/import",
    operation_id = "care.staff.import",
    tag = "Pflegeabrechnung",
    summary = "CSV-Import der Pflegekräfte (mit Probelauf)",
    request_body(content = le_domain::api::care_billing::StaffImportRequest, content_type = "application/json"),
    responses((status = 200, description = "Ergebnis je Zeile.", body = le_domain::api::care_billing::StaffImportReport), (status = 422, description = "Ungültige Datei.", body = le_domain::ApiErrorBody))
)]
pub async fn import(
    State(state): State<AppState>,
    caller: CareCaller,
    ApiJson(req): ApiJson<StaffImportRequest>,
) -> Result<axum::Json<StaffImportReport>, AppError> {
    let rows = parse_staff_csv(&req.csv).map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|e| {
                    FieldError::new(
                        format!("csv[{}].{}", e.line, e.field),
                        e.code,
                        format!("Zeile {}: {}", e.line, e.message),
                    )
                })
                .collect(),
        )
    })?;
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let mut errors = Vec::new();
    let mut added = 0;
    for row in &rows {
        let outcome = match &row.result {
            Ok(form) => save(&mut tx, caller.institution.id, None, form, now).await?,
            Err(e) => Err(e.clone()),
        };
        match outcome {
            Ok(_) => added += 1,
            Err(field_errors) => errors.extend(field_errors.into_iter().map(|e| LineError {
                line: row.line,
                field: e.field,
                code: e.code,
                message: e.message,
            })),
        }
    }
    let applied = errors.is_empty() && !req.dry_run;
    if applied {
        tx.commit().await?;
        log(
            &state,
            &caller,
            "care_staff_imported",
            format!("{added} Einträge"),
        )
        .await;
    } else {
        // Dropped without commit: nothing of the file is kept.
        drop(tx);
    }
    Ok(axum::Json(StaffImportReport {
        applied,
        added: if errors.is_empty() { added } else { 0 },
        errors,
    }))
}
