//! Closed cases accept nothing and are purged with their files after the retention period; the
//! audit log keeps that something happened, not what.
use super::*;

#[tokio::test]
async fn closed_cases_accept_nothing_and_are_purged_after_the_retention_period() {
    let app = demo().await;
    // Only this test's cases count: the demo's closed case (closed ten days ago) goes first.
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 0)
            .await
            .unwrap(),
        1
    );
    let seeded_files = files_under(&app.data_dir().join("audits/files")).len();
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let (open_case, _) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let pdf = pdf_of(10_000, 8);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files?name=a.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    submit(&app, &clerk, request_id).await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let res = put_report(&app, &md, case_id, "gutachten.pdf", pdf_of(5_000, 9)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let files_before = files_under(&app.data_dir().join("audits/files")).len();
    assert_eq!(files_before, seeded_files + 2); // upload, report

    // Only the MD closes; closing twice is a conflict.
    assert_eq!(
        close_case(&app, &clerk, case_id).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = close_case(&app, &md, case_id).await;
    let closed: CaseSummary = typed(res, StatusCode::OK).await;
    assert_eq!(closed.state, CaseState::Closed);
    assert_eq!(closed.purge_on, Some(iso("2027-04-25")));
    assert_eq!(
        close_case(&app, &md, case_id).await.status(),
        StatusCode::CONFLICT
    );
    // Nothing more goes in; the case leaves the inbox.
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/requests"),
            Some(json!({"documents": ["fever_chart"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let inbox: Inbox = app.read(&clerk, "/api/v1/audits/inbox").await;
    assert!(inbox.requests.iter().all(|r| r.case_id != case_id));

    // 99 days later: still there.
    app.clock.advance(99 * DAY);
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 100)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_cases WHERE id = {case_id}")
        )
        .await,
        1
    );
    assert_eq!(
        files_under(&app.data_dir().join("audits/files")).len(),
        files_before
    );
    // 101 days after closing: rows and files are gone; the open case stays.
    app.clock.advance(2 * DAY);
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 100)
            .await
            .unwrap(),
        1
    );
    for table in [
        format!("SELECT COUNT(*) FROM audit_cases WHERE id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_requests WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_notices WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_reports WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}"),
        format!("SELECT COUNT(*) FROM audit_deliveries WHERE request_id = {request_id}"),
    ] {
        assert_eq!(count(&app, &table).await, 0, "{table}");
    }
    assert_eq!(
        files_under(&app.data_dir().join("audits/files")).len(),
        seeded_files
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_cases WHERE id = {open_case}")
        )
        .await,
        1
    );
    let md = as_user(&app, people::MD_AUDITOR).await;
    assert_eq!(
        app.status(&md, "GET", &format!("/api/v1/audits/cases/{case_id}"))
            .await,
        StatusCode::NOT_FOUND
    );
    assert!(audited(&app, "audit_case_purged").await);
    // A shorter configured period purges earlier.
    let res = close_case(&app, &md, open_case).await;
    assert_eq!(res.status(), StatusCode::OK);
    app.clock.advance(11 * DAY);
    // Another instance holding the job's lease runs the purge: this one leaves it alone.
    let now = le_server::clock::Clock::now(&app.clock);
    assert!(
        le_server::audits::store::take_lease(
            &app.state.database,
            "audit_retention",
            "other",
            now,
            600
        )
        .await
        .unwrap()
    );
    assert_eq!(
        le_server::audits::retention::run_once(&app.state, "this", 10)
            .await
            .unwrap(),
        None
    );
    // Once that lease has expired, this instance runs it.
    app.clock.advance(601);
    assert_eq!(
        le_server::audits::retention::run_once(&app.state, "this", 10)
            .await
            .unwrap(),
        Some(1)
    );
}
