//! Care billing exchange (§ 105 SGB XI, seed 004): the kinds of service an insurer accepts, routing
//! by the region the care service chose, care workers' numbers per service line, and the 348-byte
//! order file (Auftragsdatei) that travels with every encrypted delivery. Code lists and the
//! routing table are data (`data/care_billing_*.csv`, described in `data/care_billing_data.md`).

mod kinds;
mod order_file;
mod routing;
mod workers;

pub use kinds::{Acceptance, KindCatalog, ServiceKind};
pub use order_file::{
    FIELDS, FieldKind, ORDER_FILE_LEN, OrderField, OrderFile, OrderFileError, Procedure, Timestamp,
    parse_order_file,
};
pub use routing::{Route, RoutingTable};
pub use workers::{
    LBNR_REQUIRED_FROM, SUBSTITUTE_KIND, WorkerNumber, check_worker_number, lbnr_required,
};

use crate::FieldError;

/// A field error of this area (German message, stable code).
pub(crate) fn field_error(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message,
    }
}
