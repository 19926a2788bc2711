//! Identity comparison between the directory and the central number registry (ANRV).
//!
//! Names are compared after [`normalize_name`]: case, umlauts (ä = ae, ö = oe, ü = ue), ß = ss,
//! surrounding blanks, and hyphens versus blanks do not count, so "Müller-Lüdenscheidt" and
//! "MUELLER LUEDENSCHEIDT" are the same name. Outcomes:
//! - `Same`: names, birth date and licence date (when both sides have one) agree, and the sex
//!   agrees unless one side has it as unknown.
//! - `Mismatch`: evidently the same person with other data, to be clarified: the same first name
//!   and birth date (e.g. a new last name after marriage), or the same first and last name and
//!   licence date (e.g. a mistyped birth date).
//! - `Different`: another person. The same last name and birth date alone is *not* enough: twins
//!   share both.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::physician::{PhysicianForm, Sex};

/// The identifying data of a physician as the registry compares it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Date,
    pub sex: Sex,
    pub licence_date: Option<Date>,
}

impl PhysicianForm {
    /// The identity of this record; `None` while birth date or sex is missing.
    pub fn identity(&self) -> Option<Identity> {
        Some(Identity {
            last_name: self.last_name.trim().to_owned(),
            first_name: self.first_name.trim().to_owned(),
            birth_date: self.birth_date?,
            sex: self.sex?,
            licence_date: self.licence_date,
        })
    }
}

/// A compared field of an [`Identity`].
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum IdentityField {
    LastName,
    FirstName,
    BirthDate,
    Sex,
    LicenceDate,
}

impl IdentityField {
    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            IdentityField::LastName => "Name",
            IdentityField::FirstName => "Vorname",
            IdentityField::BirthDate => "Geburtsdatum",
            IdentityField::Sex => "Geschlecht",
            IdentityField::LicenceDate => "Datum der Approbation",
        }
    }
}

/// One field in which directory and registry differ, with both values for people.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: IdentityField,
    pub directory_value: String,
    pub registry_value: String,
}

/// The result of comparing an identity with the registry's.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MatchOutcome {
    /// The same person with the same data.
    Same,
    /// The same person with differing data, to be clarified.
    Mismatch { differences: Vec<Difference> },
    /// Another person.
    Different,
}

/// The comparison rule of the registry (see the module documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityMatch;

impl IdentityMatch {
    /// Compares the directory's identity with the registry's.
    pub fn compare(directory: &Identity, registry: &Identity) -> MatchOutcome {
        let last = normalize_name(&directory.last_name) == normalize_name(&registry.last_name);
        let first = normalize_name(&directory.first_name) == normalize_name(&registry.first_name);
        let birth = directory.birth_date == registry.birth_date;
        let licence = match (directory.licence_date, registry.licence_date) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
        let sex = directory.sex == registry.sex
            || directory.sex == Sex::Unknown
            || registry.sex == Sex::Unknown;

        let mut differences = Vec::new();
        let mut differ = |field, directory_value: String, registry_value: String| {
            differences.push(Difference {
                field,
                directory_value,
                registry_value,
            });
        };
        if !last {
            differ(
                IdentityField::LastName,
                directory.last_name.trim().to_owned(),
                registry.last_name.trim().to_owned(),
            );
        }
        if !first {
            differ(
                IdentityField::FirstName,
                directory.first_name.trim().to_owned(),
                registry.first_name.trim().to_owned(),
            );
        }
        if !birth {
            differ(
                IdentityField::BirthDate,
                directory.birth_date.to_german(),
                registry.birth_date.to_german(),
            );
        }
        if !sex {
            differ(
                IdentityField::Sex,
                directory.sex.label().to_owned(),
                registry.sex.label().to_owned(),
            );
        }
        if let (Some(false), Some(a), Some(b)) =
            (licence, directory.licence_date, registry.licence_date)
        {
            differ(IdentityField::LicenceDate, a.to_german(), b.to_german());
        }

        if differences.is_empty() {
            MatchOutcome::Same
        } else if (first && birth) || (first && last && licence == Some(true)) {
            MatchOutcome::Mismatch { differences }
        } else {
            MatchOutcome::Different
        }
    }
}

/// A name for comparison: lower case, ä/ö/ü as ae/oe/ue, ß as ss, hyphens (and dashes) as blanks,
/// runs of blanks as one, no surrounding blanks.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    fn anna() -> Identity {
        Identity {
            last_name: "Müller-Lüdenscheidt".into(),
            first_name: "Anna".into(),
            birth_date: d("12.04.1985"),
            sex: Sex::Female,
            licence_date: Some(d("01.10.2010")),
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_name("  Müller-Lüdenscheidt "),
            "mueller luedenscheidt"
        );
        assert_eq!(
            normalize_name("MUELLER  LUEDENSCHEIDT"),
            "mueller luedenscheidt"
        );
        assert_eq!(normalize_name("Strauß"), "strauss");
        assert_eq!(normalize_name("STRAUẞ"), "strauss");
        assert_eq!(normalize_name("Hans – Peter"), "hans peter");
        assert_eq!(normalize_name("Öztürk"), "oeztuerk");
    }

    #[test]
    fn same_person_same_data() {
        assert_eq!(IdentityMatch::compare(&anna(), &anna()), MatchOutcome::Same);
        let mut spelled = anna();
        spelled.last_name = "MUELLER LUEDENSCHEIDT".into();
        spelled.first_name = " anna ".into();
        assert_eq!(
            IdentityMatch::compare(&anna(), &spelled),
            MatchOutcome::Same
        );
        // Unknown sex or a missing licence date on one side is no difference.
        spelled.sex = Sex::Unknown;
        spelled.licence_date = None;
        assert_eq!(
            IdentityMatch::compare(&anna(), &spelled),
            MatchOutcome::Same
        );
    }

    #[test]
    fn other_last_name_after_marriage_is_a_mismatch() {
        let mut registry = anna();
        registry.last_name = "Schmidt".into();
        assert_eq!(
            IdentityMatch::compare(&anna(), &registry),
            MatchOutcome::Mismatch {
                differences: vec![Difference {
                    field: IdentityField::LastName,
                    directory_value: "Müller-Lüdenscheidt".into(),
                    registry_value: "Schmidt".into(),
                }]
            }
        );
    }

    #[test]
    fn mistyped_birth_date_with_same_names_and_licence_is_a_mismatch() {
        let mut registry = anna();
        registry.birth_date = d("21.04.1985");
        registry.sex = Sex::Diverse;
        assert_eq!(
            IdentityMatch::compare(&anna(), &registry),
            MatchOutcome::Mismatch {
                differences: vec![
                    Difference {
                        field: IdentityField::BirthDate,
                        directory_value: "12.04.1985".into(),
                        registry_value: "21.04.1985".into(),
                    },
                    Difference {
                        field: IdentityField::Sex,
                        directory_value: "weiblich".into(),
                        registry_value: "divers".into(),
                    },
                ]
            }
        );
        // Without a licence date to confirm it, that is another person.
        registry.licence_date = None;
        assert_eq!(
            IdentityMatch::compare(&anna(), &registry),
            MatchOutcome::Different
        );
    }

    #[test]
    fn other_people() {
        // A twin: same last name and birth date, other first name.
        let mut twin = anna();
        twin.first_name = "Berta".into();
        assert_eq!(
            IdentityMatch::compare(&anna(), &twin),
            MatchOutcome::Different
        );
        // Same name, other birth date, other licence date.
        let mut namesake = anna();
        namesake.birth_date = d("01.01.1970");
        namesake.licence_date = Some(d("01.01.1996"));
        assert_eq!(
            IdentityMatch::compare(&anna(), &namesake),
            MatchOutcome::Different
        );
    }

    #[test]
    fn licence_difference_is_reported() {
        let mut registry = anna();
        registry.licence_date = Some(d("01.11.2010"));
        let MatchOutcome::Mismatch { differences } = IdentityMatch::compare(&anna(), &registry)
        else {
            panic!("mismatch expected");
        };
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].field, IdentityField::LicenceDate);
        assert_eq!(differences[0].field.label(), "Datum der Approbation");
        assert_eq!(differences[0].registry_value, "01.11.2010");
    }

    #[test]
    fn outcome_json_shape() {
        let json = serde_json::to_value(MatchOutcome::Mismatch {
            differences: vec![Difference {
                field: IdentityField::LastName,
                directory_value: "A".into(),
                registry_value: "B".into(),
            }],
        })
        .expect("serialises");
        assert_eq!(json["outcome"], "mismatch");
        assert_eq!(json["differences"][0]["field"], "last_name");
        assert_eq!(
            serde_json::to_value(MatchOutcome::Same).expect("serialises")["outcome"],
            "same"
        );
    }

    #[test]
    fn identity_of_a_form() {
        let form = PhysicianForm {
            last_name: " Muster ".into(),
            first_name: "Erika".into(),
            birth_date: Some(d("01.02.1980")),
            sex: Some(Sex::Female),
            ..PhysicianForm::default()
        };
        let identity = form.identity().expect("complete");
        assert_eq!(identity.last_name, "Muster");
        assert_eq!(identity.licence_date, None);
        assert_eq!(PhysicianForm::default().identity(), None);
    }
}
