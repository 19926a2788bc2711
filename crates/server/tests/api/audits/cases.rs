//! Cases and notices: the MD opens a case, the hospital sees it with its notices and deadlines;
//! the case and request forms follow the domain's rules and only the MD creates them.
use le_domain::api::audits::{Notice, NoticeKind};

use super::*;

#[tokio::test]
async fn the_md_opens_a_case_with_notices_and_a_request_that_the_hospital_sees_with_its_deadline() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let case = app.audit_case(&md, HOSPITAL, DEMO_SITE).await;
    let case_id = case.case.id;
    assert_eq!(
        case.case.hospital_name,
        "Klinikum Leineufer Hannover (Demo)"
    );
    assert_eq!(case.case.state, CaseState::Open);
    assert_eq!(case.notices.len(), 1);
    assert_eq!(case.notices[0].kind, NoticeKind::Initial);
    assert_eq!(case.notices[0].kind_label, "Prüfanzeige");
    assert_eq!(
        case.notices[0].subject,
        "Ist die Anzahl der Beatmungsstunden korrekt?"
    );

    // An extension of the subject is another notice.
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/notices"),
            Some(json!({"subject": "Erweiterung: Ist die Verweildauer korrekt?"})),
        )
        .await;
    let notice: Notice = typed(res, StatusCode::CREATED).await;
    assert_eq!(notice.kind, NoticeKind::Extension);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/notices"),
            Some(json!({"subject": "  "})),
        )
        .await;
    assert_eq!(refused_fields(res).await[0], "subject");

    // Request received today: 8 weeks, 56 days left.
    let request = app
        .document_request(
            &md,
            case_id,
            json!({"documents": ["discharge_letter", "fever_chart", "discharge_letter"], "free_text": "Beatmungsprotokolle der Intensivstation"}),
        )
        .await;
    assert_eq!(request.received_date, iso("2027-01-15"));
    assert_eq!(request.deadline_weeks, 8);
    assert_eq!(request.deadline.due, iso("2027-03-12"));
    assert_eq!(request.deadline.late_until, iso("2027-04-23"));
    assert_eq!(request.deadline.days_left, 56);
    assert_eq!(request.deadline.days_left_text, "noch 56 Tage");
    assert_eq!(request.deadline.status, DeadlineStatus::Open);
    assert_eq!(
        request.documents.len(),
        2,
        "the repeated document counts once"
    );
    assert_eq!(request.documents[1].label, "Fieberkurve");

    // The hospital's clerk and viewer see case, notices and the request's deadline.
    for user in ["klinik.controlling", "klinik.lesen", "klinik.admin"] {
        let c = as_user(&app, user).await;
        let detail: CaseDetail = app
            .read(&c, &format!("/api/v1/audits/cases/{case_id}"))
            .await;
        assert_eq!(detail.notices.len(), 2, "{user}");
        assert_eq!(detail.requests[0].deadline.due, iso("2027-03-12"));
        let inbox: Inbox = app.read(&c, "/api/v1/audits/inbox").await;
        let item = inbox
            .requests
            .iter()
            .find(|r| r.request_id == request.id)
            .unwrap();
        assert_eq!(item.deadline.days_left, 56);
        assert_eq!(item.admission_number, "A-2027-0042");
        assert!(
            inbox
                .notices
                .iter()
                .any(|n| n.case_id == case_id && n.kind == NoticeKind::Extension)
        );
        let list: CaseList = app.read(&c, "/api/v1/audits/cases").await;
        assert!(list.cases.iter().any(|x| x.id == case_id
            && x.next_deadline.as_ref().map(|d| d.due) == Some(iso("2027-03-12"))));
    }
    let actions = audit_actions(&app).await;
    for a in [
        "audit_case_created",
        "audit_notice_created",
        "audit_request_created",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[tokio::test]
async fn case_and_request_forms_are_validated_and_only_the_md_creates_them() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let mut form = case_form(HOSPITAL, "773686000");
    form["insurer_ik"] = json!("109905004");
    form["discharge_date"] = json!("2026-11-01");
    let res = app
        .call(&md, "POST", "/api/v1/audits/cases", Some(form))
        .await;
    assert_eq!(refused_fields(res).await, ["discharge_date", "insurer_ik"]);
    // A valid IK without a hospital in the portal; a site of another hospital.
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/cases",
            Some(case_form("109905003", "")),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "not_registered");
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/cases",
            Some(case_form(HOSPITAL, "773081000")),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "site_number");
    assert_eq!(refused.fields[0].code, "site_not_allowed");

    // Hospital users and other institutions cannot create cases.
    for user in ["klinik.controlling", "klinik.admin", "gs.admin"] {
        let c = as_user(&app, user).await;
        let res = app
            .call(
                &c,
                "POST",
                "/api/v1/audits/cases",
                Some(case_form(HOSPITAL, "773686000")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user}");
    }
    // Roles without audit rights see nothing.
    for user in ["klinik.personal", "pflege.admin", "gs.sachbearbeitung"] {
        let c = as_user(&app, user).await;
        for uri in [
            "/api/v1/audits/cases",
            "/api/v1/audits/inbox",
            "/api/v1/audits/dashboard",
        ] {
            assert_eq!(
                app.status(&c, "GET", uri).await,
                StatusCode::FORBIDDEN,
                "{user} {uri}"
            );
        }
    }
    assert_eq!(
        app.get("/api/v1/audits/cases").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Request rules: something must be asked for; "other" needs the free text; no future
    // receipt date; 1–52 weeks.
    let (case_id, _) = case_with_request(&app, &md).await;
    let uri = format!("/api/v1/audits/cases/{case_id}/requests");
    for (body, field) in [
        (json!({"documents": []}), "documents"),
        (json!({"documents": ["other"]}), "free_text"),
        (
            json!({"documents": ["fever_chart"], "received_date": "2027-01-16"}),
            "received_date",
        ),
        (
            json!({"documents": ["fever_chart"], "deadline_weeks": 0}),
            "deadline_weeks",
        ),
        (json!({"documents": ["xray"]}), "documents[0]"),
    ] {
        let res = app.call(&md, "POST", &uri, Some(body.clone())).await;
        assert_eq!(refused_fields(res).await[0], field, "{body}");
    }
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let res = app
        .call(
            &clerk,
            "POST",
            &uri,
            Some(json!({"documents": ["fever_chart"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
