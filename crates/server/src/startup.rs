//! Start-up: the state from the configuration (database, secret key, file store), what an
//! instance does before it serves (clean-up, demo seed, kiosk snapshot), and serving until a
//! shutdown signal.
use std::sync::Arc;

use axum::serve::ListenerExt as _;

use crate::config::Config;
use crate::{
    AppState, app, audits, clock, db, demo, files, installation, kiosk, secrets, storage, system,
};

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
