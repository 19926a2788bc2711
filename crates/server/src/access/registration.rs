//! Public registration: the form plus the signed agreement (PDF, streamed to disk), a reference
//! number, and a status page for the applicant.

use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::StatusCode;
use le_domain::access::RegistrationForm;
use le_domain::api::access::{RegistrationCreated, RegistrationStatus};
use le_domain::documents::{PdfProblem, clean_file_name};
use le_domain::{FieldError, Ik};

use super::session::{Actor, ClientAddr};
use super::store;
use super::throttle;
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::parse_json;
use crate::files;
use crate::secrets;

/// Where the registrations' agreements live in the file store.
pub const FILE_FOLDER: &str = "registrations";

/// The file-store key of a registration's agreement (`registrations/R-….pdf`, as it always was
/// under the data directory).
pub fn agreement_key(stored_name: &str) -> String {
    format!("{FILE_FOLDER}/{stored_name}")
}

/// Streams the agreement into the file store under `key` (invisible until kept), checking the size
/// limit and that the content is a whole PDF document.
async fn receive_agreement(
    state: &AppState,
    part: axum::extract::multipart::Field<'_>,
    key: &str,
) -> Result<Result<Agreement, FieldError>, AppError> {
    let file_name = part
        .file_name()
        .and_then(clean_file_name)
        .unwrap_or_else(|| "vereinbarung.pdf".to_owned());
    let limit = state.config.max_agreement_bytes;
    let received = match state.storage.receive(key, part, limit).await {
        Ok(received) => received,
        Err(files::ReceiveError::TooLarge) => {
            return Ok(Err(FieldError::new(
                "agreement",
                "too_large",
                format!(
                    "Die Datei ist zu groß (höchstens {} MB).",
                    limit / (1024 * 1024)
                ),
            )));
        }
        Err(files::ReceiveError::Incomplete) => {
            return Ok(Err(FieldError::new(
                "agreement",
                "upload_failed",
                "Die Datei kam nicht vollständig an. Bitte erneut hochladen.",
            )));
        }
        Err(files::ReceiveError::Io(e)) => return Err(AppError::internal("receive agreement", e)),
    };
    match received.pdf_problem {
        Some(PdfProblem::Empty) => Ok(Err(FieldError::new(
            "agreement",
            "required",
            "Bitte die unterschriebene Nutzungsvereinbarung als PDF hochladen.",
        ))),
        Some(problem) => Ok(Err(problem.for_field("agreement"))),
        None => Ok(Ok(Agreement {
            file_name,
            file: received,
        })),
    }
}

/// The received agreement (in the file store, not yet kept) and the name the applicant's file had.
struct Agreement {
    file_name: String,
    file: crate::storage::Upload,
}

/// `POST /api/v1/registrations` (multipart: `form` JSON + `agreement` PDF)
pub async fn submit(
    State(state): State<AppState>,
    client: ClientAddr,
    mut multipart: Multipart,
) -> Result<(StatusCode, axum::Json<RegistrationCreated>), AppError> {
    // Counted before the upload is read: a burst cannot store more than the policy allows.
    throttle::attempt(
        &state.database,
        &throttle::registration_key(&client.0),
        throttle::REGISTRATION,
        state.clock.now(),
    )
    .await?;
    // The reference names the agreement's key, so it is drawn before the parts are read.
    let reference = format!(
        "R-{}",
        le_domain::access::group_by_four(&secrets::readable_code(8), '-').to_uppercase()
    );
    let stored_name = format!("{reference}.pdf");
    let key = agreement_key(&stored_name);
    let mut form: Option<RegistrationForm> = None;
    let mut upload: Option<Result<Agreement, FieldError>> = None;
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest {
            code: "bad_multipart",
            message: "Die Anfrage konnte nicht gelesen werden (multipart/form-data erwartet)."
                .to_owned(),
        })?
    {
        match part.name() {
            Some("form") => {
                let bytes = part.bytes().await.map_err(|_| AppError::BadRequest {
                    code: "bad_multipart",
                    message: "Das Formular konnte nicht gelesen werden.".to_owned(),
                })?;
                form = Some(parse_json(&bytes)?);
            }
            Some("agreement") => upload = Some(receive_agreement(&state, part, &key).await?),
            _ => {}
        }
    }
    let form = form.ok_or_else(|| AppError::BadRequest {
        code: "missing_form",
        message: "Der Teil „form“ fehlt.".to_owned(),
    })?;
    let mut errors = form.validate();
    let ik = form.ik.trim().to_owned();
    let username = form.admin_username.trim().to_owned();
    let now = state.clock.now();
    store::expire_stale_registrations(&state.database, now).await?;
    // Whether a user name is taken is never told here (it would list the portal's accounts): a
    // taken name is replaced by a free variant at approval, and the credential letter names it.
    if Ik::parse(&ik).is_ok() && store::ik_taken(&state.database, &ik).await? {
        errors.push(FieldError::new(
            "ik",
            "duplicate",
            "Für dieses IK besteht bereits ein Zugang oder eine Registrierung.",
        ));
    }
    let upload = match upload {
        Some(Ok(u)) => Some(u),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => {
            errors.push(FieldError::new(
                "agreement",
                "required",
                "Bitte die unterschriebene Nutzungsvereinbarung als PDF hochladen.",
            ));
            None
        }
    };
    let (Some(upload), true) = (upload, errors.is_empty()) else {
        // Dropping the upload discards it in the file store: nothing half-stored remains. A refused
        // form does not count against the address's registrations.
        throttle::uncount(&state.database, &throttle::registration_key(&client.0)).await?;
        return Err(AppError::Validation(errors));
    };

    let main_ik = Some(form.main_ik.trim()).filter(|s| !s.is_empty());
    let kind = form.kind.map(|k| k.as_str()).unwrap_or_default();
    let mut tx = state.database.begin_write().await?;
    let inserted = store::insert_registration(
        &mut tx,
        &store::NewRegistration {
            reference: &reference,
            kind,
            ik: &ik,
            form: &form,
            main_ik,
            username: &username,
            stored_name: &stored_name,
            file_name: &upload.file_name,
            size: upload.file.size,
            sha256: &upload.file.sha256,
            submitted_at: now,
        },
    )
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            // A concurrent registration for the same IK won the race.
            return Err(AppError::Validation(vec![FieldError::new(
                "ik",
                "duplicate",
                "Für dieses IK besteht bereits ein Zugang oder eine Registrierung.",
            )]));
        }
        Err(e) => return Err(e.into()),
    }
    // File first, then commit: a file that cannot be kept rolls the row back; a failed commit
    // leaves a stray file that is removed below.
    upload
        .file
        .keep()
        .await
        .map_err(|e| AppError::internal("keep agreement", e))?;
    if let Err(e) = tx.commit().await {
        let _ = state.storage.delete(&key).await;
        return Err(e.into());
    }
    let actor = Actor::anonymous(Some(username), &client);
    audit_log::success(&actor, "registration_submitted")
        .target(format!("{reference} (IK {ik})"))
        .record(&state.database, now)
        .await;
    Ok((
        StatusCode::CREATED,
        axum::Json(RegistrationCreated { reference }),
    ))
}

/// `GET /api/v1/registrations/{reference}`: the applicant's view (the reference is the secret).
pub async fn status(
    State(state): State<AppState>,
    UrlPath(reference): UrlPath<String>,
) -> Result<axum::Json<RegistrationStatus>, AppError> {
    let reference = reference.trim().to_uppercase();
    store::expire_stale_registrations(&state.database, state.clock.now()).await?;
    let row = store::registration_by_reference(&state.database, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(axum::Json(RegistrationStatus {
        reference: row.reference.clone(),
        state: row.state(),
        institution_name: row.name.clone(),
        submitted_at: rfc3339(row.submitted_at),
        decided_at: row.decided_at.map(rfc3339),
        reject_reason: row.reject_reason.clone(),
    }))
}
