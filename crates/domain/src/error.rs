//! The domain's one validation error enum and the serialisable error shapes of the API.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Everything that can make an input invalid.
///
/// Consumers should rely on [`code`](Self::code), [`message`](Self::message) and
/// [`position`](Self::position) rather than matching variants, so that record-level variants can
/// be added later without touching them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationError {
    /// Nothing (or only whitespace) was entered.
    Empty,
    /// A character that is not an ASCII digit; `position` is 1-based, counted in characters.
    NonDigit { position: usize, found: char },
    /// The number has the wrong count of digits.
    WrongLength { expected: usize, actual: usize },
    /// The check digit at `position` (1-based) is `found` but the rule gives `expected`.
    CheckDigit {
        position: usize,
        found: u8,
        expected: u8,
    },
    /// A site number that does not start with `77`; `found` holds its first two digits.
    SitePrefix { found: String },
    /// Digit 7 of a site number is not `0`.
    SiteDigit7 { found: char },
    /// A required field is empty.
    Required,
    /// Fewer characters than `min`.
    TooShort { min: usize },
    /// More characters than `max`.
    TooLong { max: usize },
    /// The value does not have the expected shape; `expected` says which, in German.
    Format { expected: &'static str },
    /// The value is not one of the allowed choices (e.g. a role the institution cannot have).
    NotAllowed { what: &'static str },
    /// A new password equal to the user name.
    PasswordIsUsername,
    /// A new password equal to the one-time password it replaces.
    PasswordIsOneTime,
}

impl ValidationError {
    /// Stable machine-readable code (part of the API contract: never rename).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NonDigit { .. } => "non_digit",
            Self::WrongLength { .. } => "wrong_length",
            Self::CheckDigit { .. } => "check_digit",
            Self::SitePrefix { .. } => "site_prefix",
            Self::SiteDigit7 { .. } => "site_digit7",
            Self::Required => "required",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::Format { .. } => "format",
            Self::NotAllowed { .. } => "not_allowed",
            Self::PasswordIsUsername => "password_is_username",
            Self::PasswordIsOneTime => "password_is_one_time",
        }
    }

    /// German message for people.
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "Bitte eine Nummer eingeben.".to_owned(),
            Self::NonDigit { position, found } => {
                format!(
                    "Stelle {position}: {} ist keine Ziffer.",
                    describe_char(*found)
                )
            }
            Self::WrongLength { expected, actual } => format!(
                "Die Nummer muss {} haben, sie hat {actual}.",
                digits_phrase(*expected)
            ),
            Self::CheckDigit {
                position,
                found,
                expected,
            } => format!("Prüfziffer ist {found}, erwartet {expected} (Stelle {position})."),
            Self::SitePrefix { found } => {
                format!("Eine Standortnummer beginnt mit 77, nicht mit {found}.")
            }
            Self::SiteDigit7 { found } => {
                format!("Stelle 7 einer Standortnummer muss 0 sein, ist {found}.")
            }
            Self::Required => "Pflichtfeld: bitte ausfüllen.".to_owned(),
            Self::TooShort { min } => format!("Mindestens {min} Zeichen erforderlich."),
            Self::TooLong { max } => format!("Höchstens {max} Zeichen erlaubt."),
            Self::Format { expected } => format!("Ungültiges Format: erwartet {expected}."),
            Self::NotAllowed { what } => format!("Nicht zulässig: {what}."),
            Self::PasswordIsUsername => "Das Passwort darf nicht der Benutzername sein.".to_owned(),
            Self::PasswordIsOneTime => {
                "Das neue Passwort darf nicht das Einmal-Passwort sein.".to_owned()
            }
        }
    }

    /// The 1-based digit position the error points at, if it points at one.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::NonDigit { position, .. } | Self::CheckDigit { position, .. } => Some(*position),
            Self::SitePrefix { .. } => Some(1),
            Self::SiteDigit7 { .. } => Some(7),
            Self::Empty
            | Self::WrongLength { .. }
            | Self::Required
            | Self::TooShort { .. }
            | Self::TooLong { .. }
            | Self::Format { .. }
            | Self::NotAllowed { .. }
            | Self::PasswordIsUsername
            | Self::PasswordIsOneTime => None,
        }
    }

    /// The error as sent over the wire.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code().to_owned(),
            message: self.message(),
            position: self.position(),
        }
    }

    /// The error attached to a form field (for 422 responses and inline form messages).
    pub fn for_field(&self, field: &str) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: self.code().to_owned(),
            message: self.message(),
        }
    }
}

/// Shows a character so that people can see it even when it is blank or invisible.
fn describe_char(c: char) -> String {
    if c == ' ' {
        "ein Leerzeichen".to_owned()
    } else if c.is_whitespace() || c.is_control() {
        format!("das Zeichen U+{:04X}", u32::from(c))
    } else {
        format!("„{c}“")
    }
}

fn digits_phrase(n: usize) -> String {
    if n == 1 {
        "1 Stelle".to_owned()
    } else {
        format!("{n} Stellen")
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ValidationError {}

/// One error of a checked value, as sent to clients.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// 1-based digit position the error points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// An error of one named input field.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The JSON body of every API error response.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl ApiErrorBody {
    /// Code of a request whose fields failed validation (HTTP 422).
    pub const VALIDATION_FAILED: &'static str = "validation_failed";

    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Adds field errors (keeps those already present).
    #[must_use]
    pub fn with_fields(mut self, fields: impl IntoIterator<Item = FieldError>) -> Self {
        self.fields.extend(fields);
        self
    }

    /// The standard body for invalid fields, so server and SPA agree on code and wording.
    pub fn validation_failed(fields: impl IntoIterator<Item = FieldError>) -> Self {
        Self::new(
            Self::VALIDATION_FAILED,
            "Die Eingaben sind nicht gültig. Bitte die markierten Felder korrigieren.",
        )
        .with_fields(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_variants() -> Vec<(ValidationError, &'static str, &'static str, Option<usize>)> {
        vec![
            (
                ValidationError::Empty,
                "empty",
                "Bitte eine Nummer eingeben.",
                None,
            ),
            (
                ValidationError::NonDigit {
                    position: 5,
                    found: 'a',
                },
                "non_digit",
                "Stelle 5: „a“ ist keine Ziffer.",
                Some(5),
            ),
            (
                ValidationError::WrongLength {
                    expected: 9,
                    actual: 8,
                },
                "wrong_length",
                "Die Nummer muss 9 Stellen haben, sie hat 8.",
                None,
            ),
            (
                ValidationError::CheckDigit {
                    position: 7,
                    found: 5,
                    expected: 2,
                },
                "check_digit",
                "Prüfziffer ist 5, erwartet 2 (Stelle 7).",
                Some(7),
            ),
            (
                ValidationError::SitePrefix {
                    found: "12".to_owned(),
                },
                "site_prefix",
                "Eine Standortnummer beginnt mit 77, nicht mit 12.",
                Some(1),
            ),
            (
                ValidationError::SiteDigit7 { found: '3' },
                "site_digit7",
                "Stelle 7 einer Standortnummer muss 0 sein, ist 3.",
                Some(7),
            ),
        ]
    }

    #[test]
    fn every_variant_has_exact_code_message_and_position() {
        for (err, code, message, position) in all_variants() {
            assert_eq!(err.code(), code);
            assert_eq!(err.message(), message);
            assert_eq!(err.to_string(), message);
            assert_eq!(err.position(), position);
            assert_eq!(
                err.detail(),
                ErrorDetail {
                    code: code.to_owned(),
                    message: message.to_owned(),
                    position
                }
            );
            assert_eq!(
                err.for_field("anr"),
                FieldError {
                    field: "anr".to_owned(),
                    code: code.to_owned(),
                    message: message.to_owned()
                }
            );
        }
    }

    #[test]
    fn wrong_length_uses_singular_for_one_digit() {
        let err = ValidationError::WrongLength {
            expected: 1,
            actual: 3,
        };
        assert_eq!(err.message(), "Die Nummer muss 1 Stelle haben, sie hat 3.");
    }

    #[test]
    fn invisible_characters_are_named() {
        let space = ValidationError::NonDigit {
            position: 4,
            found: ' ',
        };
        assert_eq!(
            space.message(),
            "Stelle 4: ein Leerzeichen ist keine Ziffer."
        );
        let tab = ValidationError::NonDigit {
            position: 2,
            found: '\t',
        };
        assert_eq!(
            tab.message(),
            "Stelle 2: das Zeichen U+0009 ist keine Ziffer."
        );
    }

    #[test]
    fn error_detail_omits_missing_position() {
        let json = serde_json::to_string(&ValidationError::Empty.detail()).expect("serialises");
        assert_eq!(
            json,
            r#"{"code":"empty","message":"Bitte eine Nummer eingeben."}"#
        );
        let back: ErrorDetail = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back.position, None);
    }

    #[test]
    fn api_error_body_shape() {
        let body = ApiErrorBody::new("bad_json", "Die Anfrage ist kein gültiges JSON.");
        assert_eq!(
            serde_json::to_string(&body).expect("serialises"),
            r#"{"code":"bad_json","message":"Die Anfrage ist kein gültiges JSON.","fields":[]}"#
        );
        // Bodies without a field list (from other producers) still deserialise.
        let back: ApiErrorBody =
            serde_json::from_str(r#"{"code":"bad_json","message":"x"}"#).expect("deserialises");
        assert!(back.fields.is_empty());

        let body = ApiErrorBody::validation_failed([ValidationError::Empty.for_field("ik")]);
        assert_eq!(body.code, "validation_failed");
        assert_eq!(body.fields.len(), 1);
        assert_eq!(body.fields[0].field, "ik");
        assert_eq!(body.fields[0].code, "empty");
    }
}
