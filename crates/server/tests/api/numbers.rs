//! `POST /api/v1/validate`: the server twin of the browser's number check.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, body_json};

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
    assert_eq!(res.status(), StatusCode::OK);
    let json = body_json(res).await;
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let kinds: Vec<&str> = results
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ik", "ik", "anr", "anr", "site", "lbnr"]);
    let values: Vec<&str> = results
        .iter()
        .map(|r| r["value"].as_str().unwrap())
        .collect();
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
    let valid: Vec<bool> = results
        .iter()
        .map(|r| r["valid"].as_bool().unwrap())
        .collect();
    assert_eq!(valid, [true, false, true, false, true, true]);

    assert_eq!(results[0]["errors"], json!([]));
    assert_eq!(results[0]["info"]["classification"], "26");
    assert_eq!(results[0]["info"]["check_digit"], 2);

    let err = &results[1]["errors"][0];
    assert_eq!(err["code"], "check_digit");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Prüfziffer ist 3, erwartet 2"),
        "{err}"
    );
    assert_eq!(err["position"], 9);
    assert_eq!(results[1]["info"], Value::Null);

    assert_eq!(results[3]["errors"][0]["code"], "check_digit");
    assert_eq!(results[4]["info"]["site_kind"], "site");
    assert_eq!(results[5]["info"]["substitute"], "new_employee");
}

#[tokio::test]
async fn agrees_with_the_domain_crate_for_every_kind() {
    use le_domain::NumberKind;
    use le_domain::api::validate::{ValidateResponse, check_number};
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
    assert_eq!(res.status(), StatusCode::OK);
    let parsed: ValidateResponse = serde_json::from_value(body_json(res).await).unwrap();
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
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        body_json(res).await["results"].as_array().unwrap().len(),
        10_000
    );

    let items: Vec<Value> = (0..10_001)
        .map(|_| json!({"kind": "ik", "value": "109905003"}))
        .collect();
    let res = app
        .post_json("/api/v1/validate", json!({"items": items}).to_string())
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json = body_json(res).await;
    assert_eq!(json["code"], "validation_failed");
    assert_eq!(json["fields"][0]["field"], "items");
    assert_eq!(json["fields"][0]["code"], "too_many_items");
    assert!(
        json["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("10.000")
    );
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
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json = body_json(res).await;
    assert_eq!(json["code"], "validation_failed");
    assert_eq!(json["fields"][0]["field"], "items[1].kind");
    assert_eq!(json["fields"][0]["code"], "invalid_value");
}

#[tokio::test]
async fn missing_field_is_a_field_error() {
    let app = TestApp::new().await;
    let res = app
        .post_json("/api/v1/validate", r#"{"items":[{"kind":"ik"}]}"#)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json = body_json(res).await;
    assert_eq!(json["fields"][0]["field"], "items[0]");
    assert!(
        json["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("value")
    );
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
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
        let json = body_json(res).await;
        assert_eq!(json["code"], "bad_json");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .starts_with("Kein gültiges JSON")
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
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body_json(res).await["code"], "unsupported_media_type");
}

#[tokio::test]
async fn oversized_body_is_413_json() {
    let app = TestApp::new().await;
    let huge = format!(r#"{{"items":[],"pad":"{}"}}"#, "x".repeat(5 * 1024 * 1024));
    let res = app.post_json("/api/v1/validate", huge).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body_json(res).await["code"], "payload_too_large");
}
