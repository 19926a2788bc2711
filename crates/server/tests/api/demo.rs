//! Demo (kiosk) mode: seeded accounts that visitors can use with the codes the portal shows.
use axum::http::StatusCode;
use le_domain::access::{InstitutionKind, Role};
use le_domain::api::access::SessionStage;
use le_domain::api::demo::{DemoAccount, DemoStatus};

use crate::helpers::{TestApp, demo_account, refusal, typed};

#[tokio::test]
async fn demo_accounts_exist_only_in_demo_mode_and_their_codes_sign_in() {
    let app = TestApp::new().await;
    for path in ["/api/v1/demo/accounts", "/api/v1/demo/status"] {
        let res = app.get(path).await;
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{path} outside demo mode"
        );
    }

    let app = TestApp::with_config(|c| c.demo = true).await;
    le_server::demo::seed(&app.state).await.unwrap();
    // Seeding twice changes nothing.
    le_server::demo::seed(&app.state).await.unwrap();
    let users: i64 = le_server::on_db!(&app.state.database, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(users, 10);
    let list: Vec<DemoAccount> =
        typed(app.get("/api/v1/demo/accounts").await, StatusCode::OK).await;
    assert_eq!(list.len(), 10);
    let hr = list
        .iter()
        .find(|a| a.username == "klinik.personal")
        .expect("the demo's HR editor");
    assert_eq!(hr.role, Role::DirectoryEditor);
    let (status, _, body) = app
        .sign_in("klinik.personal", &hr.password, Some(&hr.code))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.done().session.stage, SessionStage::Full);
    assert_eq!(
        body.done().session.institution.kind,
        InstitutionKind::Hospital
    );
}

#[tokio::test]
async fn demo_accounts_cannot_change_credentials_or_other_sessions() {
    let app = crate::helpers::demo().await;
    let client = crate::helpers::as_user(&app, "klinik.admin").await;
    for (path, body) in [
        (
            "/api/v1/auth/password",
            Some(
                serde_json::json!({"current_password": le_server::demo::DEMO_PASSWORD, "new_password": "Ein ganz neues Passwort 1"}),
            ),
        ),
        ("/api/v1/auth/recovery-codes", None),
        ("/api/v1/auth/sign-out-everywhere", None),
        ("/api/v1/auth/totp/begin", None),
    ] {
        let res = app.call(&client, "POST", path, body).await;
        let refused = refusal(res, StatusCode::FORBIDDEN).await;
        assert_eq!(refused.code, "demo_account_locked", "{path}");
        assert!(refused.message.contains("Demo-Modus"), "{refused:?}");
    }
    // Another demo account's second factor cannot be reset by the demo admin either.
    let id: i64 = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT id FROM users WHERE username = 'klinik.lesen'")
        .fetch_one(pool)
        .await)
        .unwrap();
    let res = app
        .call(
            &client,
            "POST",
            &format!("/api/v1/users/{id}/reset-second-factor"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The password still signs in (nothing changed).
    let again = crate::helpers::as_user(&app, "klinik.admin").await;
    let res = app.call(&again, "GET", "/api/v1/auth/session", None).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_used_code_is_never_offered_again() {
    let app = crate::helpers::demo().await;
    app.next_step();
    let code_of = |user: &'static str| {
        let app = &app;
        async move { demo_account(app, user).await.code }
    };
    let first = code_of("md.gutachter").await;
    let (status, _, _) = app
        .sign_in("md.gutachter", le_server::demo::DEMO_PASSWORD, Some(&first))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Within the same 30 seconds the next visitor is offered the next step's code, which works.
    let second = code_of("md.gutachter").await;
    assert_ne!(first, second);
    let (status, _, body) = app
        .sign_in(
            "md.gutachter",
            le_server::demo::DEMO_PASSWORD,
            Some(&second),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Both used: no code is offered until the next step.
    let third = code_of("md.gutachter").await;
    assert_eq!(third, "");
    let status: DemoStatus = typed(app.get("/api/v1/demo/status").await, StatusCode::OK).await;
    assert!(!status.kiosk);
}
