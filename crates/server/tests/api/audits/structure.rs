//! Structure audits: application with evidence, certificate, and its warning before it expires.
use super::*;

/// `POST /api/v1/audits/structure/{id}/decide` as `client` with `decision`.
async fn decide(app: &TestApp, client: &Client, id: i64, decision: &Value) -> Response<Body> {
    app.call(
        client,
        "POST",
        &format!("/api/v1/audits/structure/{id}/decide"),
        Some(decision.clone()),
    )
    .await
}

/// `POST /api/v1/audits/structure` as `clerk`, expecting 201; answers the application.
async fn apply(app: &TestApp, clerk: &Client, form: Value) -> StructureAudit {
    app.call_typed(
        clerk,
        "POST",
        "/api/v1/audits/structure",
        Some(form),
        StatusCode::CREATED,
    )
    .await
}

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
    let application = apply(
        &app,
        &clerk,
        json!({"site_number": "773687000", "ops_code": "8-550.1", "note": "Geriatrische Komplexbehandlung"}),
    )
    .await;
    let id = application.id;
    assert_eq!(application.state, StructureState::Applied);
    assert_eq!(application.state_label, "beantragt");

    // The MD cannot certify without evidence; the hospital cannot decide.
    let md = as_user(&app, people::MD_AUDITOR).await;
    let certify = json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2028-01-31"}});
    let res = decide(&app, &md, id, &certify).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        decide(&app, &clerk, id, &certify).await.status(),
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
    let evidence_id = typed::<StoredFile>(res, StatusCode::CREATED).await.id;
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/structure/{id}/evidence?name=x.pdf"),
        b"GIF89a not a pdf",
    )
    .await;
    assert_eq!(refused_fields(res).await, ["file"]);

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
    let backwards = json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2027-01-31"}});
    let res = decide(&app, &md, id, &backwards).await;
    assert_eq!(refused_fields(res).await, ["certify.valid_until"]);
    let decided: StructureAudit =
        typed(decide(&app, &md, id, &certify).await, StatusCode::OK).await;
    assert_eq!(decided.state, StructureState::Certified);
    assert_eq!(
        decided.certificate.map(|c| c.status),
        Some(CertificateStatus::NotYetValid)
    );
    let late = json!({"reject": {"reason": "zu spät"}});
    assert_eq!(
        decide(&app, &md, id, &late).await.status(),
        StatusCode::CONFLICT
    );

    // Valid, then expiring within 90 days, then expired.
    let status_at = |day: &'static str| {
        let app = &app;
        async move {
            let t = le_server::clock::parse_time(day).unwrap() + 8 * 3600;
            app.clock.set(t);
            let clerk = as_user(app, people::AUDIT_CLERK).await;
            let list: StructureList = app.read(&clerk, "/api/v1/audits/structure").await;
            let dashboard: Dashboard = app.read(&clerk, "/api/v1/audits/dashboard").await;
            let status = list
                .applications
                .into_iter()
                .find(|a| a.id == id)
                .and_then(|a| a.certificate)
                .map(|c| c.status);
            (status, dashboard.expiring_certificates)
        }
    };
    let (valid, expiring_valid) = status_at("2027-06-01").await;
    assert_eq!(valid, Some(CertificateStatus::Valid));
    let (soon, expiring_soon) = status_at("2027-11-02").await;
    assert_eq!(soon, Some(CertificateStatus::ExpiresSoon));
    assert_eq!(expiring_soon, expiring_valid + 1);
    let (expired, _) = status_at("2028-02-01").await;
    assert_eq!(expired, Some(CertificateStatus::Expired));

    // A rejection carries its reason.
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let second = apply(
        &app,
        &clerk,
        json!({"site_number": "773686000", "ops_code": "8-98f"}),
    )
    .await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let res = decide(&app, &md, second.id, &json!({"reject": {"reason": ""}})).await;
    assert_eq!(refused_fields(res).await, ["reject.reason"]);
    let reason = json!({"reject": {"reason": "Mindestpersonal nicht nachgewiesen"}});
    let rejected: StructureAudit =
        typed(decide(&app, &md, second.id, &reason).await, StatusCode::OK).await;
    assert_eq!(rejected.state, StructureState::Rejected);
    assert_eq!(
        rejected.reject_reason.as_deref(),
        Some("Mindestpersonal nicht nachgewiesen")
    );
    // Another hospital sees none of it.
    let other = app.second_hospital().await.client;
    let list: StructureList = app.read(&other, "/api/v1/audits/structure").await;
    assert_eq!(list.applications, []);
    assert_eq!(
        app.status(&other, "GET", &format!("/api/v1/audits/structure/{id}"))
            .await,
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
