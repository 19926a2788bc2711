//! Test application: a fresh data directory, database and fake `dist` per test.
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use le_server::clock::ManualClock;
use le_server::config::Config;
use le_server::{AppState, app, state_with_clock};
use tempfile::TempDir;
use tower::ServiceExt;

/// The inline loader script of the fake index.html (its hash must appear in the CSP).
pub const LOADER: &str = "import init from '/le-portal-web-0123456789abcdef.js';init();";

/// 2027-01-15T08:00:00Z: a fixed start so time-dependent rules are reproducible.
pub const START: i64 = 1_800_000_000;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: ManualClock,
    pub _dir: TempDir,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// A test app whose configuration `adjust` may change first.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
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
        let mut config = Config::with_dirs(dir.path().join("data"), dist);
        adjust(&mut config);
        let clock = ManualClock::new(START);
        let state = state_with_clock(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        // Handlers see a client address as behind a real socket.
        let router = app(state.clone()).layer(axum::extract::connect_info::MockConnectInfo(
            std::net::SocketAddr::from(([192, 0, 2, 10], 40000)),
        ));
        TestApp {
            router,
            state,
            clock,
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

/// A browser-like client: keeps the session cookie and the CSRF token.
#[derive(Default, Clone)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl TestApp {
    /// Sends a request as `client` (cookie, X-Requested-With and X-CSRF-Token like the SPA).
    pub async fn call(
        &self,
        client: &Client,
        method: &str,
        uri: &str,
        json: Option<serde_json::Value>,
    ) -> Response<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header("x-requested-with", "le-portal");
        if let Some(cookie) = &client.cookie {
            req = req.header(header::COOKIE, cookie.as_str());
        }
        if let Some(csrf) = &client.csrf {
            req = req.header("x-csrf-token", csrf.as_str());
        }
        let body = match json {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Signs in; on success returns the client with its cookie and CSRF token, and the body.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
    ) -> (axum::http::StatusCode, Client, serde_json::Value) {
        let res = self
            .call(
                &Client::default(),
                "POST",
                "/api/v1/auth/sign-in",
                Some(serde_json::json!({"username": username, "password": password, "code": code})),
            )
            .await;
        let status = res.status();
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let json = body_json(res).await;
        let csrf = json["session"]["csrf_token"].as_str().map(str::to_owned);
        (status, Client { cookie, csrf }, json)
    }

    /// The code an authenticator app shows now for a base32 key.
    pub fn code(&self, base32: &str) -> String {
        self.code_at(base32, 0)
    }

    /// The code `steps` time steps from now.
    pub fn code_at(&self, base32: &str, steps: i64) -> String {
        use le_server::clock::Clock as _;
        let secret = totp_rs::Secret::try_from_base32(base32).unwrap();
        le_server::secrets::totp_code_at(&secret, self.clock.now() + steps * 30)
    }

    /// Moves the clock to the start of the next TOTP step (a fresh code).
    pub fn next_step(&self) {
        use le_server::clock::Clock as _;
        let now = self.clock.now();
        self.clock.set((now / 30 + 1) * 30 + 1);
    }

    /// The MD administrator, fully set up (own password, TOTP key known to the test).
    pub async fn md_admin(&self) -> Actor {
        let params = le_server::access::bootstrap::MdAdminParams {
            ik: "510500016".into(),
            institution_name: "Medizinischer Dienst Nordrhein".into(),
            street: "Berliner Allee 52".into(),
            postal_code: "40212".into(),
            city: "Düsseldorf".into(),
            username: "md.admin".into(),
            first_name: "Maria".into(),
            last_name: "Dienst".into(),
            email: "md.admin@md.example".into(),
            password: Some("MD-Passwort-2027!".into()),
        };
        let letter = le_server::access::bootstrap::create_md_admin(&self.state, &params)
            .await
            .unwrap();
        let (status, client, _) = self
            .sign_in(
                "md.admin",
                "MD-Passwort-2027!",
                Some(&self.code(&letter.totp_secret)),
            )
            .await;
        assert_eq!(status, axum::http::StatusCode::OK);
        self.next_step();
        Actor {
            password: "MD-Passwort-2027!".into(),
            secret: letter.totp_secret,
            client,
        }
    }
}

/// A signed-in person with everything the test needs to sign in again.
pub struct Actor {
    pub password: String,
    pub secret: String,
    pub client: Client,
}

/// A multipart body with the registration form and an agreement file.
pub fn registration_multipart(
    form: &serde_json::Value,
    file: Option<(&str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "----le-portal-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"form\"\r\n\r\n{form}\r\n")
            .as_bytes(),
    );
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"agreement\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub fn hospital_form(ik: &str, username: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": "hospital",
        "ik": ik,
        "name": format!("Klinikum {ik}"),
        "street": "Hauptstraße 1",
        "postal_code": "30159",
        "city": "Hannover",
        "main_ik": ik,
        "admin_first_name": "Erika",
        "admin_last_name": "Mustermann",
        "admin_email": "erika@klinikum.example",
        "admin_username": username,
    })
}

impl TestApp {
    pub async fn register(
        &self,
        form: &serde_json::Value,
        file: Option<(&str, &[u8])>,
    ) -> Response<Body> {
        let (content_type, body) = registration_multipart(form, file);
        self.send(
            Request::post("/api/v1/registrations")
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Registers and approves a hospital; signs its admin in through the whole first sign-in.
    pub async fn hospital_admin(&self, md: &Actor, ik: &str, username: &str) -> Actor {
        let res = self
            .register(
                &hospital_form(ik, username),
                Some(("vereinbarung.pdf", PDF)),
            )
            .await;
        assert_eq!(res.status(), axum::http::StatusCode::CREATED);
        let list = body_json(
            self.call(
                &md.client,
                "GET",
                "/api/v1/admin/registrations?state=pending",
                None,
            )
            .await,
        )
        .await;
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ik"] == ik)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let letter = body_json(
            self.call(
                &md.client,
                "POST",
                &format!("/api/v1/admin/registrations/{id}/approve"),
                None,
            )
            .await,
        )
        .await;
        let otp = letter["one_time_password"].as_str().unwrap().to_owned();
        let secret = letter["totp_secret"].as_str().unwrap().to_owned();
        let (status, client, body) = self
            .sign_in(username, &otp, Some(&self.code(&secret)))
            .await;
        assert_eq!(status, axum::http::StatusCode::OK, "{body}");
        assert_eq!(body["session"]["stage"], "set_password");
        let password = format!("Sicheres Passwort {username}");
        let res = self
            .call(
                &client,
                "POST",
                "/api/v1/auth/password",
                Some(serde_json::json!({"new_password": password})),
            )
            .await;
        assert_eq!(res.status(), axum::http::StatusCode::OK);
        self.next_step();
        Actor {
            password,
            secret,
            client,
        }
    }
}

/// The demo (seeded) portal.
pub async fn demo() -> TestApp {
    let app = TestApp::with_config(|c| c.demo = true).await;
    le_server::demo::seed(&app.state).await.unwrap();
    app
}

/// Signs a demo user in (at a fresh TOTP step, so the same user can sign in again).
pub async fn as_user(app: &TestApp, username: &str) -> Client {
    app.next_step();
    let accounts = body_json(app.get("/api/v1/demo/accounts").await).await;
    let account = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap()
        .clone();
    let (status, client, body) = app
        .sign_in(
            username,
            account["password"].as_str().unwrap(),
            account["code"].as_str(),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    client
}

/// The `field` of every entry of a 422 body's `fields`, in order.
pub fn field_names(body: &serde_json::Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The local SMTP sink (`scripts/smtp_sink.py`, aiosmtpd from PyPI), stopped on drop.
pub struct SmtpSink {
    child: std::process::Child,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        use std::io::BufRead as _;
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/smtp_sink.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (installed by scripts/setup.sh)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().rsplit(':').next().unwrap().parse().unwrap();
        SmtpSink { child, dir, port }
    }

    /// Waits (at most 10 s) for the `n`th mail and answers the path of its files' prefix.
    pub async fn mail(&self, n: usize) -> std::path::PathBuf {
        let eml = self.dir.path().join(format!("{n:03}.eml"));
        for _ in 0..200 {
            if eml.exists() {
                return self.dir.path().join(format!("{n:03}"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no mail {n} in the sink");
    }

    /// The mails received so far: (recipients, whole message).
    pub fn mails(&self) -> Vec<(Vec<String>, String)> {
        let mut out = Vec::new();
        for n in 1.. {
            let eml = self.dir.path().join(format!("{n:03}.eml"));
            if !eml.exists() {
                break;
            }
            let envelope =
                std::fs::read_to_string(self.dir.path().join(format!("{n:03}.envelope"))).unwrap();
            let rcpt = envelope.lines().skip(1).map(str::to_owned).collect();
            out.push((rcpt, std::fs::read_to_string(eml).unwrap()));
        }
        out
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
