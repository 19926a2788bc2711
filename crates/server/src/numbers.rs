//! Number checks (ANR, IK, site number, LBNR): the server twin of the browser's live check.
use axum::routing::post;
use le_domain::FieldError;
use le_domain::api::validate::{MAX_VALIDATE_ITEMS, ValidateRequest, ValidateResponse, validate};

use crate::error::AppError;
use crate::extract::ApiJson;

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new().route("/validate", post(validate_numbers))
}

/// `POST /api/v1/validate`: checks up to `MAX_VALIDATE_ITEMS` numbers, answering in request order.
async fn validate_numbers(
    ApiJson(request): ApiJson<ValidateRequest>,
) -> Result<axum::Json<ValidateResponse>, AppError> {
    if request.items.len() > MAX_VALIDATE_ITEMS {
        return Err(AppError::Validation(vec![FieldError::new(
            "items",
            "too_many_items",
            format!(
                "Höchstens {} Einträge je Anfrage, erhalten: {}.",
                format_count(MAX_VALIDATE_ITEMS),
                format_count(request.items.len())
            ),
        )]));
    }
    Ok(axum::Json(validate(&request)))
}

/// German thousands separator: 10000 → "10.000".
fn format_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_german_thousands() {
        assert_eq!(super::format_count(7), "7");
        assert_eq!(super::format_count(10_000), "10.000");
        assert_eq!(super::format_count(1_234_567), "1.234.567");
    }
}
