//! JSON body extractor whose every rejection is a structured `AppError` (never axum's plain text).
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use le_domain::FieldError;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Like `axum::Json`, but errors name the failing field path (e.g. `items[3].kind`) in German.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(AppError::UnsupportedMediaType {
                message: "Erwartet wird ein JSON-Körper (Content-Type: application/json)."
                    .to_owned(),
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge {
                    message: "Die Anfrage ist zu groß.".to_owned(),
                }
            } else {
                AppError::BadRequest {
                    code: "unreadable_body",
                    message: "Der Anfragekörper konnte nicht gelesen werden.".to_owned(),
                }
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Deserialises `bytes`, telling syntax errors (400) from content errors (422 with the field path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            let field = if path == "." { String::new() } else { path };
            AppError::Validation(vec![FieldError {
                field,
                code: "invalid_value".to_owned(),
                message: format!("Ungültiger oder fehlender Wert ({inner})."),
            }])
        } else {
            syntax_error(&inner)
        }
    })?;
    // Trailing bytes after the value are a syntax error too.
    de.end().map_err(|e| syntax_error(&e))?;
    Ok(value)
}

fn syntax_error(err: &serde_json::Error) -> AppError {
    AppError::BadRequest {
        code: "bad_json",
        message: format!(
            "Kein gültiges JSON: Zeile {}, Spalte {}.",
            err.line(),
            err.column()
        ),
    }
}
