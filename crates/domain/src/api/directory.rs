//! Request and response types of the physician-directory API (sites, physicians, ANR requests
//! and clarifications, bulk edits, HR import/export). Times are RFC 3339 strings (UTC), dates ISO.
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::directory::{
    BulkAction, BulkOutcome, Difference, PACKED_COLUMNS, PackedRecords, PhysicianForm,
    PhysicianRecord, SiteEntry,
};

/// `POST /api/v1/sites/import` (office; also `le-server import-sites FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteImportRequest {
    /// The national site directory file (format: `crates/domain/data/site_directory_format.md`).
    pub csv: String,
    /// Only report what would change.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a site import changes (or would change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteImportReport {
    pub applied: bool,
    pub new: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// One line error of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportLineError {
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// `GET /api/v1/sites`: the caller's sites (hospital) or all sites (office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteList {
    pub sites: Vec<SiteEntry>,
    /// The hospital's sites that left the national directory: existing assignments to them
    /// stay and can be ended, new ones are refused (`site_removed`). Empty for the office.
    #[serde(default)]
    pub removed: Vec<SiteEntry>,
}

/// `PUT /api/v1/physicians/{id}`: the edited form and the version it was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePhysicianRequest {
    pub version: i64,
    pub form: PhysicianForm,
}

/// `GET /api/v1/physicians`: every physician of the caller's hospital (filtered in the browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhysicianList {
    pub physicians: Vec<PhysicianRecord>,
}

/// `GET /api/v1/physicians/table`: the records of [`PhysicianList`] packed for the grid (the
/// SPA reads this one): each row is an array with the fields named in `columns`, dates as days
/// since 1970-01-01, `specialties` as `[code, date]` and `sites` as `[site_number, start, end]`
/// lists. About a third of the bytes of the keyed list, in the same (display) order. With
/// `?limit=n` only the first `n` rows (the grid paints its first screen from them while the
/// whole table loads); `total` counts every record either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhysicianTable {
    /// The field names of a row, in order.
    #[serde(default)]
    pub columns: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Value>>))]
    pub rows: PackedRecords,
    /// How many records the hospital has (more than `rows` when limited).
    #[serde(default)]
    pub total: u64,
}

impl PhysicianTable {
    /// The table of all `records` (kept in their order).
    pub fn new(records: Vec<PhysicianRecord>) -> PhysicianTable {
        let total = records.len() as u64;
        PhysicianTable::first_of(records, total)
    }

    /// The first `records` (in order) of `total`.
    pub fn first_of(records: Vec<PhysicianRecord>, total: u64) -> PhysicianTable {
        PhysicianTable {
            columns: PACKED_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            rows: PackedRecords(records),
            total,
        }
    }

    /// Whether the rows are every record (not only the first of them).
    pub fn is_complete(&self) -> bool {
        self.rows.0.len() as u64 >= self.total
    }
}

/// State of a clarification between directory and registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClarificationState {
    Open,
    DocumentRequested,
    DocumentProvided,
    Resolved,
}

impl ClarificationState {
    pub fn label(self) -> &'static str {
        match self {
            ClarificationState::Open => "offen",
            ClarificationState::DocumentRequested => "Dokumentkopie angefordert",
            ClarificationState::DocumentProvided => "Dokumentkopie eingereicht",
            ClarificationState::Resolved => "geklärt",
        }
    }
}

/// Which value the office accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AcceptedSide {
    /// The hospital's data is right: the registry is updated.
    Directory,
    /// The registry's data is right: the hospital's record is updated.
    Registry,
    /// Not the same person: the record gets a new ANR, the registry's person stays untouched.
    DifferentPerson,
}

impl AcceptedSide {
    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            AcceptedSide::Directory => "Angaben des Krankenhauses übernommen",
            AcceptedSide::Registry => "Angaben der Vergabestelle übernommen",
            AcceptedSide::DifferentPerson => "andere Person – neue Arztnummer vergeben",
        }
    }
}

/// A mismatch reported by the registry. The office sees both values side by side and the
/// registry's ANR; the hospital sees only which fields differ (its own values), since the
/// registry's person may be someone it does not employ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clarification {
    pub id: i64,
    pub physician_id: i64,
    pub physician_name: String,
    pub hospital_name: String,
    pub main_ik: String,
    /// `None` for the hospital.
    pub registry_anr: Option<String>,
    pub differences: Vec<Difference>,
    pub state: ClarificationState,
    pub office_message: Option<String>,
    pub document_available: bool,
    pub accepted: Option<AcceptedSide>,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/v1/clarifications/{id}/resolve` (office)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    pub accept: AcceptedSide,
}

/// `POST /api/v1/clarifications/{id}/request-document` (office)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DirectoryDocumentRequest))]
pub struct DocumentRequest {
    pub message: String,
}

/// One selected physician with the version the browser saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionedId {
    pub id: i64,
    pub version: i64,
}

/// `POST /api/v1/physicians/bulk/preview` and `…/bulk/apply`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    pub items: Vec<VersionedId>,
    pub action: BulkAction,
}

/// One line of a bulk preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkPreviewItem {
    pub id: i64,
    pub version: i64,
    pub outcome: BulkOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkPreview {
    pub items: Vec<BulkPreviewItem>,
}

/// Answer of an applied bulk edit: undo it with `POST /api/v1/physicians/bulk/{operation_id}/undo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkApplied {
    pub operation_id: i64,
    pub changed: usize,
    pub unchanged: usize,
    /// The new state of every changed record.
    pub physicians: Vec<PhysicianRecord>,
}

/// `GET /api/v1/physicians/bulk/progress/{key}`: how far a running apply or undo (started with
/// `?progress={key}`) has come; `running: false` before it starts and once it has finished (its
/// own answer says how), so that polling never meets an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkProgress {
    /// Whether an apply or undo runs under the key now.
    pub running: bool,
    /// Records saved so far (in the operation's one transaction: nothing is visible before all are).
    pub done: usize,
    pub total: usize,
}

/// Answer of an undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkUndone {
    pub restored: usize,
    pub physicians: Vec<PhysicianRecord>,
}

/// `POST /api/v1/physicians/import` (HR CSV as Excel writes it)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HrImportRequest {
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
}

/// What one CSV row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Create,
    Update,
    Unchanged,
    Error,
}

impl RowOutcome {
    pub fn label(self) -> &'static str {
        match self {
            RowOutcome::Create => "neu",
            RowOutcome::Update => "geändert",
            RowOutcome::Unchanged => "unverändert",
            RowOutcome::Error => "Fehler",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HrImportRow {
    pub line: usize,
    pub name: String,
    pub outcome: RowOutcome,
    pub physician_id: Option<i64>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HrImportReport {
    pub applied: bool,
    pub rows: Vec<HrImportRow>,
}

/// One person of the central registry, as the office searches it (`GET /api/v1/office/registry?q=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistryPerson {
    pub anr: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub source: String,
}
