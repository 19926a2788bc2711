//! Request and response types of the access API (registration, approval, sign-in, enrolment,
//! users, audit log). Times are RFC 3339 strings in UTC.
use serde::{Deserialize, Serialize};

use crate::access::{InstitutionKind, Role};

/// `POST /api/v1/registrations` (multipart: part `form` = this as JSON, part `agreement` = PDF)
/// answers this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationCreated {
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    Pending,
    Approved,
    Rejected,
    /// Not decided within `access::REGISTRATION_EXPIRY_DAYS`: its IK and user name are free again.
    Expired,
}

impl RegistrationState {
    pub fn label(self) -> &'static str {
        match self {
            RegistrationState::Pending => "in Prüfung",
            RegistrationState::Approved => "freigegeben",
            RegistrationState::Rejected => "abgelehnt",
            RegistrationState::Expired => "abgelaufen",
        }
    }
}

/// `GET /api/v1/registrations/{reference}`: what the applicant may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationStatus {
    pub reference: String,
    pub state: RegistrationState,
    pub institution_name: String,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub reject_reason: Option<String>,
}

/// One registration in the MD admin's list (`GET /api/v1/admin/registrations?state=pending`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationSummary {
    pub id: i64,
    pub reference: String,
    pub state: RegistrationState,
    pub kind: InstitutionKind,
    pub ik: String,
    pub main_ik: Option<String>,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub admin_name: String,
    pub admin_email: String,
    pub admin_username: String,
    pub agreement_file_name: String,
    pub agreement_size: i64,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub reject_reason: Option<String>,
    /// Institutions already in the portal under the same Haupt-IK (a second one needs an
    /// explicit decision to approve, and sees that Haupt-IK's data only once the first confirms).
    #[serde(default)]
    pub same_main_ik: Vec<InstitutionRef>,
}

/// An institution named by IK and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionRef {
    pub id: i64,
    pub ik: String,
    pub name: String,
}

/// `POST /api/v1/admin/registrations/{id}/approve` (the body may be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproveRequest {
    /// Required when other institutions already use the registration's Haupt-IK.
    #[serde(default)]
    pub confirm_shared_main_ik: bool,
}

/// An institution that registered under the caller's Haupt-IK and waits for the caller's
/// confirmation before it may see that Haupt-IK's data (`GET /api/v1/main-ik/requests`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MainIkRequest {
    pub institution: InstitutionRef,
    pub main_ik: String,
    pub approved_at: String,
}

/// `POST /api/v1/admin/registrations/{id}/reject`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectRequest {
    pub reason: String,
}

/// Everything the printable credential letter shows. Returned once by approval (and by
/// re-issuing, which replaces the credentials); never stored in plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialLetter {
    pub institution_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub recipient_name: String,
    pub username: String,
    pub one_time_password: String,
    /// Base32 TOTP key (160 bits, SHA-1, 6 digits, 30 s).
    pub totp_secret: String,
    pub totp_issuer: String,
    pub totp_account: String,
    pub issued_at: String,
}

/// `POST /api/v1/auth/sign-in`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
    /// 6-digit TOTP code or a recovery code; may be absent only while no second factor is set up.
    #[serde(default)]
    pub code: Option<String>,
}

/// What the signed-in session must do next before it may use the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// Set up an authenticator app (in-app QR).
    EnrolTotp,
    /// Replace the one-time password.
    SetPassword,
    /// Everything done.
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionInfo {
    pub id: i64,
    pub ik: String,
    pub kind: InstitutionKind,
    pub name: String,
    pub main_ik: Option<String>,
}

/// `GET /api/v1/auth/session` and the answer of every sign-in step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub institution: InstitutionInfo,
    pub stage: SessionStage,
    /// The CSRF token to send as `X-CSRF-Token` on every mutating request.
    pub csrf_token: String,
    pub idle_expires_at: String,
    pub absolute_expires_at: String,
}

/// Answer of a step that may finish set-up: the session, plus recovery codes shown exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepResult {
    pub session: SessionInfo,
    #[serde(default)]
    pub recovery_codes: Option<Vec<String>>,
    #[serde(default)]
    pub recovery_codes_remaining: Option<u32>,
}

/// `POST /api/v1/auth/totp/begin`: a new key to show as QR (client-side) and as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    pub secret: String,
    pub issuer: String,
    pub account: String,
    pub otpauth_uri: String,
}

/// `POST /api/v1/auth/totp/activate`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpActivateRequest {
    pub code: String,
    pub device_name: String,
}

/// `POST /api/v1/auth/password`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordRequest {
    /// Required outside the first sign-in.
    #[serde(default)]
    pub current_password: Option<String>,
    pub new_password: String,
}

/// One user as their institution's admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub totp_enrolled: bool,
    pub totp_device_name: Option<String>,
    pub must_change_password: bool,
    pub last_sign_in_at: Option<String>,
    pub created_at: String,
}

/// `POST /api/v1/users`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
}

/// Answer of creating a user: the one-time password, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub user: UserSummary,
    pub one_time_password: String,
}

/// Answer of resetting a user's second factor: the one-time set-up code the administrator hands
/// to the user (shown once); the next sign-in needs it together with the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorReset {
    pub user: UserSummary,
    pub enrolment_code: String,
}

/// `PATCH /api/v1/users/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Success,
    Failure,
    Denied,
}

/// One audit-log entry (`GET /api/v1/audit-log`, CSV at `/api/v1/audit-log.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub institution_ik: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub client_addr: Option<String>,
    pub outcome: AuditOutcome,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
}

/// What a machine client (API token) may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Audit exchange for hospital systems (KIS/archive): requests, uploads, receipts.
    Audits,
    /// Physician directory for HR systems.
    Directory,
    /// Care billing deliveries for a care service's billing software.
    CareBilling,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [
        TokenScope::Audits,
        TokenScope::Directory,
        TokenScope::CareBilling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Audits => "audits",
            TokenScope::Directory => "directory",
            TokenScope::CareBilling => "care_billing",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Audits => "Prüfverfahren (KIS-/Archivsystem)",
            TokenScope::Directory => "Arztverzeichnis (Personalsystem)",
            TokenScope::CareBilling => "Pflegeabrechnung (Abrechnungssoftware)",
        }
    }

    /// Scopes an institution of this kind may grant.
    pub fn allowed_for(kind: InstitutionKind) -> &'static [TokenScope] {
        match kind {
            InstitutionKind::Hospital => &[TokenScope::Audits, TokenScope::Directory],
            InstitutionKind::CareService => &[TokenScope::CareBilling],
            _ => &[],
        }
    }
}

/// `POST /api/v1/api-tokens`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTokenRequest {
    pub name: String,
    pub scopes: Vec<TokenScope>,
}

/// One API token as the admin sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<TokenScope>,
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// False when the creator's access was deactivated: the token no longer works.
    #[serde(default = "yes")]
    pub creator_active: bool,
}

fn yes() -> bool {
    true
}

/// Answer of creating a token: the secret value, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: String,
    pub summary: TokenSummary,
}
