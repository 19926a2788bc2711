//! API types of the care billing exchange, with the checks both sides run.
use serde::{Deserialize, Serialize};

use crate::care_billing::{
    BRANCH_NAME_MAX_CHARS, DESCRIPTION_MAX_CHARS, ERROR_RETURN_NOTE_MAX_CHARS, KindCatalog,
    Procedure, RoutingTable, SENDER_EMAIL_MAX_CHARS,
};
use crate::directory::Date;
use crate::{FieldError, Ik};

/// `GET /api/v1/care/setup`: the care service's routing set-up and its branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareSetup {
    /// The chosen region (routing row), if set.
    pub region: Option<String>,
    /// IK of the billing centre that sends on the care service's behalf, if any.
    pub billing_centre_ik: Option<String>,
    pub sender_email: String,
    pub branches: Vec<Branch>,
    /// Every region of the routing table, to choose from.
    pub regions: Vec<String>,
}

/// `PUT /api/v1/care/setup`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupRequest {
    pub region: String,
    #[serde(default)]
    pub billing_centre_ik: Option<String>,
    pub sender_email: String,
}

impl SetupRequest {
    /// Field errors: unknown region, an invalid billing-centre IK, a missing or invalid address.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = RoutingTable::builtin().route(&self.region) {
            errors.push(e);
        }
        if let Some(ik) = self
            .billing_centre_ik
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            && let Err(e) = Ik::parse(ik)
        {
            errors.push(e.for_field("billing_centre_ik"));
        }
        if let Err(e) = crate::access::check_email(&self.sender_email) {
            errors.push(e.for_field("sender_email"));
        } else if self.sender_email.trim().chars().count() > SENDER_EMAIL_MAX_CHARS {
            errors.push(
                crate::ValidationError::TooLong {
                    max: SENDER_EMAIL_MAX_CHARS,
                }
                .for_field("sender_email"),
            );
        }
        errors
    }
}

/// A branch (Betriebsstätte) the care service bills for, with its own IK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branch {
    pub id: i64,
    pub ik: String,
    pub name: String,
}

/// `POST /api/v1/care/branches`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBranch {
    pub ik: String,
    pub name: String,
}

impl NewBranch {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = Ik::parse(&self.ik) {
            errors.push(e.for_field("ik"));
        }
        if let Err(e) = crate::access::check_text(&self.name, BRANCH_NAME_MAX_CHARS) {
            errors.push(e.for_field("name"));
        }
        errors
    }
}

/// What a delivery is, sent with the encrypted file (`POST /api/v1/care/deliveries?…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DeliveryRequest {
    /// The branch whose services are billed (its IK is the sender).
    pub branch_ik: String,
    /// Kind of service, `01`–`15`.
    pub kind: String,
    /// The billing month, `YYYY-MM`.
    pub month: String,
    pub procedure: Procedure,
    /// Bytes of the plain payload before compression and encryption.
    pub payload_size: u64,
    /// The payload was gzipped before encryption.
    #[serde(default)]
    pub compressed: bool,
    /// The delivery this one corrects, if any.
    #[serde(default)]
    pub correction_of: Option<i64>,
    /// Free description (order file, 30 characters).
    #[serde(default)]
    pub description: String,
}

/// The first day of a `YYYY-MM` month.
pub fn month_start(month: &str) -> Option<Date> {
    let (year, month) = month.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    Date::from_ymd(year.parse().ok()?, month.parse().ok()?, 1).ok()
}

impl DeliveryRequest {
    /// Field errors of the request on its own (the server adds what needs stored data): the
    /// month, the kind as `insurer_ik` accepts it for that month, the description's length.
    pub fn validate(&self, insurer_ik: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = Ik::parse(&self.branch_ik) {
            errors.push(e.for_field("branch_ik"));
        }
        match month_start(&self.month) {
            None => errors.push(
                crate::ValidationError::Format {
                    expected: "JJJJ-MM (Abrechnungsmonat)",
                }
                .for_field("month"),
            ),
            Some(start) => {
                if let Err(e) = KindCatalog::builtin().check(&self.kind, insurer_ik, start) {
                    errors.push(e);
                }
            }
        }
        if self.description.chars().count() > DESCRIPTION_MAX_CHARS {
            errors.push(
                crate::ValidationError::TooLong {
                    max: DESCRIPTION_MAX_CHARS,
                }
                .for_field("description"),
            );
        }
        if self.payload_size == 0 {
            errors.push(crate::ValidationError::Required.for_field("payload_size"));
        }
        errors
    }
}

/// A staff member as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: i64,
    #[serde(flatten)]
    pub form: crate::care_billing::StaffForm,
    /// "LBNR", or the substitute number's meaning, for display.
    pub number_label: String,
}

/// `POST /api/v1/care/staff/import`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImportRequest {
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
}

/// The import's report: what was (or would be) added and which lines are wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImportReport {
    pub applied: bool,
    pub added: usize,
    pub errors: Vec<crate::directory::LineError>,
}

/// One field of an order file as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderFieldValue {
    pub label: String,
    pub offset: usize,
    pub len: usize,
    pub value: String,
}

/// An error return of the data acceptance point, recorded on a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorReturn {
    pub error_number: u32,
    pub error_action: u32,
    pub note: String,
    pub recorded_at: String,
}

/// `POST /api/v1/care/deliveries/{id}/error-return`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorReturnRequest {
    pub error_number: u32,
    pub error_action: u32,
    #[serde(default)]
    pub note: String,
}

/// Largest error number or action of an error return: both have at most six digits.
pub const ERROR_RETURN_CODE_MAX: u32 = 999_999;

impl ErrorReturnRequest {
    /// Reads the error number or action as typed (digits only, at most six).
    pub fn parse_code(field: &str, text: &str) -> Result<u32, FieldError> {
        let text = text.trim();
        match text.parse::<u32>() {
            Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) && n <= ERROR_RETURN_CODE_MAX => {
                Ok(n)
            }
            _ => Err(FieldError::new(
                field,
                "format",
                "Bitte eine Zahl mit höchstens 6 Ziffern eingeben.",
            )),
        }
    }

    /// Field errors of the request: the number is 1–999999, the action 0–999999, the note at most
    /// [`ERROR_RETURN_NOTE_MAX_CHARS`] characters.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.error_number == 0 || self.error_number > ERROR_RETURN_CODE_MAX {
            errors.push(FieldError::new(
                "error_number",
                "range",
                "Die Fehlernummer hat 1 bis 6 Ziffern und ist nicht 0.",
            ));
        }
        if self.error_action > ERROR_RETURN_CODE_MAX {
            errors.push(FieldError::new(
                "error_action",
                "range",
                "Die Fehlermaßnahme hat höchstens 6 Ziffern.",
            ));
        }
        if self.note.chars().count() > ERROR_RETURN_NOTE_MAX_CHARS {
            errors.push(
                crate::ValidationError::TooLong {
                    max: ERROR_RETURN_NOTE_MAX_CHARS,
                }
                .for_field("note"),
            );
        }
        errors
    }
}

/// A delivery in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CareDelivery))]
pub struct Delivery {
    pub id: i64,
    pub branch_ik: String,
    pub region: String,
    pub kind: String,
    pub kind_label: String,
    pub month: String,
    pub procedure: Procedure,
    pub transfer_number: u16,
    pub payload_file_name: String,
    pub order_file_name: String,
    pub payload_size: u64,
    pub transfer_size: u64,
    /// SHA-256 of the encrypted file as received.
    pub sha256: String,
    pub created_at: String,
    pub created_by: String,
    pub correction_of: Option<i64>,
    pub error_return: Option<ErrorReturn>,
    /// Where paper receipts of this kind go.
    pub paper_receipts: String,
    /// When the delivery was mailed, and to which address.
    pub sent_at: Option<String>,
    pub sent_to: Option<String>,
    /// Where a data carrier (instead of e-mail) goes, with the note to enclose.
    pub data_carrier: String,
    /// The order file's fields in German, in record order.
    pub order_fields: Vec<OrderFieldValue>,
}

/// A recipient's certificate from the trust centre's public key list, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientCertificate {
    pub id: i64,
    /// The recipient IK named in the subject (`OU=IK…`).
    pub ik: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// Validity (RFC 3339, UTC).
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 fingerprint of the DER encoding, hexadecimal.
    pub sha256: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// A certificate of an imported list that was not taken, and why (German).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedCertificate {
    pub subject: String,
    pub reason: String,
}

/// `POST /api/v1/care/certificates`: what the import of a key list did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateImportReport {
    pub added: Vec<RecipientCertificate>,
    /// Already known (same fingerprint).
    pub unchanged: usize,
    pub skipped: Vec<SkippedCertificate>,
}

/// `GET /api/v1/care/recipient-certificate`: the valid certificate of the caller's data
/// acceptance point, to encrypt the delivery for in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientCertificateFile {
    pub ik: String,
    pub subject: String,
    pub not_after: String,
    pub sha256: String,
    /// The certificate as one PEM block.
    pub pem: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> DeliveryRequest {
        DeliveryRequest {
            branch_ik: "460512349".into(),
            kind: "01".into(),
            month: "2026-10".into(),
            procedure: Procedure::Test,
            payload_size: 10,
            compressed: false,
            correction_of: None,
            description: String::new(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn delivery_requests() {
        assert_eq!(request().validate("189905003"), vec![]);
        let mut r = request();
        r.kind = "06".into();
        r.month = "2026-13".into();
        assert_eq!(fields(&r.validate("189905003")), [("month", "format")]);
        r.month = "2026-10".into();
        assert_eq!(fields(&r.validate("189905003")), [("kind", "kind_refused")]);
        let mut r = request();
        r.month = "2023-05".into();
        assert_eq!(
            fields(&r.validate("189905003")),
            [("kind", "kind_not_yet_accepted")]
        );
    }

    #[test]
    fn setup_requests() {
        let ok = SetupRequest {
            region: "Nordrhein".into(),
            billing_centre_ik: None,
            sender_email: "abrechnung@pflege.example".into(),
        };
        assert_eq!(ok.validate(), vec![]);
        let bad = SetupRequest {
            region: "NRW".into(),
            billing_centre_ik: Some("123".into()),
            sender_email: "x".into(),
        };
        let found = bad.validate();
        assert_eq!(
            found.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["region", "billing_centre_ik", "sender_email"]
        );
    }

    #[test]
    fn text_limits_are_the_named_constants() {
        let mut r = request();
        r.description = "x".repeat(DESCRIPTION_MAX_CHARS);
        assert_eq!(r.validate("189905003"), vec![]);
        r.description.push('x');
        assert_eq!(
            fields(&r.validate("189905003")),
            [("description", "too_long")]
        );

        let local = "a".repeat(SENDER_EMAIL_MAX_CHARS - "@pflege.de".len());
        let mut setup = SetupRequest {
            region: "Nordrhein".into(),
            billing_centre_ik: None,
            sender_email: format!("{local}@pflege.de"),
        };
        assert_eq!(setup.validate(), vec![]);
        setup.sender_email = format!("{local}a@pflege.de");
        assert_eq!(fields(&setup.validate()), [("sender_email", "too_long")]);

        let mut branch = NewBranch {
            ik: "460512349".into(),
            name: "n".repeat(BRANCH_NAME_MAX_CHARS),
        };
        assert_eq!(branch.validate(), vec![]);
        branch.name.push('n');
        assert_eq!(fields(&branch.validate()), [("name", "too_long")]);
    }

    #[test]
    fn error_return_codes_have_one_to_six_digits() {
        let request = |number, action| ErrorReturnRequest {
            error_number: number,
            error_action: action,
            note: String::new(),
        };
        assert!(request(1, 0).validate().is_empty());
        assert!(
            request(ERROR_RETURN_CODE_MAX, ERROR_RETURN_CODE_MAX)
                .validate()
                .is_empty()
        );
        let codes = |r: ErrorReturnRequest| -> Vec<(String, String)> {
            r.validate()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes(request(0, 0)),
            [("error_number".into(), "range".into())]
        );
        assert_eq!(
            codes(request(1_000_000, 1_000_000)),
            [
                ("error_number".into(), "range".into()),
                ("error_action".into(), "range".into())
            ]
        );
        let mut long = request(1, 1);
        long.note = "x".repeat(ERROR_RETURN_NOTE_MAX_CHARS + 1);
        assert_eq!(codes(long), [("note".into(), "too_long".into())]);
    }

    #[test]
    fn error_return_codes_are_read_as_digits_only() {
        assert_eq!(
            ErrorReturnRequest::parse_code("error_number", " 1021 "),
            Ok(1021)
        );
        assert_eq!(
            ErrorReturnRequest::parse_code("error_action", "999999"),
            Ok(999_999)
        );
        for bad in ["", "1000000", "+12", "-1", "12a", "1 2"] {
            let e = ErrorReturnRequest::parse_code("error_action", bad).expect_err("refused");
            assert_eq!(
                (e.field.as_str(), e.code.as_str()),
                ("error_action", "format"),
                "{bad:?}"
            );
        }
    }
}
