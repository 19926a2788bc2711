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
            AppError::Validation(fields) => ApiErrorBody::new(
                "validation_failed",
                "Die Eingaben sind nicht gültig.".to_owned(),
            )
            .with_fields(fields),
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, axum::Json(self.body())).into_response()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal("database", err)
    }
}
