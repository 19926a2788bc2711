//! Typed client of the demo (kiosk) endpoint.
use gloo_net::http::Request;
use le_domain::api::demo::DemoAccount;

use super::{ApiFailure, send_json};

/// True when the server runs in demo mode: it marks the app shell with `<meta name="le-demo">`
/// (crates/server/src/spa.rs), so an installation for real use is never asked for demo accounts.
pub fn is_demo() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(r#"meta[name="le-demo"]"#).ok().flatten())
        .is_some()
}

/// `GET /api/v1/demo/accounts`: empty outside demo mode (and then not even asked).
pub async fn accounts() -> Result<Vec<DemoAccount>, ApiFailure> {
    if !is_demo() {
        return Ok(Vec::new());
    }
    send_json(Request::get("/api/v1/demo/accounts").build()).await
}
