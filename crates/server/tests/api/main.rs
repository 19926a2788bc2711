//! API tests: the real router on a real temporary SQLite database and a temporary SPA directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod audits;
mod care_billing;
mod demo;
mod demo_care;
mod directory;
mod directory_bulk;
mod directory_integrity;
mod fuzz;
mod hardening;
mod helpers;
mod kiosk;
mod matrix;
#[path = "../support/moto.rs"]
mod moto;
mod numbers;
mod openapi;
mod serving;
