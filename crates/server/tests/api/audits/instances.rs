//! Two server instances of one installation (issue 12): each with its own state — database
//! pool, file-store client, background-job identity — on one database (the test's backend:
//! SQLite file, or PostgreSQL with `LE_TEST_POSTGRES_URL`) and one S3 bucket (a real `moto`).
//! A session made on one instance works on the other, a file uploaded on one is downloaded on
//! the other, a TOTP code accepted by one is refused by the other, and the retention job purges a
//! closed case once although both instances run it.
use std::sync::Arc;

use le_server::clock::Clock as _;

use super::*;
use crate::moto::Moto;

/// A demo installation whose files live in `moto`'s bucket.
async fn first_instance(moto: &Moto) -> TestApp {
    let storage = moto.config();
    let app = TestApp::with_config(|c| {
        c.demo = true;
        c.storage = storage;
    })
    .await;
    le_server::demo::seed(&app.state).await.unwrap();
    app
}

/// A second instance of `a`'s installation: same settings (database URL, bucket, secret key
/// file), its own state built from them. The two share the test's clock (machines of one
/// cluster keep their clocks in step).
async fn second_instance(a: &TestApp) -> TestApp {
    let config = (*a.state.config).clone();
    let state = le_server::state_with_clock(config, Arc::new(a.clock.clone()))
        .await
        .unwrap();
    let router = le_server::app(state.clone()).layer(axum::extract::connect_info::MockConnectInfo(
        std::net::SocketAddr::from(([192, 0, 2, 11], 40001)),
    ));
    TestApp {
        router,
        state,
        clock: a.clock.clone(),
        _dir: tempfile::tempdir().unwrap(),
    }
}

#[tokio::test]
async fn two_instances_share_sessions_files_codes_and_jobs() {
    let moto = Moto::start();
    let a = first_instance(&moto).await;
    let b = second_instance(&a).await;

    // A session made on A is valid on B (and signing out on B ends it on A).
    let md = as_user(&a, people::MD_AUDITOR).await;
    let me: SessionInfo = b.read(&md, "/api/v1/auth/session").await;
    assert_eq!(me.username, people::MD_AUDITOR, "{me:?}");

    // A code A accepted is refused on B: the replay guard lives in the shared database.
    a.next_step();
    let clerk_account = demo_account(&a, people::AUDIT_CLERK).await;
    let (password, code) = (&clerk_account.password, clerk_account.code.as_str());
    let (status, clerk, body) = a.sign_in(people::AUDIT_CLERK, password, Some(code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = b.sign_in(people::AUDIT_CLERK, password, Some(code)).await;
    assert_ne!(
        status,
        StatusCode::OK,
        "code replayed on the other instance: {body}"
    );

    // Uploaded through B, downloaded through A: the same bytes, from the one bucket.
    let (case_id, request_id) = case_with_request(&a, &md).await;
    let pdf = pdf_of(300_000, 5);
    let file_id = upload(&b, &clerk, request_id, "befund.pdf", &pdf).await.id;
    let res = a
        .call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/files/{file_id}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(sha256_hex(&body_bytes(res).await), sha256_hex(&pdf));
    // Nothing of it is in either instance's data directory: the files live in the bucket.
    assert!(files_under(&a.data_dir().join("audits/files")).is_empty());

    // The case is closed; past its retention period both instances run the job at once, and
    // the case is purged once (the demo's own closed case is purged beforehand).
    assert_eq!(
        le_server::audits::purge_expired(&a.state, 0).await.unwrap(),
        1
    );
    submitted(&b, &clerk, request_id).await;
    let res = close_case(&a, &md, case_id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let days = a.state.config.retention_days;
    a.clock.set(a.clock.now() + i64::from(days + 1) * DAY);
    let (on_a, on_b) = tokio::join!(
        le_server::audits::retention::run_once(&a.state, "instance-a", days),
        le_server::audits::retention::run_once(&b.state, "instance-b", days),
    );
    let purged = on_a.unwrap().unwrap_or(0) + on_b.unwrap().unwrap_or(0);
    assert_eq!(purged, 1, "the closed case is purged exactly once");
    let md = as_user(&b, people::MD_AUDITOR).await;
    let res = b
        .call(&md, "GET", &format!("/api/v1/audits/files/{file_id}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let log: AuditPage = a
        .read(
            &as_user(&a, people::MD_ADMIN).await,
            "/api/v1/audit-log?action=audit_case_purged",
        )
        .await;
    // Once for this case (the demo's closed case has its own entry).
    let target = format!("Prüffall {case_id}");
    assert_eq!(
        log.entries
            .iter()
            .filter(|e| e.target.as_deref() == Some(target.as_str()))
            .count(),
        1,
        "{log:?}"
    );
    assert_eq!(log.total, 2, "{log:?}");
}
