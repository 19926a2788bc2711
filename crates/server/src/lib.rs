//! LE-Portal server: wires the API areas, the SPA and the middleware into one router.
//!
//! Table of contents. Each API area (`access`, `audits`, `care_billing`, `directory`) has its
//! `router()` (the endpoints, in its `mod.rs`), a `caller` or extractors that authorise every
//! request with the domain's role matrix, one file per group of handlers, and a `store` that
//! holds every SQL statement of the area. The rules themselves (check digits, forms, deadlines,
//! limits, who may do what) live in the domain crate `le_domain`.
/// Registration, sign-in, sessions, users, roles and API tokens (SQL in `access/store/`).
pub mod access;
/// The router: the areas' endpoints, the SPA and the layers every response passes.
mod app;
/// The audit log: one short call per outcome, and the scoped reading of it.
pub mod audit_log;
/// Audit exchange with the Medical Service: cases, requests, deadlines, uploads, reports.
pub mod audits;
/// Care billing (§ 105 SGB XI): set-up, staff, sealed deliveries, certificates.
pub mod care_billing;
/// The one clock: Unix time, and the legal (Berlin) day every deadline is computed for.
pub mod clock;
/// Configuration from flags with environment fallbacks (`--help` lists every setting).
pub mod config;
/// Database connection, write transactions and the embedded migrations.
pub mod db;
/// Demo mode: invented institutions, people and records, seeded through the area stores.
pub mod demo;
/// Physician directory: sites, records, ANR registry, clarifications, bulk, HR CSV.
pub mod directory;
/// The one error type (`AppError`) and its JSON answer `{code,message,fields}`.
pub mod error;
/// JSON body extractor whose rejections are `AppError`s.
pub mod extract;
/// Files at rest: private data directory, streamed PDF receipt (`files::receive_chunks`).
pub mod files;
/// Whether the database was created for demo data or for real use.
pub mod installation;
/// Kiosk mode: the demo at a stand, with its snapshot, reset and upload limit (SQLite only).
pub mod kiosk;
/// Outgoing mail: the one SMTP transport (care deliveries, audit reminders).
pub mod mail;
/// Number checks (ANR, IK, site number, LBNR) for the browser's live check.
pub mod numbers;
/// The OpenAPI document of the machine interface, generated from the handlers.
pub mod openapi;
/// The route table (`ApiRouter`): records every path so tests can list them all.
pub mod routes;
/// Random values, password hashing, TOTP, encryption of stored secrets.
pub mod secrets;
/// Security headers and the Content-Security-Policy of every response.
pub mod security;
/// Serves the built SPA (pre-compressed, cached, index.html fallback).
pub mod spa;
/// Start-up: state from the configuration, clean-up and seeding, serving until shutdown.
mod startup;
/// Where uploaded files live: a local directory or S3-compatible object storage.
pub mod storage;
/// Operations: health endpoint and the secret-key check at start-up.
pub mod system;

use std::sync::Arc;

use crate::config::Config;

pub use app::{api_routes, app};
pub use startup::{run, secret_box, start_up, state_from_config, state_with_clock};

/// What every handler may need.
#[derive(Clone)]
pub struct AppState {
    /// The database: embedded SQLite (default) or PostgreSQL; every store takes it.
    pub database: db::Database,
    pub config: Arc<Config>,
    pub clock: Arc<dyn clock::Clock>,
    /// Encrypts secrets at rest (TOTP keys).
    pub secrets: secrets::SecretBox,
    /// Uploaded files: the data directory, or object storage (`--s3-…`).
    pub storage: storage::Storage,
    /// Kiosk mode: the visits since the last reset (empty otherwise).
    pub kiosk_visits: kiosk::Visits,
}
