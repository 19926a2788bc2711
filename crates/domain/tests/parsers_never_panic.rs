//! Every parser that takes outside input is fed random and near-valid input and must answer with
//! a value or an error, never a panic. Runs a bounded number of cases in the check command; a
//! longer run is `PROPTEST_CASES=200000 cargo test -p le-domain --test parsers_never_panic`.
#![allow(clippy::unwrap_used)]

use le_domain::access::parse_second_factor;
use le_domain::api::validate::{ValidateItem, ValidateRequest, validate};
use le_domain::care_billing::{OrderFile, Procedure, Timestamp, parse_order_file};
use le_domain::directory::{Date, PhysicianForm, parse_hr_csv, parse_site_directory};
use le_domain::{Ik, NumberKind};
use proptest::prelude::*;

/// Text built from the pieces that matter to a `;`-separated, Excel-quoted file, plus any
/// character at all.
fn table_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(";".to_owned()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("01.01.2020".to_owned()),
        Just("838382202".to_owned()),
        Just("773081000".to_owned()),
        Just("|".to_owned()),
        Just(":".to_owned()),
        Just("-".to_owned()),
        "[0-9]{1,10}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|p| p.concat())
}

/// A valid header followed by random rows: reaches the row parsers, not just the header check.
fn with_header(header: &'static str) -> impl Strategy<Value = String> {
    table_text().prop_map(move |rows| format!("{header}\r\n{rows}"))
}

fn kind() -> impl Strategy<Value = NumberKind> {
    prop_oneof![
        Just(NumberKind::Anr),
        Just(NumberKind::Ik),
        Just(NumberKind::Site),
        Just(NumberKind::Lbnr),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn hr_csv_never_panics(text in table_text()) {
        let _ = parse_hr_csv(&text);
    }

    #[test]
    fn hr_csv_rows_never_panic(text in with_header(
        "ANR;Geschlecht;Dr-Titel;Nachname;Vorname;Geburtsdatum;Staatsexamen;Approbation;Promotion;Facharztanerkennungen;Standorte;Alle Standorte"
    )) {
        if let Ok(rows) = parse_hr_csv(&text) {
            for row in rows {
                prop_assert!(row.line >= 2);
            }
        }
    }

    #[test]
    fn site_directory_never_panics(text in table_text()) {
        let _ = parse_site_directory(&text);
    }

    #[test]
    fn validate_items_never_panic(items in prop::collection::vec((kind(), ".{0,30}"), 0..20)) {
        let req = ValidateRequest {
            items: items.into_iter().map(|(kind, value)| ValidateItem { kind, value }).collect(),
        };
        let res = validate(&req);
        prop_assert_eq!(res.results.len(), req.items.len());
        for r in res.results {
            prop_assert_eq!(r.valid, r.errors.is_empty());
        }
    }

    #[test]
    fn order_files_of_random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_order_file(&bytes);
    }

    #[test]
    fn order_files_with_one_byte_changed_are_read_or_refused_by_field(
        position in 0usize..348, byte in any::<u8>()
    ) {
        let mut bytes = sample_order().to_bytes().unwrap();
        bytes[position] = byte;
        if let Err(e) = parse_order_file(&bytes) {
            prop_assert!(e.offset <= position && position < e.offset + e.len, "{:?} at {}", e, position);
        }
    }

    #[test]
    fn built_order_files_are_348_bytes_and_read_back(
        transfer in 0u16..1200,
        payload in 0u64..2_000_000_000_000,
        email in "[ -~äöüßÄÖÜ€]{0,50}",
        description in "[ -~äöü]{0,35}",
        real in any::<bool>(),
        compressed in any::<bool>(),
    ) {
        let mut file = sample_order();
        file.transfer_number = transfer;
        file.payload_size = payload;
        file.transfer_size = payload;
        file.sender_email = email.trim_end().to_owned();
        file.description = description.trim_end().to_owned();
        file.procedure = if real { Procedure::Real } else { Procedure::Test };
        file.compressed = compressed;
        match file.to_bytes() {
            Ok(bytes) => {
                prop_assert_eq!(bytes.len(), 348);
                prop_assert_eq!(parse_order_file(&bytes), Ok(file));
            }
            Err(e) => prop_assert!(!e.field.is_empty()),
        }
    }

    #[test]
    fn dates_and_codes_never_panic(text in ".{0,40}") {
        let _ = Date::parse(&text);
        let _ = parse_second_factor(&text);
    }

    #[test]
    fn physician_forms_from_any_json_validate_without_panic(text in table_text()) {
        let json = format!("{{\"last_name\":\"{}\",\"anr\":\"{}\"}}", text.escape_default(), text.escape_default());
        if let Ok(form) = serde_json::from_str::<PhysicianForm>(&json) {
            let _ = form.validate(Date::parse("30.11.2026").unwrap(), &[]);
        }
    }
}

fn sample_order() -> OrderFile {
    OrderFile {
        procedure: Procedure::Test,
        transfer_number: 1,
        sender_owner: Ik::parse("460512349").unwrap(),
        sender_physical: Ik::parse("460512349").unwrap(),
        recipient_user: Ik::parse("109905003").unwrap(),
        recipient_physical: Ik::parse("109905003").unwrap(),
        error_number: 0,
        error_action: 0,
        created: Timestamp::parse("20261130120000").unwrap(),
        sent: Timestamp::parse("20261130120100").unwrap(),
        received_start: None,
        received_end: None,
        correction: false,
        payload_size: 1,
        transfer_size: 1,
        compressed: false,
        sender_email: String::new(),
        description: String::new(),
    }
}
