//! Operations: the health endpoint (database and file store) and the start-up check that the
//! secret key is the one this database was created with.
/// `le-server import --from DIR`: an SQLite installation moved into PostgreSQL and the file store.
pub mod import;
/// The SQL of the area: the database ping and the sealed key check.
mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;

use crate::AppState;

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new().route("/health", get(health))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    /// Which database backend this instance runs on: "sqlite" or "postgres".
    backend: &'static str,
    storage: &'static str,
    version: &'static str,
}

/// `GET /api/v1/health`: 200 when the database and the file store answer, 503 otherwise (a load
/// balancer takes the instance out).
async fn health(State(state): State<AppState>) -> (StatusCode, axum::Json<Health>) {
    let db_ok = store::ping(&state.database).await;
    let storage_ok = state.storage.is_reachable().await;
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let all = db_ok && storage_ok;
    (
        if all {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        axum::Json(Health {
            status: if all { "ok" } else { "degraded" },
            database: word(db_ok),
            backend: state.database.backend(),
            storage: word(storage_ok),
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}

/// What the check value holds (any constant: only whether the key opens it matters).
const KEY_CHECK: &[u8] = b"LE-Portal secret key check";

/// Refuses a secret key other than the one the database was first opened with.
pub async fn verify_secret_key(
    db: &crate::db::Database,
    secrets: &crate::secrets::SecretBox,
    now: i64,
) -> Result<(), String> {
    let stored = store::key_check(db, &secrets.seal(KEY_CHECK), now)
        .await
        .map_err(|e| format!("key check: {e}"))?;
    if secrets.open(&stored).as_deref() == Some(KEY_CHECK) {
        Ok(())
    } else {
        Err(
            "the secret key does not match this database (another key file?): every instance \
             of one installation needs the same key (--secret-key-file or LE_SECRET_KEY_FILE)"
                .to_owned(),
        )
    }
}
