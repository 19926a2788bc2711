//! Health, database, SPA serving, caching and security headers.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::helpers::{LOADER, TestApp, body_bytes, body_json, refusal};

#[tokio::test]
async fn health_reports_database_ok_and_the_file_exists() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), StatusCode::OK);
    let json = body_json(res).await;
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], "ok");
    // The embedded default keeps its file in the data directory; a PostgreSQL run has none and
    // names its backend.
    match &app.state.database {
        le_server::db::Database::Sqlite(_) => {
            assert_eq!(json["backend"], "sqlite");
            assert!(app.data_dir().join("le-portal.db").is_file());
        }
        le_server::db::Database::Postgres(_) => {
            assert_eq!(json["backend"], "postgres");
            assert!(!app.data_dir().join("le-portal.db").exists());
        }
    }
    // Migrations ran: the foundation table exists and holds the creation time.
    let created: String = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'created_at'")
        .fetch_one(pool)
        .await)
        .unwrap();
    assert!(created.starts_with("20"), "{created}");
}

#[tokio::test]
async fn unknown_api_route_and_method_are_json() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/nope").await;
    assert_eq!(refusal(res, StatusCode::NOT_FOUND).await.code, "not_found");
    let res = app.get("/api/v1/validate").await;
    assert_eq!(
        refusal(res, StatusCode::METHOD_NOT_ALLOWED).await.code,
        "method_not_allowed"
    );
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app_shell() {
    let app = TestApp::new().await;
    for path in ["/", "/nummernpruefung", "/arztverzeichnis"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        let html = String::from_utf8(body_bytes(res).await).unwrap();
        assert!(html.contains(LOADER), "{path}");
    }
    // A missing file is a 404, not the shell.
    assert_eq!(
        app.get("/missing-0123456789abcdef.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let app = TestApp::new().await;
    let res = app
        .send(
            Request::get("/le-portal-web-0123456789abcdef_bg.wasm")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(body_bytes(res).await, b"brotli-bytes");

    let res = app.get("/le-portal-web-0123456789abcdef_bg.wasm").await;
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body_bytes(res).await, b"\0asm-test");
}

#[tokio::test]
async fn security_headers_allow_the_loader_script_by_hash_only() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let app = TestApp::new().await;
    for path in ["/", "/api/v1/health"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(LOADER.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("'unsafe-inline' 'sha256"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    }
}

#[tokio::test]
async fn bad_path_and_query_parameters_are_json_errors() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/registrations/%FF%FE").await;
    let status = res.status();
    let ct = res.headers().get(header::CONTENT_TYPE).cloned();
    let body = String::from_utf8_lossy(&body_bytes(res).await).into_owned();
    assert!(status.is_client_error(), "{status} {body}");
    let ct = ct
        .map(|c| c.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(ct.starts_with("application/json"), "{status} {ct} {body}");
    let md = app.md_admin().await;
    let res = app
        .call(&md.client, "GET", "/api/v1/audit-log?limit=viele", None)
        .await;
    let refused = refusal(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused.code, "bad_request");
    assert!(
        refused.message.starts_with("Die Anfrage ist ungültig"),
        "{refused:?}"
    );
}
