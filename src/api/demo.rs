//! Typed client of the demo (kiosk) endpoint.
use gloo_net::http::Request;
use le_domain::api::demo::DemoAccount;

use super::{ApiFailure, send_json};

/// `GET /api/v1/demo/accounts`: empty outside demo mode.
pub async fn accounts() -> Result<Vec<DemoAccount>, ApiFailure> {
    send_json(Request::get("/api/v1/demo/accounts").build()).await
}
