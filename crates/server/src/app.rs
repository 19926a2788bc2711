//! The router: every API area under `/api/v1` with the API-wide answers and limits, the SPA, and
//! the layers every response passes (panic guard, request log, security headers).
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::Predicate as _;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::AppError;
use crate::{
    AppState, access, audit_log, audits, care_billing, demo, directory, error, extract, kiosk,
    numbers, openapi, routes, security, spa, system,
};

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
