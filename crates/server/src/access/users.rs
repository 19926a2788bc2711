//! User administration by each institution's admin: always and only their own institution.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use le_domain::access::{Role, check_email, check_person_name, check_username};
use le_domain::api::access::{
    CreateUserRequest, CreatedUser, SecondFactorReset, UpdateUserRequest, UserSummary,
};
use le_domain::{FieldError, ValidationError};

use super::session::AdminSession;
use super::store::{self, NewUser, UserRow};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::secrets;

/// `GET /api/v1/users`
pub async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<axum::Json<Vec<UserSummary>>, AppError> {
    let users = store::users_of_institution(&state.database, admin.institution.id).await?;
    Ok(axum::Json(users.iter().map(UserRow::summary).collect()))
}

fn role_allowed(admin: &AdminSession, role: Role) -> Result<(), AppError> {
    if admin.kind().roles().contains(&role) {
        Ok(())
    } else {
        Err(AppError::field(
            "role",
            &ValidationError::NotAllowed {
                what: "diese Rolle gibt es für Ihre Einrichtung nicht",
            },
        ))
    }
}

fn username_taken() -> FieldError {
    FieldError::new(
        "username",
        "duplicate",
        "Dieser Benutzername ist bereits vergeben.",
    )
}

/// `POST /api/v1/users`: a new user with a one-time password (shown once); the second factor is
/// set up by the user at the first sign-in.
pub async fn create(
    State(state): State<AppState>,
    admin: AdminSession,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, axum::Json<CreatedUser>), AppError> {
    let username = req.username.trim().to_lowercase();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut check = |field: &str, r: Result<(), ValidationError>| {
        if let Err(e) = r {
            errors.push(e.for_field(field));
        }
    };
    check("username", check_username(&username));
    check("first_name", check_person_name(&req.first_name));
    check("last_name", check_person_name(&req.last_name));
    check("email", check_email(&req.email));
    if let Err(AppError::Validation(mut e)) = role_allowed(&admin, req.role) {
        errors.append(&mut e);
    }
    if errors.iter().all(|e| e.field != "username")
        && store::username_taken(&state.database, &username).await?
    {
        errors.push(username_taken());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let one_time_password = secrets::one_time_password();
    let hash =
        secrets::hash_password(&one_time_password).map_err(|e| AppError::internal("argon2", e))?;
    let mut tx = state.database.begin_write().await?;
    let inserted = store::insert_user(
        &mut tx,
        &NewUser {
            institution_id: admin.institution.id,
            username: &username,
            first_name: req.first_name.trim(),
            last_name: req.last_name.trim(),
            email: req.email.trim(),
            role: req.role,
            password_hash: &hash,
            password_is_one_time: true,
            totp_secret: None,
            totp_device_name: None,
        },
        now,
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            return Err(AppError::Validation(vec![username_taken()]));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    audit_log::success(&admin.actor, "user_created")
        .target(username.clone())
        .detail(format!("Rolle: {}", req.role.as_str()))
        .record(&state.database, now)
        .await;
    let user = store::user_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedUser {
            user: user.summary(),
            one_time_password,
        }),
    ))
}

/// A user of the admin's own institution; any other id is "not found" (no hint that it exists).
async fn own_user(state: &AppState, admin: &AdminSession, id: i64) -> Result<UserRow, AppError> {
    match store::user_by_id(&state.database, id).await? {
        Some(user) if user.institution_id == admin.institution.id => Ok(user),
        _ => {
            audit_log::denied(&admin.actor, "user_access")
                .target(format!("Benutzer-ID {id}"))
                .detail("nicht in der eigenen Einrichtung".to_owned())
                .record(&state.database, state.clock.now())
                .await;
            Err(AppError::NotFound)
        }
    }
}

fn not_yourself(what: &'static str) -> AppError {
    AppError::Conflict {
        code: "own_account",
        message: format!("Sie können {what} für Ihr eigenes Konto nicht ändern."),
    }
}

/// `PATCH /api/v1/users/{id}`: role and/or active flag.
pub async fn update(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> Result<axum::Json<UserSummary>, AppError> {
    let user = own_user(&state, &admin, id).await?;
    let now = state.clock.now();
    if let Some(role) = req.role
        && role != user.role()
    {
        if user.id == admin.user.id {
            return Err(not_yourself("die Rolle"));
        }
        role_allowed(&admin, role)?;
        store::set_role(&state.database, user.id, role).await?;
        audit_log::success(&admin.actor, "user_role_changed")
            .target(user.username.clone())
            .detail(format!("{} → {}", user.role().as_str(), role.as_str()))
            .record(&state.database, now)
            .await;
    }
    if let Some(active) = req.active
        && active != user.active
    {
        if user.id == admin.user.id {
            return Err(not_yourself("die Aktivierung"));
        }
        store::set_active(&state.database, user.id, active).await?;
        audit_log::success(
            &admin.actor,
            if active {
                "user_activated"
            } else {
                "user_deactivated"
            },
        )
        .target(user.username.clone())
        .record(&state.database, now)
        .await;
    }
    let user = store::user_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(axum::Json(user.summary()))
}

/// `POST /api/v1/users/{id}/reset-second-factor`: forces re-enrolment at the next sign-in.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(id): Path<i64>,
) -> Result<axum::Json<SecondFactorReset>, AppError> {
    let user = own_user(&state, &admin, id).await?;
    if user.demo {
        return Err(crate::demo::credentials_locked());
    }
    // Without this code the password alone would let whoever knows it enrol a new key.
    let enrolment_code = secrets::enrolment_code();
    let hash = secrets::hash_password(&le_domain::access::normalize_code(&enrolment_code))
        .map_err(|e| AppError::internal("argon2", e))?;
    store::reset_second_factor(&state.database, user.id, &hash).await?;
    audit_log::success(&admin.actor, "second_factor_reset")
        .target(user.username.clone())
        .detail("Einrichtungscode ausgegeben".to_owned())
        .record(&state.database, state.clock.now())
        .await;
    let user = store::user_by_id(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(axum::Json(SecondFactorReset {
        user: user.summary(),
        enrolment_code,
    }))
}
