//! Request and response types of the JSON API, shared by the server and the SPA.

pub mod access;
pub mod audits;
pub mod care_billing;
pub mod demo;
pub mod directory;
pub mod validate;
