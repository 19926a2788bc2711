//! Demo (kiosk) mode: seeded accounts that visitors can use with the codes the portal shows.
use axum::http::StatusCode;

use crate::helpers::{TestApp, body_json};

#[tokio::test]
async fn demo_accounts_exist_only_in_demo_mode_and_their_codes_sign_in() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/demo/accounts").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        body_json(res).await,
        serde_json::json!([]),
        "no accounts outside demo mode"
    );

    let app = TestApp::with_config(|c| c.demo = true).await;
    le_server::demo::seed(&app.state).await.unwrap();
    // Seeding twice changes nothing.
    le_server::demo::seed(&app.state).await.unwrap();
    let users: i64 = le_server::on_db!(&app.state.database, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(users, 10);
    let accounts = body_json(app.get("/api/v1/demo/accounts").await).await;
    let list = accounts.as_array().unwrap();
    assert_eq!(list.len(), 10);
    let hr = list
        .iter()
        .find(|a| a["username"] == "klinik.personal")
        .unwrap();
    assert_eq!(hr["role"], "directory_editor");
    let (status, _, body) = app
        .sign_in(
            "klinik.personal",
            hr["password"].as_str().unwrap(),
            hr["code"].as_str(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["session"]["stage"], "full");
    assert_eq!(body["session"]["institution"]["kind"], "hospital");
}
