//! Audit exchange rules (MD portal): document catalogue, deadlines of document requests
//! (PrüfvV: 8 weeks to reach the MD, then a late window of 6 weeks), reminders, PDF detection,
//! and the validity of structure-audit certificates.
use serde::{Deserialize, Serialize};

use crate::directory::Date;
use crate::error::{FieldError, ValidationError};
use crate::numbers::Ik;

/// Weeks the documents have to reach the MD (PrüfvV 2017 § 7 Abs. 2; the 2022 text is
/// unconfirmed: change it here).
pub const DEFAULT_DEADLINE_WEEKS: i32 = 8;
/// Weeks after the deadline in which a late delivery still continues the audit.
pub const LATE_WINDOW_WEEKS: i32 = 6;
/// From this many days before the deadline a request is "due soon" (and reminders start).
pub const DUE_SOON_DAYS: i32 = 14;
/// Days before the deadline on which in-app reminders are shown.
pub const REMINDER_DAYS: [i32; 3] = [14, 7, 1];
/// Certificates expiring within this many days are shown in advance.
pub const CERTIFICATE_WARNING_DAYS: i32 = 90;

/// Documents the MD can request (plus free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// Delivered (submitted) — the deadline no longer runs.
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

/// Deadline of a request that reached the hospital on `received`, as seen on `today`.
pub fn deadline(received: Date, weeks: i32, today: Date, delivered: bool) -> Deadline {
    let due = received.add_days(weeks * 7);
    let late_until = due.add_days(LATE_WINDOW_WEEKS * 7);
    let days_left = today.days_between(due);
    let status = if delivered {
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

/// True on the days an in-app reminder is due (before the deadline, not yet delivered).
pub fn reminder_due(d: &Deadline) -> bool {
    d.status != DeadlineStatus::Delivered && REMINDER_DAYS.contains(&d.days_left)
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
            crate::access::check_text(&self.admission_number, 40),
        );
        check(
            "invoice_number",
            crate::access::check_text(&self.invoice_number, 40),
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
        check("subject", crate::access::check_text(&self.subject, 2000));
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
        let received = d("02.03.2026");
        let at = |today: &str| deadline(received, DEFAULT_DEADLINE_WEEKS, d(today), false);
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
            deadline(received, 8, d("09.06.2026"), true).status,
            DeadlineStatus::Delivered
        );
        assert_eq!(
            deadline(received, 4, d("02.03.2026"), false).due,
            d("30.03.2026")
        );
    }

    #[test]
    fn phrases_and_reminders() {
        assert_eq!(days_left_phrase(5), "noch 5 Tage");
        assert_eq!(days_left_phrase(1), "noch 1 Tag");
        assert_eq!(days_left_phrase(0), "heute fällig");
        assert_eq!(days_left_phrase(-3), "seit 3 Tagen überschritten");
        let received = d("02.03.2026");
        assert!(reminder_due(&deadline(received, 8, d("20.04.2026"), false)));
        assert!(!reminder_due(&deadline(
            received,
            8,
            d("21.04.2026"),
            false
        )));
        assert!(!reminder_due(&deadline(received, 8, d("20.04.2026"), true)));
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
