//! The shipped demo site directory parses, matches the README's facts and scopes editors.

use le_domain::directory::{
    Date, Land, PhysicianForm, Sex, SiteAssignment, SpecialtyEntry, diff_sites,
    parse_site_directory, sites_of, write_site_directory,
};
use le_domain::{Ik, SiteNumber};

const DEMO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo_sites.csv"));

fn ik(s: &str) -> Ik {
    Ik::parse(s).expect("valid IK")
}

fn d(s: &str) -> Date {
    Date::parse(s).expect("valid date")
}

#[test]
fn demo_file_parses_and_holds_the_readme_examples() {
    let entries = match parse_site_directory(DEMO) {
        Ok(entries) => entries,
        Err(errors) => panic!("demo file invalid: {errors:#?}"),
    };
    assert_eq!(entries.len(), 42);

    let elbaue: Vec<String> = sites_of(&entries, &ik("261500416"))
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    assert!(elbaue.contains(&"773081000".to_owned()));
    assert!(elbaue.contains(&"773082000".to_owned()));

    let leineufer = sites_of(&entries, &ik("260326822"));
    assert!((2..=3).contains(&leineufer.len()), "{leineufer:?}");
    assert!(leineufer.contains(&SiteNumber::parse("773686000").expect("valid")));

    let hospitals: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.main_ik.as_str()).collect();
    assert!(hospitals.len() >= 15, "{} hospitals", hospitals.len());
    let lands: std::collections::BTreeSet<Land> = entries.iter().map(|e| e.land).collect();
    assert_eq!(lands.len(), 16, "every Land appears");

    for e in &entries {
        // Hospital IKs of the demo carry the region code of their Land.
        assert_eq!(e.main_ik.classification(), "26", "{}", e.main_ik);
        assert_eq!(e.main_ik.region(), e.land.region_code(), "{}", e.main_ik);
        // Outpatient units belong to a site of the same hospital in the file.
        let parent = e.site_number.parent_site();
        assert!(
            entries
                .iter()
                .any(|p| p.site_number == parent && p.main_ik == e.main_ik),
            "{}",
            e.site_number
        );
    }
    // The quoted field with a semicolon survives.
    assert!(
        entries
            .iter()
            .any(|e| e.site_name == "Haus Süd; Eingang Pforte 2")
    );
}

#[test]
fn importing_the_demo_twice_changes_nothing() {
    let entries = parse_site_directory(DEMO).expect("valid");
    let diff = diff_sites(&[], &entries);
    assert_eq!(diff.new.len(), 42);
    let again = diff_sites(&entries, &parse_site_directory(DEMO).expect("valid"));
    assert!(again.is_empty());
    assert_eq!(again.unchanged.len(), 42);
    // Exported in the same format, it reads back identically.
    assert_eq!(
        parse_site_directory(&write_site_directory(&entries)),
        Ok(entries)
    );
}

#[test]
fn editors_of_a_haupt_ik_can_assign_only_its_sites() {
    let entries = parse_site_directory(DEMO).expect("valid");
    let allowed = sites_of(&entries, &ik("261500416"));
    let mut form = PhysicianForm {
        sex: Some(Sex::Male),
        last_name: "Schulze".into(),
        first_name: "Jan".into(),
        birth_date: Some(d("03.03.1990")),
        state_exam_date: Some(d("20.11.2016")),
        licence_date: Some(d("01.12.2016")),
        specialties: vec![SpecialtyEntry {
            date: Some(d("01.06.2022")),
            code: "04".into(),
        }],
        sites: vec![SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d("01.01.2021")),
            end: None,
        }],
        ..PhysicianForm::default()
    };
    let today = d("27.11.2026");
    assert_eq!(form.validate(today, &allowed), vec![]);
    form.sites.push(SiteAssignment {
        site_number: "773686000".into(),
        start: Some(d("01.01.2021")),
        end: None,
    });
    let errors = form.validate(today, &allowed);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "sites[1].site_number");
    assert_eq!(
        errors[0].message,
        "Der Standort 773686000 gehört nicht zu den Standorten dieses Krankenhauses."
    );
}
