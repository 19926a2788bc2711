//! Administration: registrations (MD), users and audit log (institution admins).
pub mod audit_log;
pub mod registrations;
pub mod users;
