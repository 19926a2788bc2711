//! The access endpoints: registration, sign-in and first-sign-in steps, MD approval, users, audit
//! log. One function per endpoint; mutating calls take the session's CSRF token.
use gloo_net::http::Request;
use le_domain::access::RegistrationForm;
use le_domain::api::access::{
    ApproveRequest, AuditPage, CreateTokenRequest, CreateUserRequest, CreatedToken, CreatedUser,
    CredentialLetter, MainIkRequest, RegistrationCreated, RegistrationState, RegistrationStatus,
    RegistrationSummary, RejectRequest, SecondFactorReset, SessionInfo, SetPasswordRequest,
    SignInRequest, StepResult, TokenSummary, TotpActivateRequest, TotpEnrolment, UpdateUserRequest,
    UserSummary,
};

use super::{ApiFailure, mutating, send_empty, send_json};

/// `POST /api/v1/registrations` (multipart: `form` = the form as JSON, `agreement` = the PDF).
pub async fn register(
    form: &RegistrationForm,
    agreement: &web_sys::File,
) -> Result<RegistrationCreated, ApiFailure> {
    let json = serde_json::to_string(form).map_err(|_| ApiFailure::browser())?;
    let body = web_sys::FormData::new().map_err(|_| ApiFailure::browser())?;
    body.append_with_str("form", &json)
        .and_then(|()| {
            body.append_with_blob_and_filename("agreement", agreement, &agreement.name())
        })
        .map_err(|_| ApiFailure::browser())?;
    // No content-type header: the browser sets multipart/form-data with its boundary.
    send_json(mutating(Request::post("/api/v1/registrations"), None).body(body)).await
}

/// `GET /api/v1/registrations/{reference}`
pub async fn registration_status(reference: &str) -> Result<RegistrationStatus, ApiFailure> {
    let url = format!("/api/v1/registrations/{}", encode(reference));
    send_json(Request::get(&url).build()).await
}

/// `POST /api/v1/auth/sign-in`
pub async fn sign_in(request: &SignInRequest) -> Result<StepResult, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/auth/sign-in"), None).json(request)).await
}

/// `GET /api/v1/auth/session`
pub async fn session() -> Result<SessionInfo, ApiFailure> {
    send_json(Request::get("/api/v1/auth/session").build()).await
}

/// `POST /api/v1/auth/sign-out`
pub async fn sign_out(csrf: &str) -> Result<(), ApiFailure> {
    send_empty(mutating(Request::post("/api/v1/auth/sign-out"), Some(csrf)).build()).await
}

/// `POST /api/v1/auth/sign-out-everywhere`
pub async fn sign_out_everywhere(csrf: &str) -> Result<(), ApiFailure> {
    send_empty(
        mutating(
            Request::post("/api/v1/auth/sign-out-everywhere"),
            Some(csrf),
        )
        .build(),
    )
    .await
}

/// `POST /api/v1/auth/totp/begin`
pub async fn totp_begin(csrf: &str) -> Result<TotpEnrolment, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/auth/totp/begin"), Some(csrf)).build()).await
}

/// `POST /api/v1/auth/totp/activate`
pub async fn totp_activate(
    csrf: &str,
    request: &TotpActivateRequest,
) -> Result<StepResult, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/auth/totp/activate"), Some(csrf)).json(request)).await
}

/// `POST /api/v1/auth/password`
pub async fn set_password(
    csrf: &str,
    request: &SetPasswordRequest,
) -> Result<StepResult, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/auth/password"), Some(csrf)).json(request)).await
}

/// `POST /api/v1/auth/recovery-codes`
pub async fn new_recovery_codes(csrf: &str) -> Result<StepResult, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/auth/recovery-codes"), Some(csrf)).build()).await
}

/// `GET /api/v1/admin/registrations?state=…`
pub async fn admin_registrations(
    state: RegistrationState,
) -> Result<Vec<RegistrationSummary>, ApiFailure> {
    let url = format!("/api/v1/admin/registrations?state={}", state_wire(state));
    send_json(Request::get(&url).build()).await
}

/// `GET /api/v1/admin/registrations/{id}/agreement` (opened as a link, not fetched).
pub fn agreement_url(id: i64) -> String {
    format!("/api/v1/admin/registrations/{id}/agreement")
}

/// `POST /api/v1/admin/registrations/{id}/approve`
pub async fn approve_registration(
    csrf: &str,
    id: i64,
    request: &ApproveRequest,
) -> Result<CredentialLetter, ApiFailure> {
    let url = format!("/api/v1/admin/registrations/{id}/approve");
    send_json(mutating(Request::post(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/admin/registrations/{id}/reject`
pub async fn reject_registration(
    csrf: &str,
    id: i64,
    request: &RejectRequest,
) -> Result<RegistrationSummary, ApiFailure> {
    let url = format!("/api/v1/admin/registrations/{id}/reject");
    send_json(mutating(Request::post(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/admin/registrations/{id}/letter` (new one-time password and new TOTP key).
pub async fn reissue_letter(csrf: &str, id: i64) -> Result<CredentialLetter, ApiFailure> {
    let url = format!("/api/v1/admin/registrations/{id}/letter");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/main-ik/requests` (hospital admins)
pub async fn main_ik_requests() -> Result<Vec<MainIkRequest>, ApiFailure> {
    send_json(Request::get("/api/v1/main-ik/requests").build()).await
}

/// `POST /api/v1/main-ik/requests/{institution_id}/confirm`
pub async fn confirm_main_ik(
    csrf: &str,
    institution_id: i64,
) -> Result<Vec<MainIkRequest>, ApiFailure> {
    let url = format!("/api/v1/main-ik/requests/{institution_id}/confirm");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/users`
pub async fn users() -> Result<Vec<UserSummary>, ApiFailure> {
    send_json(Request::get("/api/v1/users").build()).await
}

/// `POST /api/v1/users`
pub async fn create_user(
    csrf: &str,
    request: &CreateUserRequest,
) -> Result<CreatedUser, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/users"), Some(csrf)).json(request)).await
}

/// `PATCH /api/v1/users/{id}`
pub async fn update_user(
    csrf: &str,
    id: i64,
    request: &UpdateUserRequest,
) -> Result<UserSummary, ApiFailure> {
    let url = format!("/api/v1/users/{id}");
    send_json(mutating(Request::patch(&url), Some(csrf)).json(request)).await
}

/// `POST /api/v1/users/{id}/reset-second-factor`
pub async fn reset_second_factor(csrf: &str, id: i64) -> Result<SecondFactorReset, ApiFailure> {
    let url = format!("/api/v1/users/{id}/reset-second-factor");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/audit-log?<query>`; `query` is already encoded (see [`audit_log_csv_url`]).
pub async fn audit_log(query: &str) -> Result<AuditPage, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/audit-log?{query}")).build()).await
}

/// `GET /api/v1/audit-log.csv?<query>` (a plain download link).
pub fn audit_log_csv_url(query: &str) -> String {
    format!("/api/v1/audit-log.csv?{query}")
}

fn state_wire(state: RegistrationState) -> &'static str {
    match state {
        RegistrationState::Pending => "pending",
        RegistrationState::Approved => "approved",
        RegistrationState::Rejected => "rejected",
        RegistrationState::Expired => "expired",
    }
}

/// Percent-encodes one URL component (one encoder for the app: the route table's).
pub use crate::routes::encode;

/// `GET /api/v1/api-tokens`
pub async fn api_tokens() -> Result<Vec<TokenSummary>, ApiFailure> {
    send_json(Request::get("/api/v1/api-tokens").build()).await
}

/// `POST /api/v1/api-tokens` (the token is answered once).
pub async fn create_api_token(
    csrf: &str,
    request: &CreateTokenRequest,
) -> Result<CreatedToken, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/api-tokens"), Some(csrf)).json(request)).await
}

/// `DELETE /api/v1/api-tokens/{id}`
pub async fn revoke_api_token(csrf: &str, id: i64) -> Result<TokenSummary, ApiFailure> {
    let url = format!("/api/v1/api-tokens/{id}");
    send_json(mutating(Request::delete(&url), Some(csrf)).build()).await
}
