//! `POST /api/v1/validate`: the server twin of the browser's number check.
use axum::http::StatusCode;
use le_domain::NumberKind;
use le_domain::api::validate::{NumberInfo, ValidateResponse, check_number};
use le_domain::numbers::{LbnrSubstitute, SiteKind};
use serde_json::{Value, json};

use crate::helpers::{TestApp, refusal, typed};

#[tokio::test]
async fn answers_in_request_order_with_errors_and_info() {
    let app = TestApp::new().await;
    let body = json!({"items": [
        {"kind": "ik", "value": "260326822"},
        {"kind": "ik", "value": "260326823"},
        {"kind": "anr", "value": "838382202"},
        {"kind": "anr", "value": "111136701"},
        {"kind": "site", "value": "773686000"},
        {"kind": "lbnr", "value": "999999998"},
    ]});
    let res = app.post_json("/api/v1/validate", body.to_string()).await;
    let response: ValidateResponse = typed(res, StatusCode::OK).await;
    let results = &response.results;
    assert_eq!(results.len(), 6);
    let kinds: Vec<NumberKind> = results.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            NumberKind::Ik,
            NumberKind::Ik,
            NumberKind::Anr,
            NumberKind::Anr,
            NumberKind::Site,
            NumberKind::Lbnr
        ]
    );
    let values: Vec<&str> = results.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "260326822",
            "260326823",
            "838382202",
            "111136701",
            "773686000",
            "999999998"
        ]
    );
    let valid: Vec<bool> = results.iter().map(|r| r.valid).collect();
    assert_eq!(valid, [true, false, true, false, true, true]);

    assert_eq!(results[0].errors, []);
    let Some(NumberInfo::Ik(ik)) = &results[0].info else {
        panic!("no IK info: {:?}", results[0].info);
    };
    assert_eq!(ik.classification, "26");
    assert_eq!(ik.check_digit, 2);

    let err = &results[1].errors[0];
    assert_eq!(err.code, "check_digit");
    assert!(
        err.message.contains("Prüfziffer ist 3, erwartet 2"),
        "{err:?}"
    );
    assert_eq!(err.position, Some(9));
    assert_eq!(results[1].info, None);

    assert_eq!(results[3].errors[0].code, "check_digit");
    let Some(NumberInfo::Site(site)) = &results[4].info else {
        panic!("no site info: {:?}", results[4].info);
    };
    assert_eq!(site.site_kind, SiteKind::Site);
    let Some(NumberInfo::Lbnr(lbnr)) = &results[5].info else {
        panic!("no LBNR info: {:?}", results[5].info);
    };
    assert_eq!(lbnr.substitute, Some(LbnrSubstitute::NewEmployee));
}

#[tokio::test]
async fn agrees_with_the_domain_crate_for_every_kind() {
    let app = TestApp::new().await;
    let samples = [
        "260326822",
        "838382202",
        "773081012",
        "12345678",
        "4444444 1",
        "",
        "999999900",
    ];
    let mut items = Vec::new();
    for kind in NumberKind::ALL {
        for value in samples {
            items.push(json!({"kind": kind.as_str(), "value": value}));
        }
    }
    let res = app
        .post_json("/api/v1/validate", json!({"items": items}).to_string())
        .await;
    let parsed: ValidateResponse = typed(res, StatusCode::OK).await;
    let mut i = 0;
    for kind in NumberKind::ALL {
        for value in samples {
            assert_eq!(
                parsed.results[i],
                check_number(kind, value),
                "{kind:?} {value}"
            );
            i += 1;
        }
    }
}

#[tokio::test]
async fn accepts_ten_thousand_items_and_refuses_more() {
    let app = TestApp::new().await;
    let items: Vec<Value> = (0..10_000)
        .map(|_| json!({"kind": "ik", "value": "109905003"}))
        .collect();
    let res = app
        .post_json("/api/v1/validate", json!({"items": items}).to_string())
        .await;
    let parsed: ValidateResponse = typed(res, StatusCode::OK).await;
    assert_eq!(parsed.results.len(), 10_000);

    let items: Vec<Value> = (0..10_001)
        .map(|_| json!({"kind": "ik", "value": "109905003"}))
        .collect();
    let res = app
        .post_json("/api/v1/validate", json!({"items": items}).to_string())
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.code, "validation_failed");
    assert_eq!(refused.fields[0].field, "items");
    assert_eq!(refused.fields[0].code, "too_many_items");
    assert!(refused.fields[0].message.contains("10.000"), "{refused:?}");
}

#[tokio::test]
async fn unknown_kind_is_a_field_error_with_its_path() {
    let app = TestApp::new().await;
    let res = app
        .post_json(
            "/api/v1/validate",
            r#"{"items":[{"kind":"ik","value":"260326822"},{"kind":"bsnr","value":"1"}]}"#,
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.code, "validation_failed");
    assert_eq!(refused.fields[0].field, "items[1].kind");
    assert_eq!(refused.fields[0].code, "invalid_value");
}

#[tokio::test]
async fn missing_field_is_a_field_error() {
    let app = TestApp::new().await;
    let res = app
        .post_json("/api/v1/validate", r#"{"items":[{"kind":"ik"}]}"#)
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "items[0]");
    assert!(refused.fields[0].message.contains("value"), "{refused:?}");
}

#[tokio::test]
async fn bad_json_is_a_structured_400() {
    let app = TestApp::new().await;
    for body in [
        r#"{"items":[{"kind":"ik","value":"1"}"#,
        "not json",
        r#"{"items":[]} trailing"#,
    ] {
        let res = app.post_json("/api/v1/validate", body).await;
        let refused = refusal(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(refused.code, "bad_json", "{body}");
        assert!(
            refused.message.starts_with("Kein gültiges JSON"),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn wrong_content_type_is_415_json() {
    let app = TestApp::new().await;
    let res = app
        .send(
            axum::http::Request::post("/api/v1/validate")
                .header("content-type", "text/plain")
                .body(axum::body::Body::from(r#"{"items":[]}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(
        refusal(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await.code,
        "unsupported_media_type"
    );
}

#[tokio::test]
async fn oversized_body_is_413_json() {
    let app = TestApp::new().await;
    let huge = format!(r#"{{"items":[],"pad":"{}"}}"#, "x".repeat(5 * 1024 * 1024));
    let res = app.post_json("/api/v1/validate", huge).await;
    assert_eq!(
        refusal(res, StatusCode::PAYLOAD_TOO_LARGE).await.code,
        "payload_too_large"
    );
}
