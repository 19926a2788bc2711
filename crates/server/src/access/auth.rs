//! Sign-in with password and second factor, the guided set-up steps (TOTP enrolment, new
//! password, recovery codes), and sign-out.
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use le_domain::ValidationError;
use le_domain::access::{
    DEVICE_NAME_MAX_CHARS, SecondFactor, check_new_password, check_text, parse_second_factor,
};
use le_domain::api::access::{
    SessionInfo, SessionStage, SetPasswordRequest, SignInRequest, StepResult, TotpActivateRequest,
    TotpEnrolment,
};

use super::session::{
    self, ABSOLUTE_TIMEOUT, Actor, ClientAddr, FullSession, Session, Unlocked, session_info,
    stage_of,
};
use super::store::{self, UserRow};
use super::throttle;
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::secrets;

/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;

fn sign_in_failed() -> AppError {
    AppError::Unauthorized {
        code: "sign_in_failed",
        message: "Anmeldung fehlgeschlagen: Benutzername, Passwort oder Code stimmen nicht."
            .to_owned(),
    }
}

/// The code was right for a time step that was already used (typical right after a sign-in):
/// say so, without saying anything about the password.
fn code_already_used() -> AppError {
    AppError::Unauthorized {
        code: "code_already_used",
        message: "Dieser Code wurde bereits verwendet. Bitte warten Sie auf den nächsten Code \
                  Ihrer App (er wechselt alle 30 Sekunden)."
            .to_owned(),
    }
}

/// Why a sign-in failed, for the audit log only (never told to the client, except a reused code).
enum Refusal {
    UnknownUser,
    Inactive,
    WrongPassword,
    MissingCode,
    WrongCode,
    CodeReused,
    MissingEnrolmentCode,
}

impl Refusal {
    fn detail(&self) -> &'static str {
        match self {
            Refusal::UnknownUser => "unbekannter Benutzer",
            Refusal::Inactive => "Benutzer deaktiviert",
            Refusal::WrongPassword => "falsches Passwort",
            Refusal::MissingCode => "Code fehlt",
            Refusal::WrongCode => "falscher Code",
            Refusal::CodeReused => "bereits verwendeter Code",
            Refusal::MissingEnrolmentCode => "Einrichtungscode fehlt oder falsch",
        }
    }

    fn into_error(self) -> AppError {
        match self {
            Refusal::CodeReused => code_already_used(),
            _ => sign_in_failed(),
        }
    }
}

/// How a sign-in succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passed {
    Totp,
    /// With a recovery code; the number of unused codes left.
    Recovery {
        remaining: u32,
    },
    /// No second factor yet (new user or after a reset): set-up follows at once.
    Enrolment,
}

/// Longest user name that is looked up, counted and logged as typed; longer input cannot be a
/// user name and is cut (so a megabyte of "user name" is not stored anywhere).
const MAX_TYPED_USERNAME: usize = 200;

/// `POST /api/v1/auth/sign-in`
pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<(HeaderMap, axum::Json<StepResult>), AppError> {
    let now = state.clock.now();
    let username: String = req
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_TYPED_USERNAME)
        .collect();
    let account_client_key = throttle::account_client_key(&username, &client.0);
    let account_key = throttle::account_key(&username);
    let client_key = throttle::client_key(&client.0);
    // Counted before anything is checked: parallel attempts cannot slip past the count.
    throttle::attempt(
        &state.database,
        &account_client_key,
        throttle::ACCOUNT_CLIENT,
        now,
    )
    .await?;
    throttle::attempt(&state.database, &account_key, throttle::ACCOUNT, now).await?;
    throttle::attempt(&state.database, &client_key, throttle::CLIENT, now).await?;

    let user = store::user_by_username(&state.database, &username).await?;
    let outcome = match &user {
        None => {
            // Same cost as a real check, so timing does not tell whether the user exists.
            secrets::verify_password(&req.password, secrets::dummy_password_hash());
            Err(Refusal::UnknownUser)
        }
        Some(u) => check_credentials(&state, u, &req, now).await?,
    };
    let mut actor = Actor::anonymous(Some(username.clone()), &client);
    if let Some(u) = &user {
        actor.user_id = Some(u.id);
        actor.institution_id = Some(u.institution_id);
        actor.institution_ik = store::institution_by_id(&state.database, u.institution_id)
            .await?
            .map(|i| i.ik);
    }
    let passed = match outcome {
        Err(refusal) => {
            audit_log::failure(&actor, "sign_in")
                .detail(refusal.detail().to_owned())
                .record(&state.database, now)
                .await;
            return Err(refusal.into_error());
        }
        Ok(passed) => passed,
    };
    let Some(user) = user else {
        return Err(sign_in_failed());
    };
    // A successful sign-in clears this account's delays; the address keeps only its failures.
    throttle::clear(&state.database, &account_client_key).await?;
    throttle::clear(&state.database, &account_key).await?;
    throttle::uncount(&state.database, &client_key).await?;
    store::mark_signed_in(&state.database, user.id, now).await?;
    let institution = store::institution_by_id(&state.database, user.institution_id)
        .await?
        .ok_or_else(sign_in_failed)?;

    store::purge_expired_sessions(&state.database, now, session::IDLE_TIMEOUT).await?;
    throttle::purge_stale(&state.database, now).await?;
    let token = secrets::token();
    let csrf = secrets::token();
    let absolute = now + ABSOLUTE_TIMEOUT;
    store::insert_session(
        &state.database,
        &secrets::token_hash(&token),
        user.id,
        &csrf,
        now,
        absolute,
    )
    .await?;
    audit_log::success(&actor, "sign_in")
        .detail_opt(match (passed, stage_of(&user)) {
            (Passed::Recovery { remaining }, _) => Some(format!(
                "mit Wiederherstellungscode ({remaining} verbleibend)"
            )),
            (_, SessionStage::EnrolTotp) => {
                Some("Einrichtung des zweiten Faktors ausstehend".to_owned())
            }
            (_, SessionStage::SetPassword) => Some("Passwortänderung ausstehend".to_owned()),
            (_, SessionStage::Full) => None,
        })
        .record(&state.database, now)
        .await;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session::session_cookie(&token, state.config.secure_cookies),
    );
    if state.config.kiosk {
        // The kiosk's visit: lets this browser reset the demo data at the end of the visit,
        // even once the session has expired.
        headers.append(header::SET_COOKIE, state.kiosk_visits.open(&state.config));
    }
    let info = session_info(&user, &institution, &csrf, now, absolute);
    Ok((
        headers,
        axum::Json(StepResult {
            session: info,
            recovery_codes: None,
            recovery_codes_remaining: match passed {
                Passed::Recovery { remaining } => Some(remaining),
                Passed::Totp | Passed::Enrolment => None,
            },
        }),
    ))
}

/// How the credentials passed, or the reason for refusal.
async fn check_credentials(
    state: &AppState,
    user: &UserRow,
    req: &SignInRequest,
    now: i64,
) -> Result<Result<Passed, Refusal>, AppError> {
    let password_ok = secrets::verify_password(&req.password, &user.password_hash);
    let code = req.code.as_deref().unwrap_or("").trim();
    let factor = parse_second_factor(code);
    let secret = match &user.totp_secret {
        Some(sealed) => Some(
            state
                .secrets
                .open(sealed)
                .ok_or_else(|| AppError::internal("totp", "stored key cannot be decrypted"))?,
        ),
        None => None,
    };
    // A code of an already used time step is named as such whatever the password: the answer
    // then says nothing about the password.
    if let (Some(secret), Some(SecondFactor::Totp(totp))) = (&secret, &factor)
        && user.active
        && secrets::totp_step_of(secret, totp, now).is_some_and(|step| step <= user.totp_last_step)
    {
        return Ok(Err(Refusal::CodeReused));
    }
    if !password_ok {
        return Ok(Err(Refusal::WrongPassword));
    }
    if !user.active {
        return Ok(Err(Refusal::Inactive));
    }
    let Some(secret) = secret else {
        // No second factor yet. After an administrator's reset the password alone is not
        // enough: the one-time set-up code the administrator handed over must come with it.
        if let Some(hash) = &user.enrolment_code_hash {
            let typed = le_domain::access::normalize_code(code);
            if !secrets::verify_password(&typed, hash) {
                return Ok(Err(Refusal::MissingEnrolmentCode));
            }
        }
        return Ok(Ok(Passed::Enrolment));
    };
    if code.is_empty() {
        return Ok(Err(Refusal::MissingCode));
    }
    match factor {
        Some(SecondFactor::Totp(code)) => {
            match secrets::verify_totp(&secret, &code, now, user.totp_last_step) {
                Some(step) if store::advance_totp_step(&state.database, user.id, step).await? => {
                    Ok(Ok(Passed::Totp))
                }
                // Lost the race against a parallel sign-in with the same code.
                Some(_) => Ok(Err(Refusal::CodeReused)),
                None => Ok(Err(Refusal::WrongCode)),
            }
        }
        // A set-up code only counts while no second factor exists (above).
        Some(SecondFactor::Enrolment(_)) => Ok(Err(Refusal::WrongCode)),
        Some(SecondFactor::Recovery(code)) => {
            if store::use_recovery_code(&state.database, user.id, &code, now).await? {
                let remaining = store::unused_recovery_codes(&state.database, user.id).await?;
                Ok(Ok(Passed::Recovery { remaining }))
            } else {
                Ok(Err(Refusal::WrongCode))
            }
        }
        None => Ok(Err(Refusal::WrongCode)),
    }
}

/// `GET /api/v1/auth/session`
pub async fn current(State(state): State<AppState>, session: Session) -> axum::Json<SessionInfo> {
    axum::Json(session.info(state.clock.now()))
}

/// `POST /api/v1/auth/sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<(StatusCode, HeaderMap), AppError> {
    store::delete_session(&state.database, &session.id_hash).await?;
    audit_simple(&state, &session, "sign_out", None).await;
    Ok(cleared())
}

/// `POST /api/v1/auth/sign-out-everywhere`
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    Unlocked(session): Unlocked<Session>,
) -> Result<(StatusCode, HeaderMap), AppError> {
    store::delete_sessions_of_user(&state.database, session.user.id, None).await?;
    audit_simple(&state, &session, "sign_out_everywhere", None).await;
    Ok(cleared())
}

fn cleared() -> (StatusCode, HeaderMap) {
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session::clear_cookie());
    (StatusCode::NO_CONTENT, headers)
}

async fn audit_simple(state: &AppState, session: &Session, action: &str, detail: Option<String>) {
    audit_log::success(&session.actor, action)
        .detail_opt(detail)
        .record(&state.database, state.clock.now())
        .await;
}

/// `POST /api/v1/auth/totp/begin`: a fresh key for the authenticator app (only while enrolling).
pub async fn totp_begin(
    State(state): State<AppState>,
    Unlocked(session): Unlocked<Session>,
) -> Result<axum::Json<TotpEnrolment>, AppError> {
    if session.stage() != SessionStage::EnrolTotp {
        return Err(AppError::Conflict {
            code: "already_enrolled",
            message: "Der zweite Faktor ist bereits eingerichtet.".to_owned(),
        });
    }
    let secret = secrets::new_totp_secret();
    store::set_pending_totp(
        &state.database,
        session.user.id,
        &state.secrets.seal(&secret),
    )
    .await?;
    Ok(axum::Json(TotpEnrolment {
        secret: secrets::base32(&secret),
        issuer: secrets::TOTP_ISSUER.to_owned(),
        account: session.user.username.clone(),
        otpauth_uri: secrets::otpauth_uri(&secret, &session.user.username),
    }))
}

/// `POST /api/v1/auth/totp/activate`: the key counts only after a valid code from the app.
pub async fn totp_activate(
    State(state): State<AppState>,
    Unlocked(session): Unlocked<Session>,
    ApiJson(req): ApiJson<TotpActivateRequest>,
) -> Result<axum::Json<StepResult>, AppError> {
    let now = state.clock.now();
    if session.stage() != SessionStage::EnrolTotp {
        return Err(AppError::Conflict {
            code: "already_enrolled",
            message: "Der zweite Faktor ist bereits eingerichtet.".to_owned(),
        });
    }
    let mut errors = Vec::new();
    if let Err(e) = check_text(&req.device_name, DEVICE_NAME_MAX_CHARS) {
        errors.push(e.for_field("device_name"));
    }
    let pending = session
        .user
        .totp_pending_secret
        .as_deref()
        .and_then(|sealed| state.secrets.open(sealed));
    let Some(secret) = pending else {
        return Err(AppError::Conflict {
            code: "no_pending_enrolment",
            message: "Bitte starten Sie die Einrichtung neu.".to_owned(),
        });
    };
    let step = match parse_second_factor(&req.code) {
        Some(SecondFactor::Totp(code)) => secrets::verify_totp(&secret, &code, now, 0),
        _ => None,
    };
    if step.is_none() {
        errors.push(le_domain::FieldError::new(
            "code",
            "wrong_code",
            "Der Code stimmt nicht. Bitte den aktuellen 6-stelligen Code aus der App eingeben.",
        ));
    }
    let Some(step) = step.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    store::activate_totp(
        &state.database,
        session.user.id,
        req.device_name.trim(),
        step,
    )
    .await?;
    audit_simple(
        &state,
        &session,
        "totp_enrolled",
        Some(format!("Gerät: {}", req.device_name.trim())),
    )
    .await;
    step_result(&state, &session, now).await.map(axum::Json)
}

/// `POST /api/v1/auth/password`
pub async fn set_password(
    State(state): State<AppState>,
    Unlocked(session): Unlocked<Session>,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> Result<axum::Json<StepResult>, AppError> {
    let now = state.clock.now();
    let user = &session.user;
    match session.stage() {
        SessionStage::EnrolTotp => {
            return Err(AppError::Forbidden {
                code: "setup_required",
                message: "Bitte richten Sie zuerst den zweiten Faktor ein.".to_owned(),
            });
        }
        SessionStage::Full => {
            let current = req.current_password.as_deref().unwrap_or("");
            if !secrets::verify_password(current, &user.password_hash) {
                return Err(AppError::Validation(vec![le_domain::FieldError::new(
                    "current_password",
                    "wrong_password",
                    "Das bisherige Passwort stimmt nicht.",
                )]));
            }
        }
        SessionStage::SetPassword => {}
    }
    if let Err(e) = check_new_password(&req.new_password, &user.username, None) {
        return Err(AppError::field("new_password", &e));
    }
    // Only the hash of the one-time password is known: compare through it.
    if user.password_is_one_time && secrets::verify_password(&req.new_password, &user.password_hash)
    {
        return Err(AppError::field(
            "new_password",
            &ValidationError::PasswordIsOneTime,
        ));
    }
    let hash =
        secrets::hash_password(&req.new_password).map_err(|e| AppError::internal("argon2", e))?;
    store::set_password(&state.database, user.id, &hash).await?;
    // Other sessions of this user end when the password changes.
    store::delete_sessions_of_user(&state.database, user.id, Some(&session.id_hash)).await?;
    audit_simple(&state, &session, "password_changed", None).await;
    step_result(&state, &session, now).await.map(axum::Json)
}

/// `POST /api/v1/auth/recovery-codes`: new codes; the old ones stop working.
pub async fn regenerate_recovery_codes(
    State(state): State<AppState>,
    Unlocked(FullSession(session)): Unlocked<FullSession>,
) -> Result<axum::Json<StepResult>, AppError> {
    let now = state.clock.now();
    let codes = store::new_recovery_codes(&state.database, session.user.id, RECOVERY_CODES).await?;
    audit_simple(&state, &session, "recovery_codes_generated", None).await;
    Ok(axum::Json(StepResult {
        session: session.info(now),
        recovery_codes: Some(codes),
        recovery_codes_remaining: None,
    }))
}

/// The session after a set-up step; recovery codes when this step finished the set-up.
async fn step_result(
    state: &AppState,
    session: &Session,
    now: i64,
) -> Result<StepResult, AppError> {
    let user = store::user_by_id(&state.database, session.user.id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let recovery_codes = if stage_of(&user) == SessionStage::Full && user.recovery_pending {
        let codes = store::new_recovery_codes(&state.database, user.id, RECOVERY_CODES).await?;
        audit_simple(state, session, "recovery_codes_generated", None).await;
        Some(codes)
    } else {
        None
    };
    Ok(StepResult {
        session: session_info(
            &user,
            &session.institution,
            &session.csrf_token,
            now,
            session.absolute_expires_at,
        ),
        recovery_codes,
        recovery_codes_remaining: None,
    })
}
