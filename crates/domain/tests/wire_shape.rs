//! The exact JSON shape of `POST /api/v1/validate` results, as the SPA and other clients read it.
#![allow(clippy::unwrap_used)]

use le_domain::NumberKind;
use le_domain::api::validate::{
    ValidateItem, ValidateRequest, ValidateResponse, ValidateResult, check_number, validate,
};
use serde_json::{Value, json};

#[test]
fn valid_ik_result() {
    let result = check_number(NumberKind::Ik, "260326822");
    let expected = json!({
        "kind": "ik",
        "value": "260326822",
        "valid": true,
        "errors": [],
        "info": {
            "kind": "ik",
            "classification": "26",
            "classification_label": "Krankenhäuser",
            "region": "03",
            "region_label": "Niedersachsen",
            "serial": "2682",
            "check_digit": 2,
            "description": "Institutionskennzeichen: Klassifikation 26 (Krankenhäuser), Region 03 (Niedersachsen), laufende Nummer 2682, Prüfziffer 2"
        }
    });
    assert_eq!(serde_json::to_value(&result).unwrap(), expected);
    let back: ValidateResult = serde_json::from_value(expected).unwrap();
    assert_eq!(back, result);
}

#[test]
fn invalid_ik_result_has_null_info() {
    let result = check_number(NumberKind::Ik, "260326823");
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"ik","value":"260326823","valid":false,"errors":[{"code":"check_digit","message":"Prüfziffer ist 3, erwartet 2 (Stelle 9).","position":9}],"info":null}"#
    );
    let back: ValidateResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, result);
}

#[test]
fn error_without_position_omits_it() {
    let json = serde_json::to_value(check_number(NumberKind::Lbnr, "12")).unwrap();
    assert_eq!(
        json["errors"],
        json!([{"code": "wrong_length", "message": "Die Nummer muss 9 Stellen haben, sie hat 2."}])
    );
}

#[test]
fn info_of_every_kind_is_tagged() {
    let cases = [
        (
            NumberKind::Anr,
            "444444401",
            json!({
                "kind": "anr",
                "lifelong_id": "444444",
                "check_digit": 4,
                "specialty_group": "01",
                "pseudo": "discharge_prescription",
                "description": "Pseudonummer Entlassmanagement (4444444), Fachgruppe 01"
            }),
        ),
        (
            NumberKind::Site,
            "773081012",
            json!({
                "kind": "site",
                "site_kind": "outpatient_unit",
                "site_id": "3081",
                "parent_site": "773081000",
                "unit_type": "12",
                "description": "Ambulanz (Typ 12) des Standorts 773081000"
            }),
        ),
        (
            NumberKind::Lbnr,
            "999999996",
            json!({
                "kind": "lbnr",
                "substitute": "trainee",
                "description": "Ersatznummer: Auszubildende(r) (Übergangsregelung bis 30.09.2023)",
                "substitute_valid_until": "2023-09-30"
            }),
        ),
    ];
    for (kind, value, info) in cases {
        let json = serde_json::to_value(check_number(kind, value)).unwrap();
        assert_eq!(json["info"], info, "{value}");
        assert_eq!(json["valid"], Value::Bool(true));
    }
}

#[test]
fn request_and_response_round_trip() {
    let body = r#"{"items":[{"kind":"anr","value":"838382202"},{"kind":"site","value":"123"}]}"#;
    let req: ValidateRequest = serde_json::from_str(body).unwrap();
    assert_eq!(
        req.items,
        [
            ValidateItem {
                kind: NumberKind::Anr,
                value: "838382202".to_owned()
            },
            ValidateItem {
                kind: NumberKind::Site,
                value: "123".to_owned()
            },
        ]
    );
    assert_eq!(serde_json::to_string(&req).unwrap(), body);

    let res = validate(&req);
    let json = serde_json::to_string(&res).unwrap();
    let back: ValidateResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(back, res);
    assert_eq!(res.results[1].errors[0].code, "wrong_length");

    // Unknown kinds are rejected by deserialisation, not silently dropped.
    assert!(
        serde_json::from_str::<ValidateRequest>(r#"{"items":[{"kind":"bsnr","value":"1"}]}"#)
            .is_err()
    );
}
