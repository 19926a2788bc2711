//! Kiosk mode: start checks, the reset to the seeded snapshot, the PIN.
use axum::http::StatusCode;

use crate::helpers::{TestApp, as_user, body_json};

/// A kiosk on SQLite (kiosk mode refuses PostgreSQL), started up: seeded and snapshotted.
async fn kiosk(pin: Option<&str>) -> TestApp {
    let app = TestApp::with_config(|c| {
        c.kiosk = true;
        c.database_url = None;
        c.kiosk_pin = pin.map(|p| le_server::config::Redacted(p.to_owned()));
    })
    .await;
    le_server::start_up(&app.state).await.unwrap();
    app
}

/// A visitor's change: the MD auditor `md` opens an audit case of the demo hospital.
async fn opens_a_case(app: &TestApp, md: &crate::helpers::Client) {
    let res = app
        .call(
            md,
            "POST",
            "/api/v1/audits/cases",
            Some(crate::helpers::case_form("260326822", "773686000")),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_json(res).await
    );
}

async fn case_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_cases")
        .fetch_one(sqlite(app))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_reset_endpoint_exists_only_in_kiosk_mode() {
    for app in [
        TestApp::new().await,
        TestApp::with_config(|c| c.demo = true).await,
    ] {
        let res = anon_reset(&app, r#"{"pin":"1234"}"#).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let app = kiosk(Some("1234")).await;
    assert!(app.state.config.demo, "kiosk implies demo");
    let status = body_json(app.get("/api/v1/demo/status").await).await;
    assert_eq!(status["kiosk"], true);
    assert_eq!(status["idle_seconds"], 180);
    assert_eq!(status["countdown_seconds"], 20);
}

#[tokio::test]
async fn kiosk_mode_refuses_a_real_database_and_postgresql() {
    let app = TestApp::with_config(|c| c.database_url = None).await;
    app.md_admin().await;
    let mut config = (*app.state.config).clone();
    config.kiosk = true;
    let refused = le_server::state_with_clock(config, std::sync::Arc::new(app.clock.clone())).await;
    let err = refused.err().expect("kiosk start on a real database");
    assert!(err.to_string().contains("--demo refused"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let mut config =
        le_server::config::Config::with_dirs(dir.path().join("data"), dir.path().join("dist"));
    config.kiosk = true;
    config.database_url = Some("postgres://kiosk@127.0.0.1:1/kiosk".to_owned());
    let refused = le_server::state_with_clock(config, std::sync::Arc::new(app.clock.clone())).await;
    let err = refused.err().expect("kiosk on PostgreSQL");
    assert!(err.to_string().contains("SQLite only"), "{err}");
}

#[tokio::test]
async fn a_reset_undoes_a_visitors_changes_and_files_and_ends_the_session() {
    let app = kiosk(Some("4711")).await;
    let before = case_count(&app).await;
    let seeded_rows = table_counts(&app).await;
    let seeded_files = walk(&app.data_dir());
    let md = as_user(&app, "md.gutachter").await;
    opens_a_case(&app, &md).await;
    assert_eq!(case_count(&app).await, before + 1);
    // A file uploaded since the snapshot.
    let stray = app.data_dir().join("audits/files/besucher.pdf");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"%PDF-1.4 visitor").unwrap();

    // The visitor ends the visit (no PIN needed with a session).
    let res = visitor_reset(&app, &md).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(case_count(&app).await, before, "the new case is gone");
    assert!(!stray.exists(), "the uploaded file is gone");
    assert_eq!(walk(&app.data_dir()), seeded_files, "the seeded files stay");
    // Every table holds its seeded rows again (a cascade must not take restored rows along),
    // but for the reset's own audit log entry.
    let mut rows = table_counts(&app).await;
    if let Some((_, n)) = rows.iter_mut().find(|(t, _)| t == "audit_log") {
        *n -= 1;
    }
    assert_eq!(rows, seeded_rows);
    let res = app.call(&md, "GET", "/api/v1/auth/session", None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "signed out");
    // The reset itself is in the audit log; the demo accounts sign in as before.
    let entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'kiosk_reset'")
            .fetch_one(sqlite(&app))
            .await
            .unwrap();
    assert_eq!(entries, 1);
    as_user(&app, "md.gutachter").await;
}

#[tokio::test]
async fn staff_reset_needs_the_right_pin() {
    let app = kiosk(Some("4711")).await;
    let before = case_count(&app).await;
    let md = as_user(&app, "md.gutachter").await;
    opens_a_case(&app, &md).await;
    for body in [r#"{"pin":"0000"}"#, r#"{}"#, r#"{"pin":""}"#] {
        let res = anon_reset(&app, body).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{body}");
        let code = body_json(res).await["code"].clone();
        assert!(code == "wrong_pin" || code == "pin_required", "{code}");
    }
    assert_eq!(case_count(&app).await, before + 1, "nothing reset");
    let res = anon_reset(&app, r#"{"pin":"4711"}"#).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(case_count(&app).await, before);

    // Without a PIN configured, no PIN is right.
    let app = kiosk(None).await;
    let res = anon_reset(&app, r#"{"pin":""}"#).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_visits_browser_resets_after_its_session_expired_but_no_other_browser_can() {
    use le_server::clock::Clock as _;
    let app = kiosk(Some("4711")).await;
    let before = case_count(&app).await;
    // The sign-in hands out the visit cookie: HttpOnly, same-site only, seen by the kiosk's
    // endpoints alone.
    let set_cookies = sign_in_headers(&app, "md.gutachter").await;
    let visit = set_cookies
        .iter()
        .find(|c| c.starts_with("le_kiosk_visit="))
        .unwrap_or_else(|| panic!("no visit cookie in {set_cookies:?}"));
    for attribute in ["Path=/api/v1/kiosk", "HttpOnly", "SameSite=Strict"] {
        assert!(visit.contains(attribute), "{visit}");
    }
    let md = as_user(&app, "md.gutachter").await;
    assert!(md.cookie.as_deref().unwrap().contains("le_kiosk_visit="));
    opens_a_case(&app, &md).await;

    // The visitor walks away; the tab sleeps past the session's idle timeout.
    app.clock
        .set(app.clock.now() + le_server::access::session::IDLE_TIMEOUT + 60);
    let res = app.call(&md, "GET", "/api/v1/auth/session", None).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the session expired"
    );
    // A browser without a visit, or with a made-up one, cannot reset.
    for cookie in [None, Some("le_kiosk_visit=erfunden".to_owned())] {
        let stranger = crate::helpers::Client { cookie, csrf: None };
        let res = visitor_reset(&app, &stranger).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(body_json(res).await["code"], "pin_required");
    }
    assert_eq!(case_count(&app).await, before + 1, "nothing reset yet");

    // The screen returns to the start: the visitor's browser resets without a session.
    let res = visitor_reset(&app, &md).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared: Vec<String> = res
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    for name in ["le_session=;", "le_kiosk_visit=;"] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "{name} in {cleared:?}"
        );
    }
    assert_eq!(case_count(&app).await, before, "the visitor's case is gone");
    let by_visit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'kiosk_reset' AND actor = 'Kiosk-Besuch'",
    )
    .fetch_one(sqlite(&app))
    .await
    .unwrap();
    assert_eq!(by_visit, 1);

    // That visit ended with its reset: it cannot reset the next visitor's tour.
    let next = as_user(&app, "md.gutachter").await;
    opens_a_case(&app, &next).await;
    let res = visitor_reset(&app, &md).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        case_count(&app).await,
        before + 1,
        "the next visitor's case stays"
    );

    // Outside kiosk mode a sign-in opens no visit.
    let demo = crate::helpers::demo().await;
    let cookies = sign_in_headers(&demo, "md.gutachter").await;
    assert!(
        cookies.iter().all(|c| !c.starts_with("le_kiosk_visit")),
        "{cookies:?}"
    );
}

/// The `Set-Cookie` headers of a demo account's sign-in (at a fresh time step).
async fn sign_in_headers(app: &TestApp, username: &str) -> Vec<String> {
    app.next_step();
    let accounts = body_json(app.get("/api/v1/demo/accounts").await).await;
    let account = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap()
        .clone();
    let res = app
        .call(
            &crate::helpers::Client::default(),
            "POST",
            "/api/v1/auth/sign-in",
            Some(serde_json::json!({
                "username": username,
                "password": account["password"],
                "code": account["code"],
            })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if !name.starts_with("le-portal.db") {
                    out.push(name);
                }
            }
        }
    }
    out.sort();
    out
}

/// `POST /api/v1/kiosk/reset` without a session (staff at the kiosk).
async fn anon_reset(app: &TestApp, body: &str) -> axum::http::Response<axum::body::Body> {
    app.call(
        &crate::helpers::Client::default(),
        "POST",
        "/api/v1/kiosk/reset",
        Some(serde_json::from_str(body).unwrap()),
    )
    .await
}

/// Rows per table (the schema's tables, by name).
async fn table_counts(app: &TestApp) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(sqlite(app))
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(sqlite(app))
        .await
        .unwrap();
        out.push((table, n));
    }
    out
}

/// The kiosk's database (kiosk mode runs on SQLite only).
fn sqlite(app: &TestApp) -> &sqlx::SqlitePool {
    match &app.state.database {
        le_server::db::Database::Sqlite(pool) => pool,
        le_server::db::Database::Postgres(_) => panic!("kiosk mode runs on SQLite"),
    }
}

/// A visitor's end of the visit: `POST /kiosk/reset` without a PIN, as `client`.
async fn visitor_reset(
    app: &TestApp,
    client: &crate::helpers::Client,
) -> axum::http::Response<axum::body::Body> {
    app.call(
        client,
        "POST",
        "/api/v1/kiosk/reset",
        Some(serde_json::json!({})),
    )
    .await
}
