//! Security headers for every response, with a Content-Security-Policy that admits the wasm app
//! (its own files plus the hashes of Trunk's inline loader script) and nothing else.
use std::path::Path;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// The CSP for the app shell in `index_html` (the inline scripts it contains are allowed by hash).
pub fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// Contents of `<script>` elements without a `src` attribute, exactly as written.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let open_tag = &after[..tag_end];
        let body_and_rest = &after[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        let body = &body_and_rest[..close];
        if !open_tag.contains(" src=") && !body.trim().is_empty() {
            found.push(body);
        }
        rest = &body_and_rest[close..];
    }
    found
}

/// Adds the security headers to every response of `router`; HSTS only when served over https.
pub fn with_security_headers(router: Router, dist: &Path, https: bool) -> Router {
    let index_html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let csp = content_security_policy(&index_html);
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'"));
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ];
    let mut router = router.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        csp,
    ));
    if https {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    for (name, value) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<html><head><script src="/a.js"></script>
<script type="module">import init from '/app.js';init();</script></head></html>"#;
        let scripts = inline_scripts(html);
        assert_eq!(scripts, vec!["import init from '/app.js';init();"]);
        let csp = content_security_policy(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/app.js';init();"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("'unsafe-eval'"));
    }
}
