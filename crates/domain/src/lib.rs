//! LE-Portal domain rules shared by the server and the SPA: number formats, errors and API types.
//!
//! Pure by design (no I/O, no platform-specific dependencies) so the very same checks run on the
//! server and live in the browser (wasm32).

pub mod access;
pub mod api;
pub mod audits;
pub mod calendar;
pub mod care_billing;
pub mod directory;
pub mod documents;
pub mod error;
pub mod holidays;
pub mod numbers;
pub mod text;

/// CSV as the product writes it everywhere (Excel's dialect, formula-like cells neutralised).
pub mod spreadsheet {
    pub use crate::directory::table::{BOM, safe_cell, write_table};
}

pub use error::{ApiErrorBody, ErrorDetail, FieldError, ValidationError};
pub use numbers::{Anr, Ik, Lbnr, NumberKind, SiteNumber};
