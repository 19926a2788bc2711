//! The care worker number (lebenslange Beschäftigtennummer, LBNR) and its substitute numbers.

use serde::{Deserialize, Serialize};

use super::{NUMBER_LEN, digit_string, number_newtype};
use crate::error::ValidationError;

/// End of the transition period for substitute numbers (ISO date), as given by seed 004.
///
/// Data, not a rule: kept in this one place so a new date needs one change.
pub const SUBSTITUTE_TRANSITION_END: &str = "2023-09-30";

/// A valid 9-digit LBNR. No check digit is known, so only the format is checked.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct Lbnr(String);

number_newtype!(Lbnr);

/// The substitute numbers used in place of a missing LBNR.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LbnrSubstitute {
    /// 999999999
    AgencyWorker,
    /// 999999998
    NewEmployee,
    /// 999999997
    OtherReason,
    /// 999999996
    Trainee,
}

impl LbnrSubstitute {
    pub const ALL: [LbnrSubstitute; 4] = [
        Self::AgencyWorker,
        Self::NewEmployee,
        Self::OtherReason,
        Self::Trainee,
    ];

    /// The substitute's number.
    pub fn number(self) -> &'static str {
        match self {
            Self::AgencyWorker => "999999999",
            Self::NewEmployee => "999999998",
            Self::OtherReason => "999999997",
            Self::Trainee => "999999996",
        }
    }

    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::AgencyWorker => "Leiharbeitnehmer(in) ohne Beschäftigtennummer",
            Self::NewEmployee => "neue(r) Beschäftigte(r) ohne Beschäftigtennummer",
            Self::OtherReason => "Beschäftigtennummer fehlt aus sonstigem Grund",
            Self::Trainee => "Auszubildende(r)",
        }
    }

    fn of(digits: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.number() == digits)
    }
}

/// What an LBNR says, for display.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LbnrInfo {
    pub substitute: Option<LbnrSubstitute>,
    pub description: String,
    /// ISO date until which a substitute number is allowed; `None` for a regular LBNR.
    pub substitute_valid_until: Option<String>,
}

impl Lbnr {
    /// Parses and validates an LBNR (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        digit_string(input, NUMBER_LEN).map(Self)
    }

    /// Which substitute number this is, if any.
    pub fn substitute(&self) -> Option<LbnrSubstitute> {
        LbnrSubstitute::of(&self.0)
    }

    pub fn info(&self) -> LbnrInfo {
        match self.substitute() {
            Some(substitute) => LbnrInfo {
                substitute: Some(substitute),
                description: format!(
                    "Ersatznummer: {} (Übergangsregelung bis {})",
                    substitute.label(),
                    german_date(SUBSTITUTE_TRANSITION_END)
                ),
                substitute_valid_until: Some(SUBSTITUTE_TRANSITION_END.to_owned()),
            },
            None => LbnrInfo {
                substitute: None,
                description: format!(
                    "Beschäftigtennummer {} (nur das Format ist geprüft, eine Prüfziffer ist nicht bekannt)",
                    self.0
                ),
                substitute_valid_until: None,
            },
        }
    }
}

/// `YYYY-MM-DD` as `DD.MM.YYYY`; anything else unchanged.
fn german_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [year, month, day] => format!("{day}.{month}.{year}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lbnr(s: &str) -> Lbnr {
        Lbnr::parse(s).expect("valid LBNR")
    }

    #[test]
    fn substitute_numbers_from_the_readme() {
        let expected = [
            ("999999999", LbnrSubstitute::AgencyWorker),
            ("999999998", LbnrSubstitute::NewEmployee),
            ("999999997", LbnrSubstitute::OtherReason),
            ("999999996", LbnrSubstitute::Trainee),
        ];
        for (s, substitute) in expected {
            assert_eq!(lbnr(s).substitute(), Some(substitute), "{s}");
        }
        assert_eq!(lbnr("999999995").substitute(), None);
    }

    #[test]
    fn substitute_info() {
        assert_eq!(
            lbnr("999999999").info(),
            LbnrInfo {
                substitute: Some(LbnrSubstitute::AgencyWorker),
                description: "Ersatznummer: Leiharbeitnehmer(in) ohne Beschäftigtennummer (Übergangsregelung bis 30.09.2023)".to_owned(),
                substitute_valid_until: Some("2023-09-30".to_owned()),
            }
        );
        assert_eq!(
            LbnrSubstitute::NewEmployee.label(),
            "neue(r) Beschäftigte(r) ohne Beschäftigtennummer"
        );
        assert_eq!(
            LbnrSubstitute::OtherReason.label(),
            "Beschäftigtennummer fehlt aus sonstigem Grund"
        );
        assert_eq!(LbnrSubstitute::Trainee.label(), "Auszubildende(r)");
        assert_eq!(
            serde_json::to_string(&LbnrSubstitute::AgencyWorker).expect("serialises"),
            "\"agency_worker\""
        );
    }

    #[test]
    fn regular_number_is_format_only() {
        assert_eq!(
            lbnr("123456789").info(),
            LbnrInfo {
                substitute: None,
                description: "Beschäftigtennummer 123456789 (nur das Format ist geprüft, eine Prüfziffer ist nicht bekannt)".to_owned(),
                substitute_valid_until: None,
            }
        );
        assert_eq!(
            Lbnr::parse("12345678"),
            Err(ValidationError::WrongLength {
                expected: 9,
                actual: 8
            })
        );
        // A hyphen between digits is grouping, so eight digits remain.
        assert_eq!(
            Lbnr::parse("1234-6789"),
            Err(ValidationError::WrongLength {
                expected: 9,
                actual: 8
            })
        );
        assert_eq!(
            Lbnr::parse("1234/6789"),
            Err(ValidationError::NonDigit {
                position: 5,
                found: '/'
            })
        );
        assert_eq!(Lbnr::parse(""), Err(ValidationError::Empty));
    }

    #[test]
    fn german_date_format() {
        assert_eq!(german_date("2023-09-30"), "30.09.2023");
        assert_eq!(german_date("bald"), "bald");
    }
}
