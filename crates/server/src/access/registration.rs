//! Public registration: the form plus the signed agreement (PDF, streamed to disk), a reference
//! number, and a status page for the applicant.
use std::path::{Path, PathBuf};

use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::StatusCode;
use le_domain::access::RegistrationForm;
use le_domain::api::access::{AuditOutcome, RegistrationCreated, RegistrationStatus};
use le_domain::{FieldError, Ik};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::session::{Actor, ClientAddr};
use super::store;
use super::throttle;
use crate::AppState;
use crate::audit::{self, Event};
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::parse_json;
use crate::secrets;

/// The stored agreement of a registration.
pub fn agreement_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("registrations")
}

fn field(field: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// A received upload in a temporary file that is removed unless `keep` moves it into place.
struct TempUpload {
    path: PathBuf,
    size: u64,
    sha256: String,
    file_name: String,
    kept: bool,
}

impl TempUpload {
    async fn keep(mut self, dest: &Path) -> std::io::Result<()> {
        tokio::fs::rename(&self.path, dest).await?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for TempUpload {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Streams the agreement to a temporary file, checking the PDF signature and the size limit.
async fn receive_agreement(
    state: &AppState,
    mut part: axum::extract::multipart::Field<'_>,
) -> Result<Result<TempUpload, FieldError>, AppError> {
    let dir = agreement_dir(state);
    crate::files::create_private_dir_async(&dir)
        .await
        .map_err(|e| AppError::internal("mkdir", e))?;
    let file_name = part
        .file_name()
        .map(|n| {
            n.rsplit(['/', '\\'])
                .next()
                .unwrap_or(n)
                .chars()
                .take(200)
                .collect()
        })
        .unwrap_or_else(|| "vereinbarung.pdf".to_owned());
    let path = dir.join(format!(".upload-{}", secrets::token()));
    let mut file = crate::files::create_private_file(&path)
        .await
        .map_err(|e| AppError::internal("create", e))?;
    let mut upload = TempUpload {
        path,
        size: 0,
        sha256: String::new(),
        file_name,
        kept: false,
    };
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(8);
    let mut tail = le_domain::audits::PdfTail::default();
    let limit = state.config.max_agreement_bytes;
    loop {
        let chunk = match part.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => {
                return Ok(Err(field(
                    "agreement",
                    "upload_failed",
                    "Die Datei kam nicht vollständig an. Bitte erneut hochladen.",
                )));
            }
        };
        upload.size += chunk.len() as u64;
        if upload.size > limit {
            return Ok(Err(field(
                "agreement",
                "too_large",
                format!(
                    "Die Datei ist zu groß (höchstens {} MB).",
                    limit / (1024 * 1024)
                ),
            )));
        }
        if head.len() < 5 {
            head.extend(chunk.iter().take(5 - head.len()));
        }
        hasher.update(&chunk);
        tail.push(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| AppError::internal("write", e))?;
    }
    file.sync_all()
        .await
        .map_err(|e| AppError::internal("sync", e))?;
    if upload.size == 0 {
        return Ok(Err(field(
            "agreement",
            "required",
            "Bitte die unterschriebene Nutzungsvereinbarung als PDF hochladen.",
        )));
    }
    // Checked by content, not by name (the domain's rule, as for audit uploads).
    if !le_domain::audits::is_pdf(&head) {
        return Ok(Err(field(
            "agreement",
            "not_pdf",
            "Die Datei ist kein PDF-Dokument.",
        )));
    }
    if !tail.is_pdf_end() {
        return Ok(Err(field(
            "agreement",
            "pdf_incomplete",
            "Die Datei beginnt wie ein PDF-Dokument, endet aber nicht wie eines (unvollständig \
             oder beschädigt).",
        )));
    }
    upload.sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Ok(upload))
}

/// `POST /api/v1/registrations` (multipart: `form` JSON + `agreement` PDF)
pub async fn submit(
    State(state): State<AppState>,
    client: ClientAddr,
    mut multipart: Multipart,
) -> Result<(StatusCode, axum::Json<RegistrationCreated>), AppError> {
    // Counted before the upload is read: a burst cannot store more than the policy allows.
    throttle::attempt(
        &state.db,
        &throttle::registration_key(&client.0),
        throttle::REGISTRATION,
        state.clock.now(),
    )
    .await?;
    let mut form: Option<RegistrationForm> = None;
    let mut upload: Option<Result<TempUpload, FieldError>> = None;
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
            Some("agreement") => upload = Some(receive_agreement(&state, part).await?),
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
    store::expire_stale_registrations(&state.db, now).await?;
    // Whether a user name is taken is never told here (it would list the portal's accounts): a
    // taken name is replaced by a free variant at approval, and the credential letter names it.
    if Ik::parse(&ik).is_ok() && store::ik_taken(&state.db, &ik).await? {
        errors.push(field(
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
            errors.push(field(
                "agreement",
                "required",
                "Bitte die unterschriebene Nutzungsvereinbarung als PDF hochladen.",
            ));
            None
        }
    };
    let (Some(upload), true) = (upload, errors.is_empty()) else {
        // Dropping the upload removes its temporary file: nothing half-stored remains. A refused
        // form does not count against the address's registrations.
        throttle::uncount(&state.db, &throttle::registration_key(&client.0)).await?;
        return Err(AppError::Validation(errors));
    };

    let reference = format!(
        "R-{}",
        le_domain::access::group_by_four(&secrets::readable_code(8), '-').to_uppercase()
    );
    let stored_name = format!("{reference}.pdf");
    let dest = agreement_dir(&state).join(&stored_name);
    let main_ik = Some(form.main_ik.trim()).filter(|s| !s.is_empty());
    let kind = form.kind.map(|k| k.as_str()).unwrap_or_default();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let inserted = sqlx::query(
        "INSERT INTO registrations (reference, kind, ik, name, street, postal_code, city, main_ik, \
         admin_first_name, admin_last_name, admin_email, admin_username, agreement_file, \
         agreement_file_name, agreement_size, agreement_sha256, submitted_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&reference)
    .bind(kind)
    .bind(&ik)
    .bind(form.name.trim())
    .bind(form.street.trim())
    .bind(form.postal_code.trim())
    .bind(form.city.trim())
    .bind(main_ik)
    .bind(form.admin_first_name.trim())
    .bind(form.admin_last_name.trim())
    .bind(form.admin_email.trim())
    .bind(&username)
    .bind(&stored_name)
    .bind(&upload.file_name)
    .bind(i64::try_from(upload.size).unwrap_or(i64::MAX))
    .bind(&upload.sha256)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            // A concurrent registration for the same IK won the race.
            return Err(AppError::Validation(vec![field(
                "ik",
                "duplicate",
                "Für dieses IK besteht bereits ein Zugang oder eine Registrierung.",
            )]));
        }
        Err(e) => return Err(e.into()),
    }
    // File first, then commit: a failed rename rolls the row back; a failed commit leaves a
    // stray file that is removed below.
    upload
        .keep(&dest)
        .await
        .map_err(|e| AppError::internal("rename", e))?;
    if let Err(e) = tx.commit().await {
        let _ = tokio::fs::remove_file(&dest).await;
        return Err(e.into());
    }
    let actor = Actor::anonymous(Some(username), &client);
    audit::record(
        &state.db,
        now,
        Event {
            actor: &actor,
            action: "registration_submitted",
            target: Some(format!("{reference} (IK {ik})")),
            outcome: AuditOutcome::Success,
            detail: None,
        },
    )
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
    store::expire_stale_registrations(&state.db, state.clock.now()).await?;
    let row = store::registration_by_reference(&state.db, &reference)
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
