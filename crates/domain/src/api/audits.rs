//! Request and response types of the audit-exchange API (MD portal): cases and notices, document
//! requests with deadlines, uploads and deliveries with receipts, inspection lists, expert
//! reports, structure audits. Times are RFC 3339 strings (UTC), dates ISO; every enum shown to
//! people comes with a German `…_label` next to it.
use serde::{Deserialize, Serialize};

use crate::audits::{
    CertificateStatus, DeadlineStatus, DocumentKind, DocumentState, Lateness, check_note,
    check_ops_code,
};
use crate::directory::Date;
use crate::{FieldError, Ik, SiteNumber};

pub use crate::audits::{CaseForm, NoticeForm, RequestForm, UnavailableForm};

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
    /// The requested document the file is for (`None`: files from before documents were
    /// tracked one by one, and reports and evidence).
    #[serde(default)]
    pub document: Option<DocumentKind>,
}

/// One requested document and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentStatus {
    pub kind: DocumentKind,
    pub label: String,
    pub state: DocumentState,
    pub state_label: String,
    /// The hospital's reason when not available.
    pub reason: Option<String>,
    /// When it was delivered (first delivery with a file for it) or declared unavailable.
    pub settled_at: Option<String>,
    pub settled_by: Option<String>,
}

/// A submitted delivery: the files the hospital handed over together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: i64,
    pub request_id: i64,
    pub submitted_at: String,
    pub submitted_by: String,
    /// Submitted by the deadline (the Berlin day of submission counts).
    pub in_time: bool,
    /// In time, late within the late window, or after the late window.
    pub lateness: Lateness,
    pub lateness_label: String,
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
    /// Every requested document with its state; the request is complete when none is
    /// outstanding.
    pub document_states: Vec<DocumentStatus>,
    pub complete: bool,
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
    /// Requested documents neither delivered nor declared unavailable.
    pub outstanding_documents: i64,
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
    pub late_until: Date,
    pub in_time: bool,
    pub lateness: Lateness,
    pub lateness_label: String,
    pub submitted_at: String,
    /// German local time ("30.11.2026, 23:59 Uhr").
    pub submitted_at_local: String,
    pub submitted_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_at_local: Option<String>,
    pub acknowledged_by: Option<String>,
    pub files: Vec<StoredFile>,
    /// The state of every requested document after this delivery.
    pub document_states: Vec<DocumentStatus>,
    pub total_size: u64,
    pub created_at: String,
    pub created_at_local: String,
}

/// `GET`/`PUT /api/v1/audits/reminder-settings`: the signed-in user's e-mail reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderSettings {
    /// Reminder digests by e-mail (on unless the user unsubscribed).
    pub email_reminders: bool,
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

impl InspectionForm {
    /// The rules of an inspection announcement that need no database (the server adds: the
    /// hospital is registered, the site is its own, the cases are its open ones).
    pub fn validate(&self, today: Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = Ik::parse(self.hospital_ik.trim()) {
            errors.push(e.for_field("hospital_ik"));
        }
        let site = self.site_number.trim();
        if !site.is_empty()
            && let Err(e) = SiteNumber::parse(site)
        {
            errors.push(e.for_field("site_number"));
        }
        match self.date {
            None => errors.push(FieldError::new(
                "date",
                "required",
                "Bitte das Datum der Begehung angeben.",
            )),
            Some(d) if d < today => errors.push(FieldError::new(
                "date",
                "in_past",
                "Der Begehungstermin darf nicht in der Vergangenheit liegen.",
            )),
            Some(_) => {}
        }
        if let Err(e) = check_note(&self.note) {
            errors.push(e.for_field("note"));
        }
        if self.case_ids.is_empty() {
            errors.push(FieldError::new(
                "case_ids",
                "required",
                "Bitte mindestens einen vorzubereitenden Fall auswählen.",
            ));
        }
        errors
    }
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

impl StructureForm {
    /// The rules of an application that need no database (the server adds: the site is one of
    /// the hospital's).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = SiteNumber::parse(self.site_number.trim()) {
            errors.push(e.for_field("site_number"));
        }
        if let Err(e) = check_ops_code(&self.ops_code) {
            errors.push(e.for_field("ops_code"));
        }
        if let Err(e) = check_note(&self.note) {
            errors.push(e.for_field("note"));
        }
        errors
    }
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

impl StructureDecision {
    /// A certificate from the decision form's two dates (a date input may be empty): both are
    /// required, then [`StructureDecision::validate`] applies.
    pub fn certify(
        valid_from: Option<Date>,
        valid_until: Option<Date>,
    ) -> Result<StructureDecision, Vec<FieldError>> {
        let missing = |field: &str| {
            FieldError::new(
                field,
                "required",
                "Bitte Beginn und Ende der Gültigkeit angeben.",
            )
        };
        let decision = match (valid_from, valid_until) {
            (Some(valid_from), Some(valid_until)) => StructureDecision::Certify {
                valid_from,
                valid_until,
            },
            (None, _) => return Err(vec![missing("certify.valid_from")]),
            (_, None) => return Err(vec![missing("certify.valid_until")]),
        };
        let errors = decision.validate();
        if errors.is_empty() {
            Ok(decision)
        } else {
            Err(errors)
        }
    }

    /// The rules of a decision, the same in the MD's form and on the server (which adds: a
    /// certificate needs evidence): the validity ends no earlier than it begins; a rejection
    /// states its reason (at most `TEXT_MAX_CHARS` characters). Fields are the JSON paths.
    pub fn validate(&self) -> Vec<FieldError> {
        match self {
            StructureDecision::Certify {
                valid_from,
                valid_until,
            } if valid_until < valid_from => vec![FieldError::new(
                "certify.valid_until",
                "before_start",
                "Das Ende der Gültigkeit liegt vor ihrem Beginn.",
            )],
            StructureDecision::Certify { .. } => Vec::new(),
            StructureDecision::Reject { reason } if reason.trim().is_empty() => {
                vec![FieldError::new(
                    "reject.reason",
                    "required",
                    "Bitte einen Grund für die Ablehnung angeben.",
                )]
            }
            StructureDecision::Reject { reason } => {
                crate::access::check_text(reason, crate::audits::TEXT_MAX_CHARS)
                    .err()
                    .map(|e| e.for_field("reject.reason"))
                    .into_iter()
                    .collect()
            }
        }
    }
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
    fn structure_decision_rules() {
        let d = |s: &str| Date::parse(s).ok();
        let fields = |r: Result<StructureDecision, Vec<FieldError>>| {
            r.err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert!(StructureDecision::certify(d("01.01.2027"), d("01.01.2027")).is_ok());
        assert_eq!(
            fields(StructureDecision::certify(None, d("01.01.2027"))),
            [("certify.valid_from".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            fields(StructureDecision::certify(d("01.01.2027"), None)),
            [("certify.valid_until".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            fields(StructureDecision::certify(d("02.01.2027"), d("01.01.2027"))),
            [("certify.valid_until".to_owned(), "before_start".to_owned())]
        );
        let reject = |reason: &str| {
            StructureDecision::Reject {
                reason: reason.to_owned(),
            }
            .validate()
        };
        assert_eq!(reject("Nachweise fehlen"), vec![]);
        assert_eq!(reject("  ")[0].code, "required");
        assert_eq!(reject(&"x".repeat(2001))[0].code, "too_long");
    }

    #[test]
    fn inspection_and_structure_forms() {
        let today = Date::parse("30.11.2026").expect("date");
        let mut f = InspectionForm {
            hospital_ik: "260326822".into(),
            site_number: String::new(),
            date: Some(today),
            case_ids: vec![1],
            note: String::new(),
        };
        assert_eq!(f.validate(today), vec![]);
        f.date = Some(today.add_days(-1));
        f.case_ids.clear();
        f.note = "x".repeat(crate::audits::TEXT_MAX_CHARS + 1);
        let fields: Vec<String> = f.validate(today).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "note", "case_ids"]);
        let s = StructureForm {
            site_number: "773686000".into(),
            ops_code: "8-98f".into(),
            note: String::new(),
        };
        assert_eq!(s.validate(), vec![]);
        let bad = StructureForm {
            site_number: "12".into(),
            ops_code: "x".into(),
            note: String::new(),
        };
        assert_eq!(bad.validate().len(), 2);
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
