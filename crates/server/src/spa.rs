//! Serves the built SPA: pre-compressed files, long-lived caching for hashed assets, and the
//! fallback to index.html for client-side routes.
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Router that serves `dist` for every path not claimed by the API. In demo mode the app shell
/// carries `<meta name="le-demo">`, so the SPA asks for demo accounts only where they exist
/// (an installation for real use makes no such request: one round trip less before the sign-in
/// page is usable).
pub fn router(dist: &Path, demo: bool) -> Router {
    let index = dist.join("index.html");
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let index_service = ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip();
    let index_path: PathBuf = index;
    Router::new()
        .fallback(move |req: Request| {
            let files = files.clone();
            let index_service = index_service.clone();
            let index_path = index_path.clone();
            async move {
                if !index_path.is_file() {
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Die Web-Oberfläche ist nicht gebaut (dist/index.html fehlt).",
                    )
                        .into_response();
                }
                if looks_like_file(req.uri().path()) {
                    // Real files (and misses: 404) come from the directory.
                    match files.oneshot(req).await {
                        Ok(res) => res.map(Body::new),
                        Err(never) => match never {},
                    }
                } else if demo {
                    demo_shell(&index_path).await
                } else {
                    // Client-side routes: always the app shell.
                    match index_service.oneshot(req).await {
                        Ok(res) => res.map(Body::new),
                        Err(never) => match never {},
                    }
                }
            }
        })
        .layer(middleware::from_fn(cache_headers))
}

/// The marker the SPA looks for (`src/api/demo.rs`).
pub const DEMO_MARKER: &str = r#"<meta name="le-demo" content="1">"#;

/// The app shell with the demo marker after the character set declaration.
async fn demo_shell(index: &Path) -> Response {
    match tokio::fs::read_to_string(index).await {
        Ok(html) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            with_demo_marker(&html),
        )
            .into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

fn with_demo_marker(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let at = [
        "<meta charset=utf-8>",
        "<meta charset=\"utf-8\" />",
        "<meta charset=\"utf-8\">",
        "<head>",
    ]
    .iter()
    .find_map(|tag| lower.find(tag).map(|i| i + tag.len()))
    .unwrap_or(0);
    format!("{}{DEMO_MARKER}{}", &html[..at], &html[at..])
}

/// A path whose last segment has an extension names a file; others are client-side routes.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Built assets are named `<name>-<hash>[_bg].<ext>` and never change: Trunk's CSS and icons
/// (16 hex digits, 15 when the hash starts with a zero: Trunk drops it) and the split SPA's main
/// module, chunk loader and chunks (`scripts/split-spa.mjs`, always 16).
fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.rsplit('/').next() else {
        return false;
    };
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (15..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    let value = if hashed && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        // index.html and unhashed files: always revalidate so a new release is picked up.
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/le-portal-web-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/le-portal-web-0123456789abcdef.js"));
        assert!(is_hashed_asset("/output-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/docs/nutzungsbedingungen.pdf"));
        assert!(!is_hashed_asset("/le-portal-web-0123456789abcdeg.js"));
        assert!(is_hashed_asset("/le-portal-web-a7f539084f6b1da.js"));
        assert!(is_hashed_asset("/__wasm_split-c949dc47b906c917.js"));
        assert!(is_hashed_asset("/split_directory-4ca432296ae082e9.wasm"));
        assert!(is_hashed_asset("/chunk_10-0beabdc8175abeae.wasm"));
        assert!(!is_hashed_asset("/chunk_10.wasm"));
    }

    #[test]
    fn the_demo_marker_goes_into_the_head() {
        let min = "<!doctype html><html lang=de><meta charset=utf-8><title>x</title>";
        assert_eq!(
            with_demo_marker(min),
            format!(
                "<!doctype html><html lang=de><meta charset=utf-8>{DEMO_MARKER}<title>x</title>"
            )
        );
        let pretty = "<html>\n<head>\n<meta charset=\"utf-8\" />\n</head>";
        assert!(with_demo_marker(pretty).contains(&format!("/>{DEMO_MARKER}")));
    }

    #[test]
    fn tells_files_from_routes() {
        assert!(looks_like_file("/app-1.js"));
        assert!(!looks_like_file("/nummernpruefung"));
        assert!(!looks_like_file("/"));
    }
}
