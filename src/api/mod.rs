//! Typed client for the server's JSON API (same request/response types as the server).
use gloo_net::http::Request;
use le_domain::ApiErrorBody;
use le_domain::api::validate::{ValidateRequest, ValidateResponse};

/// A failed API call, ready to show to people (German).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub message: String,
}

impl ApiFailure {
    fn network(err: impl std::fmt::Display) -> Self {
        ApiFailure {
            message: format!("Der Server ist nicht erreichbar ({err})."),
        }
    }
}

/// `POST /api/v1/validate`
pub async fn validate(request: &ValidateRequest) -> Result<ValidateResponse, ApiFailure> {
    let response = Request::post("/api/v1/validate")
        .header("X-Requested-With", "le-portal")
        .json(request)
        .map_err(ApiFailure::network)?
        .send()
        .await
        .map_err(ApiFailure::network)?;
    if response.ok() {
        response.json().await.map_err(ApiFailure::network)
    } else {
        let status = response.status();
        match response.json::<ApiErrorBody>().await {
            Ok(body) => Err(ApiFailure {
                message: body.message,
            }),
            Err(_) => Err(ApiFailure {
                message: format!("Der Server antwortete mit Status {status}."),
            }),
        }
    }
}
