//! Operational endpoints: health.
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
    version: &'static str,
}

/// `GET /api/v1/health`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> (StatusCode, axum::Json<Health>) {
    let db_ok = crate::db::ping(&state.db).await;
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(Health {
            status: if db_ok { "ok" } else { "degraded" },
            database: if db_ok { "ok" } else { "unavailable" },
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}
