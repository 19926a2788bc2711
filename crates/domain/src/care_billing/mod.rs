//! Care billing exchange (§ 105 SGB XI, seed 004): the kinds of service an insurer accepts, routing
//! by the region the care service chose, care workers' numbers per service line, and the 348-byte
//! order file (Auftragsdatei) that travels with every encrypted delivery. Code lists and the
//! routing table are data (`data/care_billing_*.csv`, described in `data/care_billing_data.md`).

mod kinds;
mod order_file;
mod routing;
mod staff;
mod workers;

pub use kinds::{Acceptance, KindCatalog, ServiceKind};
pub use order_file::{
    FIELDS, FieldKind, ORDER_FILE_LEN, OrderField, OrderFile, OrderFileError, Procedure, Timestamp,
    parse_order_file,
};
pub use routing::{Route, RoutingTable, data_carrier_address};
pub use staff::{STAFF_CSV_COLUMNS, StaffForm, StaffRow, parse_staff_csv};
pub use workers::{
    LBNR_REQUIRED_FROM, SUBSTITUTE_KIND, WorkerNumber, check_worker_number, lbnr_required,
};

/// Longest description of a delivery (the order file's field holds 30 characters).
pub const DESCRIPTION_MAX_CHARS: usize = 30;
/// Longest sender e-mail address (the order file's field holds 44 characters).
pub const SENDER_EMAIL_MAX_CHARS: usize = 44;
/// Longest name of a branch (Betriebsstätte).
pub const BRANCH_NAME_MAX_CHARS: usize = 100;
/// Longest note on an acceptance point's error return.
pub const ERROR_RETURN_NOTE_MAX_CHARS: usize = 500;
/// Longest reason given for a care worker's substitute number.
pub const SUBSTITUTE_REASON_MAX_CHARS: usize = 200;
