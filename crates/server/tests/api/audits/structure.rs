//! Structure audits: application with evidence, certificate, and its warning before it expires.
use super::*;

#[tokio::test]
async fn structure_audits_end_in_a_certificate_that_warns_before_it_expires() {
    let app = demo().await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    for (body, field) in [
        (
            json!({"site_number": "773686000", "ops_code": "8550"}),
            "ops_code",
        ),
        (
            json!({"site_number": "773081000", "ops_code": "8-550.1"}),
            "site_number",
        ),
    ] {
        let res = app
            .call(
                &clerk,
                "POST",
                "/api/v1/audits/structure",
                Some(body.clone()),
            )
            .await;
        assert_eq!(refused_fields(res).await[0], field);
    }
    let res = app
        .call(
            &clerk,
            "POST",
            "/api/v1/audits/structure",
            Some(json!({"site_number": "773687000", "ops_code": "8-550.1", "note": "Geriatrische Komplexbehandlung"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let application = body_json(res).await;
    let id = application["id"].as_i64().unwrap();
    assert_eq!(application["state"], "applied");
    assert_eq!(application["state_label"], "beantragt");

    // The MD cannot certify without evidence; the hospital cannot decide.
    let md = as_user(&app, people::MD_AUDITOR).await;
    let certify = json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2028-01-31"}});
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        app.call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone())
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let evidence = pdf_of(20_000, 5);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/structure/{id}/evidence?name=Personalnachweis.pdf"),
        &evidence,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let evidence_id = body_json(res).await["id"].as_i64().unwrap();
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/structure/{id}/evidence?name=x.pdf"),
        b"GIF89a not a pdf",
    )
    .await;
    assert_eq!(body_json(res).await["fields"][0]["field"], "file");

    let md = as_user(&app, people::MD_AUDITOR).await;
    let res = app
        .call(
            &md,
            "GET",
            &format!("/api/v1/audits/evidence/{evidence_id}"),
            None,
        )
        .await;
    assert_eq!(body_bytes(res).await, evidence);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2027-01-31"}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let decided = body_json(res).await;
    assert_eq!(decided["state"], "certified");
    assert_eq!(decided["certificate"]["status"], "not_yet_valid");
    assert_eq!(
        app.call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(json!({"reject": {"reason": "zu spät"}}))
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );

    // Valid, then expiring within 90 days, then expired.
    let status_at = |day: &'static str| {
        let app = &app;
        async move {
            let t = le_server::clock::parse_time(day).unwrap() + 8 * 3600;
            app.clock.set(t);
            let clerk = as_user(app, people::AUDIT_CLERK).await;
            let list = body_json(
                app.call(&clerk, "GET", "/api/v1/audits/structure", None)
                    .await,
            )
            .await;
            let dashboard = body_json(
                app.call(&clerk, "GET", "/api/v1/audits/dashboard", None)
                    .await,
            )
            .await;
            let status = list["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == id)
                .unwrap()["certificate"]["status"]
                .clone();
            (status, dashboard["expiring_certificates"].as_i64().unwrap())
        }
    };
    let (valid, expiring_valid) = status_at("2027-06-01").await;
    assert_eq!(valid, "valid");
    let (soon, expiring_soon) = status_at("2027-11-02").await;
    assert_eq!(soon, "expires_soon");
    assert_eq!(expiring_soon, expiring_valid + 1);
    let (expired, _) = status_at("2028-02-01").await;
    assert_eq!(expired, "expired");

    // A rejection carries its reason.
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let second = body_json(
        app.call(
            &clerk,
            "POST",
            "/api/v1/audits/structure",
            Some(json!({"site_number": "773686000", "ops_code": "8-98f"})),
        )
        .await,
    )
    .await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{}/decide", second["id"]),
            Some(json!({"reject": {"reason": ""}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{}/decide", second["id"]),
            Some(json!({"reject": {"reason": "Mindestpersonal nicht nachgewiesen"}})),
        )
        .await;
    let rejected = body_json(res).await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(
        rejected["reject_reason"],
        "Mindestpersonal nicht nachgewiesen"
    );
    // Another hospital sees none of it.
    let other = app.second_hospital().await.client;
    let list = body_json(
        app.call(&other, "GET", "/api/v1/audits/structure", None)
            .await,
    )
    .await;
    assert_eq!(list["applications"], json!([]));
    assert_eq!(
        app.call(
            &other,
            "GET",
            &format!("/api/v1/audits/structure/{id}"),
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let actions = audit_actions(&app).await;
    for a in [
        "structure_audit_applied",
        "structure_evidence_uploaded",
        "structure_audit_decided",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}
