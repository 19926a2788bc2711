//! LE-Portal domain rules shared by the server and the SPA: number formats, errors and API types.
//!
//! Pure by design (no I/O, no platform-specific dependencies) so the very same checks run on the
//! server and live in the browser (wasm32).

/// OpenAPI schema of a type serialised as a string (`try_from`/`into` String): its pattern and
/// description come from the domain's rule, so the document says what the parser accepts.
#[cfg(feature = "openapi")]
macro_rules! string_schema {
    ($ty:ty, $pattern:expr, $description:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some($pattern))
                    .description(Some($description))
                    .into()
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}

pub mod access;
pub mod api;
pub mod audits;
pub mod care_billing;
pub mod directory;
pub mod documents;
pub mod error;
pub mod numbers;
pub mod text;

/// CSV as the product writes it everywhere (Excel's dialect, formula-like cells neutralised).
pub mod spreadsheet {
    pub use crate::directory::table::{BOM, safe_cell, write_table};
}

pub use error::{ApiErrorBody, ErrorDetail, FieldError, ValidationError};
pub use numbers::{Anr, Ik, Lbnr, NumberKind, SiteNumber};

#[cfg(feature = "openapi")]
mod schemas {
    string_schema!(
        crate::Ik,
        "^[0-9]{9}$",
        "Institutionskennzeichen (9 Ziffern, Prüfziffer an Stelle 9)."
    );
    string_schema!(
        crate::SiteNumber,
        "^77[0-9]{7}$",
        "Standortnummer (9 Ziffern, beginnt mit 77)."
    );
    string_schema!(
        crate::Anr,
        "^[0-9]{9}$",
        "Lebenslange Arztnummer (9 Ziffern, Prüfziffer an Stelle 7)."
    );
    string_schema!(
        crate::Lbnr,
        "^[0-9]{9}$",
        "Beschäftigtennummer einer Pflegekraft (LBNR, 9 Ziffern)."
    );
}
