//! Document requests: deadlines and statuses as the clock moves, and the demo inbox in its
//! different deadline states.
use super::*;

#[tokio::test]
async fn deadlines_and_statuses_follow_the_clock() {
    let app = demo().await;
    // A case opened 70 days before START with a request received that day (Friday 06.11.2026):
    // 8 weeks end on Neujahr 01.01.2027, which § 193 BGB moves to Monday 04.01.2027.
    app.clock.set(START - 70 * DAY);
    let md_early = as_user(&app, people::MD_AUDITOR).await;
    let mut form = case_form(HOSPITAL, "773687000");
    form["admission_date"] = json!("2026-10-01");
    form["discharge_date"] = json!("2026-10-20");
    let res = app
        .call(&md_early, "POST", "/api/v1/audits/cases", Some(form))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let early_case: CaseDetail = typed(res, StatusCode::CREATED).await;
    let short = app
        .document_request(
            &md_early,
            early_case.case.id,
            json!({"documents": ["lab_results"]}),
        )
        .await;
    assert_eq!(short.received_date, iso("2026-11-06"));
    assert_eq!(short.deadline.due, iso("2027-01-04"));
    assert_eq!(short.deadline.days_left, 59);
    app.clock.set(START);
    let md = as_user(&app, people::MD_AUDITOR).await;
    let case = app.audit_case(&md, HOSPITAL, "773687000").await;
    let long_id = app
        .document_request(&md, case.case.id, json!({"documents": ["fever_chart"]}))
        .await
        .id;

    // (days after START, days left, status, reminder)
    for (days, left, status, reminder) in [
        (0, 56, DeadlineStatus::Open, false),
        (41, 15, DeadlineStatus::Open, false),
        (42, 14, DeadlineStatus::DueSoon, true),
        (49, 7, DeadlineStatus::DueSoon, true),
        (50, 6, DeadlineStatus::DueSoon, false),
        (56, 0, DeadlineStatus::DueSoon, false),
        (57, -1, DeadlineStatus::LateWindow, false),
        (98, -42, DeadlineStatus::LateWindow, false),
        (99, -43, DeadlineStatus::Overdue, false),
    ] {
        app.clock.set(START + days * DAY);
        let clerk = as_user(&app, people::AUDIT_CLERK).await;
        let inbox: Inbox = app
            .read(&clerk, "/api/v1/audits/inbox?site=773687000")
            .await;
        let d = inbox
            .requests
            .into_iter()
            .find(|r| r.request_id == long_id)
            .map(|r| r.deadline)
            .unwrap_or_else(|| panic!("day {days}: the request is not in the inbox"));
        assert_eq!(d.days_left, left, "day {days}");
        assert_eq!(d.status, status, "day {days}");
        assert_eq!(d.reminder, reminder, "day {days}");
        let dashboard: Dashboard = app.read(&clerk, "/api/v1/audits/dashboard").await;
        let reminded = dashboard.reminders.iter().any(|r| r.request_id == long_id);
        assert_eq!(reminded, reminder, "day {days}");
    }

    // Filters and sorting at day 20: the short request is overdue-ish (late window), the long
    // one open; deadline sort puts the earlier due date first, "received" the newer receipt.
    // (Another user: one user's TOTP steps never go backwards.)
    app.clock.set(START + 20 * DAY);
    let clerk = as_user(&app, people::HOSPITAL_ADMIN).await;
    let get = |q: &'static str| {
        let app = &app;
        let clerk = clerk.clone();
        async move {
            app.read::<Inbox>(&clerk, &format!("/api/v1/audits/inbox?site=773687000{q}"))
                .await
        }
    };
    let short_id = short.id;
    // Our two requests, in the order listed (the demo's requests of the site are left out).
    let ids = |v: &Inbox| -> Vec<i64> {
        v.requests
            .iter()
            .map(|r| r.request_id)
            .filter(|id| [short_id, long_id].contains(id))
            .collect()
    };
    assert_eq!(ids(&get("").await), [short_id, long_id]);
    assert_eq!(ids(&get("&sort=received").await), [long_id, short_id]);
    assert_eq!(ids(&get("&status=late_window").await), [short_id]);
    assert_eq!(ids(&get("&status=open").await), [long_id]);
    assert_eq!(ids(&get("&status=pending").await), [short_id, long_id]);
    assert_eq!(ids(&get("&status=delivered").await), Vec::<i64>::new());
    let res = app
        .call(&clerk, "GET", "/api/v1/audits/inbox?status=later", None)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other_site: Inbox = app
        .read(&clerk, "/api/v1/audits/inbox?site=773688000")
        .await;
    assert!(!ids(&other_site).contains(&long_id));
    // A NUL (which PostgreSQL text cannot hold) is refused for the parameter, on both backends.
    let res = app
        .call(
            &clerk,
            "GET",
            "/api/v1/audits/inbox?site=7736%0087000",
            None,
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "site", "{refused:?}");
    assert_eq!(refused.fields[0].code, "control_character", "{refused:?}");
    let dashboard: Dashboard = app.read(&clerk, "/api/v1/audits/dashboard").await;
    let count_of = |s: DeadlineStatus| {
        dashboard
            .counts
            .iter()
            .find(|c| c.status == s)
            .unwrap_or_else(|| panic!("no count of {s:?}"))
            .count
    };
    // The demo's requests count too; ours add one open and one in the late window.
    assert!(count_of(DeadlineStatus::LateWindow) >= 1);
    assert!(count_of(DeadlineStatus::Open) >= 1);
}

#[tokio::test]
async fn the_demo_inbox_shows_requests_in_different_deadline_states() {
    let app = demo().await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let inbox: Inbox = app.read(&clerk, "/api/v1/audits/inbox").await;
    let statuses: Vec<DeadlineStatus> = inbox.requests.iter().map(|r| r.deadline.status).collect();
    // Most urgent first; the closed case's request is not in the inbox.
    assert_eq!(
        statuses,
        [
            DeadlineStatus::Overdue,
            DeadlineStatus::LateWindow,
            DeadlineStatus::DueSoon,
            DeadlineStatus::Open,
            DeadlineStatus::Delivered,
            DeadlineStatus::Delivered
        ]
    );
    // The five open cases' notices and one extension.
    assert_eq!(inbox.notices.len(), 6);
    let dashboard: Dashboard = app.read(&clerk, "/api/v1/audits/dashboard").await;
    assert_eq!(dashboard.reminders.len(), 1);
    assert_eq!(dashboard.reminders[0].days_left, 7);
    // One expiring soon, one expired.
    assert_eq!(dashboard.expiring_certificates, 2);
    // The delivered demo file is a PDF whose hash matches the receipt.
    let delivered = inbox.requests[4].case_id;
    let detail: CaseDetail = app
        .read(&clerk, &format!("/api/v1/audits/cases/{delivered}"))
        .await;
    let delivery = detail
        .requests
        .iter()
        .find_map(|r| r.deliveries.first())
        .expect("the demo's delivery");
    let file_id = delivery.files[0].id;
    let bytes = body_bytes(
        app.call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/files/{file_id}"),
            None,
        )
        .await,
    )
    .await;
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(delivery.files[0].sha256, sha256_hex(&bytes));
    let inspections: InspectionList = app.read(&clerk, "/api/v1/audits/inspections").await;
    assert_eq!(inspections.inspections[0].cases.len(), 2);
    // The MD sees the same cases.
    let md = as_user(&app, people::MD_AUDITOR).await;
    let cases: CaseList = app.read(&md, "/api/v1/audits/cases?state=open").await;
    assert_eq!(cases.cases.len(), 5);
}
