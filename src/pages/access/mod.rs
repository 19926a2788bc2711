//! Access: registration, sign-in with its first-time set-up steps, and the own account.
pub mod account;
pub mod enrol_totp;
pub mod recovery_codes;
pub mod registration;
pub mod registration_status;
pub mod set_password;
pub mod sign_in;
