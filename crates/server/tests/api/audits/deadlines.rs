//! Audit deadlines by the Berlin calendar: the legal day at 23:59 and 00:01 on the deadline's
//! edge, the three lateness states, each requested document tracked (delivered, outstanding,
//! declared unavailable) and the PDF receipt. Answers are read as the domain's response types.
use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use le_domain::api::audits::{CaseDetail, DocumentRequest, Inbox, ReminderSettings};
use le_domain::audits::{DeadlineStatus, DocumentKind, DocumentState, Lateness};
use le_domain::calendar::{berlin_day_start, berlin_time};
use le_domain::directory::Date;
use serde_json::{Value, json};

use super::{receipt, submitted};
use crate::helpers::{
    Client, PDF, START, TestApp, as_user, body_bytes, demo, people, refused_fields, typed,
};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

async fn upload(app: &TestApp, client: &Client, request_id: i64, query: &str) -> Response<Body> {
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=befund.pdf{query}");
    app.send_raw(client, "PUT", &uri, "application/pdf", PDF.to_vec())
        .await
}

/// `GET …/deliveries/{delivery_id}/receipt.pdf` as `client`.
async fn receipt_pdf(app: &TestApp, client: &Client, delivery_id: i64) -> Response<Body> {
    app.call(
        client,
        "GET",
        &format!("/api/v1/audits/deliveries/{delivery_id}/receipt.pdf"),
        None,
    )
    .await
}

/// A case of the demo hospital created now, with one request (received now unless given).
async fn case_and_request(app: &TestApp, md: &Client, request: Value) -> (i64, DocumentRequest) {
    let (case, request) = app.case_with_request(md, request).await;
    (case.case.id, request)
}

#[tokio::test]
async fn the_legal_day_is_the_berlin_day_at_23_59_and_00_01_on_the_deadlines_edge() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    // START is Friday 15.01.2027, 09:00 in Berlin: 8 weeks end on Friday 12.03.2027.
    let (_, in_time) =
        case_and_request(&app, &md, json!({"documents": ["discharge_letter"]})).await;
    let (_, late) = case_and_request(&app, &md, json!({"documents": ["fever_chart"]})).await;
    let (_, after) = case_and_request(&app, &md, json!({"documents": ["lab_results"]})).await;
    assert_eq!(in_time.received_date, d("15.01.2027"));
    assert_eq!(in_time.deadline.due, d("12.03.2027"));
    assert_eq!(in_time.deadline.late_until, d("23.04.2027"));

    // 23:59 Berlin on the last day (22:59 UTC in winter): still in time, "heute fällig".
    app.clock.set(berlin_time(d("12.03.2027"), 23, 59));
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let inbox: Inbox = app.read(&clerk, "/api/v1/audits/inbox").await;
    assert_eq!(inbox.today, d("12.03.2027"));
    let item = inbox
        .requests
        .iter()
        .find(|r| r.request_id == in_time.id)
        .unwrap();
    assert_eq!(item.deadline.days_left, 0);
    assert_eq!(item.deadline.days_left_text, "heute fällig");
    assert_eq!(item.deadline.status, DeadlineStatus::DueSoon);
    assert_eq!(
        upload(&app, &clerk, in_time.id, "").await.status(),
        StatusCode::CREATED
    );
    let result = submitted(&app, &clerk, in_time.id).await;
    assert_eq!(result.delivery.lateness, Lateness::InTime);
    assert!(result.delivery.in_time);
    assert_eq!(result.deadline.status, DeadlineStatus::Delivered);

    // 00:01 Berlin the next day (23:01 UTC on the 12th: UTC would still say the 12th): late,
    // within the late window.
    app.clock.set(berlin_time(d("13.03.2027"), 0, 1));
    let utc = le_server::clock::rfc3339(le_server::clock::Clock::now(&app.clock));
    assert!(utc.starts_with("2027-03-12T23:01"), "{utc}");
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        upload(&app, &clerk, late.id, "").await.status(),
        StatusCode::CREATED
    );
    let result = submitted(&app, &clerk, late.id).await;
    assert_eq!(result.delivery.lateness, Lateness::LateWindow);
    assert!(!result.delivery.in_time);
    assert_eq!(
        result.delivery.lateness_label,
        "verspätet (innerhalb der Nachfrist, die Prüfung läuft weiter)"
    );

    // 23:59 on the last day of the late window, then 00:01 after it (summer time by then).
    app.clock.set(berlin_time(d("23.04.2027"), 23, 59));
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let inbox: Inbox = app.read(&clerk, "/api/v1/audits/inbox").await;
    let item = inbox
        .requests
        .iter()
        .find(|r| r.request_id == after.id)
        .unwrap();
    assert_eq!(item.deadline.status, DeadlineStatus::LateWindow);
    app.clock.set(berlin_time(d("24.04.2027"), 0, 1));
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        upload(&app, &clerk, after.id, "").await.status(),
        StatusCode::CREATED
    );
    let result = submitted(&app, &clerk, after.id).await;
    assert_eq!(result.delivery.lateness, Lateness::AfterWindow);
    // The receipt names the state and the German local time.
    let receipt = receipt(&app, &clerk, result.delivery.id).await;
    assert_eq!(receipt.lateness, Lateness::AfterWindow);
    assert_eq!(receipt.submitted_at_local, "24.04.2027, 00:01 Uhr");
    assert!(receipt.submitted_at.starts_with("2027-04-23T22:01:"));
}

#[tokio::test]
async fn a_request_posted_after_midnight_in_berlin_is_received_that_berlin_day() {
    let app = demo().await;
    // 00:30 Berlin on Saturday 30.01.2027 is 23:30 UTC on Friday.
    app.clock.set(berlin_time(d("30.01.2027"), 0, 30));
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request) = case_and_request(&app, &md, json!({"documents": ["fever_chart"]})).await;
    assert_eq!(request.received_date, d("30.01.2027"));
    // 8 weeks from a Saturday end on Saturday 27.03.2027; § 193 BGB moves the end past the
    // Easter Monday (29.03.2027) to Tuesday.
    assert_eq!(request.deadline.due, d("30.03.2027"));
    assert_eq!(
        berlin_day_start(d("30.01.2027")),
        berlin_time(d("30.01.2027"), 0, 0)
    );
}

#[tokio::test]
async fn each_requested_document_is_tracked_until_delivered_or_declared_unavailable() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, request) = case_and_request(
        &app,
        &md,
        json!({"documents": ["discharge_letter", "fever_chart", "ops_documentation"]}),
    )
    .await;
    let id = request.id;
    assert!(!request.complete);
    assert!(
        request
            .document_states
            .iter()
            .all(|s| s.state == DocumentState::Outstanding)
    );
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    // With several documents an upload must name its document, one of the requested ones.
    let res = upload(&app, &clerk, id, "").await;
    assert_eq!(refused_fields(res).await, ["document"]);
    let res = upload(&app, &clerk, id, "&document=lab_results").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = upload(&app, &clerk, id, "&document=discharge_letter").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let result = submitted(&app, &clerk, id).await;
    assert_eq!(
        result.delivery.files[0].document,
        Some(DocumentKind::DischargeLetter)
    );
    // One of three delivered: the request is not delivered, its deadline keeps running.
    assert_eq!(result.deadline.status, DeadlineStatus::Open);
    let detail: CaseDetail = app
        .read(&clerk, &format!("/api/v1/audits/cases/{case_id}"))
        .await;
    let states: Vec<DocumentState> = detail.requests[0]
        .document_states
        .iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(
        states,
        [
            DocumentState::Delivered,
            DocumentState::Outstanding,
            DocumentState::Outstanding
        ]
    );
    assert!(!detail.requests[0].complete);
    let inbox: Inbox = app.read(&clerk, "/api/v1/audits/inbox").await;
    let item = inbox.requests.iter().find(|r| r.request_id == id).unwrap();
    assert_eq!(item.outstanding_documents, 2);

    // Declaring: a reason is required, viewers cannot, a delivered document cannot.
    let declare = |body: Value| {
        let app = &app;
        async move {
            app.call(
                &clerk_of(app).await,
                "POST",
                &format!("/api/v1/audits/requests/{id}/unavailable"),
                Some(body),
            )
            .await
        }
    };
    let res = declare(json!({"document": "fever_chart", "reason": "  "})).await;
    assert_eq!(refused_fields(res).await, ["reason"]);
    let res = declare(json!({"document": "discharge_letter", "reason": "x"})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let viewer = as_user(&app, people::VIEWER).await;
    let res = app
        .call(
            &viewer,
            "POST",
            &format!("/api/v1/audits/requests/{id}/unavailable"),
            Some(json!({"document": "fever_chart", "reason": "Keine Fieberkurve geführt"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = declare(json!({"document": "fever_chart", "reason": "Keine Fieberkurve geführt (ambulanter Eingriff)"})).await;
    let after: DocumentRequest = typed(res, StatusCode::OK).await;
    let fever = after
        .document_states
        .iter()
        .find(|s| s.kind == DocumentKind::FeverChart)
        .unwrap();
    assert_eq!(fever.state, DocumentState::Unavailable);
    assert_eq!(fever.state_label, "nicht vorhanden");
    assert_eq!(
        fever.reason.as_deref(),
        Some("Keine Fieberkurve geführt (ambulanter Eingriff)")
    );
    assert!(!after.complete);
    // No upload for a document declared unavailable.
    let clerk = clerk_of(&app).await;
    let res = upload(&app, &clerk, id, "&document=fever_chart").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // The last one delivered: complete, the deadline stops.
    let res = upload(&app, &clerk, id, "&document=ops_documentation").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let result = submitted(&app, &clerk, id).await;
    assert_eq!(result.deadline.status, DeadlineStatus::Delivered);
    let receipt = receipt(&app, &clerk, result.delivery.id).await;
    assert_eq!(receipt.document_states.len(), 3);
    assert!(
        receipt
            .document_states
            .iter()
            .all(|s| s.state != DocumentState::Outstanding)
    );
    // The MD sees the same states.
    let detail: CaseDetail = app
        .read(&md, &format!("/api/v1/audits/cases/{case_id}"))
        .await;
    assert!(detail.requests[0].complete);
    assert_eq!(detail.requests[0].document_states, receipt.document_states);
}

async fn clerk_of(app: &TestApp) -> Client {
    as_user(app, people::AUDIT_CLERK).await
}

#[tokio::test]
async fn the_receipt_is_a_pdf_to_file() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, request) =
        case_and_request(&app, &md, json!({"documents": ["discharge_letter"]})).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        upload(&app, &clerk, request.id, "").await.status(),
        StatusCode::CREATED
    );
    let result = submitted(&app, &clerk, request.id).await;
    let res = receipt_pdf(&app, &clerk, result.delivery.id).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    let bytes = body_bytes(res).await;
    assert!(le_domain::documents::is_pdf_document(&bytes));
    let text = String::from_utf8_lossy(&bytes);
    let number = format!("Quittung Q-{case_id}-{}", result.delivery.id);
    assert!(text.contains(&number), "receipt number");
    assert!(text.contains("fristgerecht"));
    assert!(
        text.contains(&result.delivery.files[0].sha256),
        "SHA-256 of the file"
    );
    assert!(text.contains("15.01.2027, 09:0"), "German local time");
    // Another hospital does not get it.
    let res = receipt_pdf(
        &app,
        &as_user(&app, people::MD_AUDITOR).await,
        result.delivery.id,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "the MD may file it too");
    let _ = START;
}

#[tokio::test]
async fn users_unsubscribe_and_resubscribe_their_reminders() {
    let app = demo().await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let get = || async {
        let res = app
            .call(&clerk, "GET", "/api/v1/audits/reminder-settings", None)
            .await;
        typed::<ReminderSettings>(res, StatusCode::OK).await
    };
    assert!(get().await.email_reminders);
    assert_eq!(
        super::set_email_reminders(&app, &clerk, false).await,
        StatusCode::OK
    );
    assert!(!get().await.email_reminders);
    assert_eq!(
        super::set_email_reminders(&app, &clerk, true).await,
        StatusCode::OK
    );
    assert!(get().await.email_reminders);
}
