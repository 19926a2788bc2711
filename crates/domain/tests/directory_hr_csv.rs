//! HR CSV export → import gives the same physicians back, as Excel would save it.

use le_domain::SiteNumber;
use le_domain::directory::{
    Date, PhysicianForm, Sex, SiteAssignment, SpecialtyEntry, parse_hr_csv, write_hr_csv,
};

fn d(s: &str) -> Date {
    Date::parse(s).expect("valid date")
}

fn forms() -> Vec<PhysicianForm> {
    vec![
        PhysicianForm {
            anr: Some("838382202".into()),
            sex: Some(Sex::Female),
            doctoral_title: true,
            last_name: "Müller-Lüdenscheidt".into(),
            first_name: "Änne Jördis".into(),
            birth_date: Some(d("12.04.1985")),
            state_exam_date: Some(d("15.06.2010")),
            licence_date: Some(d("01.10.2010")),
            doctorate_date: Some(d("20.02.2012")),
            specialties: vec![
                SpecialtyEntry {
                    date: Some(d("15.03.2015")),
                    code: "01".into(),
                },
                SpecialtyEntry {
                    date: Some(d("01.10.2019")),
                    code: "23".into(),
                },
            ],
            sites: vec![
                SiteAssignment {
                    site_number: "773081000".into(),
                    start: Some(d("01.01.2020")),
                    end: Some(d("31.12.2024")),
                },
                SiteAssignment {
                    site_number: "773082000".into(),
                    start: Some(d("01.01.2021")),
                    end: None,
                },
            ],
            all_sites: false,
            all_sites_start: None,
            all_sites_end: None,
        },
        PhysicianForm {
            anr: None,
            sex: Some(Sex::Diverse),
            doctoral_title: false,
            last_name: "Strauß; \"genannt\" Weiß".into(),
            first_name: "Björn".into(),
            birth_date: Some(d("29.02.1996")),
            state_exam_date: Some(d("30.11.2022")),
            licence_date: Some(d("15.12.2022")),
            doctorate_date: None,
            specialties: vec![],
            sites: vec![],
            all_sites: true,
            all_sites_start: Some(d("01.01.2023")),
            all_sites_end: None,
        },
        PhysicianForm {
            anr: Some("754236701".into()),
            sex: Some(Sex::Unknown),
            last_name: "Öztürk".into(),
            first_name: "Ümit".into(),
            birth_date: Some(d("01.01.1970")),
            state_exam_date: Some(d("01.06.1996")),
            licence_date: Some(d("01.06.1996")),
            specialties: vec![SpecialtyEntry {
                date: Some(d("01.07.2002")),
                code: "53".into(),
            }],
            sites: vec![SiteAssignment {
                site_number: "773081012".into(),
                start: Some(d("01.07.2021")),
                end: Some(d("30.06.2027")),
            }],
            ..PhysicianForm::default()
        },
    ]
}

#[test]
fn export_then_import_round_trips_exactly() {
    let text = write_hr_csv(&forms());
    assert!(
        text.starts_with('\u{feff}'),
        "Excel needs the BOM for UTF-8"
    );
    assert!(text.contains("\"Strauß; \"\"genannt\"\" Weiß\""));
    assert!(text.contains("01:15.03.2015|23:01.10.2019"));
    assert!(text.contains("773081000:01.01.2020-31.12.2024|773082000:01.01.2021-"));
    let rows = parse_hr_csv(&text).expect("readable");
    let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4]);
    let back: Vec<PhysicianForm> = rows
        .into_iter()
        .map(|r| r.result.expect("valid row"))
        .collect();
    assert_eq!(back, forms());
    // Writing again gives the very same bytes.
    assert_eq!(write_hr_csv(&back), text);
}

#[test]
fn imported_rows_pass_the_record_rules() {
    let allowed: Vec<SiteNumber> = ["773081000", "773082000"]
        .iter()
        .map(|s| SiteNumber::parse(s).expect("valid"))
        .collect();
    let today = d("27.11.2026");
    let rows = parse_hr_csv(&write_hr_csv(&forms())).expect("readable");
    for row in rows {
        let form = row.result.expect("valid row");
        assert_eq!(form.validate(today, &allowed), vec![], "line {}", row.line);
    }
}

#[test]
fn excel_without_bom_and_with_lf_is_read_too() {
    let text = write_hr_csv(&forms())
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n");
    let back: Vec<PhysicianForm> = parse_hr_csv(&text)
        .expect("readable")
        .into_iter()
        .map(|r| r.result.expect("valid row"))
        .collect();
    assert_eq!(back, forms());
}
