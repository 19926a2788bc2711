//! Typed client of the demo (kiosk) endpoint.
use gloo_net::http::Request;
use le_domain::api::demo::{DemoAccount, DemoStatus, KioskResetRequest};

use super::{ApiFailure, mutating, send_empty, send_json};

/// True when the server runs in demo mode: it marks the app shell with `<meta name="le-demo">`
/// (crates/server/src/spa.rs), so an installation for real use is never asked for demo accounts.
pub fn is_demo() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(r#"meta[name="le-demo"]"#).ok().flatten())
        .is_some()
}

/// `GET /api/v1/demo/accounts` (outside demo mode not even asked: the endpoint does not exist).
pub async fn accounts() -> Result<Vec<DemoAccount>, ApiFailure> {
    if !is_demo() {
        return Ok(Vec::new());
    }
    send_json(Request::get("/api/v1/demo/accounts").build()).await
}

/// `GET /api/v1/demo/status`: plain demo or kiosk (`None` outside demo mode, not asked).
pub async fn status() -> Result<Option<DemoStatus>, ApiFailure> {
    if !is_demo() {
        return Ok(None);
    }
    send_json(Request::get("/api/v1/demo/status").build())
        .await
        .map(Some)
}

/// `GET /api/v1/demo/care-key`: the demo care service's PKCS#12 file (demo mode only).
pub async fn care_key() -> Result<Vec<u8>, ApiFailure> {
    super::send(Request::get("/api/v1/demo/care-key").build())
        .await?
        .binary()
        .await
        .map_err(ApiFailure::network)
}

/// `POST /api/v1/kiosk/reset`: the visitor's end of the visit (with the session's CSRF token)
/// or staff's reset with the PIN. Every session ends.
pub async fn kiosk_reset(csrf: &str, pin: Option<String>) -> Result<(), ApiFailure> {
    let csrf = (!csrf.is_empty()).then_some(csrf);
    send_empty(
        mutating(Request::post("/api/v1/kiosk/reset"), csrf).json(&KioskResetRequest { pin }),
    )
    .await
}
