//! The MD administrator's side of registration: review, approve with a credential letter,
//! reject with a reason, and re-issue a letter (which replaces the credentials).
use axum::extract::{Path, Query, State};
use axum::http::header;
use le_domain::access::{REJECTION_REASON_MAX_CHARS, check_text};
use le_domain::api::access::{
    ApproveRequest, CredentialLetter, InstitutionRef, RegistrationState, RegistrationSummary,
    RejectRequest,
};
use serde::Deserialize;

use super::registration::agreement_key;
use super::session::MdAdminSession;
use super::store::{self, InstitutionRow, NewInstitution, NewUser, RegistrationRow};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::secrets;

#[derive(Debug, Deserialize)]
pub struct StateFilter {
    state: Option<String>,
}

/// `GET /api/v1/admin/registrations?state=pending`
pub async fn list(
    State(state): State<AppState>,
    _admin: MdAdminSession,
    Query(filter): Query<StateFilter>,
) -> Result<axum::Json<Vec<RegistrationSummary>>, AppError> {
    let wanted = filter.state.as_deref().unwrap_or("pending");
    if !["pending", "approved", "rejected", "expired"].contains(&wanted) {
        return Err(AppError::Validation(vec![le_domain::FieldError::new(
            "state",
            "not_allowed",
            "Erlaubt sind pending, approved, rejected und expired.",
        )]));
    }
    store::expire_stale_registrations(&state.database, state.clock.now()).await?;
    let rows = store::registrations_in_state(&state.database, wanted).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut summary = row.summary();
        if row.state() == RegistrationState::Pending {
            summary.same_main_ik = others_with_main_ik(&state, row).await?;
        }
        out.push(summary);
    }
    Ok(axum::Json(out))
}

/// The hospitals already in the portal under the registration's Haupt-IK.
async fn others_with_main_ik(
    state: &AppState,
    row: &RegistrationRow,
) -> Result<Vec<InstitutionRef>, AppError> {
    if !row.kind().shares_main_ik() {
        return Ok(Vec::new());
    }
    let main_ik = row.main_ik.as_deref().unwrap_or(&row.ik);
    Ok(store::hospitals_of_main_ik(&state.database, main_ik).await?)
}

/// `GET /api/v1/admin/registrations/{id}/agreement`: the uploaded PDF.
pub async fn agreement(
    State(state): State<AppState>,
    admin: MdAdminSession,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, AppError> {
    let row = store::registration_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut res = state
        .storage
        .download(&agreement_key(&row.agreement_file), &headers)
        .await
        .map_err(|e| AppError::internal("open agreement", format!("{}: {e}", row.reference)))?
        .into_response("application/pdf");
    audit_log::success(&admin.actor, "agreement_viewed")
        .target(row.reference.clone())
        .record(&state.database, state.clock.now())
        .await;
    let h = res.headers_mut();
    if let Ok(v) =
        header::HeaderValue::from_str(&format!("inline; filename=\"{}.pdf\"", row.reference))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// Fresh letter credentials: the plain values for the letter, the stored forms for the database.
pub struct LetterCredentials {
    pub one_time_password: String,
    pub password_hash: String,
    pub totp_secret: [u8; 20],
    pub sealed_secret: Vec<u8>,
}

pub fn new_letter_credentials(state: &AppState) -> Result<LetterCredentials, AppError> {
    let one_time_password = secrets::one_time_password();
    let password_hash =
        secrets::hash_password(&one_time_password).map_err(|e| AppError::internal("argon2", e))?;
    let totp_secret = secrets::new_totp_secret();
    let sealed_secret = state.secrets.seal(&totp_secret);
    Ok(LetterCredentials {
        one_time_password,
        password_hash,
        totp_secret,
        sealed_secret,
    })
}

pub fn letter(
    institution: &InstitutionRow,
    recipient_name: String,
    username: &str,
    creds: &LetterCredentials,
    now: i64,
) -> CredentialLetter {
    CredentialLetter {
        institution_name: institution.name.clone(),
        street: institution.street.clone(),
        postal_code: institution.postal_code.clone(),
        city: institution.city.clone(),
        recipient_name,
        username: username.to_owned(),
        one_time_password: creds.one_time_password.clone(),
        totp_secret: secrets::base32(&creds.totp_secret),
        totp_issuer: secrets::TOTP_ISSUER.to_owned(),
        totp_account: username.to_owned(),
        issued_at: rfc3339(now),
    }
}

/// `wanted` if no user has it, else the first free of `wanted-2`, `wanted-3`, …
async fn free_username(state: &AppState, wanted: &str) -> Result<String, AppError> {
    for n in 1..1_000 {
        let candidate = if n == 1 {
            wanted.to_owned()
        } else {
            format!("{wanted}-{n}")
        };
        if store::user_by_username(&state.database, &candidate)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict {
        code: "username_taken",
        message: "Für diesen Benutzernamen ist keine freie Variante mehr verfügbar; bitte die \
                  Registrierung ablehnen."
            .to_owned(),
    })
}

/// "Name (IK 123456789), …" for messages.
fn describe(institutions: &[InstitutionRef]) -> String {
    institutions
        .iter()
        .map(|i| format!("{} (IK {})", i.name, i.ik))
        .collect::<Vec<_>>()
        .join(", ")
}

fn not_pending() -> AppError {
    AppError::Conflict {
        code: "not_pending",
        message: "Diese Registrierung wurde bereits entschieden.".to_owned(),
    }
}

/// `POST /api/v1/admin/registrations/{id}/approve`: creates the institution and its primary user.
///
/// A hospital that declares a Haupt-IK other hospitals already use is approved only with
/// `{"confirm_shared_main_ik": true}` (the body may be empty otherwise); it then sees none of
/// that Haupt-IK's data until an admin of the institution already using it confirms.
pub async fn approve(
    State(state): State<AppState>,
    admin: MdAdminSession,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<axum::Json<CredentialLetter>, AppError> {
    let req: ApproveRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveRequest::default()
    } else {
        crate::extract::parse_json(&body)?
    };
    let now = state.clock.now();
    let row = store::registration_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.state() != RegistrationState::Pending {
        return Err(not_pending());
    }
    let shared = others_with_main_ik(&state, &row).await?;
    if !shared.is_empty() && !req.confirm_shared_main_ik {
        return Err(AppError::Conflict {
            code: "shared_main_ik",
            message: format!(
                "Die Haupt-IK {} wird bereits von {} genutzt. Eine weitere Einrichtung darf nur nach ausdrücklicher Entscheidung freigegeben werden; sie sieht die Daten dieser Haupt-IK erst, wenn die bestehende Einrichtung sie bestätigt.",
                row.main_ik.as_deref().unwrap_or(&row.ik),
                describe(&shared)
            ),
        });
    }
    // The applicant was never told whether the name was taken; a free variant is used instead
    // and the credential letter names it.
    let username = free_username(&state, &row.admin_username).await?;
    let creds = new_letter_credentials(&state)?;
    let kind = row.kind();
    let mut tx = state.database.begin_write().await?;
    let institution_id = store::insert_institution(
        &mut tx,
        &NewInstitution {
            ik: &row.ik,
            kind,
            name: &row.name,
            street: &row.street,
            postal_code: &row.postal_code,
            city: &row.city,
            main_ik: row.main_ik.as_deref(),
        },
        now,
    )
    .await?;
    if !shared.is_empty() {
        store::mark_main_ik_pending(&mut tx, institution_id).await?;
    }
    let user_id = store::insert_user(
        &mut tx,
        &NewUser {
            institution_id,
            username: &username,
            first_name: &row.admin_first_name,
            last_name: &row.admin_last_name,
            email: &row.admin_email,
            role: kind.admin_role(),
            password_hash: &creds.password_hash,
            password_is_one_time: true,
            totp_secret: Some(creds.sealed_secret.clone()),
            totp_device_name: Some("Zugangsbrief"),
        },
        now,
    )
    .await?;
    if !store::approve_registration(&mut tx, id, admin.user.id, institution_id, user_id, now)
        .await?
    {
        return Err(not_pending());
    }
    tx.commit().await?;
    let institution = store::institution_by_id(&state.database, institution_id)
        .await?
        .ok_or_else(|| AppError::internal("approve", "institution vanished"))?;
    audit_log::success(&admin.actor, "registration_approved").target(format!("{} (IK {})", row.reference, row.ik)).detail({
                let mut detail = if username == row.admin_username {
                    format!("Zugangsbrief für {username} ausgestellt")
                } else {
                    format!(
                        "Zugangsbrief für {username} ausgestellt (gewünscht war {}, bereits vergeben)",
                        row.admin_username
                    )
                };
                if !shared.is_empty() {
                    detail.push_str(&format!(
                        "; ausdrücklich freigegeben trotz gemeinsamer Haupt-IK {} mit {}; Datenzugriff wartet auf deren Bestätigung",
                        row.main_ik.as_deref().unwrap_or(&row.ik),
                        describe(&shared)
                    ));
                }
                detail
            }).record(&state.database, now).await;
    let recipient = format!("{} {}", row.admin_first_name, row.admin_last_name);
    Ok(axum::Json(letter(
        &institution,
        recipient,
        &username,
        &creds,
        now,
    )))
}

/// `POST /api/v1/admin/registrations/{id}/reject`
pub async fn reject(
    State(state): State<AppState>,
    admin: MdAdminSession,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<RejectRequest>,
) -> Result<axum::Json<RegistrationSummary>, AppError> {
    check_text(&req.reason, REJECTION_REASON_MAX_CHARS)
        .map_err(|e| AppError::field("reason", &e))?;
    let now = state.clock.now();
    let row = store::registration_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store::reject_registration(&state.database, id, admin.user.id, req.reason.trim(), now)
        .await?
    {
        return Err(not_pending());
    }
    audit_log::success(&admin.actor, "registration_rejected")
        .target(format!("{} (IK {})", row.reference, row.ik))
        .detail(req.reason.trim().to_owned())
        .record(&state.database, now)
        .await;
    let row = store::registration_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(axum::Json(row.summary()))
}

/// `POST /api/v1/admin/registrations/{id}/letter`: new credentials for the primary user.
pub async fn reissue_letter(
    State(state): State<AppState>,
    admin: MdAdminSession,
    Path(id): Path<i64>,
) -> Result<axum::Json<CredentialLetter>, AppError> {
    let now = state.clock.now();
    let row = store::registration_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(user_id), Some(institution_id)) = (row.admin_user_id, row.institution_id) else {
        return Err(AppError::Conflict {
            code: "not_approved",
            message: "Zugangsdaten gibt es erst nach der Freigabe.".to_owned(),
        });
    };
    let user = store::user_by_id(&state.database, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let institution = store::institution_by_id(&state.database, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let creds = new_letter_credentials(&state)?;
    let mut tx = state.database.begin_write().await?;
    store::reissue_credentials(&mut tx, user.id, &creds.password_hash, &creds.sealed_secret)
        .await?;
    tx.commit().await?;
    audit_log::success(&admin.actor, "credentials_reissued")
        .target(format!("{} ({})", user.username, row.reference))
        .record(&state.database, now)
        .await;
    let recipient = format!("{} {}", user.first_name, user.last_name);
    Ok(axum::Json(letter(
        &institution,
        recipient,
        &user.username,
        &creds,
        now,
    )))
}
