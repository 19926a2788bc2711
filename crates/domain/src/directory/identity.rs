//! Identity comparison between the directory and the central number registry (ANRV).
//!
//! Names are compared after [`normalize_name`]: case, umlauts (ä = ae, ö = oe, ü = ue), ß = ss,
//! surrounding blanks, and hyphens versus blanks do not count, so "Müller-Lüdenscheidt" and
//! "MUELLER LUEDENSCHEIDT" are the same name. A licence date missing on one side and a sex
//! recorded as unknown on one side are *no evidence* either way (neither a difference nor a
//! confirmation). Outcomes:
//! - `Same`: names, birth date and licence date (when both sides have one) agree, and the sex
//!   agrees unless one side has it as unknown.
//! - `Mismatch`: the same person with one differing field that has an innocent explanation and
//!   no contradicting evidence. Exactly one field may differ, and only as [`explainable`] says:
//!
//!   | the only differing field | plausible cause | also required |
//!   |---|---|---|
//!   | last name | marriage, divorce | — (first name, birth date, sex agree; licence equal or missing) |
//!   | licence date | typo | — (names, birth date, sex agree) |
//!   | birth date | typo | licence date present on both sides and equal |
//!   | sex | recording error | licence date present on both sides and equal |
//!   | first name | — | never: twins share everything else |
//!
//! - `Different`: everything else, i.e. another person. Two or more differing fields are
//!   always another person (a new last name *and* another licence date is contradicting
//!   evidence, not a clarification); so are twins (same last name and birth date).
//!
//! The office can still decide a `Mismatch` is another person (a new ANR is issued then).
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
///
/// The registry's value belongs to a person the hospital may not employ: only the office sees it
/// ([`Difference::for_hospital`] drops it; then it is `null` on the wire).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Difference {
    pub field: IdentityField,
    pub directory_value: String,
    #[serde(default)]
    pub registry_value: Option<String>,
}

impl Difference {
    /// The difference as a hospital may see it: which field, and its own value only.
    pub fn for_hospital(&self) -> Difference {
        Difference {
            registry_value: None,
            ..self.clone()
        }
    }
}

/// Whether `field`, as the *only* differing field, can still be the same person; `licence_confirmed`
/// says whether both sides have a licence date and it agrees (see the module's table).
pub fn explainable(field: IdentityField, licence_confirmed: bool) -> bool {
    match field {
        IdentityField::LastName | IdentityField::LicenceDate => true,
        IdentityField::BirthDate | IdentityField::Sex => licence_confirmed,
        IdentityField::FirstName => false,
    }
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
        let licence_confirmed = matches!(
            (directory.licence_date, registry.licence_date),
            (Some(a), Some(b)) if a == b
        );
        let differences = Self::differences(directory, registry);
        match differences.as_slice() {
            [] => MatchOutcome::Same,
            [only] if explainable(only.field, licence_confirmed) => {
                MatchOutcome::Mismatch { differences }
            }
            _ => MatchOutcome::Different,
        }
    }

    /// Every field in which the two identities differ, with both values (a missing licence date
    /// or an unknown sex on one side is no difference).
    pub fn differences(directory: &Identity, registry: &Identity) -> Vec<Difference> {
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
                registry_value: Some(registry_value),
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

        differences
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
                    registry_value: Some("Schmidt".into()),
                }]
            }
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
        assert_eq!(differences[0].registry_value.as_deref(), Some("01.11.2010"));
        // The hospital sees the field and its own value only.
        let hidden = differences[0].for_hospital();
        assert_eq!(hidden.registry_value, None);
        assert_eq!(hidden.directory_value, "01.10.2010");
    }

    /// The identity rule's table of cases: (case, change of the registry's side, expected).
    #[test]
    fn table_of_cases() {
        type Change = fn(&mut Identity);
        use IdentityField as F;
        enum Expect {
            Same,
            Mismatch(&'static [IdentityField]),
            Different,
        }
        let cases: [(&str, Change, Expect); 20] = [
            ("same person, same data", |_| {}, Expect::Same),
            (
                "same person, other spelling",
                |r| {
                    r.last_name = "MUELLER LUEDENSCHEIDT".into();
                    r.first_name = " anna ".into();
                },
                Expect::Same,
            ),
            (
                "registry lacks the licence date",
                |r| r.licence_date = None,
                Expect::Same,
            ),
            (
                "registry has the sex as unknown",
                |r| r.sex = Sex::Unknown,
                Expect::Same,
            ),
            (
                "married: other last name",
                |r| r.last_name = "Schmidt".into(),
                Expect::Mismatch(&[F::LastName]),
            ),
            (
                "married, licence date missing on one side",
                |r| {
                    r.last_name = "Schmidt".into();
                    r.licence_date = None;
                },
                Expect::Mismatch(&[F::LastName]),
            ),
            (
                "married, and another licence date: contradicting evidence",
                |r| {
                    r.last_name = "Schmidt".into();
                    r.licence_date = Some(d("01.04.2009"));
                },
                Expect::Different,
            ),
            (
                "stranger sharing first name and birth date (other last name, sex, licence)",
                |r| {
                    r.last_name = "Schmidt".into();
                    r.sex = Sex::Male;
                    r.licence_date = Some(d("01.04.2009"));
                },
                Expect::Different,
            ),
            (
                "stranger sharing first name, birth date and sex, other last name and licence",
                |r| {
                    r.last_name = "Schmidt".into();
                    r.licence_date = Some(d("01.04.2012"));
                },
                Expect::Different,
            ),
            (
                "typo in the birth date, confirmed by the licence date",
                |r| r.birth_date = d("21.04.1985"),
                Expect::Mismatch(&[F::BirthDate]),
            ),
            (
                "other birth date without a licence date to confirm it",
                |r| {
                    r.birth_date = d("21.04.1985");
                    r.licence_date = None;
                },
                Expect::Different,
            ),
            (
                "typo in the birth date and another sex",
                |r| {
                    r.birth_date = d("21.04.1985");
                    r.sex = Sex::Diverse;
                },
                Expect::Different,
            ),
            (
                "typo in the licence date",
                |r| r.licence_date = Some(d("01.11.2010")),
                Expect::Mismatch(&[F::LicenceDate]),
            ),
            (
                "sex recorded wrongly, confirmed by the licence date",
                |r| r.sex = Sex::Diverse,
                Expect::Mismatch(&[F::Sex]),
            ),
            (
                "other sex without a licence date to confirm it",
                |r| {
                    r.sex = Sex::Male;
                    r.licence_date = None;
                },
                Expect::Different,
            ),
            (
                "twin: other first name",
                |r| r.first_name = "Berta".into(),
                Expect::Different,
            ),
            (
                "twin with the same licence date",
                |r| {
                    r.first_name = "Berta".into();
                    r.sex = Sex::Male;
                },
                Expect::Different,
            ),
            (
                "namesake: other birth date and licence date",
                |r| {
                    r.birth_date = d("01.01.1970");
                    r.licence_date = Some(d("01.01.1996"));
                },
                Expect::Different,
            ),
            (
                "nothing but the birth date in common",
                |r| {
                    r.last_name = "Meier".into();
                    r.first_name = "Ute".into();
                    r.sex = Sex::Unknown;
                    r.licence_date = None;
                },
                Expect::Different,
            ),
            (
                "missing fields on both sides are no evidence: married, both without licence",
                |r| {
                    r.last_name = "Schmidt".into();
                    r.licence_date = None;
                    r.sex = Sex::Unknown;
                },
                Expect::Mismatch(&[F::LastName]),
            ),
        ];
        for (case, change, expect) in cases {
            let mut registry = anna();
            change(&mut registry);
            let outcome = IdentityMatch::compare(&anna(), &registry);
            match (expect, &outcome) {
                (Expect::Same, MatchOutcome::Same)
                | (Expect::Different, MatchOutcome::Different) => {}
                (Expect::Mismatch(fields), MatchOutcome::Mismatch { differences }) => {
                    let got: Vec<IdentityField> = differences.iter().map(|x| x.field).collect();
                    assert_eq!(got, fields, "{case}");
                }
                _ => panic!("{case}: got {outcome:?}"),
            }
            // The rule is symmetric: which side holds which value does not matter.
            let back = IdentityMatch::compare(&registry, &anna());
            assert_eq!(
                std::mem::discriminant(&back),
                std::mem::discriminant(&outcome),
                "{case} (reversed)"
            );
        }
    }

    #[test]
    fn outcome_json_shape() {
        let json = serde_json::to_value(MatchOutcome::Mismatch {
            differences: vec![Difference {
                field: IdentityField::LastName,
                directory_value: "A".into(),
                registry_value: Some("B".into()),
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
