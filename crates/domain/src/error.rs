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
    /// A date not written as `expected` (e.g. "TT.MM.JJJJ").
    DateFormat { expected: &'static str },
    /// A well-formed date that does not exist (e.g. 31.02.2021); `date` as entered.
    NoSuchDate { date: String },
    /// A date before the one it must not precede. `subject` is nominative with article ("Die
    /// Approbation"), `reference` dative with article ("dem Staatsexamen"); dates as "TT.MM.JJJJ".
    DateBefore {
        subject: &'static str,
        date: String,
        reference: &'static str,
        reference_date: String,
    },
    /// A date after today where only past dates make sense (`subject` as in `DateBefore`).
    DateInFuture { subject: &'static str, date: String },
    /// A person would have been `age` full years old at an event (`at`: "Beim Staatsexamen"),
    /// younger than the plausible `min`.
    MinimumAge {
        at: &'static str,
        date: String,
        age: i32,
        min: i32,
    },
    /// A site number that is not one of the hospital's sites.
    SiteNotAllowed { site: String },
    /// A second assignment to the same site whose period overlaps an earlier one (dates as
    /// "TT.MM.JJJJ"; `end` is `None` for an open end).
    SiteOverlap {
        site: String,
        start: String,
        end: Option<String>,
    },
    /// A physician without any site assignment and without "all sites".
    NoSiteAssignment,
    /// A specialty (Fachgebiet) code that is not in the catalog.
    UnknownSpecialty { code: String },
    /// A doctoral title is declared but the date of the doctorate is missing.
    DoctorateDateRequired,
    /// A name that is not one of the 16 German Länder.
    UnknownLand { found: String },
    /// A value that must be unique already occurs in (1-based) line `first_line`.
    Duplicate { value: String, first_line: usize },
    /// A required column is missing from a CSV header row.
    CsvColumnMissing { column: &'static str },
    /// A CSV header row names a column that the format does not have.
    CsvColumnUnknown { column: String },
    /// A CSV header row names a column more than once.
    CsvColumnTwice { column: String },
    /// A CSV row with another number of fields than the header.
    CsvFieldCount { expected: usize, actual: usize },
    /// A file with a header but no data rows.
    NoDataRows,
    /// A bulk "end assignment" found no assignment (to `site`, or to any site) to end.
    NoSiteToEnd { site: Option<String> },
    /// A start further ahead than allowed (`latest` the last allowed day, "TT.MM.JJJJ").
    DateTooFarAhead {
        subject: &'static str,
        date: String,
        latest: String,
    },
    /// A new (or extended) assignment to a site that left the national site directory.
    SiteRemoved { site: String },
    /// An assignment that would run past the end of the site's validity ("TT.MM.JJJJ").
    SiteValidUntil { site: String, until: String },
    /// "All sites" for a hospital that has no site in the national directory.
    NoSitesListed,
    /// An ANR issued or confirmed by the registry (or in clarification) cannot be edited.
    AnrFixed,
    /// Another record of the same hospital carries this ANR already.
    AnrTaken { anr: String },
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
            Self::DateFormat { .. } => "date_format",
            Self::NoSuchDate { .. } => "no_such_date",
            Self::DateBefore { .. } => "date_before",
            Self::DateInFuture { .. } => "date_in_future",
            Self::MinimumAge { .. } => "minimum_age",
            Self::SiteNotAllowed { .. } => "site_not_allowed",
            Self::SiteOverlap { .. } => "site_overlap",
            Self::NoSiteAssignment => "no_site_assignment",
            Self::UnknownSpecialty { .. } => "unknown_specialty",
            Self::DoctorateDateRequired => "doctorate_date_required",
            Self::UnknownLand { .. } => "unknown_land",
            Self::Duplicate { .. } => "duplicate",
            Self::CsvColumnMissing { .. } => "csv_column_missing",
            Self::CsvColumnUnknown { .. } => "csv_column_unknown",
            Self::CsvColumnTwice { .. } => "csv_column_twice",
            Self::CsvFieldCount { .. } => "csv_field_count",
            Self::NoDataRows => "no_data_rows",
            Self::NoSiteToEnd { .. } => "no_site_to_end",
            Self::DateTooFarAhead { .. } => "date_too_far_ahead",
            Self::SiteRemoved { .. } => "site_removed",
            Self::SiteValidUntil { .. } => "site_valid_until",
            Self::NoSitesListed => "no_sites_listed",
            Self::AnrFixed => "anr_fixed",
            Self::AnrTaken { .. } => "anr_taken",
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
            Self::DateFormat { expected } => format!("Datum im Format {expected} erwartet."),
            Self::NoSuchDate { date } => format!("Das Datum {date} gibt es nicht."),
            Self::DateBefore {
                subject,
                date,
                reference,
                reference_date,
            } => format!("{subject} ({date}) liegt vor {reference} ({reference_date})."),
            Self::DateInFuture { subject, date } => {
                format!("{subject} ({date}) liegt in der Zukunft.")
            }
            Self::MinimumAge { at, date, age, min } => format!(
                "{at} ({date}) wäre die Person erst {} alt gewesen; plausibel sind mindestens {}.",
                years_phrase(*age),
                years_phrase(*min)
            ),
            Self::SiteNotAllowed { site } => {
                format!("Der Standort {site} gehört nicht zu den Standorten dieses Krankenhauses.")
            }
            Self::SiteOverlap { site, start, end } => {
                let period = match end {
                    Some(end) => format!("vom {start} bis {end}"),
                    None => format!("ab dem {start}"),
                };
                format!(
                    "Der Standort {site} ist bereits {period} zugeordnet; die Zeiträume überschneiden sich."
                )
            }
            Self::NoSiteAssignment => "Mindestens eine Standortzuordnung angeben oder „alle Standorte dieses Krankenhauses“ wählen.".to_owned(),
            Self::UnknownSpecialty { code } => {
                format!("Unbekannter Fachgebietsschlüssel „{code}“.")
            }
            Self::DoctorateDateRequired => {
                "Bei Dr.-Titel bitte das Datum der Promotion angeben.".to_owned()
            }
            Self::UnknownLand { found } => format!(
                "„{found}“ ist kein deutsches Land; erwartet wird der Name eines der 16 Länder, z. B. „Niedersachsen“."
            ),
            Self::Duplicate { value, first_line } => {
                format!("{value} kommt bereits in Zeile {first_line} vor.")
            }
            Self::CsvColumnMissing { column } => {
                format!("Die Spalte „{column}“ fehlt in der Kopfzeile.")
            }
            Self::CsvColumnUnknown { column } => {
                format!("Unbekannte Spalte „{column}“ in der Kopfzeile.")
            }
            Self::CsvColumnTwice { column } => {
                format!("Die Spalte „{column}“ steht mehrfach in der Kopfzeile.")
            }
            Self::CsvFieldCount { expected, actual } => {
                format!("Die Zeile hat {actual} Felder, erwartet {expected}.")
            }
            Self::NoDataRows => "Die Datei enthält keine Datenzeilen.".to_owned(),
            Self::NoSiteToEnd { site: Some(site) } => {
                format!("Keine Zuordnung zum Standort {site}, die beendet werden könnte.")
            }
            Self::NoSiteToEnd { site: None } => {
                "Keine Standortzuordnung, die beendet werden könnte.".to_owned()
            }
            Self::DateTooFarAhead {
                subject,
                date,
                latest,
            } => format!(
                "{subject} ({date}) liegt zu weit in der Zukunft; möglich ist höchstens der {latest}."
            ),
            Self::SiteRemoved { site } => format!(
                "Der Standort {site} ist nicht mehr im Standortverzeichnis; bestehende Zuordnungen können beendet, neue nicht angelegt oder verlängert werden."
            ),
            Self::SiteValidUntil { site, until } => format!(
                "Der Standort {site} ist nur bis {until} gültig; die Zuordnung muss spätestens dann enden."
            ),
            Self::NoSitesListed => "Für dieses Krankenhaus ist kein Standort im Standortverzeichnis eingetragen; „alle Standorte“ ist daher nicht möglich.".to_owned(),
            Self::AnrFixed => {
                "Eine vergebene Arztnummer kann nicht geändert oder entfernt werden.".to_owned()
            }
            Self::AnrTaken { anr } => format!(
                "Die Arztnummer {anr} ist bereits bei einem anderen Eintrag dieses Krankenhauses eingetragen."
            ),
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
            | Self::PasswordIsOneTime
            | Self::DateFormat { .. }
            | Self::NoSuchDate { .. }
            | Self::DateBefore { .. }
            | Self::DateInFuture { .. }
            | Self::MinimumAge { .. }
            | Self::SiteNotAllowed { .. }
            | Self::SiteOverlap { .. }
            | Self::NoSiteAssignment
            | Self::UnknownSpecialty { .. }
            | Self::DoctorateDateRequired
            | Self::UnknownLand { .. }
            | Self::Duplicate { .. }
            | Self::CsvColumnMissing { .. }
            | Self::CsvColumnUnknown { .. }
            | Self::CsvColumnTwice { .. }
            | Self::CsvFieldCount { .. }
            | Self::NoDataRows
            | Self::NoSiteToEnd { .. }
            | Self::DateTooFarAhead { .. }
            | Self::SiteRemoved { .. }
            | Self::SiteValidUntil { .. }
            | Self::NoSitesListed
            | Self::AnrFixed
            | Self::AnrTaken { .. } => None,
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

fn years_phrase(n: i32) -> String {
    if n == 1 {
        "1 Jahr".to_owned()
    } else {
        format!("{n} Jahre")
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// 1-based digit position the error points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// An error of one named input field.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    /// An error of `field` with a machine `code` and a German `message` for people.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The JSON body of every API error response.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Test support for an error enum's "every variant" tests (here and in the server), used inside a
/// test module as `name_every_variant!(Enum, samples: A, B, …)` where `samples()` returns tuples
/// whose first element is an `Enum`. Defines `variant_name(&Enum)`, one `match` without a
/// wildcard (a new variant does not compile until it is named), `VARIANTS` from the same list,
/// and the test `every_variant_has_a_sample` (every named variant occurs in `samples()`).
#[doc(hidden)]
#[macro_export]
macro_rules! name_every_variant {
    ($enum:ident, $samples:ident: $($variant:ident),* $(,)?) => {
        fn variant_name(err: &$enum) -> &'static str {
            match err {
                $($enum::$variant { .. } => stringify!($variant),)*
            }
        }

        const VARIANTS: &[&str] = &[$(stringify!($variant)),*];

        #[test]
        fn every_variant_has_a_sample() {
            let sampled: std::collections::BTreeSet<&str> =
                $samples().iter().map(|(err, ..)| variant_name(err)).collect();
            let missing: Vec<&str> = VARIANTS
                .iter()
                .copied()
                .filter(|v| !sampled.contains(v))
                .collect();
            assert!(missing.is_empty(), "variants without a sample: {missing:?}");
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    // A new variant does not compile until it is named here, and once named the test below
    // fails until `samples` holds it with its exact code, message and position.
    crate::name_every_variant!(
        ValidationError, samples:
        Empty,
        NonDigit,
        WrongLength,
        CheckDigit,
        SitePrefix,
        SiteDigit7,
        Required,
        TooShort,
        TooLong,
        Format,
        NotAllowed,
        PasswordIsUsername,
        PasswordIsOneTime,
        DateFormat,
        NoSuchDate,
        DateBefore,
        DateInFuture,
        MinimumAge,
        SiteNotAllowed,
        SiteOverlap,
        NoSiteAssignment,
        UnknownSpecialty,
        DoctorateDateRequired,
        UnknownLand,
        Duplicate,
        CsvColumnMissing,
        CsvColumnUnknown,
        CsvColumnTwice,
        CsvFieldCount,
        NoDataRows,
        NoSiteToEnd,
        DateTooFarAhead,
        SiteRemoved,
        SiteValidUntil,
        NoSitesListed,
        AnrFixed,
        AnrTaken,
    );

    /// One sample (or more) of every variant with the code, message and position it must give.
    fn samples() -> Vec<(ValidationError, &'static str, &'static str, Option<usize>)> {
        vec![
            (
                ValidationError::Required,
                "required",
                "Pflichtfeld: bitte ausfüllen.",
                None,
            ),
            (
                ValidationError::TooShort { min: 3 },
                "too_short",
                "Mindestens 3 Zeichen erforderlich.",
                None,
            ),
            (
                ValidationError::TooLong { max: 2000 },
                "too_long",
                "Höchstens 2000 Zeichen erlaubt.",
                None,
            ),
            (
                ValidationError::Format {
                    expected: "eine Postleitzahl aus 5 Ziffern",
                },
                "format",
                "Ungültiges Format: erwartet eine Postleitzahl aus 5 Ziffern.",
                None,
            ),
            (
                ValidationError::NotAllowed {
                    what: "diese Rolle gibt es für Ihre Einrichtung nicht",
                },
                "not_allowed",
                "Nicht zulässig: diese Rolle gibt es für Ihre Einrichtung nicht.",
                None,
            ),
            (
                ValidationError::PasswordIsUsername,
                "password_is_username",
                "Das Passwort darf nicht der Benutzername sein.",
                None,
            ),
            (
                ValidationError::PasswordIsOneTime,
                "password_is_one_time",
                "Das neue Passwort darf nicht das Einmal-Passwort sein.",
                None,
            ),
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
            (
                ValidationError::DateFormat {
                    expected: "TT.MM.JJJJ",
                },
                "date_format",
                "Datum im Format TT.MM.JJJJ erwartet.",
                None,
            ),
            (
                ValidationError::NoSuchDate {
                    date: "31.02.2021".to_owned(),
                },
                "no_such_date",
                "Das Datum 31.02.2021 gibt es nicht.",
                None,
            ),
            (
                ValidationError::DateBefore {
                    subject: "Die Approbation",
                    date: "01.03.2010".to_owned(),
                    reference: "dem Staatsexamen",
                    reference_date: "15.06.2010".to_owned(),
                },
                "date_before",
                "Die Approbation (01.03.2010) liegt vor dem Staatsexamen (15.06.2010).",
                None,
            ),
            (
                ValidationError::DateInFuture {
                    subject: "Das Geburtsdatum",
                    date: "01.01.2030".to_owned(),
                },
                "date_in_future",
                "Das Geburtsdatum (01.01.2030) liegt in der Zukunft.",
                None,
            ),
            (
                ValidationError::MinimumAge {
                    at: "Beim Staatsexamen",
                    date: "15.06.2000".to_owned(),
                    age: 16,
                    min: 18,
                },
                "minimum_age",
                "Beim Staatsexamen (15.06.2000) wäre die Person erst 16 Jahre alt gewesen; plausibel sind mindestens 18 Jahre.",
                None,
            ),
            (
                ValidationError::SiteNotAllowed {
                    site: "773999000".to_owned(),
                },
                "site_not_allowed",
                "Der Standort 773999000 gehört nicht zu den Standorten dieses Krankenhauses.",
                None,
            ),
            (
                ValidationError::SiteOverlap {
                    site: "773081000".to_owned(),
                    start: "01.01.2020".to_owned(),
                    end: Some("31.12.2024".to_owned()),
                },
                "site_overlap",
                "Der Standort 773081000 ist bereits vom 01.01.2020 bis 31.12.2024 zugeordnet; die Zeiträume überschneiden sich.",
                None,
            ),
            (
                ValidationError::SiteOverlap {
                    site: "773081000".to_owned(),
                    start: "01.01.2020".to_owned(),
                    end: None,
                },
                "site_overlap",
                "Der Standort 773081000 ist bereits ab dem 01.01.2020 zugeordnet; die Zeiträume überschneiden sich.",
                None,
            ),
            (
                ValidationError::NoSiteAssignment,
                "no_site_assignment",
                "Mindestens eine Standortzuordnung angeben oder „alle Standorte dieses Krankenhauses“ wählen.",
                None,
            ),
            (
                ValidationError::UnknownSpecialty {
                    code: "98".to_owned(),
                },
                "unknown_specialty",
                "Unbekannter Fachgebietsschlüssel „98“.",
                None,
            ),
            (
                ValidationError::DoctorateDateRequired,
                "doctorate_date_required",
                "Bei Dr.-Titel bitte das Datum der Promotion angeben.",
                None,
            ),
            (
                ValidationError::UnknownLand {
                    found: "Bayernn".to_owned(),
                },
                "unknown_land",
                "„Bayernn“ ist kein deutsches Land; erwartet wird der Name eines der 16 Länder, z. B. „Niedersachsen“.",
                None,
            ),
            (
                ValidationError::Duplicate {
                    value: "773081000".to_owned(),
                    first_line: 4,
                },
                "duplicate",
                "773081000 kommt bereits in Zeile 4 vor.",
                None,
            ),
            (
                ValidationError::CsvColumnMissing { column: "plz" },
                "csv_column_missing",
                "Die Spalte „plz“ fehlt in der Kopfzeile.",
                None,
            ),
            (
                ValidationError::CsvColumnUnknown {
                    column: "name".to_owned(),
                },
                "csv_column_unknown",
                "Unbekannte Spalte „name“ in der Kopfzeile.",
                None,
            ),
            (
                ValidationError::CsvColumnTwice {
                    column: "ort".to_owned(),
                },
                "csv_column_twice",
                "Die Spalte „ort“ steht mehrfach in der Kopfzeile.",
                None,
            ),
            (
                ValidationError::CsvFieldCount {
                    expected: 10,
                    actual: 8,
                },
                "csv_field_count",
                "Die Zeile hat 8 Felder, erwartet 10.",
                None,
            ),
            (
                ValidationError::NoDataRows,
                "no_data_rows",
                "Die Datei enthält keine Datenzeilen.",
                None,
            ),
            (
                ValidationError::NoSiteToEnd {
                    site: Some("773082000".to_owned()),
                },
                "no_site_to_end",
                "Keine Zuordnung zum Standort 773082000, die beendet werden könnte.",
                None,
            ),
            (
                ValidationError::NoSiteToEnd { site: None },
                "no_site_to_end",
                "Keine Standortzuordnung, die beendet werden könnte.",
                None,
            ),
            (
                ValidationError::DateTooFarAhead {
                    subject: "Der Beginn der Tätigkeit",
                    date: "01.03.2028".into(),
                    latest: "27.11.2027".into(),
                },
                "date_too_far_ahead",
                "Der Beginn der Tätigkeit (01.03.2028) liegt zu weit in der Zukunft; möglich ist höchstens der 27.11.2027.",
                None,
            ),
            (
                ValidationError::SiteRemoved {
                    site: "773688000".into(),
                },
                "site_removed",
                "Der Standort 773688000 ist nicht mehr im Standortverzeichnis; bestehende Zuordnungen können beendet, neue nicht angelegt oder verlängert werden.",
                None,
            ),
            (
                ValidationError::SiteValidUntil {
                    site: "773688000".into(),
                    until: "31.12.2026".into(),
                },
                "site_valid_until",
                "Der Standort 773688000 ist nur bis 31.12.2026 gültig; die Zuordnung muss spätestens dann enden.",
                None,
            ),
            (
                ValidationError::NoSitesListed,
                "no_sites_listed",
                "Für dieses Krankenhaus ist kein Standort im Standortverzeichnis eingetragen; „alle Standorte“ ist daher nicht möglich.",
                None,
            ),
            (
                ValidationError::AnrFixed,
                "anr_fixed",
                "Eine vergebene Arztnummer kann nicht geändert oder entfernt werden.",
                None,
            ),
            (
                ValidationError::AnrTaken {
                    anr: "838382202".into(),
                },
                "anr_taken",
                "Die Arztnummer 838382202 ist bereits bei einem anderen Eintrag dieses Krankenhauses eingetragen.",
                None,
            ),
        ]
    }

    #[test]
    fn every_variant_has_exact_code_message_and_position() {
        for (err, code, message, position) in samples() {
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
