//! Demo (kiosk) mode: the seeded accounts with the code an authenticator app would show now.
use serde::{Deserialize, Serialize};

use crate::access::Role;

/// One demo account (`GET /api/v1/demo/accounts`; an empty list outside demo mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: String,
    pub institution: String,
    pub password: String,
    /// The code an authenticator app would show now.
    pub code: String,
    /// Seconds until the code changes.
    pub code_valid_for: i64,
}
