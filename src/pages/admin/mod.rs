//! Administration: registrations (MD), users, API tokens and audit log (institution admins).
pub mod api_tokens;
pub mod audit_log;
pub mod registrations;
pub mod users;
