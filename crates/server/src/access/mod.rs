//! Access: registration and approval, sign-in with a second factor, sessions, users and roles.
//! Who may do what is the domain's role matrix (`le_domain::access::Role::allows`); every SQL
//! statement of the area is in [`store`].
/// The MD administrator reviews, approves and rejects registrations and re-issues letters.
pub mod approval;
/// Sign-in with password and second factor, set-up of both, sign-out, recovery codes.
pub mod auth;
/// The first MD administrator, created from the command line.
pub mod bootstrap;
/// Access to a Haupt-IK shared by several hospitals, confirmed by the first one's admin.
pub mod main_ik;
/// The public registration form with the signed agreement (PDF).
pub mod registration;
/// Session cookie, CSRF, client address and the extractors that authorise by stage and role.
pub mod session;
/// All SQL of the area, one file per table group.
pub mod store;
/// Counting sign-in and registration attempts: delays and locks.
pub mod throttle;
/// API tokens of hospital and HR systems and the `ApiClient` extractor.
pub mod tokens;
/// User administration of each institution's admin.
pub mod users;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post};

pub fn router(max_agreement_bytes: u64) -> crate::routes::ApiRouter {
    // The multipart body carries the agreement plus a small form.
    let registration_limit = usize::try_from(max_agreement_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    crate::routes::ApiRouter::new()
        .route(
            "/registrations",
            post(registration::submit).layer(DefaultBodyLimit::max(registration_limit)),
        )
        .route("/registrations/{reference}", get(registration::status))
        .route("/auth/sign-in", post(auth::sign_in))
        .route("/auth/session", get(auth::current))
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/auth/sign-out-everywhere", post(auth::sign_out_everywhere))
        .route("/auth/totp/begin", post(auth::totp_begin))
        .route("/auth/totp/activate", post(auth::totp_activate))
        .route("/auth/password", post(auth::set_password))
        .route(
            "/auth/recovery-codes",
            post(auth::regenerate_recovery_codes),
        )
        .route("/admin/registrations", get(approval::list))
        .route(
            "/admin/registrations/{id}/agreement",
            get(approval::agreement),
        )
        .route("/admin/registrations/{id}/approve", post(approval::approve))
        .route("/admin/registrations/{id}/reject", post(approval::reject))
        .route(
            "/admin/registrations/{id}/letter",
            post(approval::reissue_letter),
        )
        .route("/main-ik/requests", get(main_ik::list))
        .route(
            "/main-ik/requests/{institution_id}/confirm",
            post(main_ik::confirm),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", patch(users::update))
        .route(
            "/users/{id}/reset-second-factor",
            post(users::reset_second_factor),
        )
        .route("/api-tokens", get(tokens::list).post(tokens::create))
        .route("/api-tokens/{id}", delete(tokens::revoke))
}
