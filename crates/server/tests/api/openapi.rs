//! The generated OpenAPI document: served, well-formed, every documented operation routed, every
//! reference resolvable. (That every token-reachable route is documented is checked by the
//! authorisation matrix, which sees which routes tokens really reach.)
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn the_document_is_served_and_every_documented_operation_is_routed() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = body_bytes(res).await;
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path} has no success answer"
            );
            assert!(responses.contains_key("401"), "{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
            // Every path parameter is declared.
            for name in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                let declared = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
                assert!(declared, "{method} {path}: parameter {name} not declared");
            }
            let uri = format!("/api/v1{path}")
                .replace("{id}", "999999")
                .replace("{operation_id}", "999999");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .body(Body::empty())
                .unwrap();
            let res = app.send(req).await;
            // The route exists: authentication is asked for, not "no such route/method".
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {uri} is documented but not routed"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked} operations");
    // Every $ref points at a defined component.
    let text = String::from_utf8(bytes).unwrap();
    for part in text.split("\"$ref\":\"#/components/").skip(1) {
        let reference = part.split('"').next().unwrap();
        let mut node = &doc["components"];
        for key in reference.split('/') {
            node = &node[key];
        }
        assert!(!node.is_null(), "dangling $ref {reference}");
    }
    // The schemas come from the domain's types: a field added there appears here.
    let inbox = &doc["components"]["schemas"]["Inbox"]["properties"];
    assert!(inbox["requests"].is_object(), "{inbox}");
    let record = doc["components"]["schemas"]["PhysicianRecord"].to_string();
    assert!(
        record.contains("\"version\"") && record.contains("PhysicianForm"),
        "{record}"
    );
    // The fallback really is 404 (so the check above can fail).
    let res = app.get("/api/v1/audits/nowhere/999999").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
