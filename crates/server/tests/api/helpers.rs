//! Test application: a fresh data directory, database and fake `dist` per test.
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use le_server::config::{Config, LogFormat};
use le_server::{AppState, app, state_from_config};
use tempfile::TempDir;
use tower::ServiceExt;

/// The inline loader script of the fake index.html (its hash must appear in the CSP).
pub const LOADER: &str = "import init from '/le-portal-web-0123456789abcdef.js';init();";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub _dir: TempDir,
}

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            format!("<!DOCTYPE html><html lang=\"de\"><head><script type=\"module\">{LOADER}</script></head><body></body></html>"),
        )
        .unwrap();
        std::fs::write(
            dist.join("le-portal-web-0123456789abcdef_bg.wasm"),
            b"\0asm-test",
        )
        .unwrap();
        std::fs::write(
            dist.join("le-portal-web-0123456789abcdef_bg.wasm.br"),
            b"brotli-bytes",
        )
        .unwrap();
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().join("data"),
            database_url: None,
            dist_dir: dist,
            log_format: LogFormat::Text,
        };
        let state = state_from_config(config).await.unwrap();
        let router = app(state.clone());
        TestApp {
            router,
            state,
            _dir: dir,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.state.config.data_dir.clone()
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.unwrap()
    }

    pub async fn get(&self, uri: &str) -> Response<Body> {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: impl Into<String>) -> Response<Body> {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.into()))
                .unwrap(),
        )
        .await
    }
}

pub async fn body_bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    let bytes = body_bytes(res).await;
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}
