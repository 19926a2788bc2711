//! The one server error type and its mapping to HTTP responses with a JSON body.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use le_domain::{ApiErrorBody, FieldError};

/// Every handler returns this on failure; `into_response` is the only place errors become HTTP.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request could not be read (bad JSON, wrong encoding).
    BadRequest { code: &'static str, message: String },
    /// 415: the body is not of the expected media type.
    UnsupportedMediaType { message: String },
    /// 413: the body exceeds the limit.
    PayloadTooLarge { message: String },
    /// 422: the request was read but its content breaks rules; one entry per field.
    Validation(Vec<FieldError>),
    /// 401: no valid session (or wrong credentials).
    Unauthorized { code: &'static str, message: String },
    /// 403: signed in, but not allowed.
    Forbidden { code: &'static str, message: String },
    /// 409: the resource is not in a state that allows this.
    Conflict { code: &'static str, message: String },
    /// 502: a server we depend on (the mail server) refused or failed; the message says which.
    BadGateway { code: &'static str, message: String },
    /// 429: too many attempts; retry after the given seconds. `reason` is the German sentence
    /// that says of what (the waiting time is added).
    Throttled {
        retry_after: i64,
        reason: &'static str,
    },
    /// 404: no such resource (or not visible to the caller).
    NotFound,
    /// 405: the route exists with other methods.
    MethodNotAllowed,
    /// 500: logged with its cause, never echoed to the client.
    Internal(String),
}

impl AppError {
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        AppError::Internal(format!("{context}: {err}"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn body(self) -> ApiErrorBody {
        match self {
            AppError::BadRequest { code, message } => ApiErrorBody::new(code, message),
            AppError::UnsupportedMediaType { message } => {
                ApiErrorBody::new("unsupported_media_type", message)
            }
            AppError::PayloadTooLarge { message } => {
                ApiErrorBody::new("payload_too_large", message)
            }
            AppError::Validation(fields) => ApiErrorBody::validation_failed(fields),
            AppError::Unauthorized { code, message }
            | AppError::Forbidden { code, message }
            | AppError::Conflict { code, message }
            | AppError::BadGateway { code, message } => ApiErrorBody::new(code, message),
            AppError::Throttled {
                retry_after,
                reason,
            } => ApiErrorBody::new(
                "throttled",
                format!(
                    "{reason} Bitte {} erneut versuchen.",
                    waiting_time(retry_after)
                ),
            ),
            AppError::NotFound => ApiErrorBody::new("not_found", "Nicht gefunden.".to_owned()),
            AppError::MethodNotAllowed => ApiErrorBody::new(
                "method_not_allowed",
                "Diese Methode ist hier nicht erlaubt.".to_owned(),
            ),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ApiErrorBody::new(
                    "internal",
                    "Interner Fehler. Bitte später erneut versuchen.".to_owned(),
                )
            }
        }
    }
}

/// "in einer Sekunde", "in 7 Sekunden", "in 15 Minuten" (rounded up).
fn waiting_time(seconds: i64) -> String {
    match seconds {
        ..=1 => "in einer Sekunde".to_owned(),
        2..=119 => format!("in {seconds} Sekunden"),
        _ => format!("in {} Minuten", (seconds + 59) / 60),
    }
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden {
            code: "forbidden",
            message: "Dafür fehlt Ihnen die Berechtigung.".to_owned(),
        }
    }

    pub fn unauthenticated() -> Self {
        AppError::Unauthorized {
            code: "unauthenticated",
            message: "Bitte melden Sie sich an.".to_owned(),
        }
    }

    /// A 422 for one field.
    pub fn field(field: &str, error: &le_domain::ValidationError) -> Self {
        AppError::Validation(vec![error.for_field(field)])
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = match &self {
            AppError::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let mut res = (status, axum::Json(self.body())).into_response();
        if let Some(seconds) = retry
            && let Ok(v) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal("database", err)
    }
}

/// Middleware: client errors produced outside our handlers (axum's rejections of a bad path or
/// query parameter) come as plain text; turn them into the API's JSON error shape.
pub async fn json_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error()
        || is_json
        || res
            .headers()
            .contains_key(axum::http::header::CONTENT_DISPOSITION)
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let body = ApiErrorBody::new(
        "bad_request",
        format!("Die Anfrage ist ungültig: {}", detail.trim()),
    );
    let mut res = (parts.status, axum::Json(body)).into_response();
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            res.headers_mut().insert(name.clone(), value.clone());
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    // A new variant does not compile until it is named here, and then the test fails until
    // `samples` maps it to its status and code.
    le_domain::name_every_variant!(
        AppError, samples:
        BadRequest,
        UnsupportedMediaType,
        PayloadTooLarge,
        Validation,
        Unauthorized,
        Forbidden,
        Conflict,
        BadGateway,
        Throttled,
        NotFound,
        MethodNotAllowed,
        Internal,
    );

    /// Every variant with the status and body it must give.
    fn samples() -> Vec<(AppError, StatusCode, &'static str, &'static str)> {
        let text = |s: &str| s.to_owned();
        vec![
            (
                AppError::BadRequest {
                    code: "bad_json",
                    message: text("Kein JSON."),
                },
                StatusCode::BAD_REQUEST,
                "bad_json",
                "Kein JSON.",
            ),
            (
                AppError::UnsupportedMediaType {
                    message: text("Nur PDF."),
                },
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Nur PDF.",
            ),
            (
                AppError::PayloadTooLarge {
                    message: text("Zu groß."),
                },
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Zu groß.",
            ),
            (
                AppError::field("ik", &le_domain::ValidationError::Required),
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Die Eingaben sind nicht gültig. Bitte die markierten Felder korrigieren.",
            ),
            (
                AppError::unauthenticated(),
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Bitte melden Sie sich an.",
            ),
            (
                AppError::forbidden(),
                StatusCode::FORBIDDEN,
                "forbidden",
                "Dafür fehlt Ihnen die Berechtigung.",
            ),
            (
                AppError::Conflict {
                    code: "not_pending",
                    message: text("Schon entschieden."),
                },
                StatusCode::CONFLICT,
                "not_pending",
                "Schon entschieden.",
            ),
            (
                AppError::BadGateway {
                    code: "mail_refused",
                    message: text("Der Mailserver lehnt ab."),
                },
                StatusCode::BAD_GATEWAY,
                "mail_refused",
                "Der Mailserver lehnt ab.",
            ),
            (
                AppError::Throttled {
                    retry_after: 7,
                    reason: "Zu viele Versuche.",
                },
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "Zu viele Versuche. Bitte in 7 Sekunden erneut versuchen.",
            ),
            (
                AppError::NotFound,
                StatusCode::NOT_FOUND,
                "not_found",
                "Nicht gefunden.",
            ),
            (
                AppError::MethodNotAllowed,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Diese Methode ist hier nicht erlaubt.",
            ),
            (
                AppError::internal("database", "disk full"),
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                // The cause is logged, never echoed.
                "Interner Fehler. Bitte später erneut versuchen.",
            ),
        ]
    }

    #[test]
    fn every_variant_has_its_status_code_and_message() {
        for (err, status, code, message) in samples() {
            assert_eq!(err.status(), status, "{err:?}");
            let body = err.body();
            assert_eq!((body.code.as_str(), body.message.as_str()), (code, message));
        }
    }

    #[test]
    fn throttled_answers_say_when_to_retry() {
        let res = AppError::Throttled {
            retry_after: 900,
            reason: "Zu viele Versuche.",
        }
        .into_response();
        assert_eq!(
            res.headers().get(axum::http::header::RETRY_AFTER),
            Some(&axum::http::HeaderValue::from_static("900"))
        );
        assert_eq!(waiting_time(1), "in einer Sekunde");
        assert_eq!(waiting_time(119), "in 119 Sekunden");
        assert_eq!(waiting_time(121), "in 3 Minuten");
    }
}
