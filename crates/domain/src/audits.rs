//! Audit exchange rules (MD portal): document catalogue, deadlines of document requests
//! (PrüfvV: 8 weeks to reach the MD, then a late window of 6 weeks), reminders, PDF detection,
//! and the validity of structure-audit certificates.
use serde::{Deserialize, Serialize};

use crate::access::check_text;
use crate::calendar::next_working_day;
use crate::directory::{Date, Land};
use crate::error::{FieldError, ValidationError};
use crate::numbers::Ik;

/// Weeks the documents have to reach the MD (PrüfvV 2017 § 7 Abs. 2; the 2022 text is
/// unconfirmed: change it here). The statutory minimum: the MD may agree a longer deadline
/// (audited), never a shorter one.
pub const DEFAULT_DEADLINE_WEEKS: i32 = 8;
/// Longest deadline the MD can set (an agreed extension).
pub const MAX_DEADLINE_WEEKS: i32 = 52;
/// Weeks after the deadline in which a late delivery still continues the audit.
pub const LATE_WINDOW_WEEKS: i32 = 6;
/// From this many days before the deadline a request is "due soon".
pub const DUE_SOON_DAYS: i32 = 14;
/// Days before the deadline on which in-app reminders are shown.
pub const REMINDER_DAYS: [i32; 3] = [14, 7, 1];
/// Default lead times (days before the deadline) of e-mail reminders; the late window's start
/// is a reminder point of its own.
pub const DEFAULT_MAIL_LEAD_DAYS: [u32; 2] = [14, 3];
/// Certificates expiring within this many days are shown in advance.
pub const CERTIFICATE_WARNING_DAYS: i32 = 90;
/// Most characters of a free text of the audit forms (question, note, reason).
pub const TEXT_MAX_CHARS: usize = 2000;
/// Most characters of an admission or invoice number.
pub const CASE_NUMBER_MAX_CHARS: usize = 40;
/// Most characters of the reason why a requested document is not available.
pub const UNAVAILABLE_REASON_MAX_CHARS: usize = 500;

/// Documents the MD can request (plus free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    DischargeLetter,
    FeverChart,
    OpsDocumentation,
    OperationReport,
    NursingDocumentation,
    VentilationProtocol,
    MedicationChart,
    LabResults,
    ImagingReports,
    ConsultationReports,
    IntensiveCareDocumentation,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 12] = [
        DocumentKind::DischargeLetter,
        DocumentKind::FeverChart,
        DocumentKind::OpsDocumentation,
        DocumentKind::OperationReport,
        DocumentKind::NursingDocumentation,
        DocumentKind::VentilationProtocol,
        DocumentKind::MedicationChart,
        DocumentKind::LabResults,
        DocumentKind::ImagingReports,
        DocumentKind::ConsultationReports,
        DocumentKind::IntensiveCareDocumentation,
        DocumentKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::DischargeLetter => "Entlassungsbericht / Arztbrief",
            DocumentKind::FeverChart => "Fieberkurve",
            DocumentKind::OpsDocumentation => "OPS-Dokumentation",
            DocumentKind::OperationReport => "Operationsberichte",
            DocumentKind::NursingDocumentation => "Pflegedokumentation",
            DocumentKind::VentilationProtocol => "Beatmungsprotokolle",
            DocumentKind::MedicationChart => "Medikationsplan",
            DocumentKind::LabResults => "Laborbefunde",
            DocumentKind::ImagingReports => "Befunde bildgebender Verfahren",
            DocumentKind::ConsultationReports => "Konsiliarberichte",
            DocumentKind::IntensiveCareDocumentation => "Intensivmedizinische Dokumentation",
            DocumentKind::Other => "Sonstige Unterlagen (siehe Freitext)",
        }
    }

    /// The wire name (`discharge_letter`, …), as in JSON and in the database.
    pub fn wire(self) -> &'static str {
        match self {
            DocumentKind::DischargeLetter => "discharge_letter",
            DocumentKind::FeverChart => "fever_chart",
            DocumentKind::OpsDocumentation => "ops_documentation",
            DocumentKind::OperationReport => "operation_report",
            DocumentKind::NursingDocumentation => "nursing_documentation",
            DocumentKind::VentilationProtocol => "ventilation_protocol",
            DocumentKind::MedicationChart => "medication_chart",
            DocumentKind::LabResults => "lab_results",
            DocumentKind::ImagingReports => "imaging_reports",
            DocumentKind::ConsultationReports => "consultation_reports",
            DocumentKind::IntensiveCareDocumentation => "intensive_care_documentation",
            DocumentKind::Other => "other",
        }
    }

    pub fn from_wire(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.wire() == s)
    }
}

/// The documents a request tracks one by one: those named, or — for a request that names its
/// documents in free text only — one "other documents" entry.
pub fn tracked_documents(named: &[DocumentKind]) -> Vec<DocumentKind> {
    let mut kinds: Vec<DocumentKind> = Vec::new();
    for k in named {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    if kinds.is_empty() {
        kinds.push(DocumentKind::Other);
    }
    kinds
}

/// Where one requested document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentState {
    /// Not yet submitted: the deadline runs for it.
    Outstanding,
    /// Submitted with a delivery.
    Delivered,
    /// The hospital declared it does not exist (with a reason); it no longer holds the request.
    Unavailable,
}

impl DocumentState {
    pub fn label(self) -> &'static str {
        match self {
            DocumentState::Outstanding => "ausstehend",
            DocumentState::Delivered => "geliefert",
            DocumentState::Unavailable => "nicht vorhanden",
        }
    }
}

/// A request is complete when no requested document is outstanding (every one delivered or
/// declared unavailable); only then does its deadline stop running.
pub fn request_complete(states: &[DocumentState]) -> bool {
    !states.contains(&DocumentState::Outstanding)
}

/// Where a document request stands against its deadline on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// More than `DUE_SOON_DAYS` left.
    Open,
    /// Deadline within `DUE_SOON_DAYS` days (or today).
    DueSoon,
    /// Deadline passed; within the late window a delivery still continues the audit.
    LateWindow,
    /// Deadline and late window passed.
    Overdue,
    /// Complete: every document delivered or declared unavailable — the deadline no longer runs.
    Delivered,
}

impl DeadlineStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::Open => "offen",
            DeadlineStatus::DueSoon => "bald fällig",
            DeadlineStatus::LateWindow => "Frist überschritten (Nachfrist)",
            DeadlineStatus::Overdue => "überfällig",
            DeadlineStatus::Delivered => "geliefert",
        }
    }
}

/// When a submission reached the MD, measured against the deadline (the day of submission, in
/// Berlin, counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lateness {
    /// By the deadline.
    InTime,
    /// After the deadline, within the late window: the audit continues, only the undisputed
    /// amount is paid meanwhile.
    LateWindow,
    /// After the late window: marked as such; the MD decides what follows.
    AfterWindow,
}

impl Lateness {
    pub fn label(self) -> &'static str {
        match self {
            Lateness::InTime => "fristgerecht",
            Lateness::LateWindow => "verspätet (innerhalb der Nachfrist, die Prüfung läuft weiter)",
            Lateness::AfterWindow => "nach Ablauf der Nachfrist (der MD entscheidet)",
        }
    }

    pub fn wire(self) -> &'static str {
        match self {
            Lateness::InTime => "in_time",
            Lateness::LateWindow => "late_window",
            Lateness::AfterWindow => "after_window",
        }
    }

    pub fn from_wire(s: &str) -> Option<Lateness> {
        [
            Lateness::InTime,
            Lateness::LateWindow,
            Lateness::AfterWindow,
        ]
        .into_iter()
        .find(|l| l.wire() == s)
    }
}

/// The deadline of a request and everything derived from it for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// Documents must reach the MD by this day (inclusive).
    pub due: Date,
    /// End of the late window (inclusive).
    pub late_until: Date,
    /// Days from `today` to `due` (negative when passed).
    pub days_left: i32,
    pub status: DeadlineStatus,
}

/// The last day of the deadline and of the late window of a request received on `received`.
///
/// Counting (§§ 187 Abs. 1, 188 Abs. 2 BGB): the day of receipt does not count; `weeks` weeks
/// end on the same weekday. **§ 193 BGB applies**: an end on a Saturday, Sunday or public
/// holiday moves to the next working day. Decision and source: the PrüfvV (an agreement under
/// § 17c Abs. 2 KHG between GKV-Spitzenverband and DKG) has no rule of its own for computing its
/// deadlines, and § 69 Abs. 1 Satz 3 SGB V makes the BGB apply to the legal relations between
/// hospitals and health insurers, so §§ 186–193 BGB govern them; § 193 covers a "Leistung" due
/// within a period, which the delivery of documents is. The holidays are those of the place of
/// performance; the product takes the hospital's Land (the regional MD sits in the same Land),
/// and only the federal holidays when the Land is unknown. The late window starts after the
/// (moved) deadline (§ 190 BGB) and its end moves the same way. Holiday data: `holidays.rs`.
pub fn deadline_dates(received: Date, weeks: i32, land: Option<Land>) -> (Date, Date) {
    let due = next_working_day(received.add_days(weeks * 7), land);
    let late_until = next_working_day(due.add_days(LATE_WINDOW_WEEKS * 7), land);
    (due, late_until)
}

/// Deadline of a request received on `received` in `land`, as seen on `today` (`complete`: no
/// document outstanding).
pub fn deadline(
    received: Date,
    weeks: i32,
    land: Option<Land>,
    today: Date,
    complete: bool,
) -> Deadline {
    let (due, late_until) = deadline_dates(received, weeks, land);
    let days_left = today.days_between(due);
    let status = if complete {
        DeadlineStatus::Delivered
    } else if days_left > DUE_SOON_DAYS {
        DeadlineStatus::Open
    } else if days_left >= 0 {
        DeadlineStatus::DueSoon
    } else if today <= late_until {
        DeadlineStatus::LateWindow
    } else {
        DeadlineStatus::Overdue
    };
    Deadline {
        due,
        late_until,
        days_left,
        status,
    }
}

/// The Land of a hospital by its IK: for hospitals (class 26) digits 3–4 are the Land's region
/// code 01–16; `None` for other IKs (then only federal holidays count).
pub fn land_of_hospital_ik(ik: &str) -> Option<Land> {
    let ik = ik.trim();
    if ik.len() != 9 || !ik.starts_with("26") {
        return None;
    }
    let region: usize = ik.get(2..4)?.parse().ok()?;
    Land::ALL.get(region.checked_sub(1)?).copied()
}

/// How late a submission on the Berlin day `on` is against `due` and `late_until`.
pub fn lateness(on: Date, due: Date, late_until: Date) -> Lateness {
    if on <= due {
        Lateness::InTime
    } else if on <= late_until {
        Lateness::LateWindow
    } else {
        Lateness::AfterWindow
    }
}

/// German phrase for the days left ("noch 5 Tage", "heute fällig", "seit 3 Tagen überschritten").
pub fn days_left_phrase(days_left: i32) -> String {
    match days_left {
        0 => "heute fällig".to_owned(),
        1 => "noch 1 Tag".to_owned(),
        n if n > 1 => format!("noch {n} Tage"),
        -1 => "seit 1 Tag überschritten".to_owned(),
        n => format!("seit {} Tagen überschritten", -n),
    }
}

/// True on the days an in-app reminder is due (before the deadline, not yet complete).
pub fn reminder_due(d: &Deadline) -> bool {
    d.status != DeadlineStatus::Delivered && REMINDER_DAYS.contains(&d.days_left)
}

/// A point at which an e-mail reminder goes out (once per request, point and recipient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderPoint {
    /// `n` days (a configured lead time) or fewer before the deadline.
    DaysBefore(u32),
    /// The deadline has passed: the late window is running.
    LateWindow,
}

impl ReminderPoint {
    /// The stable key stored with a sent reminder ("before-14", "late-window").
    pub fn key(self) -> String {
        match self {
            ReminderPoint::DaysBefore(n) => format!("before-{n}"),
            ReminderPoint::LateWindow => "late-window".to_owned(),
        }
    }
}

/// The reminder point a request has reached on the day of `d` with the lead times `lead_days`:
/// the smallest lead time not below the days left (so a job that missed a day still sends the
/// most urgent one, and a request arriving with 10 days left skips the 14-day mail), the late
/// window while it runs, nothing when complete or after the late window.
pub fn mail_reminder_point(d: &Deadline, lead_days: &[u32]) -> Option<ReminderPoint> {
    match d.status {
        DeadlineStatus::Delivered | DeadlineStatus::Overdue => None,
        DeadlineStatus::LateWindow => Some(ReminderPoint::LateWindow),
        DeadlineStatus::Open | DeadlineStatus::DueSoon => {
            let left = u32::try_from(d.days_left).ok()?;
            lead_days
                .iter()
                .copied()
                .filter(|n| left <= *n)
                .min()
                .map(ReminderPoint::DaysBefore)
        }
    }
}

/// The MD's document request as entered (`POST /api/v1/audits/cases/{id}/requests`).
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

impl RequestForm {
    /// The rules of a request, the same in the MD's form and on the server: at least one
    /// document (ticked, or named in the free text), "other" needs the free text; receipt no
    /// earlier than the case's creation (`case_created`, a Berlin day) and no later than today;
    /// 8 to 52 weeks (longer is an agreed extension, shorter is not allowed).
    pub fn validate(&self, today: Date, case_created: Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let free_text = self.free_text.trim();
        if self.documents.is_empty() && free_text.is_empty() {
            errors.push(FieldError::new(
                "documents",
                "required",
                "Bitte mindestens eine Unterlage auswählen oder im Freitext benennen.",
            ));
        }
        if self.documents.contains(&DocumentKind::Other) && free_text.is_empty() {
            errors.push(FieldError::new(
                "free_text",
                "required",
                "Bitte die sonstigen Unterlagen im Freitext benennen.",
            ));
        }
        if free_text.chars().count() > TEXT_MAX_CHARS {
            errors.push(
                ValidationError::TooLong {
                    max: TEXT_MAX_CHARS,
                }
                .for_field("free_text"),
            );
        }
        let received = self.received_date.unwrap_or(today);
        if received > today {
            errors.push(
                ValidationError::DateInFuture {
                    subject: "Der Eingang der Anforderung",
                    date: received.to_german(),
                }
                .for_field("received_date"),
            );
        } else if received < case_created {
            errors.push(
                ValidationError::DateBefore {
                    subject: "Der Eingang der Anforderung",
                    date: received.to_german(),
                    reference: "der Anlage des Prüffalls",
                    reference_date: case_created.to_german(),
                }
                .for_field("received_date"),
            );
        }
        let weeks = self.deadline_weeks.unwrap_or(DEFAULT_DEADLINE_WEEKS);
        if !(DEFAULT_DEADLINE_WEEKS..=MAX_DEADLINE_WEEKS).contains(&weeks) {
            errors.push(FieldError::new(
                "deadline_weeks",
                "out_of_range",
                format!(
                    "Die Frist beträgt mindestens {DEFAULT_DEADLINE_WEEKS} Wochen (gesetzlich) \
                     und höchstens {MAX_DEADLINE_WEEKS} Wochen (vereinbarte Verlängerung)."
                ),
            ));
        }
        errors
    }
}

impl RequestForm {
    /// The MD's input of the deadline in weeks: blank is the default (`None`), else a whole
    /// number (its range is [`RequestForm::validate`]'s rule).
    pub fn parse_weeks(input: &str) -> Result<Option<i32>, FieldError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        input.parse().map(Some).map_err(|_| {
            FieldError::new(
                "deadline_weeks",
                "not_a_number",
                format!(
                    "Bitte eine Zahl von Wochen angeben ({DEFAULT_DEADLINE_WEEKS} bis {MAX_DEADLINE_WEEKS})."
                ),
            )
        })
    }
}

/// A further audit notice (`POST /api/v1/audits/cases/{id}/notices`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeForm {
    pub subject: String,
}

impl NoticeForm {
    pub fn validate(&self) -> Vec<FieldError> {
        check_text(&self.subject, TEXT_MAX_CHARS)
            .err()
            .map(|e| e.for_field("subject"))
            .into_iter()
            .collect()
    }
}

/// The hospital's statement that a requested document does not exist
/// (`POST /api/v1/audits/requests/{id}/unavailable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnavailableForm {
    pub document: DocumentKind,
    pub reason: String,
}

impl UnavailableForm {
    pub fn validate(&self) -> Vec<FieldError> {
        check_text(&self.reason, UNAVAILABLE_REASON_MAX_CHARS)
            .err()
            .map(|e| e.for_field("reason"))
            .into_iter()
            .collect()
    }
}

/// An optional note of an audit form: at most `TEXT_MAX_CHARS` characters.
pub fn check_note(note: &str) -> Result<(), ValidationError> {
    if note.trim().chars().count() > TEXT_MAX_CHARS {
        Err(ValidationError::TooLong {
            max: TEXT_MAX_CHARS,
        })
    } else {
        Ok(())
    }
}

// The PDF checks moved to `crate::documents` (one rule for every upload); re-exported here.
pub use crate::documents::{PDF_TAIL_BYTES, PdfTail, is_pdf, is_pdf_document, is_pdf_end};

/// Validity of a structure-audit certificate on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    NotYetValid,
    Valid,
    ExpiresSoon,
    Expired,
}

impl CertificateStatus {
    pub fn label(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "noch nicht gültig",
            CertificateStatus::Valid => "gültig",
            CertificateStatus::ExpiresSoon => "läuft bald ab",
            CertificateStatus::Expired => "abgelaufen",
        }
    }
}

pub fn certificate_status(valid_from: Date, valid_until: Date, today: Date) -> CertificateStatus {
    if today < valid_from {
        CertificateStatus::NotYetValid
    } else if today > valid_until {
        CertificateStatus::Expired
    } else if today.days_between(valid_until) <= CERTIFICATE_WARNING_DAYS {
        CertificateStatus::ExpiresSoon
    } else {
        CertificateStatus::Valid
    }
}

/// An OPS code as used for structure audits: `d-ddd` or `d-ddd.d…` (e.g. 8-98f, 8-550.1).
pub fn check_ops_code(code: &str) -> Result<(), ValidationError> {
    let c = code.trim();
    if c.is_empty() {
        return Err(ValidationError::Required);
    }
    let bytes = c.as_bytes();
    let ok = bytes.len() >= 5
        && bytes.len() <= 10
        && bytes[0].is_ascii_digit()
        && bytes[1] == b'-'
        && bytes[2..5]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        && (bytes.len() == 5
            || (bytes[5] == b'.'
                && bytes.len() > 6
                && bytes[6..].iter().all(|b| b.is_ascii_alphanumeric())));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::Format {
            expected: "einen OPS-Kode wie 8-98f oder 8-550.1",
        })
    }
}

/// The MD's case form: one hospital stay under audit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseForm {
    /// IK of the audited hospital.
    #[serde(deserialize_with = "crate::numbers::as_typed::string")]
    pub hospital_ik: String,
    /// Site number (optional).
    #[serde(default, deserialize_with = "crate::numbers::as_typed::string")]
    pub site_number: String,
    pub admission_number: String,
    pub invoice_number: String,
    pub admission_date: Option<Date>,
    pub discharge_date: Option<Date>,
    #[serde(deserialize_with = "crate::numbers::as_typed::string")]
    pub insurer_ik: String,
    /// The insurer's question / subject of audit (Prüfgegenstand).
    pub subject: String,
}

impl CaseForm {
    pub fn validate(&self, today: Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |field: &str, r: Result<(), ValidationError>| {
            if let Err(e) = r {
                errors.push(e.for_field(field));
            }
        };
        check("hospital_ik", Ik::parse(&self.hospital_ik).map(|_| ()));
        if !self.site_number.trim().is_empty() {
            check(
                "site_number",
                crate::SiteNumber::parse(&self.site_number).map(|_| ()),
            );
        }
        check(
            "admission_number",
            check_text(&self.admission_number, CASE_NUMBER_MAX_CHARS),
        );
        check(
            "invoice_number",
            check_text(&self.invoice_number, CASE_NUMBER_MAX_CHARS),
        );
        check(
            "admission_date",
            match self.admission_date {
                None => Err(ValidationError::Required),
                Some(d) if d > today => Err(ValidationError::Format {
                    expected: "ein Datum, das nicht in der Zukunft liegt",
                }),
                Some(_) => Ok(()),
            },
        );
        check(
            "discharge_date",
            match (self.admission_date, self.discharge_date) {
                (_, None) => Err(ValidationError::Required),
                (_, Some(d)) if d > today => Err(ValidationError::Format {
                    expected: "ein Datum, das nicht in der Zukunft liegt",
                }),
                (Some(a), Some(d)) if d < a => Err(ValidationError::Format {
                    expected: "eine Entlassung am oder nach dem Aufnahmetag",
                }),
                _ => Ok(()),
            },
        );
        check("insurer_ik", Ik::parse(&self.insurer_ik).map(|_| ()));
        check("subject", check_text(&self.subject, TEXT_MAX_CHARS));
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn eight_weeks_then_six_weeks_late_window() {
        // Received Monday 02.03.2026: 8 weeks end Monday 27.04.2026 (a working day).
        let received = d("02.03.2026");
        let at = |today: &str| deadline(received, DEFAULT_DEADLINE_WEEKS, None, d(today), false);
        assert_eq!(at("02.03.2026").due, d("27.04.2026"));
        assert_eq!(at("02.03.2026").late_until, d("08.06.2026"));
        assert_eq!(at("02.03.2026").days_left, 56);
        assert_eq!(at("12.04.2026").status, DeadlineStatus::Open);
        assert_eq!(at("13.04.2026").status, DeadlineStatus::DueSoon);
        assert_eq!(at("27.04.2026").status, DeadlineStatus::DueSoon);
        assert_eq!(at("27.04.2026").days_left, 0);
        assert_eq!(at("28.04.2026").status, DeadlineStatus::LateWindow);
        assert_eq!(at("08.06.2026").status, DeadlineStatus::LateWindow);
        assert_eq!(at("09.06.2026").status, DeadlineStatus::Overdue);
        assert_eq!(
            deadline(received, 8, None, d("09.06.2026"), true).status,
            DeadlineStatus::Delivered
        );
        // An agreed extension: 12 weeks.
        assert_eq!(
            deadline_dates(received, 12, None).0,
            d("26.05.2026"),
            "Pfingstmontag 25.05. moves it"
        );
    }

    #[test]
    fn section_193_bgb_moves_the_end_to_the_next_working_day() {
        // Received on a Saturday: 8 weeks end on a Saturday → Monday.
        let (due, late_until) = deadline_dates(d("07.11.2026"), 8, None);
        assert_eq!(due, d("04.01.2027"), "Sat 02.01.2027 → Mon 04.01.2027");
        assert_eq!(late_until, d("15.02.2027"));
        // From 06.02.2026 the 8 weeks end on Good Friday (03.04.2026): over Easter to Tuesday.
        assert_eq!(deadline_dates(d("06.02.2026"), 8, None).0, d("07.04.2026"));
        // The same across years: Good Friday 2027 is 26.03., 2028 is 14.04.
        assert_eq!(deadline_dates(d("29.01.2027"), 8, None).0, d("30.03.2027"));
        assert_eq!(deadline_dates(d("18.02.2028"), 8, None).0, d("18.04.2028"));
        // Land holidays: the Reformationstag (31.10.2028, a Tuesday) in Niedersachsen, not in
        // Bayern; Fronleichnam (15.06.2028) the other way round.
        assert_eq!(
            deadline_dates(d("05.09.2028"), 8, Some(Land::Niedersachsen)).0,
            d("01.11.2028")
        );
        assert_eq!(
            deadline_dates(d("05.09.2028"), 8, Some(Land::Bayern)).0,
            d("31.10.2028")
        );
        assert_eq!(
            deadline_dates(d("20.04.2028"), 8, Some(Land::Bayern)).0,
            d("16.06.2028")
        );
        assert_eq!(
            deadline_dates(d("20.04.2028"), 8, Some(Land::Niedersachsen)).0,
            d("15.06.2028")
        );
        // Days left count to the moved end.
        let dl = deadline(d("06.02.2026"), 8, None, d("03.04.2026"), false);
        assert_eq!(dl.days_left, 4);
        assert_eq!(dl.status, DeadlineStatus::DueSoon);
    }

    #[test]
    fn hospital_land_from_the_ik() {
        assert_eq!(land_of_hospital_ik("260326822"), Some(Land::Niedersachsen));
        assert_eq!(land_of_hospital_ik("261101015"), Some(Land::Berlin));
        assert_eq!(land_of_hospital_ik("261700000"), None);
        assert_eq!(land_of_hospital_ik("109905003"), None, "an insurer");
    }

    #[test]
    fn three_lateness_states() {
        let (due, late_until) = deadline_dates(d("02.03.2026"), 8, None);
        assert_eq!(lateness(d("02.03.2026"), due, late_until), Lateness::InTime);
        assert_eq!(lateness(d("27.04.2026"), due, late_until), Lateness::InTime);
        assert_eq!(
            lateness(d("28.04.2026"), due, late_until),
            Lateness::LateWindow
        );
        assert_eq!(
            lateness(d("08.06.2026"), due, late_until),
            Lateness::LateWindow
        );
        assert_eq!(
            lateness(d("09.06.2026"), due, late_until),
            Lateness::AfterWindow
        );
        for l in [
            Lateness::InTime,
            Lateness::LateWindow,
            Lateness::AfterWindow,
        ] {
            assert_eq!(Lateness::from_wire(l.wire()), Some(l));
        }
    }

    #[test]
    fn per_document_completeness() {
        use DocumentState::*;
        assert!(!request_complete(&[Delivered, Outstanding, Outstanding]));
        assert!(!request_complete(&[Outstanding]));
        assert!(request_complete(&[Delivered, Unavailable]));
        assert!(request_complete(&[Unavailable]));
        assert_eq!(
            tracked_documents(&[DocumentKind::FeverChart, DocumentKind::FeverChart]),
            vec![DocumentKind::FeverChart]
        );
        assert_eq!(tracked_documents(&[]), vec![DocumentKind::Other]);
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_wire(k.wire()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).expect("json"),
                format!("\"{}\"", k.wire())
            );
        }
    }

    #[test]
    fn mail_reminder_points() {
        let received = d("02.03.2026"); // due 27.04.2026, late window until 08.06.2026
        let lead = [14, 3];
        let at = |today: &str, complete: bool| {
            mail_reminder_point(&deadline(received, 8, None, d(today), complete), &lead)
        };
        assert_eq!(at("12.04.2026", false), None, "15 days left");
        assert_eq!(at("13.04.2026", false), Some(ReminderPoint::DaysBefore(14)));
        assert_eq!(at("23.04.2026", false), Some(ReminderPoint::DaysBefore(14)));
        assert_eq!(at("24.04.2026", false), Some(ReminderPoint::DaysBefore(3)));
        assert_eq!(at("27.04.2026", false), Some(ReminderPoint::DaysBefore(3)));
        assert_eq!(at("28.04.2026", false), Some(ReminderPoint::LateWindow));
        assert_eq!(at("09.06.2026", false), None, "after the late window");
        assert_eq!(at("24.04.2026", true), None, "complete");
        assert_eq!(ReminderPoint::DaysBefore(14).key(), "before-14");
    }

    #[test]
    fn phrases_and_reminders() {
        assert_eq!(days_left_phrase(5), "noch 5 Tage");
        assert_eq!(days_left_phrase(1), "noch 1 Tag");
        assert_eq!(days_left_phrase(0), "heute fällig");
        assert_eq!(days_left_phrase(-3), "seit 3 Tagen überschritten");
        let received = d("02.03.2026");
        assert!(reminder_due(&deadline(
            received,
            8,
            None,
            d("13.04.2026"),
            false
        )));
        assert!(!reminder_due(&deadline(
            received,
            8,
            None,
            d("14.04.2026"),
            false
        )));
        assert!(!reminder_due(&deadline(
            received,
            8,
            None,
            d("13.04.2026"),
            true
        )));
    }

    #[test]
    fn deadline_weeks_input() {
        assert_eq!(RequestForm::parse_weeks(""), Ok(None));
        assert_eq!(RequestForm::parse_weeks(" 12 "), Ok(Some(12)));
        let e = RequestForm::parse_weeks("acht").expect_err("not a number");
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("deadline_weeks", "not_a_number")
        );
    }

    #[test]
    fn request_form_rules() {
        let today = d("30.11.2026");
        let created = d("20.11.2026");
        let mut f = RequestForm {
            documents: vec![DocumentKind::DischargeLetter],
            free_text: String::new(),
            received_date: Some(d("25.11.2026")),
            deadline_weeks: Some(8),
        };
        assert_eq!(f.validate(today, created), vec![]);
        let fields = |f: &RequestForm| -> Vec<String> {
            f.validate(today, created)
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        f.deadline_weeks = Some(4);
        assert_eq!(fields(&f), ["deadline_weeks"], "never shorter than 8 weeks");
        f.deadline_weeks = Some(53);
        assert_eq!(fields(&f), ["deadline_weeks"]);
        f.deadline_weeks = Some(52);
        f.received_date = Some(d("19.11.2026"));
        assert_eq!(fields(&f), ["received_date"], "before the case existed");
        f.received_date = Some(d("01.12.2026"));
        assert_eq!(fields(&f), ["received_date"], "in the future");
        f.received_date = None;
        f.documents = vec![DocumentKind::Other];
        assert_eq!(fields(&f), ["free_text"]);
        f.documents.clear();
        assert_eq!(fields(&f), ["documents"]);
        f.free_text = "Alle Verlegungsberichte".into();
        assert_eq!(
            fields(&f),
            Vec::<String>::new(),
            "free text alone names documents"
        );
        f.free_text = "x".repeat(TEXT_MAX_CHARS + 1);
        assert_eq!(fields(&f), ["free_text"]);
        assert_eq!(
            NoticeForm {
                subject: " ".into()
            }
            .validate()
            .len(),
            1
        );
        let unavailable = UnavailableForm {
            document: DocumentKind::FeverChart,
            reason: String::new(),
        };
        assert_eq!(unavailable.validate()[0].field, "reason");
    }

    #[test]
    fn pdf_by_content_and_ops_codes() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(!is_pdf(b"PK\x03\x04"));
        assert!(!is_pdf(b"%PD"));
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        assert!(is_pdf_document(pdf));
        assert!(!is_pdf_document(&pdf[..40]), "truncated");
        assert!(!is_pdf_document(b"%PDF-1.7 and then anything else"));
        assert!(is_pdf_document(b"%PDF-1.7\n...\nstartxref\n116\n%%EOF"));
        // Streamed in pieces of any size, the tail check agrees.
        let mut long = pdf[..20].to_vec();
        long.extend(std::iter::repeat_n(b'x', 5000));
        long.extend_from_slice(&pdf[20..]);
        for size in [1, 7, 1023, 1024, 1025, 6000] {
            let mut tail = PdfTail::default();
            for chunk in long.chunks(size) {
                tail.push(chunk);
            }
            assert!(tail.is_pdf_end(), "chunks of {size}");
        }
        assert_eq!(check_ops_code("8-98f"), Ok(()));
        assert_eq!(check_ops_code("8-550.1"), Ok(()));
        assert!(check_ops_code("8550").is_err());
        assert!(check_ops_code("").is_err());
    }

    #[test]
    fn certificates_warn_ninety_days_ahead() {
        let (from, until) = (d("01.01.2026"), d("31.12.2027"));
        assert_eq!(
            certificate_status(from, until, d("31.12.2025")),
            CertificateStatus::NotYetValid
        );
        assert_eq!(
            certificate_status(from, until, d("01.06.2027")),
            CertificateStatus::Valid
        );
        assert_eq!(
            certificate_status(from, until, d("02.10.2027")),
            CertificateStatus::ExpiresSoon
        );
        assert_eq!(
            certificate_status(from, until, d("01.01.2028")),
            CertificateStatus::Expired
        );
    }

    #[test]
    fn case_form_rules() {
        let today = d("27.11.2026");
        let mut f = CaseForm {
            hospital_ik: "260326822".into(),
            site_number: "773686000".into(),
            admission_number: "A-2026-0042".into(),
            invoice_number: "R-99812".into(),
            admission_date: Some(d("03.02.2026")),
            discharge_date: Some(d("17.02.2026")),
            insurer_ik: "109905003".into(),
            subject: "Ist die Anzahl der Beatmungsstunden korrekt?".into(),
        };
        assert_eq!(f.validate(today), vec![]);
        f.discharge_date = Some(d("01.02.2026"));
        f.insurer_ik = "109905004".into();
        let fields: Vec<String> = f.validate(today).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["discharge_date", "insurer_ik"]);
    }
}
