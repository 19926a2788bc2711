//! The physician number (Arztnummer, ANR): check digit, pseudo numbers and parts.

use serde::{Deserialize, Serialize};

use super::{NUMBER_LEN, digit_string, digit_values, number_newtype};
use crate::error::ValidationError;

/// Weights of digits 1–6; digit 7 is the check digit itself (the often quoted "first seven digits
/// weighted 4 and 9" is wrong).
const WEIGHTS: [u32; 6] = [4, 9, 4, 9, 4, 9];

/// 1-based position of the check digit.
const CHECK_DIGIT_POSITION: usize = 7;

/// Prefix of the pseudo numbers that are accepted without a valid check digit.
const PSEUDO_555555_PREFIX: &str = "555555";

/// A valid 9-digit physician number `nnnnnn p ff` (lifelong id, check digit, specialty group).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct Anr(String);

number_newtype!(Anr);

/// The known pseudo numbers: placeholders that pass validation but name no physician.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnrPseudo {
    /// `4444444ff`: discharge prescriptions of hospitals from before the directory.
    DischargePrescription,
    /// `999999900`: physicians without an ANR.
    WithoutAnr,
    /// `555555…`: accepted although its check digit may be wrong (explicit exception).
    Pseudo555555,
}

impl AnrPseudo {
    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::DischargePrescription => "Pseudonummer Entlassmanagement (4444444)",
            Self::WithoutAnr => "Pseudonummer für Ärztinnen und Ärzte ohne ANR (999999900)",
            Self::Pseudo555555 => "Pseudo-Arztnummer 555555 (ohne gültige Prüfziffer zugelassen)",
        }
    }

    /// The pseudo kind of nine digits, if they are one.
    fn of(digits: &str) -> Option<Self> {
        if digits.starts_with("4444444") {
            Some(Self::DischargePrescription)
        } else if digits == "999999900" {
            Some(Self::WithoutAnr)
        } else if digits.starts_with(PSEUDO_555555_PREFIX) {
            Some(Self::Pseudo555555)
        } else {
            None
        }
    }
}

/// What an ANR says, for display.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnrInfo {
    pub lifelong_id: String,
    pub check_digit: u8,
    pub specialty_group: String,
    pub pseudo: Option<AnrPseudo>,
    pub description: String,
}

impl Anr {
    /// Parses and validates an ANR (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits = digit_string(input, NUMBER_LEN)?;
        // The 555555 pseudo numbers fail the checksum by design and are accepted regardless.
        if !digits.starts_with(PSEUDO_555555_PREFIX) {
            let expected = Self::check_digit(&digit_values(&digits, 0));
            let found = digit_values::<1>(&digits, CHECK_DIGIT_POSITION - 1)[0];
            if found != expected {
                return Err(ValidationError::CheckDigit {
                    position: CHECK_DIGIT_POSITION,
                    found,
                    expected,
                });
            }
        }
        Ok(Self(digits))
    }

    /// The check digit for the lifelong id's six digits (values 0–9).
    pub fn check_digit(lifelong_id: &[u8; 6]) -> u8 {
        let sum: u32 = lifelong_id
            .iter()
            .zip(WEIGHTS)
            .map(|(&d, w)| u32::from(d) * w)
            .sum();
        // The result is below 10, so the narrowing cannot lose anything.
        ((10 - sum % 10) % 10) as u8
    }

    /// Builds an ANR from a lifelong id (0..=999 999) and a two-digit specialty group, computing the
    /// check digit (used when issuing new numbers).
    pub fn from_parts(lifelong_id: u32, specialty_group: &str) -> Result<Self, ValidationError> {
        if lifelong_id > 999_999 {
            return Err(ValidationError::WrongLength {
                expected: 6,
                actual: lifelong_id.to_string().len(),
            });
        }
        let group = digit_string(specialty_group, 2)?;
        let id = format!("{lifelong_id:06}");
        let check = Self::check_digit(&digit_values(&id, 0));
        Self::parse(&format!("{id}{check}{group}"))
    }

    /// The same physician with another specialty group (digits 8–9); the check digit is unchanged
    /// because it covers digits 1–6 only.
    pub fn with_specialty_group(&self, specialty_group: &str) -> Result<Self, ValidationError> {
        let group = digit_string(specialty_group, 2)?;
        Self::parse(&format!("{}{group}", &self.0[..CHECK_DIGIT_POSITION]))
    }

    /// Digits 1–6: the physician's lifelong id.
    pub fn lifelong_id(&self) -> &str {
        &self.0[..6]
    }

    /// Digits 8–9: the specialty group (Fachgruppe).
    pub fn specialty_group(&self) -> &str {
        &self.0[7..]
    }

    /// Digit 7.
    fn check_digit_value(&self) -> u8 {
        digit_values::<1>(&self.0, CHECK_DIGIT_POSITION - 1)[0]
    }

    /// Which pseudo number this is, if any.
    pub fn pseudo(&self) -> Option<AnrPseudo> {
        AnrPseudo::of(&self.0)
    }

    pub fn info(&self) -> AnrInfo {
        let pseudo = self.pseudo();
        let description = match pseudo {
            Some(AnrPseudo::WithoutAnr) => AnrPseudo::WithoutAnr.label().to_owned(),
            Some(p) => format!("{}, Fachgruppe {}", p.label(), self.specialty_group()),
            None => format!(
                "Arztnummer: lebenslange Nummer {}, Prüfziffer {}, Fachgruppe {}",
                self.lifelong_id(),
                self.check_digit_value(),
                self.specialty_group()
            ),
        };
        AnrInfo {
            lifelong_id: self.lifelong_id().to_owned(),
            check_digit: self.check_digit_value(),
            specialty_group: self.specialty_group().to_owned(),
            pseudo,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anr(s: &str) -> Anr {
        Anr::parse(s).expect("valid ANR")
    }

    #[test]
    fn worked_examples_from_the_readme() {
        // 838382202: sum 168 → 2.
        assert_eq!(Anr::check_digit(&[8, 3, 8, 3, 8, 2]), 2);
        assert_eq!(anr("838382202").as_str(), "838382202");
        // 754236701: sum 173 → 7.
        assert_eq!(Anr::check_digit(&[7, 5, 4, 2, 3, 6]), 7);
        assert_eq!(anr("754236701").as_str(), "754236701");
        // 111136701: sum 92 → 8, but digit 7 is 7.
        let err = Anr::parse("111136701").expect_err("invalid check digit");
        assert_eq!(
            err,
            ValidationError::CheckDigit {
                position: 7,
                found: 7,
                expected: 8
            }
        );
        assert_eq!(err.code(), "check_digit");
        assert_eq!(err.message(), "Prüfziffer ist 7, erwartet 8 (Stelle 7).");
        assert!(err.message().contains("Prüfziffer ist 7, erwartet 8"));
        assert_eq!(err.position(), Some(7));
    }

    #[test]
    fn parts_and_info() {
        let a = anr(" 838382202 ");
        assert_eq!(a.as_str(), "838382202");
        assert_eq!(a.lifelong_id(), "838382");
        assert_eq!(a.specialty_group(), "02");
        assert_eq!(a.pseudo(), None);
        assert_eq!(
            a.info(),
            AnrInfo {
                lifelong_id: "838382".to_owned(),
                check_digit: 2,
                specialty_group: "02".to_owned(),
                pseudo: None,
                description: "Arztnummer: lebenslange Nummer 838382, Prüfziffer 2, Fachgruppe 02"
                    .to_owned(),
            }
        );
    }

    #[test]
    fn pseudo_numbers() {
        let discharge = anr("444444401");
        assert_eq!(discharge.pseudo(), Some(AnrPseudo::DischargePrescription));
        assert_eq!(
            discharge.info().description,
            "Pseudonummer Entlassmanagement (4444444), Fachgruppe 01"
        );
        assert_eq!(
            anr("444444499").pseudo(),
            Some(AnrPseudo::DischargePrescription)
        );

        let without = anr("999999900");
        assert_eq!(without.pseudo(), Some(AnrPseudo::WithoutAnr));
        assert_eq!(
            without.info().description,
            "Pseudonummer für Ärztinnen und Ärzte ohne ANR (999999900)"
        );
        // Same lifelong id, other group: an ordinary (checksum-valid) number, not the pseudo.
        assert_eq!(anr("999999901").pseudo(), None);

        // 555555's own check digit would be 5; any other digit is accepted as the exception.
        assert_eq!(Anr::check_digit(&[5; 6]), 5);
        for s in ["555555500", "555555012", "555555999"] {
            let p = anr(s);
            assert_eq!(p.pseudo(), Some(AnrPseudo::Pseudo555555));
        }
        assert_eq!(
            anr("555555012").info(),
            AnrInfo {
                lifelong_id: "555555".to_owned(),
                check_digit: 0,
                specialty_group: "12".to_owned(),
                pseudo: Some(AnrPseudo::Pseudo555555),
                description:
                    "Pseudo-Arztnummer 555555 (ohne gültige Prüfziffer zugelassen), Fachgruppe 12"
                        .to_owned(),
            }
        );
        // Only the pseudo numbers are exempt: a near miss still fails.
        assert_eq!(
            Anr::parse("555554012"),
            Err(ValidationError::CheckDigit {
                position: 7,
                found: 0,
                expected: Anr::check_digit(&[5, 5, 5, 5, 5, 4])
            })
        );
        assert_eq!(
            Anr::parse("444444501"),
            Err(ValidationError::CheckDigit {
                position: 7,
                found: 5,
                expected: 4
            })
        );
    }

    #[test]
    fn pseudo_labels_and_wire_values() {
        assert_eq!(
            serde_json::to_string(&AnrPseudo::DischargePrescription).expect("serialises"),
            "\"discharge_prescription\""
        );
        assert_eq!(
            serde_json::to_string(&AnrPseudo::WithoutAnr).expect("serialises"),
            "\"without_anr\""
        );
        assert_eq!(
            serde_json::to_string(&AnrPseudo::Pseudo555555).expect("serialises"),
            "\"pseudo555555\""
        );
        assert_eq!(
            AnrPseudo::Pseudo555555.label(),
            "Pseudo-Arztnummer 555555 (ohne gültige Prüfziffer zugelassen)"
        );
    }

    #[test]
    fn format_errors() {
        assert_eq!(Anr::parse("  "), Err(ValidationError::Empty));
        assert_eq!(
            Anr::parse("8383822O2"),
            Err(ValidationError::NonDigit {
                position: 8,
                found: 'O'
            })
        );
        assert_eq!(
            Anr::parse("83838220"),
            Err(ValidationError::WrongLength {
                expected: 9,
                actual: 8
            })
        );
    }

    #[test]
    fn from_parts_computes_the_check_digit() {
        assert_eq!(
            Anr::from_parts(838_382, "02").expect("valid").as_str(),
            "838382202"
        );
        assert_eq!(
            Anr::from_parts(42, "99").expect("valid").as_str(),
            format!("000042{}99", Anr::check_digit(&[0, 0, 0, 0, 4, 2]))
        );
        assert_eq!(
            Anr::from_parts(1_000_000, "02"),
            Err(ValidationError::WrongLength {
                expected: 6,
                actual: 7
            })
        );
        assert_eq!(
            Anr::from_parts(838_382, "2"),
            Err(ValidationError::WrongLength {
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            Anr::from_parts(838_382, "0x"),
            Err(ValidationError::NonDigit {
                position: 2,
                found: 'x'
            })
        );
        assert_eq!(Anr::from_parts(838_382, ""), Err(ValidationError::Empty));
    }

    #[test]
    fn with_specialty_group_keeps_id_and_check_digit() {
        let a = anr("838382202");
        assert_eq!(
            a.with_specialty_group("77").expect("valid").as_str(),
            "838382277"
        );
        // The 555555 exception survives a group change.
        assert_eq!(
            anr("555555012")
                .with_specialty_group("34")
                .expect("valid")
                .as_str(),
            "555555034"
        );
        assert_eq!(
            a.with_specialty_group("123"),
            Err(ValidationError::WrongLength {
                expected: 2,
                actual: 3
            })
        );
    }

    #[test]
    fn std_traits_and_serde() {
        let a: Anr = "754236701".parse().expect("valid");
        assert_eq!(a.to_string(), "754236701");
        assert_eq!(Anr::try_from("754236701".to_owned()), Ok(a.clone()));
        assert_eq!(String::from(a.clone()), "754236701");
        assert_eq!(
            serde_json::to_string(&a).expect("serialises"),
            "\"754236701\""
        );
        assert_eq!(
            serde_json::from_str::<Anr>("\"754236701\"").expect("deserialises"),
            a
        );
        let err = serde_json::from_str::<Anr>("\"111136701\"").expect_err("rejected");
        assert!(
            err.to_string()
                .contains("Prüfziffer ist 7, erwartet 8 (Stelle 7).")
        );
    }
}
