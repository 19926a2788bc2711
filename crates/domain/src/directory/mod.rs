//! The hospital physician directory (KHANR-VZ, seed 003): dates, specialty catalog, physician
//! records and their rules, ANR issuing, identity matching, bulk edits and the CSV exchanges.
//!
//! Everything is re-exported here; the submodules hold the documentation of each part (the HR
//! CSV and site directory formats, the identity rule, the reading of the ANR group rule).
//!
//! Pure like the rest of the crate: nothing reads the clock or files at run time; rules that need
//! "today" take it as an argument, and the data tables are embedded at compile time.

/// Longest message of a clarification's document request (office to hospital).
pub const CLARIFICATION_MESSAGE_MAX_CHARS: usize = 1000;

pub mod anr_issue;
pub mod bulk;
pub mod date;
pub mod hr_csv;
pub mod identity;
pub mod packed;
pub mod parts;
pub mod periods;
pub mod physician;
pub mod site_directory;
pub mod specialty;
pub(crate) mod table;

pub use anr_issue::{issue_new_anr, regroup_after_first_recognition, specialty_group_for};
pub use bulk::{
    BulkAction, BulkOutcome, Change, MAX_BULK_RECORDS, OutcomeKind, SettableField, UNCHANGED,
    apply_bulk, apply_bulk_at, bulk_outcome, bulk_outcome_kind, bulk_preview, bulk_preview_at,
    check_bulk_selection, thousands,
};
pub use date::{Date, GERMAN_FORMAT, ISO_FORMAT};
pub use hr_csv::{HR_CSV_COLUMNS, HrRow, parse_hr_csv, write_hr_csv};
pub use identity::{
    Difference, Identity, IdentityField, IdentityMatch, MatchOutcome, explainable, normalize_name,
};
pub use packed::{PACKED_COLUMNS, PackedRecords, PackedRow};
pub use periods::{ActivityPeriod, activity_periods};
pub use physician::{
    EARLIEST_BIRTH_DATE, EMPTY_VALUE, HospitalSite, MAX_START_DAYS_AHEAD, MIN_AGE_AT_STATE_EXAM,
    NAME_MAX_CHARS, OPEN_END, PhysicianForm, PhysicianRecord, RequestState, Sex, SiteAssignment,
    SpecialtyEntry, check_name, check_personal_anr, check_write, site_is_allowed,
};
pub use site_directory::{
    Land, SITE_DIRECTORY_COLUMNS, SITE_TEXT_MAX_CHARS, SiteChange, SiteDiff, SiteEntry, diff_sites,
    parse_site_directory, sites_of, write_site_directory,
};
pub use specialty::{IN_TRAINING_CODE, IN_TRAINING_LABEL, Specialty, SpecialtyCatalog};
pub use table::{BOM, LineError};
