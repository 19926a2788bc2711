//! The small pieces a physician record is made of (sex, an assignment to a site, how empty and
//! open values are shown), below the record, its identity and its activity periods so that
//! those import them one way.
use serde::{Deserialize, Serialize};

use super::date::Date;
use crate::error::ValidationError;

/// Sex as recorded in the directory.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Diverse,
    Unknown,
}

impl Sex {
    /// Every value, in the order shown to people.
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Diverse, Sex::Unknown];

    /// German label for people (also the HR CSV value).
    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "weiblich",
            Sex::Male => "männlich",
            Sex::Diverse => "divers",
            Sex::Unknown => "unbekannt",
        }
    }

    /// The wire value (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Diverse => "diverse",
            Sex::Unknown => "unknown",
        }
    }

    /// One-letter German abbreviation (w, m, d, u).
    pub fn abbreviation(self) -> &'static str {
        match self {
            Sex::Female => "w",
            Sex::Male => "m",
            Sex::Diverse => "d",
            Sex::Unknown => "u",
        }
    }

    /// Reads a label, wire value or abbreviation (case and surrounding blanks ignored).
    pub fn from_input(input: &str) -> Result<Sex, ValidationError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        let lower = s.to_lowercase();
        Sex::ALL
            .into_iter()
            .find(|x| lower == x.label() || lower == x.as_str() || lower == x.abbreviation())
            .ok_or(ValidationError::Format {
                expected: "weiblich, männlich, divers oder unbekannt (w, m, d, u)",
            })
    }
}

/// The assignment to one site: site number, first and (optional, inclusive) last day of work.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SiteAssignment {
    pub site_number: String,
    pub start: Option<Date>,
    /// `None` while the assignment is open.
    pub end: Option<Date>,
}

impl SiteAssignment {
    /// German display form, e.g. "773081000: 01.01.2020 – 31.12.2024" or "… – offen".
    pub fn display(&self) -> String {
        format!(
            "{}: {} – {}",
            self.site_number.trim(),
            display_date(self.start),
            self.end
                .map_or_else(|| OPEN_END.to_owned(), Date::to_german)
        )
    }
}

/// Shown for an assignment without end date.
pub const OPEN_END: &str = "offen";
/// Shown for an empty value.
pub const EMPTY_VALUE: &str = "(leer)";

/// A date for people, or [`EMPTY_VALUE`].
pub(crate) fn display_date(date: Option<Date>) -> String {
    date.map_or_else(|| EMPTY_VALUE.to_owned(), Date::to_german)
}
