//! LE-Portal server: wires the API areas, the SPA and the middleware into one router.
//!
//! Table of contents. Each API area (`access`, `audits`, `care_billing`, `directory`) has its
//! `router()` (the endpoints, in its `mod.rs`), a `caller` or extractors that authorise every
//! request with the domain's role matrix, one file per group of handlers, and a `store` that
//! holds every SQL statement of the area. The rules themselves (check digits, forms, deadlines,
//! limits, who may do what) live in the domain crate `le_domain`.
/// Registration, sign-in, sessions, users, roles and API tokens (SQL in `access/store/`).
pub mod access;
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
/// Where uploaded files live: a local directory or S3-compatible object storage.
pub mod storage;
/// Operations: health endpoint and the secret-key check at start-up.
pub mod system;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::serve::ListenerExt as _;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::Predicate as _;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::AppError;

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

/// Largest JSON body the API reads (a full 10,000-item validation is well below this).
const API_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Every endpoint of the JSON API under `/api/v1`, area by area.
pub fn api_routes(config: &Config) -> routes::ApiRouter {
    routes::ApiRouter::new()
        .merge(system::router())
        .merge(numbers::router())
        .merge(openapi::router())
        .merge(access::router(config.max_agreement_bytes))
        .merge(audit_log::router())
        .merge(audits::router())
        .merge(care_billing::router())
        .merge(demo::router(config))
        .merge(kiosk::router(config))
        .merge(directory::router())
}

/// The JSON API under `/api/v1`: the routes with the API-wide answers and limits.
fn api_router(config: &Config) -> Router<AppState> {
    api_routes(config)
        .into_router()
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(
            access::session::require_requested_with,
        ))
        .layer(axum::middleware::from_fn(extract::refuse_nul_in_query))
        .layer(axum::middleware::from_fn(error::json_rejections))
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        // No API answer is cached (the session answer carries the CSRF token); downloads that
        // set their own `private, no-store` keep it.
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        ))
        // PDFs are compressed already and can be 500 MB: only compress the JSON and CSV answers.
        .layer(CompressionLayer::new().compress_when(
            tower_http::compression::predicate::DefaultPredicate::new().and(
                tower_http::compression::predicate::NotForContentType::new("application/pdf"),
            ),
        ))
}

/// The whole application: API, SPA, logs, security headers.
pub fn app(state: AppState) -> Router {
    let dist = state.config.dist_dir.clone();
    let https = state.config.secure_cookies;
    let demo = state.config.demo;
    let router = Router::new()
        .nest("/api/v1", api_router(&state.config))
        .with_state(state)
        .merge(spa::router(&dist, demo))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::Internal("handler panicked".to_owned()).into_response_boxed()
        }))
        // Logs method, path (without query: it may carry tokens), status and latency; no bodies.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        );
    security::with_security_headers(router, &dist, https)
}

impl AppError {
    fn into_response_boxed(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}

/// Opens the database and builds the state from `config`, on the system clock.
pub async fn state_from_config(config: Config) -> Result<AppState, Box<dyn std::error::Error>> {
    state_with_clock(config, Arc::new(clock::SystemClock)).await
}

/// Like `state_from_config` with a given clock (tests control time with `ManualClock`).
pub async fn state_with_clock(
    config: Config,
    clock: Arc<dyn clock::Clock>,
) -> Result<AppState, Box<dyn std::error::Error>> {
    let mut config = config;
    config.settle_kiosk();
    if let Some(refusal) = kiosk::refusal(&config) {
        return Err(refusal.into());
    }
    files::create_private_dir(&config.data_dir)?;
    let url = config.database_url();
    let database = db::Database::connect(&url).await?;
    installation::settle(&database, config.demo, clock.now()).await?;
    if config.database_url.is_none() {
        // SQLite creates its files with the process umask; the WAL files copy the database's mode.
        let db_file = config.data_dir.join("le-portal.db");
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db_file.clone().into_os_string();
            name.push(suffix);
            files::restrict_file(std::path::Path::new(&name))?;
        }
    }
    let secrets = secret_box(&config)?;
    system::verify_secret_key(&database, &secrets, clock.now()).await?;
    let storage = storage::Storage::from_config(&config.storage, config.data_dir.clone())?;
    Ok(AppState {
        database,
        config: Arc::new(config),
        clock,
        secrets,
        storage,
        kiosk_visits: kiosk::Visits::default(),
    })
}

/// The key that encrypts stored secrets. On SQLite it is created in the data directory at the
/// first start; on PostgreSQL every instance must be given the cluster's one key
/// (`--secret-key-file`), which must exist.
pub fn secret_box(config: &Config) -> Result<secrets::SecretBox, String> {
    if db::is_postgres_url(&config.database_url()) {
        let Some(path) = &config.secret_key_file else {
            return Err(
                "PostgreSQL needs the key all instances share: --secret-key-file \
                 (LE_SECRET_KEY_FILE) naming a file of 32 random bytes, e.g. made with \
                 `head -c 32 /dev/urandom > secret.key`"
                    .to_owned(),
            );
        };
        return secrets::SecretBox::from_existing_key_file(path).map_err(|e| e.to_string());
    }
    secrets::SecretBox::from_key_file(&config.secret_key_path()).map_err(|e| e.to_string())
}

/// What a serving instance does before it accepts requests: removes temporary files of uploads
/// a killed server left behind, and seeds demo data in demo mode.
pub async fn start_up(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
    let stale = files::remove_stale_uploads(&state.config.data_dir);
    if stale > 0 {
        tracing::info!(stale, "removed temporary files of interrupted uploads");
    }
    if state.config.demo {
        demo::seed(state)
            .await
            .map_err(|e| format!("demo data: {e:?}"))?;
    }
    if state.config.kiosk {
        let seconds = demo::tour::seed(state)
            .await
            .map_err(|e| format!("demo tour data: {e:?}"))?;
        if seconds > 0.0 {
            tracing::info!(seconds, "kiosk demo data seeded");
        }
        kiosk::prepare(state)
            .await
            .map_err(|e| format!("kiosk snapshot: {e:?}"))?;
    }
    Ok(())
}

/// Binds, prints the bound address, and serves until Ctrl-C / SIGTERM.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listen = config.listen;
    let state = state_from_config(config).await?;
    start_up(&state).await?;
    // Purges closed audit cases after the retention period (at start, then hourly).
    audits::spawn_retention_job(state.clone());
    // Mails deadline reminders (one instance at a time, each reminder once per recipient).
    audits::spawn_reminder_job(state.clone());
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    // Printed on stdout so scripts and tests can find a port chosen by the OS.
    println!("LE-Portal listening on http://{local}");
    tracing::info!(%local, "listening");
    // Without TCP_NODELAY, static files stall 40 ms (Nagle + delayed ACK).
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "could not set TCP_NODELAY");
        }
    });
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
