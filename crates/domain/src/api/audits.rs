//! Request and response types of the audit-exchange API (MD portal): cases and notices, document
//! requests with deadlines, uploads and deliveries with receipts, inspection lists, expert
//! reports, structure audits. Times are RFC 3339 strings (UTC), dates ISO; every enum shown to
//! people comes with a German `…_label` next to it.
use serde::{Deserialize, Serialize};

use crate::audits::{CertificateStatus, DeadlineStatus, DocumentKind};
use crate::directory::Date;

pub use crate::audits::CaseForm;

/// Whether a case is still being worked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    Closed,
}

impl CaseState {
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Open => "in Prüfung",
            CaseState::Closed => "abgeschlossen",
        }
    }
}

/// The first audit notice of a case, or a later extension of its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Initial,
    Extension,
}

impl NoticeKind {
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Initial => "Prüfanzeige",
            NoticeKind::Extension => "Erweiterung des Prüfgegenstands",
        }
    }
}

/// `POST /api/v1/audits/cases/{id}/notices`: a further notice (extension of the subject).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeForm {
    pub subject: String,
}

/// One audit notice (Prüfanzeige).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub id: i64,
    pub case_id: i64,
    pub kind: NoticeKind,
    pub kind_label: String,
    pub subject: String,
    pub created_at: String,
    pub created_by: String,
}

/// `POST /api/v1/audits/cases/{id}/requests`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestForm {
    pub documents: Vec<DocumentKind>,
    #[serde(default)]
    pub free_text: String,
    /// The day the request reaches the hospital; today when absent.
    #[serde(default)]
    pub received_date: Option<Date>,
    /// Weeks until the documents must reach the MD; `DEFAULT_DEADLINE_WEEKS` when absent.
    #[serde(default)]
    pub deadline_weeks: Option<i32>,
}

/// A requested document with its German name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestedDocument {
    pub kind: DocumentKind,
    pub label: String,
}

impl RequestedDocument {
    pub fn of(kind: DocumentKind) -> Self {
        RequestedDocument {
            kind,
            label: kind.label().to_owned(),
        }
    }
}

/// A deadline as seen today (computed by the server from its clock on every answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineInfo {
    /// The documents must reach the MD by this day.
    pub due: Date,
    /// Last day of the late window.
    pub late_until: Date,
    pub days_left: i32,
    /// "noch 5 Tage", "heute fällig", "seit 3 Tagen überschritten".
    pub days_left_text: String,
    pub status: DeadlineStatus,
    pub status_label: String,
    /// An in-app reminder is due today.
    pub reminder: bool,
}

/// A stored PDF (uploaded document, expert report or evidence file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFile {
    pub id: i64,
    pub name: String,
    pub size: u64,
    /// Hex SHA-256 of the bytes as received.
    pub sha256: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    /// The delivery the file was submitted with (`None`: not yet submitted).
    #[serde(default)]
    pub delivery_id: Option<i64>,
}

/// A submitted delivery: the files the hospital handed over together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: i64,
    pub request_id: i64,
    pub submitted_at: String,
    pub submitted_by: String,
    /// Submitted by the deadline (the day of submission counts).
    pub in_time: bool,
    pub files: Vec<StoredFile>,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
}

/// A document request with its deadline, files and deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRequest {
    pub id: i64,
    pub case_id: i64,
    pub documents: Vec<RequestedDocument>,
    pub free_text: String,
    pub received_date: Date,
    pub deadline_weeks: i32,
    pub deadline: DeadlineInfo,
    pub created_at: String,
    pub created_by: String,
    /// Files uploaded but not yet submitted (the MD never sees these).
    pub pending_files: Vec<StoredFile>,
    pub deliveries: Vec<Delivery>,
}

/// A case in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: Option<String>,
    pub admission_number: String,
    pub invoice_number: String,
    pub admission_date: Date,
    pub discharge_date: Date,
    pub insurer_ik: String,
    /// Subject of the first notice.
    pub subject: String,
    pub state: CaseState,
    pub state_label: String,
    pub created_at: String,
    pub closed_at: Option<String>,
    /// The day a closed case and its files are deleted.
    pub purge_on: Option<Date>,
    /// Requests not yet delivered.
    pub open_requests: i64,
    /// The earliest deadline among the requests not yet delivered.
    pub next_deadline: Option<DeadlineInfo>,
}

/// `GET /api/v1/audits/cases`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
}

/// `GET /api/v1/audits/cases/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub case: CaseSummary,
    pub notices: Vec<Notice>,
    pub requests: Vec<DocumentRequest>,
    pub reports: Vec<StoredFile>,
}

/// One request in the hospital's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub request_id: i64,
    pub case_id: i64,
    pub hospital_ik: String,
    pub site_number: Option<String>,
    pub admission_number: String,
    pub invoice_number: String,
    pub insurer_ik: String,
    pub subject: String,
    pub documents: Vec<RequestedDocument>,
    pub free_text: String,
    pub received_date: Date,
    pub deadline: DeadlineInfo,
    pub pending_files: i64,
    pub submitted_files: i64,
}

/// A notice in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxNotice {
    pub id: i64,
    pub case_id: i64,
    pub admission_number: String,
    pub site_number: Option<String>,
    pub kind: NoticeKind,
    pub kind_label: String,
    pub subject: String,
    pub created_at: String,
}

/// `GET /api/v1/audits/inbox?status=&site=&sort=deadline|received`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// The day the deadlines were computed for.
    pub today: Date,
    pub requests: Vec<InboxItem>,
    pub notices: Vec<InboxNotice>,
}

/// Requests of one deadline status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: DeadlineStatus,
    pub label: String,
    pub count: i64,
}

/// An in-app reminder (14, 7 and 1 day before the deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    pub request_id: i64,
    pub case_id: i64,
    pub admission_number: String,
    pub due: Date,
    pub days_left: i32,
    pub message: String,
}

/// `GET /api/v1/audits/dashboard`: deadline risk across the requests of open cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub today: Date,
    /// One entry per deadline status, in the order of `DeadlineStatus`.
    pub counts: Vec<StatusCount>,
    pub reminders: Vec<Reminder>,
    /// Structure-audit certificates that expire within 90 days or have expired.
    pub expiring_certificates: i64,
}

/// `POST /api/v1/audits/requests/{id}/submit` and the delivery list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResult {
    pub delivery: Delivery,
    pub deadline: DeadlineInfo,
}

/// `GET /api/v1/audits/deliveries/{id}/receipt`: the proof of delivery (the SPA prints it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// "Q-<case>-<delivery>".
    pub receipt_number: String,
    pub delivery_id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub case_id: i64,
    pub site_number: Option<String>,
    pub admission_number: String,
    pub invoice_number: String,
    pub admission_date: Date,
    pub discharge_date: Date,
    pub insurer_ik: String,
    pub subject: String,
    pub request_id: i64,
    pub documents: Vec<RequestedDocument>,
    pub received_date: Date,
    pub due: Date,
    pub in_time: bool,
    pub submitted_at: String,
    pub submitted_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub files: Vec<StoredFile>,
    pub total_size: u64,
    pub created_at: String,
}

/// `POST /api/v1/audits/inspections` (MD): an on-site audit announced to a hospital.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionForm {
    #[serde(deserialize_with = "crate::numbers::as_typed::string")]
    pub hospital_ik: String,
    #[serde(default, deserialize_with = "crate::numbers::as_typed::string")]
    pub site_number: String,
    pub date: Option<Date>,
    /// The cases the hospital should prepare.
    pub case_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

/// A case on an inspection list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionCase {
    pub case_id: i64,
    pub admission_number: String,
    pub invoice_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: Option<String>,
    pub date: Date,
    pub cases: Vec<InspectionCase>,
    pub note: String,
    pub created_at: String,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionList {
    pub inspections: Vec<Inspection>,
}

/// `POST /api/v1/audits/structure` (hospital): an application for one site and OPS code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StructureForm {
    #[serde(deserialize_with = "crate::numbers::as_typed::string")]
    pub site_number: String,
    pub ops_code: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StructureState {
    Applied,
    Certified,
    Rejected,
}

impl StructureState {
    pub fn label(self) -> &'static str {
        match self {
            StructureState::Applied => "beantragt",
            StructureState::Certified => "Bescheinigung erteilt",
            StructureState::Rejected => "abgelehnt",
        }
    }
}

/// `POST /api/v1/audits/structure/{id}/decide` (MD):
/// `{"certify": {"valid_from": …, "valid_until": …}}` or `{"reject": {"reason": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StructureDecision {
    Certify { valid_from: Date, valid_until: Date },
    Reject { reason: String },
}

/// The certificate of a structure audit and its validity today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub valid_from: Date,
    pub valid_until: Date,
    pub status: CertificateStatus,
    pub status_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StructureAudit {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: String,
    pub ops_code: String,
    pub note: String,
    pub state: StructureState,
    pub state_label: String,
    pub applied_at: String,
    pub applied_by: String,
    pub evidence: Vec<StoredFile>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub certificate: Option<Certificate>,
    pub reject_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StructureList {
    pub applications: Vec<StructureAudit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_have_the_documented_shape() {
        let certify: StructureDecision = serde_json::from_str(
            r#"{"certify": {"valid_from": "2027-01-01", "valid_until": "2028-12-31"}}"#,
        )
        .expect("certify");
        assert!(matches!(certify, StructureDecision::Certify { .. }));
        let reject: StructureDecision =
            serde_json::from_str(r#"{"reject": {"reason": "Nachweise fehlen"}}"#).expect("reject");
        assert_eq!(
            reject,
            StructureDecision::Reject {
                reason: "Nachweise fehlen".to_owned()
            }
        );
    }

    #[test]
    fn request_form_defaults() {
        let form: RequestForm =
            serde_json::from_str(r#"{"documents": ["discharge_letter"]}"#).expect("form");
        assert_eq!(form.received_date, None);
        assert_eq!(form.deadline_weeks, None);
        assert_eq!(form.free_text, "");
        assert_eq!(
            RequestedDocument::of(DocumentKind::FeverChart).label,
            "Fieberkurve"
        );
    }
}
