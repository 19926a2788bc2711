//! Property tests of the directory: dates, HR CSV round trips, ANR groups.

use le_domain::directory::{
    Date, IN_TRAINING_CODE, PhysicianForm, Sex, SiteAssignment, SpecialtyCatalog, SpecialtyEntry,
    issue_new_anr, parse_hr_csv, regroup_after_first_recognition, write_hr_csv,
};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = Date> {
    // 01.01.1800 .. 31.12.2200 as day offsets from 01.01.1800.
    let base = Date::parse("01.01.1800").expect("valid");
    (0i32..146_462).prop_map(move |n| base.add_days(n))
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-zÄÖÜäöüßéç][A-Za-zÄÖÜäöüßéç' ;\"-]{0,20}[A-Za-zäöüß]"
}

fn form() -> impl Strategy<Value = PhysicianForm> {
    let specialties = prop::collection::vec(
        (prop::option::of(date()), "[0-9]{2}")
            .prop_map(|(date, code)| SpecialtyEntry { date, code }),
        0..4,
    );
    let sites = prop::collection::vec(
        (
            "77[0-9]{4}0[0-9]{2}",
            prop::option::of(date()),
            prop::option::of(date()),
        )
            .prop_map(|(site_number, start, end)| SiteAssignment {
                site_number,
                start,
                end,
            }),
        0..4,
    );
    (
        (
            prop::option::of("[0-9]{9}"),
            prop::option::of(prop::sample::select(Sex::ALL.to_vec())),
            any::<bool>(),
            name(),
            name(),
        ),
        (
            prop::option::of(date()),
            prop::option::of(date()),
            prop::option::of(date()),
            prop::option::of(date()),
        ),
        specialties,
        sites,
        (
            any::<bool>(),
            prop::option::of(date()),
            prop::option::of(date()),
        ),
    )
        .prop_map(
            |(
                (anr, sex, doctoral_title, last_name, first_name),
                (birth_date, state_exam_date, licence_date, doctorate_date),
                specialties,
                sites,
                (all_sites, start, end),
            )| PhysicianForm {
                anr,
                sex,
                doctoral_title,
                last_name,
                first_name,
                birth_date,
                state_exam_date,
                licence_date,
                doctorate_date,
                specialties,
                sites,
                all_sites,
                // The file has a period only with "all sites", and an end only after a start.
                all_sites_start: start.filter(|_| all_sites),
                all_sites_end: end.filter(|_| all_sites && start.is_some()),
            },
        )
}

proptest! {
    #[test]
    fn dates_round_trip_through_iso_and_german(date in date()) {
        prop_assert_eq!(Date::parse_iso(&date.to_iso()), Ok(date));
        prop_assert_eq!(Date::parse_german(&date.to_german()), Ok(date));
        prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
        prop_assert_eq!(
            Date::from_ymd(date.year(), date.month(), date.day()),
            Ok(date)
        );
        let json = serde_json::to_string(&date).expect("serialises");
        prop_assert_eq!(serde_json::from_str::<Date>(&json).expect("deserialises"), date);
    }

    #[test]
    fn day_arithmetic_is_consistent(a in date(), n in -100_000i32..100_000) {
        let b = a.add_days(n);
        prop_assert_eq!(a.days_between(b), n);
        prop_assert_eq!(b.add_days(-n), a);
        prop_assert_eq!(a < b, n > 0);
        let end = a.end_of_month();
        prop_assert_eq!((end.year(), end.month()), (a.year(), a.month()));
        prop_assert!(end >= a);
        prop_assert_eq!(end.add_days(1).day(), 1);
    }

    #[test]
    fn hr_csv_round_trips(forms in prop::collection::vec(form(), 1..5)) {
        let text = write_hr_csv(&forms);
        let back: Vec<PhysicianForm> = parse_hr_csv(&text)
            .expect("readable")
            .into_iter()
            .map(|r| r.result.expect("valid row"))
            .collect();
        prop_assert_eq!(back, forms);
    }

    #[test]
    fn new_anrs_are_valid_and_follow_the_first_entry(
        id in 0u32..=999_999,
        picks in prop::collection::vec(0usize..1000, 0..4),
    ) {
        let catalog = SpecialtyCatalog::builtin();
        let codes: Vec<&str> = picks
            .iter()
            .map(|p| catalog.entries()[p % catalog.entries().len()].code.as_str())
            .collect();
        let specialties: Vec<SpecialtyEntry> = codes
            .iter()
            .map(|c| SpecialtyEntry { date: None, code: (*c).to_owned() })
            .collect();
        let anr = issue_new_anr(id, &specialties, catalog).expect("issues");
        prop_assert_eq!(anr.lifelong_id(), format!("{id:06}"));
        let expected = codes.first().copied().unwrap_or(IN_TRAINING_CODE);
        prop_assert_eq!(anr.specialty_group(), expected);
        // An in-training number regroups to the same group as a fresh issue.
        let in_training = issue_new_anr(id, &[], catalog).expect("issues");
        let regrouped = regroup_after_first_recognition(&in_training, &specialties, catalog)
            .expect("regroups");
        prop_assert_eq!(regrouped.unwrap_or(in_training), anr);
    }
}
