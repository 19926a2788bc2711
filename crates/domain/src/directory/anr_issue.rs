//! Digits 8–9 of a hospital ANR: which specialty group a new or regrouped number gets.
//!
//! Reading of seed 003: "Die Fachgruppencodierung an der 8./9. Stelle der ANR richtet sich bei
//! mehreren Facharzttiteln nach dem Fachgebiet, welches im ersten Eintrag im Verzeichnis
//! dokumentiert wurde." The *first entry* is the first recognition in entry order (the order of
//! `PhysicianForm::specialties`, which editors append to and never reorder), not the one with the
//! earliest date. Physicians without recognition get [`IN_TRAINING_CODE`], which is replaced at
//! the first recognition. A group that is not the in-training code never changes afterwards (nor
//! does that of an ANR from outpatient care).

use super::physician::SpecialtyEntry;
use super::specialty::{IN_TRAINING_CODE, SpecialtyCatalog};
use crate::error::ValidationError;
use crate::numbers::Anr;

/// The specialty group for digits 8–9: the code of the first recorded recognition, or the
/// in-training code if there is none. An unknown first code is an error, not skipped.
pub fn specialty_group_for(
    specialties: &[SpecialtyEntry],
    catalog: &SpecialtyCatalog,
) -> Result<String, ValidationError> {
    match specialties.first() {
        Some(first) => catalog.get(&first.code).map(|s| s.code.clone()),
        None => Ok(IN_TRAINING_CODE.to_owned()),
    }
}

/// A new ANR for the lifelong id (0..=999 999) that the registry assigned, with the check digit
/// and the specialty group of [`specialty_group_for`].
pub fn issue_new_anr(
    lifelong_id: u32,
    specialties: &[SpecialtyEntry],
    catalog: &SpecialtyCatalog,
) -> Result<Anr, ValidationError> {
    Anr::from_parts(lifelong_id, &specialty_group_for(specialties, catalog)?)
}

/// The ANR with the in-training code replaced by the first recognition's group, once there is
/// one; `None` when nothing changes (no recognition yet, or the group is already a specialty).
pub fn regroup_after_first_recognition(
    anr: &Anr,
    specialties: &[SpecialtyEntry],
    catalog: &SpecialtyCatalog,
) -> Result<Option<Anr>, ValidationError> {
    if anr.specialty_group() != IN_TRAINING_CODE || specialties.is_empty() {
        return Ok(None);
    }
    let group = specialty_group_for(specialties, catalog)?;
    anr.with_specialty_group(&group).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Date;

    fn entry(code: &str, date: &str) -> SpecialtyEntry {
        SpecialtyEntry {
            date: Some(Date::parse(date).expect("valid date")),
            code: code.into(),
        }
    }

    fn catalog() -> &'static SpecialtyCatalog {
        SpecialtyCatalog::builtin()
    }

    #[test]
    fn first_entry_decides_not_earliest_date() {
        // Entered first: 23, although 01 was recognised earlier.
        let specialties = [entry("23", "01.10.2019"), entry("01", "15.03.2015")];
        assert_eq!(
            specialty_group_for(&specialties, catalog()),
            Ok("23".to_owned())
        );
        assert_eq!(specialty_group_for(&[], catalog()), Ok("00".to_owned()));
        assert_eq!(
            specialty_group_for(&[entry("98", "01.01.2020")], catalog()),
            Err(ValidationError::UnknownSpecialty {
                code: "98".to_owned()
            })
        );
    }

    #[test]
    fn new_numbers_follow_the_readme_examples() {
        // 838382202: lifelong id 838382, check digit 2, group 02.
        let anr = issue_new_anr(838_382, &[entry("02", "01.01.2015")], catalog()).expect("issues");
        assert_eq!(anr.as_str(), "838382202");
        // 754236701: lifelong id 754236, check digit 7, group 01.
        let anr = issue_new_anr(
            754_236,
            &[entry("01", "01.01.2015"), entry("23", "01.01.2019")],
            catalog(),
        )
        .expect("issues");
        assert_eq!(anr.as_str(), "754236701");
        // In training: group 00.
        let anr = issue_new_anr(838_382, &[], catalog()).expect("issues");
        assert_eq!(anr.as_str(), "838382200");
        assert_eq!(anr.specialty_group(), IN_TRAINING_CODE);
        assert!(issue_new_anr(1_000_000, &[], catalog()).is_err());
    }

    #[test]
    fn regrouping_replaces_only_the_in_training_code() {
        let in_training = Anr::parse("838382200").expect("valid");
        assert_eq!(
            regroup_after_first_recognition(&in_training, &[], catalog()),
            Ok(None)
        );
        let regrouped = regroup_after_first_recognition(
            &in_training,
            &[entry("53", "01.04.2026"), entry("58", "01.05.2026")],
            catalog(),
        )
        .expect("regroups")
        .expect("changes");
        assert_eq!(regrouped.as_str(), "838382253");
        assert_eq!(regrouped.lifelong_id(), in_training.lifelong_id());
        // Once a specialty group is set, later recognitions do not change it.
        assert_eq!(
            regroup_after_first_recognition(
                &regrouped,
                &[entry("53", "01.04.2026"), entry("58", "01.05.2026")],
                catalog()
            ),
            Ok(None)
        );
        assert_eq!(
            regroup_after_first_recognition(&in_training, &[entry("98", "01.04.2026")], catalog()),
            Err(ValidationError::UnknownSpecialty {
                code: "98".to_owned()
            })
        );
    }
}
