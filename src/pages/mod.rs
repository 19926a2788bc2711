//! One module per route; areas with several routes have their own folder.
pub mod access;
pub mod admin;
pub mod audits;
pub mod care_billing;
pub mod contact;
pub mod directory;
pub mod home;
pub mod kiosk;
pub mod not_found;
pub mod number_check;
