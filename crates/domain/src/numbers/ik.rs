//! The institution number (Institutionskennzeichen, IK): check digit, classification and region.

use serde::{Deserialize, Serialize};

use super::{NUMBER_LEN, digit_string, digit_values, number_newtype};
use crate::error::ValidationError;

/// Weights of digits 3–8 (the check digit covers these only, not the classification).
const WEIGHTS: [u8; 6] = [2, 1, 2, 1, 2, 1];

/// 1-based position of the check digit.
const CHECK_DIGIT_POSITION: usize = 9;

/// Labels of known classifications (digits 1–2). Examples, not a complete list: unknown
/// classifications are valid and just have no label.
const CLASSIFICATIONS: &[(&str, &str)] = &[
    ("10", "Krankenkassen"),
    ("12", "Unfallversicherungsträger"),
    ("18", "Pflegekassen"),
    ("20", "Ärzte/Kassenärztliche Vereinigungen"),
    ("26", "Krankenhäuser"),
    ("30", "Apotheken"),
    ("45", "Hebammen"),
    // Unconfirmed in the domain reference: kept here so it can be corrected in one place.
    ("66", "Datenannahmestellen"),
];

/// Classification whose region codes are the Länder.
const HOSPITAL_CLASSIFICATION: &str = "26";

/// Region codes (digits 3–4) of hospital IKs. They follow the Länder order (01 SH … 16 TH) and
/// can change here in one place; other classifications (insurers) use finer codes, so regions are
/// labelled, never validated.
const HOSPITAL_REGIONS: &[(&str, &str)] = &[
    ("01", "Schleswig-Holstein"),
    ("02", "Hamburg"),
    ("03", "Niedersachsen"),
    ("04", "Bremen"),
    ("05", "Nordrhein-Westfalen"),
    ("06", "Hessen"),
    ("07", "Rheinland-Pfalz"),
    ("08", "Baden-Württemberg"),
    ("09", "Bayern"),
    ("10", "Saarland"),
    ("11", "Berlin"),
    ("12", "Brandenburg"),
    ("13", "Mecklenburg-Vorpommern"),
    ("14", "Sachsen"),
    ("15", "Sachsen-Anhalt"),
    ("16", "Thüringen"),
];

fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, label)| *label)
}

/// A valid 9-digit IK: classification (1–2), region (3–4), serial (5–8), check digit (9).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct Ik(String);

number_newtype!(Ik);

/// What an IK says, for display.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IkInfo {
    pub classification: String,
    pub classification_label: Option<String>,
    pub region: String,
    pub region_label: Option<String>,
    pub serial: String,
    pub check_digit: u8,
    pub description: String,
}

impl Ik {
    /// Parses and validates an IK (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits = digit_string(input, NUMBER_LEN)?;
        let expected = Self::check_digit(&digit_values(&digits, 2));
        let found = digit_values::<1>(&digits, CHECK_DIGIT_POSITION - 1)[0];
        if found != expected {
            return Err(ValidationError::CheckDigit {
                position: CHECK_DIGIT_POSITION,
                found,
                expected,
            });
        }
        Ok(Self(digits))
    }

    /// The check digit for digits 3–8 (values 0–9): weights 2,1,2,1,2,1, each product replaced
    /// by its digit sum, the total mod 10 (the remainder itself, not 10 minus it).
    pub fn check_digit(digits3to8: &[u8; 6]) -> u8 {
        let sum: u32 = digits3to8
            .iter()
            .zip(WEIGHTS)
            .map(|(&d, w)| {
                let product = u32::from(d) * u32::from(w);
                product / 10 + product % 10
            })
            .sum();
        // Below 10, so the narrowing cannot lose anything.
        (sum % 10) as u8
    }

    /// Digits 1–2: the kind of institution.
    pub fn classification(&self) -> &str {
        &self.0[..2]
    }

    /// Digits 3–4: the region (meaning depends on the classification).
    pub fn region(&self) -> &str {
        &self.0[2..4]
    }

    /// Digits 5–8: the serial number.
    pub fn serial(&self) -> &str {
        &self.0[4..8]
    }

    pub fn info(&self) -> IkInfo {
        let classification = self.classification();
        let classification_label = lookup(CLASSIFICATIONS, classification);
        let region_label = if classification == HOSPITAL_CLASSIFICATION {
            lookup(HOSPITAL_REGIONS, self.region())
        } else {
            None
        };
        let check_digit = digit_values::<1>(&self.0, CHECK_DIGIT_POSITION - 1)[0];
        let with_label = |code: &str, label: Option<&str>| match label {
            Some(label) => format!("{code} ({label})"),
            None => code.to_owned(),
        };
        let description = format!(
            "Institutionskennzeichen: Klassifikation {}, Region {}, laufende Nummer {}, Prüfziffer {check_digit}",
            with_label(classification, classification_label),
            with_label(self.region(), region_label),
            self.serial(),
        );
        IkInfo {
            classification: classification.to_owned(),
            classification_label: classification_label.map(str::to_owned),
            region: self.region().to_owned(),
            region_label: region_label.map(str::to_owned),
            serial: self.serial().to_owned(),
            check_digit,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ik(s: &str) -> Ik {
        Ik::parse(s).expect("valid IK")
    }

    #[test]
    fn worked_examples_from_the_readme() {
        // 260326822: 0,3,4,6,16→7,2 = 22 → 2.
        assert_eq!(Ik::check_digit(&[0, 3, 2, 6, 8, 2]), 2);
        assert_eq!(ik("260326822").as_str(), "260326822");
        assert_eq!(Ik::check_digit(&[9, 9, 0, 5, 0, 0]), 3);
        assert_eq!(ik("109905003").as_str(), "109905003");
        assert_eq!(Ik::check_digit(&[1, 5, 7, 5, 5, 1]), 9);
        assert_eq!(ik("101575519").as_str(), "101575519");
        // The Haupt-IK of the site example.
        assert_eq!(ik("261500416").classification(), "26");
    }

    #[test]
    fn not_luhn_over_all_nine_digits() {
        // Luhn over the first eight digits of 109905003 would give 0; the IK rule gives 3.
        assert_eq!(
            Ik::parse("109905000"),
            Err(ValidationError::CheckDigit {
                position: 9,
                found: 0,
                expected: 3
            })
        );
        // Likewise 101575519: Luhn would give 2.
        assert_eq!(
            Ik::parse("101575512"),
            Err(ValidationError::CheckDigit {
                position: 9,
                found: 2,
                expected: 9
            })
        );
    }

    #[test]
    fn errors_with_positions() {
        let err = Ik::parse("26032682x").expect_err("non-digit");
        assert_eq!(
            err,
            ValidationError::NonDigit {
                position: 9,
                found: 'x'
            }
        );
        assert_eq!(err.position(), Some(9));
        assert_eq!(err.message(), "Stelle 9: „x“ ist keine Ziffer.");

        let err = Ik::parse("2603268").expect_err("too short");
        assert_eq!(
            err,
            ValidationError::WrongLength {
                expected: 9,
                actual: 7
            }
        );
        assert_eq!(err.message(), "Die Nummer muss 9 Stellen haben, sie hat 7.");
        assert_eq!(err.position(), None);

        let err = Ik::parse("260326823").expect_err("check digit");
        assert_eq!(
            err,
            ValidationError::CheckDigit {
                position: 9,
                found: 3,
                expected: 2
            }
        );
        assert_eq!(err.message(), "Prüfziffer ist 3, erwartet 2 (Stelle 9).");
        assert_eq!(err.position(), Some(9));

        assert_eq!(Ik::parse(""), Err(ValidationError::Empty));
    }

    #[test]
    fn info_of_a_hospital() {
        assert_eq!(
            ik("260326822").info(),
            IkInfo {
                classification: "26".to_owned(),
                classification_label: Some("Krankenhäuser".to_owned()),
                region: "03".to_owned(),
                region_label: Some("Niedersachsen".to_owned()),
                serial: "2682".to_owned(),
                check_digit: 2,
                description: "Institutionskennzeichen: Klassifikation 26 (Krankenhäuser), Region 03 (Niedersachsen), laufende Nummer 2682, Prüfziffer 2".to_owned(),
            }
        );
    }

    #[test]
    fn info_of_an_insurer_has_no_region_label() {
        let info = ik("109905003").info();
        assert_eq!(info.classification_label.as_deref(), Some("Krankenkassen"));
        assert_eq!(info.region, "99");
        assert_eq!(info.region_label, None);
        assert_eq!(
            info.description,
            "Institutionskennzeichen: Klassifikation 10 (Krankenkassen), Region 99, laufende Nummer 0500, Prüfziffer 3"
        );
    }

    #[test]
    fn unknown_classification_and_region_are_accepted() {
        // 99 is no known classification, 87 no Land: still valid, just unlabelled.
        let digits = [8, 7, 0, 0, 0, 1];
        let s = format!("99870001{}", Ik::check_digit(&digits));
        let info = ik(&s).info();
        assert_eq!(info.classification_label, None);
        assert_eq!(info.region_label, None);
        // A hospital IK with a region outside the Länder table is valid too.
        let s = format!("26870001{}", Ik::check_digit(&digits));
        assert_eq!(ik(&s).info().region_label, None);
    }

    #[test]
    fn every_label_table_entry_is_two_digits() {
        for (code, label) in CLASSIFICATIONS.iter().chain(HOSPITAL_REGIONS) {
            assert_eq!(code.len(), 2, "{label}");
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{label}");
        }
        assert_eq!(HOSPITAL_REGIONS.len(), 16);
        assert_eq!(lookup(HOSPITAL_REGIONS, "16"), Some("Thüringen"));
        assert_eq!(lookup(HOSPITAL_REGIONS, "01"), Some("Schleswig-Holstein"));
    }

    #[test]
    fn serde_is_a_plain_string() {
        let i = ik("101575519");
        assert_eq!(
            serde_json::to_string(&i).expect("serialises"),
            "\"101575519\""
        );
        assert_eq!(
            serde_json::from_str::<Ik>("\"101575519\"").expect("deserialises"),
            i
        );
        assert!(serde_json::from_str::<Ik>("\"101575518\"").is_err());
        assert!(serde_json::from_str::<Ik>("101575519").is_err());
    }
}
