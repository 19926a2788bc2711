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
    if let Some(field) = nul_field(bytes) {
        return Err(nul_refused(field));
    }
    Ok(value)
}

/// The message of a value with a NUL character: no stored text may hold one (PostgreSQL's text
/// cannot, and no form of the portal needs one), on either backend.
fn nul_refused(field: String) -> AppError {
    AppError::Validation(vec![FieldError {
        field,
        code: "control_character".to_owned(),
        message: "Das Nullzeichen (NUL) ist in keinem Feld zulässig.".to_owned(),
    }])
}

/// The path (`items[3].kind`) of the first string, key or value, of a JSON text that holds a NUL
/// (`\u0000`); `None` when none does. Cheap for the usual body: the JSON is walked only when its
/// text has the escape.
fn nul_field(bytes: &[u8]) -> Option<String> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    fn walk(value: &serde_json::Value, path: String) -> Option<String> {
        match value {
            serde_json::Value::String(s) => s.contains('\0').then_some(path),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, format!("{path}[{i}]"))),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.contains('\0') {
                    Some(here)
                } else {
                    walk(v, here)
                }
            }),
            _ => None,
        }
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    walk(&value, String::new())
}

/// Middleware of the API: a query parameter with a NUL (`%00`) is refused as that parameter's
/// error (422), before any handler sees it; NUL cannot be stored, compared or searched for.
pub async fn refuse_nul_in_query(
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    if let Some(query) = req.uri().query()
        && let Some(pair) = query.split('&').find(|pair| pair.contains("%00"))
    {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        return nul_refused(name.to_owned()).into_response();
    }
    if req.uri().path().contains("%00") {
        return nul_refused(String::new()).into_response();
    }
    next.run(req).await
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
