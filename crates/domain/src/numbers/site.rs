//! The hospital site number (Standortnummer): sites and their outpatient units.

use serde::{Deserialize, Serialize};

use super::{NUMBER_LEN, digit_string, number_newtype};
use crate::error::ValidationError;

/// Every site number starts with this.
const PREFIX: &str = "77";

/// Digits 8–9 of a site itself; anything else is the unit type of an outpatient unit.
const SITE_SUFFIX: &str = "00";

/// A valid 9-digit site number: `77`, site id (3–6), `0`, `00` for the site or a unit type.
///
/// There is no check digit, so only the format is checked.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct SiteNumber(String);

number_newtype!(SiteNumber);

/// Whether a site number names a site or one of its outpatient units.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Site,
    OutpatientUnit,
}

impl SiteKind {
    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Site => "Standort",
            Self::OutpatientUnit => "Ambulanz eines Standorts",
        }
    }
}

/// What a site number says, for display.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    pub site_kind: SiteKind,
    /// Digits 3–6.
    pub site_id: String,
    /// The site itself for a site, the owning site for an outpatient unit.
    pub parent_site: String,
    /// Digits 8–9 of an outpatient unit; `None` for a site.
    pub unit_type: Option<String>,
    pub description: String,
}

impl SiteNumber {
    /// Parses and validates a site number (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits = digit_string(input, NUMBER_LEN)?;
        if !digits.starts_with(PREFIX) {
            return Err(ValidationError::SitePrefix {
                found: digits[..2].to_owned(),
            });
        }
        let digit7 = char::from(digits.as_bytes()[6]);
        if digit7 != '0' {
            return Err(ValidationError::SiteDigit7 { found: digit7 });
        }
        Ok(Self(digits))
    }

    pub fn kind(&self) -> SiteKind {
        if self.0.ends_with(SITE_SUFFIX) {
            SiteKind::Site
        } else {
            SiteKind::OutpatientUnit
        }
    }

    pub fn is_site(&self) -> bool {
        self.kind() == SiteKind::Site
    }

    /// Digits 3–6: the site's id.
    pub fn site_id(&self) -> &str {
        &self.0[2..6]
    }

    /// The site this number belongs to (itself for a site).
    pub fn parent_site(&self) -> SiteNumber {
        Self(format!("{}0{SITE_SUFFIX}", &self.0[..6]))
    }

    /// Digits 8–9 of an outpatient unit.
    pub fn unit_type(&self) -> Option<&str> {
        match self.kind() {
            SiteKind::Site => None,
            SiteKind::OutpatientUnit => Some(&self.0[7..]),
        }
    }

    pub fn info(&self) -> SiteInfo {
        let parent = self.parent_site();
        let description = match self.unit_type() {
            None => format!("Standort (Standortkennung {})", self.site_id()),
            Some(unit) => format!("Ambulanz (Typ {unit}) des Standorts {parent}"),
        };
        SiteInfo {
            site_kind: self.kind(),
            site_id: self.site_id().to_owned(),
            parent_site: parent.0,
            unit_type: self.unit_type().map(str::to_owned),
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(s: &str) -> SiteNumber {
        SiteNumber::parse(s).expect("valid site number")
    }

    #[test]
    fn worked_examples_from_the_readme() {
        for s in ["773686000", "773081000", "773082000"] {
            let n = site(s);
            assert_eq!(n.kind(), SiteKind::Site, "{s}");
            assert!(n.is_site());
            assert_eq!(n.parent_site(), n);
        }
        let unit = site("773081012");
        assert_eq!(unit.kind(), SiteKind::OutpatientUnit);
        assert!(!unit.is_site());
        assert_eq!(unit.parent_site(), site("773081000"));
        assert_eq!(unit.unit_type(), Some("12"));
    }

    #[test]
    fn info() {
        assert_eq!(
            site("773686000").info(),
            SiteInfo {
                site_kind: SiteKind::Site,
                site_id: "3686".to_owned(),
                parent_site: "773686000".to_owned(),
                unit_type: None,
                description: "Standort (Standortkennung 3686)".to_owned(),
            }
        );
        assert_eq!(
            site("773081012").info(),
            SiteInfo {
                site_kind: SiteKind::OutpatientUnit,
                site_id: "3081".to_owned(),
                parent_site: "773081000".to_owned(),
                unit_type: Some("12".to_owned()),
                description: "Ambulanz (Typ 12) des Standorts 773081000".to_owned(),
            }
        );
    }

    #[test]
    fn rule_errors() {
        let err = SiteNumber::parse("123686000").expect_err("wrong prefix");
        assert_eq!(
            err,
            ValidationError::SitePrefix {
                found: "12".to_owned()
            }
        );
        assert_eq!(
            err.message(),
            "Eine Standortnummer beginnt mit 77, nicht mit 12."
        );
        assert_eq!(err.position(), Some(1));

        let err = SiteNumber::parse("773686300").expect_err("digit 7");
        assert_eq!(err, ValidationError::SiteDigit7 { found: '3' });
        assert_eq!(
            err.message(),
            "Stelle 7 einer Standortnummer muss 0 sein, ist 3."
        );
        assert_eq!(err.code(), "site_digit7");
        assert_eq!(err.position(), Some(7));

        // Format errors come first.
        assert_eq!(
            SiteNumber::parse("1236860"),
            Err(ValidationError::WrongLength {
                expected: 9,
                actual: 7
            })
        );
        // A valid IK is not a site number.
        assert_eq!(
            SiteNumber::parse("261500416"),
            Err(ValidationError::SitePrefix {
                found: "26".to_owned()
            })
        );
    }

    #[test]
    fn kind_labels_and_serde() {
        assert_eq!(SiteKind::Site.label(), "Standort");
        assert_eq!(SiteKind::OutpatientUnit.label(), "Ambulanz eines Standorts");
        assert_eq!(
            serde_json::to_string(&SiteKind::OutpatientUnit).expect("serialises"),
            "\"outpatient_unit\""
        );
        assert_eq!(
            serde_json::to_string(&site("773081012")).expect("serialises"),
            "\"773081012\""
        );
        assert!(serde_json::from_str::<SiteNumber>("\"773081312\"").is_err());
    }
}
