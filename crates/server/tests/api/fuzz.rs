//! Outside input the server parses itself (multipart registrations, query strings, JSON bodies,
//! raw uploads) in random and near-valid shapes: the answer is never a server error and always
//! the API's JSON error shape. Bounded in the check command; a longer run is
//! `LE_FUZZ_CASES=20000 cargo test -p le-server --test api fuzz`.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::helpers::*;

fn cases() -> usize {
    std::env::var("LE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// A small deterministic generator (xorshift64*), so failures can be replayed by case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// `bytes` with a few random changes: flipped bytes, a cut, an inserted piece, a repeat.
    fn mutate(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for _ in 0..=self.below(4) {
            match self.below(5) {
                0 if !out.is_empty() => {
                    let i = self.below(out.len());
                    out[i] = u8::try_from(self.next() & 0xff).unwrap();
                }
                1 if !out.is_empty() => {
                    let cut = self.below(out.len());
                    out.truncate(cut);
                }
                2 => {
                    let i = self.below(out.len() + 1);
                    let piece = self.pick(&[
                        "\r\n", "--", "\"", ";", "%00", "\0", "{", "}", "%%EOF", "%PDF-",
                    ]);
                    out.splice(i..i, piece.bytes());
                }
                3 if !out.is_empty() => {
                    let i = self.below(out.len());
                    let j = (i + self.below(64)).min(out.len());
                    let copy = out[i..j].to_vec();
                    out.splice(i..i, copy);
                }
                _ => {}
            }
        }
        out
    }
}

/// Percent-encodes what a URI cannot carry; a `%` stays as it is (broken escapes are the point).
fn uri_safe(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~%,".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn assert_client_error_shape(res: axum::response::Response, what: &str) {
    let status = res.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    if status.is_client_error() {
        let body = body_bytes(res).await;
        // Every refusal is the domain's error body (a code and a German message).
        let refused: le_domain::ApiErrorBody = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{what}: {status} without the error body ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        assert!(!refused.code.is_empty(), "{what}: {refused:?}");
    }
}

#[tokio::test]
async fn registrations_with_broken_multipart_never_fail_the_server() {
    let app = TestApp::with_config(|c| c.trust_proxy = true).await;
    let (content_type, valid) = registration_multipart(
        &hospital_form("260326822", "e.muster"),
        Some(("a.pdf", PDF)),
    );
    let mut rng = Rng(0x5eed_0001);
    for case in 0..cases() {
        let body = rng.mutate(&valid);
        let content_type = match rng.below(4) {
            0 => "multipart/form-data".to_owned(),
            1 => "multipart/form-data; boundary=".to_owned(),
            _ => content_type.clone(),
        };
        let res = app
            .send(
                Request::post("/api/v1/registrations")
                    .header(header::CONTENT_TYPE, content_type)
                    // A new address each time, so the registration limit does not hide the parser.
                    .header(
                        "x-forwarded-for",
                        format!(
                            "10.{}.{}.{}",
                            case / 65_536 % 256,
                            case / 256 % 256,
                            case % 256
                        ),
                    )
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_client_error_shape(res, &format!("case {case}")).await;
    }
}

#[tokio::test]
async fn query_strings_json_bodies_and_uploads_never_fail_the_server() {
    let app = demo().await;
    let md = as_user(&app, "md.admin").await;
    let hr = as_user(&app, "klinik.personal").await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let request_id: i64 = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT MIN(id) FROM audit_requests")
        .fetch_one(pool)
        .await)
        .unwrap();
    let mut rng = Rng(0x5eed_0002);
    let keys = [
        "action", "outcome", "actor", "from", "to", "limit", "offset", "q", "ids", "state", "x",
    ];
    let values = [
        "",
        "%",
        "%25",
        "_",
        "\\",
        "2026-02-30",
        "2026-11-30T25:00:00Z",
        "-1",
        "99999999999999999999",
        "1,2,,x",
        "%FF%FE",
        "a%00b",
        "ä",
        "'; DROP TABLE users; --",
        "success",
        "pending",
    ];
    for case in 0..cases() {
        let mut query = String::new();
        for _ in 0..=rng.below(4) {
            let value = if rng.below(5) == 0 {
                "z".repeat(rng.below(300))
            } else {
                rng.pick(&values).to_owned()
            };
            query.push_str(&format!("{}={}&", rng.pick(&keys), uri_safe(&value)));
        }
        for (client, path) in [
            (&md, "/api/v1/audit-log"),
            (&md, "/api/v1/audit-log.csv"),
            (&md, "/api/v1/admin/registrations"),
            (&md, "/api/v1/audits/cases"),
            (&hr, "/api/v1/physicians"),
            (&hr, "/api/v1/physicians/export.csv"),
            (&clerk, "/api/v1/audits/inbox"),
        ] {
            let res = app
                .call(client, "GET", &format!("{path}?{query}"), None)
                .await;
            assert_client_error_shape(res, &format!("case {case}: {path}?{query}")).await;
        }
        // JSON bodies: a valid validation request, mutated.
        let valid =
            br#"{"items":[{"kind":"anr","value":"838382202"},{"kind":"ik","value":"260326822"}]}"#;
        let res = app
            .send(
                Request::post("/api/v1/validate")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-requested-with", "le-portal")
                    .body(Body::from(rng.mutate(valid)))
                    .unwrap(),
            )
            .await;
        assert_client_error_shape(res, &format!("case {case}: validate")).await;
        // Raw uploads: a PDF, mutated.
        let res = app
            .send(
                Request::put(format!(
                    "/api/v1/audits/requests/{request_id}/files?name={}",
                    rng.pick(&["a.pdf", "", "..%2F..%2Fx", "%00"])
                ))
                .header(header::CONTENT_TYPE, "application/pdf")
                .header(header::COOKIE, clerk.cookie.clone().unwrap())
                .header("x-requested-with", "le-portal")
                .header("x-csrf-token", clerk.csrf.clone().unwrap())
                .body(Body::from(rng.mutate(PDF)))
                .unwrap(),
            )
            .await;
        let status = res.status();
        assert!(
            status != StatusCode::INTERNAL_SERVER_ERROR,
            "case {case}: upload {status}"
        );
        assert_client_error_shape(res, &format!("case {case}: upload")).await;
    }
}
