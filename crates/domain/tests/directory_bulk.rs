//! A bulk preview over 5,000 physicians gives the right outcome for each.

use le_domain::SiteNumber;
use le_domain::directory::{
    BulkAction, BulkOutcome, Date, PhysicianForm, Sex, SiteAssignment, SpecialtyEntry, apply_bulk,
    bulk_preview,
};

fn d(s: &str) -> Date {
    Date::parse(s).expect("valid date")
}

fn site(s: &str) -> SiteNumber {
    SiteNumber::parse(s).expect("valid site")
}

/// Physician `i`: every third has ended at 773081000 in 2024, every fifth started at
/// 773082000 after the bulk end date, the rest is open at 773082000.
fn physician(i: usize) -> PhysicianForm {
    let start = if i.is_multiple_of(5) {
        "01.12.2026"
    } else {
        "01.01.2021"
    };
    let mut sites = vec![SiteAssignment {
        site_number: "773082000".into(),
        start: Some(d(start)),
        end: None,
    }];
    if i.is_multiple_of(3) {
        sites = vec![SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d("01.01.2020")),
            end: Some(d("31.12.2024")),
        }];
    }
    PhysicianForm {
        anr: None,
        sex: Some(if i.is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        }),
        doctoral_title: false,
        last_name: format!("Muster{i}"),
        first_name: "Kim".into(),
        birth_date: Some(d("01.02.1980").add_days(i as i32 % 3000)),
        state_exam_date: Some(d("15.06.2010")),
        licence_date: Some(d("01.10.2010")),
        doctorate_date: None,
        specialties: vec![SpecialtyEntry {
            date: Some(d("01.04.2016")),
            code: "01".into(),
        }],
        sites,
        all_sites: false,
        all_sites_start: None,
        all_sites_end: None,
    }
}

#[test]
fn preview_of_5000_records_is_correct_for_each() {
    let records: Vec<PhysicianForm> = (0..5000).map(physician).collect();
    // Today is 01.12.2026 so that the later starts are not in the future.
    let today = d("01.12.2026");
    let allowed = [site("773081000"), site("773082000")];
    let action = BulkAction::EndSiteAssignment {
        site_number: None,
        end: d("30.11.2026"),
    };
    let preview = bulk_preview(&records, &action, today, &allowed);
    assert_eq!(preview.len(), 5000);
    let (mut changed, mut unchanged, mut rejected) = (0, 0, 0);
    for (i, outcome) in preview.iter().enumerate() {
        match outcome {
            BulkOutcome::Unchanged => {
                assert!(i.is_multiple_of(3), "record {i}");
                assert_eq!(outcome.summary(), "unverändert");
                unchanged += 1;
            }
            BulkOutcome::Rejected { errors } => {
                assert!(!i.is_multiple_of(3) && i.is_multiple_of(5), "record {i}");
                assert_eq!(errors[0].field, "sites[0].end");
                assert_eq!(
                    errors[0].message,
                    "Das Ende der Tätigkeit (30.11.2026) liegt vor dem Beginn der Tätigkeit (01.12.2026)."
                );
                rejected += 1;
            }
            BulkOutcome::Changed { changes } => {
                assert!(!i.is_multiple_of(3) && !i.is_multiple_of(5), "record {i}");
                assert_eq!(changes.len(), 1);
                assert_eq!(changes[0].field, "sites[0].end");
                assert_eq!(changes[0].before, "offen");
                assert_eq!(changes[0].after, "30.11.2026");
                changed += 1;
            }
        }
    }
    // 0..5000: multiples of 3 → 1667; of 5 but not 3 → 1000 − 334 = 666.
    assert_eq!((unchanged, rejected, changed), (1667, 666, 2667));

    // Applying the changed ones and previewing again leaves them unchanged.
    let applied: Vec<PhysicianForm> = records
        .iter()
        .map(|r| match apply_bulk(r, &action, today, &allowed) {
            Ok((form, _)) => form,
            Err(_) => r.clone(),
        })
        .collect();
    let again = bulk_preview(&applied, &action, today, &allowed);
    assert!(
        again
            .iter()
            .all(|o| matches!(o, BulkOutcome::Unchanged | BulkOutcome::Rejected { .. }))
    );
}
