//! Test application: a fresh data directory, database and fake `dist` per test.
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use le_domain::api::access::StepResult;
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
        config.database_url = postgres_database().await;
        if config.database_url.is_some() {
            // PostgreSQL takes the cluster's key from a file the operator made.
            let key = dir.path().join("cluster.key");
            std::fs::write(&key, [7u8; 32]).unwrap();
            config.secret_key_file = Some(key);
        }
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

/// With `LE_TEST_POSTGRES_URL` set (a PostgreSQL server the check script started, see
/// `scripts/check.sh`), a fresh database on it for one test; otherwise `None` (the embedded
/// SQLite file in the test's data directory).
pub async fn postgres_database() -> Option<String> {
    let server = std::env::var("LE_TEST_POSTGRES_URL").ok()?;
    Some(
        le_server::db::fresh_postgres_database(&server, "t")
            .await
            .expect("LE_TEST_POSTGRES_URL: create the test database"),
    )
}

pub async fn body_bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    let bytes = body_bytes(res).await;
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

/// An answer read as the domain's types: `T` on success, the error body otherwise.
#[derive(Debug)]
pub enum Answer<T> {
    Done(T),
    Refused(le_domain::ApiErrorBody),
}

impl<T: serde::de::DeserializeOwned + std::fmt::Debug> Answer<T> {
    /// Reads `res` as `T` (2xx) or as the error body.
    pub async fn of(res: Response<Body>) -> Self {
        let status = res.status();
        Answer::from_json(status, body_json(res).await)
    }

    /// Reads a body answered with `status` as `T` (2xx) or as the error body.
    pub fn from_json(status: axum::http::StatusCode, json: serde_json::Value) -> Self {
        let parsed = if status.is_success() {
            serde_json::from_value(json.clone()).map(Answer::Done)
        } else {
            serde_json::from_value(json.clone()).map(Answer::Refused)
        };
        parsed.unwrap_or_else(|e| panic!("{status} {e}: {json}"))
    }

    /// The successful answer; panics on a refusal.
    pub fn done(&self) -> &T {
        match self {
            Answer::Done(t) => t,
            Answer::Refused(e) => panic!("refused: {e:?}"),
        }
    }

    /// The successful answer, owned; panics on a refusal.
    pub fn into_done(self) -> T {
        match self {
            Answer::Done(t) => t,
            Answer::Refused(e) => panic!("refused: {e:?}"),
        }
    }

    /// The refusal; panics on a successful answer.
    pub fn refused(&self) -> &le_domain::ApiErrorBody {
        match self {
            Answer::Refused(e) => e,
            Answer::Done(t) => panic!("not refused: {t:?}"),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Display for Answer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
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
        let mut req = session_request(client, method, uri);
        let body = match json {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Signs in; on success returns the client with its cookie and CSRF token, and the answer.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
    ) -> (axum::http::StatusCode, Client, Answer<StepResult>) {
        let res = self
            .call(
                &Client::default(),
                "POST",
                "/api/v1/auth/sign-in",
                Some(serde_json::json!({"username": username, "password": password, "code": code})),
            )
            .await;
        let status = res.status();
        // Every cookie set (the session's; in kiosk mode also the visit's), as a browser sends them.
        let cookies: Vec<&str> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .collect();
        let cookie = (!cookies.is_empty()).then(|| cookies.join("; "));
        let json = body_json(res).await;
        let csrf = json["session"]["csrf_token"].as_str().map(str::to_owned);
        (
            status,
            Client { cookie, csrf },
            Answer::from_json(status, json),
        )
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
        let list: Vec<le_domain::api::access::RegistrationSummary> = self
            .read(&md.client, "/api/v1/admin/registrations?state=pending")
            .await;
        let id = list
            .iter()
            .find(|r| r.ik == ik)
            .unwrap_or_else(|| panic!("no pending registration of {ik}"))
            .id;
        let letter = self.approve(&md.client, id, None).await;
        let otp = letter.one_time_password;
        let secret = letter.totp_secret;
        let (status, client, body) = self
            .sign_in(username, &otp, Some(&self.code(&secret)))
            .await;
        assert_eq!(status, axum::http::StatusCode::OK, "{body}");
        assert_eq!(
            body.done().session.stage,
            le_domain::api::access::SessionStage::SetPassword
        );
        let password = format!("Sicheres Passwort {username}");
        self.new_password(&client, &password).await;
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

/// The demo (seeded) portal mailing through `sink` as le-portal@portal.example; `adjust` may
/// change more of the configuration first.
pub async fn demo_with_mail(sink: &SmtpSink, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let app = TestApp::with_config(|c| {
        c.demo = true;
        c.smtp_url = Some(le_server::config::Redacted(url));
        c.smtp_from = "le-portal@portal.example".to_owned();
        adjust(c);
    })
    .await;
    le_server::demo::seed(&app.state).await.unwrap();
    app
}

/// The demo account `username` as the sign-in page lists it now (password, current code).
pub async fn demo_account(app: &TestApp, username: &str) -> le_domain::api::demo::DemoAccount {
    let accounts: Vec<le_domain::api::demo::DemoAccount> = typed(
        app.get("/api/v1/demo/accounts").await,
        axum::http::StatusCode::OK,
    )
    .await;
    accounts
        .into_iter()
        .find(|a| a.username == username)
        .unwrap_or_else(|| panic!("no demo account {username}"))
}

/// Signs a demo user in (at a fresh TOTP step, so the same user can sign in again).
pub async fn as_user(app: &TestApp, username: &str) -> Client {
    app.next_step();
    let account = demo_account(app, username).await;
    let (status, client, body) = app
        .sign_in(username, &account.password, Some(&account.code))
        .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    client
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

// ---- Fixtures: requests as the SPA, a token client or the browser's raw upload send them; the
// ---- demo's people; and the records the tests start from (cases, requests, physicians, a
// ---- second hospital, API tokens).

/// A request as the SPA sends it: the session cookie, X-Requested-With and the CSRF token.
pub fn session_request(client: &Client, method: &str, uri: &str) -> axum::http::request::Builder {
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
    req
}

/// The body of `res` as the domain's response type `T`, after checking its status.
pub async fn typed<T: serde::de::DeserializeOwned>(
    res: Response<Body>,
    expected: axum::http::StatusCode,
) -> T {
    let status = res.status();
    let bytes = body_bytes(res).await;
    assert_eq!(status, expected, "{}", String::from_utf8_lossy(&bytes));
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)))
}

/// The domain's error body of a refused request, after checking its status.
pub async fn refusal(
    res: Response<Body>,
    expected: axum::http::StatusCode,
) -> le_domain::ApiErrorBody {
    typed(res, expected).await
}

/// The (field, code) of every field error of a refused request, in order.
pub fn field_codes(body: &le_domain::ApiErrorBody) -> Vec<(&str, &str)> {
    body.fields
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str()))
        .collect()
}

/// The fields a refused request (422) names, in order, read as the domain's error body.
pub async fn refused_fields(res: Response<Body>) -> Vec<String> {
    refusal(res, axum::http::StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .fields
        .into_iter()
        .map(|f| f.field)
        .collect()
}

/// A multipart body with one file part `field` named `file_name`.
pub fn multipart_file(field: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----le-portal-file-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The demo's people (`demo::seed`), by what they do.
pub mod people {
    pub const MD_ADMIN: &str = "md.admin";
    pub const MD_AUDITOR: &str = "md.gutachter";
    pub const HOSPITAL_ADMIN: &str = "klinik.admin";
    pub const AUDIT_CLERK: &str = "klinik.controlling";
    pub const HR_EDITOR: &str = "klinik.personal";
    pub const VIEWER: &str = "klinik.lesen";
    pub const OFFICE_CLERK: &str = "gs.sachbearbeitung";
    pub const CARE_ADMIN: &str = "pflege.admin";
    pub const CARE_CLERK: &str = "pflege.abrechnung";
}

/// The demo hospital's IK (also its Haupt-IK) and its first site.
pub const DEMO_HOSPITAL: &str = "260326822";
pub const DEMO_SITE: &str = "773686000";
/// The second hospital of [`TestApp::second_hospital`] (Magdeburg, sites 773081000, 773082000).
pub const OTHER_HOSPITAL: &str = "261500416";

/// A physician form (no ANR, no specialty) at the demo hospital's first site since 2024; the
/// state examination and the licence on the same day.
pub fn physician_form(
    last: &str,
    first: &str,
    birth: &str,
    sex: &str,
    licence: &str,
) -> serde_json::Value {
    serde_json::json!({
        "anr": null, "sex": sex, "doctoral_title": false,
        "last_name": last, "first_name": first, "birth_date": birth,
        "state_exam_date": licence, "licence_date": licence, "doctorate_date": null,
        "specialties": [], "sites": [{"site_number": DEMO_SITE, "start": "2024-01-01", "end": null}],
        "all_sites": false
    })
}

/// An audit case form for `hospital_ik` at `site`.
pub fn case_form(hospital_ik: &str, site: &str) -> serde_json::Value {
    serde_json::json!({
        "hospital_ik": hospital_ik,
        "site_number": site,
        "admission_number": "A-2027-0042",
        "invoice_number": "R-99812",
        "admission_date": "2026-11-03",
        "discharge_date": "2026-11-17",
        "insurer_ik": "109905003",
        "subject": "Ist die Anzahl der Beatmungsstunden korrekt?"
    })
}

impl TestApp {
    /// Sends `body` as it is (a file the browser sends raw) with the client's session.
    pub async fn send_raw(
        &self,
        client: &Client,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response<Body> {
        let req = session_request(client, method, uri)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Sends a request with an API token; a body goes as a PDF.
    pub async fn bearer(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: Option<Vec<u8>>,
    ) -> Response<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(bytes) => {
                req = req
                    .header(header::CONTENT_TYPE, "application/pdf")
                    .header(header::CONTENT_LENGTH, bytes.len());
                Body::from(bytes)
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// An API token of the admin's institution with `scopes`; answers its secret.
    pub async fn api_token(&self, admin: &Client, name: &str, scopes: &[&str]) -> String {
        let res = self
            .call(
                admin,
                "POST",
                "/api/v1/api-tokens",
                Some(serde_json::json!({"name": name, "scopes": scopes})),
            )
            .await;
        typed::<le_domain::api::access::CreatedToken>(res, axum::http::StatusCode::CREATED)
            .await
            .token
    }

    /// A hospital registered under `ik` and approved by the demo's MD administrator; its admin
    /// `username` signed in.
    pub async fn approved_hospital(&self, ik: &str, username: &str) -> Actor {
        let md = Actor {
            password: String::new(),
            secret: String::new(),
            client: as_user(self, people::MD_ADMIN).await,
        };
        self.hospital_admin(&md, ik, username).await
    }

    /// A second hospital ([`OTHER_HOSPITAL`], Magdeburg) beside the demo's; its admin signed in.
    pub async fn second_hospital(&self) -> Actor {
        self.approved_hospital(OTHER_HOSPITAL, "admin.magdeburg")
            .await
    }

    /// An audit case opened by the MD for `hospital_ik` at `site`.
    pub async fn audit_case(
        &self,
        md: &Client,
        hospital_ik: &str,
        site: &str,
    ) -> le_domain::api::audits::CaseDetail {
        let res = self
            .call(
                md,
                "POST",
                "/api/v1/audits/cases",
                Some(case_form(hospital_ik, site)),
            )
            .await;
        typed(res, axum::http::StatusCode::CREATED).await
    }

    /// A document request of case `case_id` with the form `body`.
    pub async fn document_request(
        &self,
        md: &Client,
        case_id: i64,
        body: serde_json::Value,
    ) -> le_domain::api::audits::DocumentRequest {
        let res = self
            .call(
                md,
                "POST",
                &format!("/api/v1/audits/cases/{case_id}/requests"),
                Some(body),
            )
            .await;
        typed(res, axum::http::StatusCode::CREATED).await
    }

    /// A case of the demo hospital opened now with one request (form `request`).
    pub async fn case_with_request(
        &self,
        md: &Client,
        request: serde_json::Value,
    ) -> (
        le_domain::api::audits::CaseDetail,
        le_domain::api::audits::DocumentRequest,
    ) {
        let case = self.audit_case(md, DEMO_HOSPITAL, DEMO_SITE).await;
        let request = self.document_request(md, case.case.id, request).await;
        (case, request)
    }

    /// `GET uri` as `client`, expecting 200, read as the domain's response type `T`.
    pub async fn read<T: serde::de::DeserializeOwned>(&self, client: &Client, uri: &str) -> T {
        self.call_typed(client, "GET", uri, None, axum::http::StatusCode::OK)
            .await
    }

    /// The status of `method uri` as `client` (no body).
    pub async fn status(&self, client: &Client, method: &str, uri: &str) -> axum::http::StatusCode {
        self.call(client, method, uri, None).await.status()
    }

    /// `POST /api/v1/clarifications/{id}/document` as the hospital's `client`: a PDF copy of the
    /// document the office asked for.
    pub async fn clarification_document(&self, client: &Client, id: i64) -> Response<Body> {
        let (content_type, body) = multipart_file("document", "urkunde.pdf", PDF);
        self.send_raw(
            client,
            "POST",
            &format!("/api/v1/clarifications/{id}/document"),
            &content_type,
            body,
        )
        .await
    }

    /// `POST uri` as `client` with `json`, expecting 200, read as the domain's response type `T`.
    pub async fn post<T: serde::de::DeserializeOwned>(
        &self,
        client: &Client,
        uri: &str,
        json: serde_json::Value,
    ) -> T {
        self.call_typed(client, "POST", uri, Some(json), axum::http::StatusCode::OK)
            .await
    }

    /// `POST /api/v1/auth/password` as `client` (the one-time password replaced), expecting 200;
    /// answers the step (with the recovery codes when it finishes the set-up).
    pub async fn new_password(
        &self,
        client: &Client,
        password: &str,
    ) -> le_domain::api::access::StepResult {
        self.post(
            client,
            "/api/v1/auth/password",
            serde_json::json!({"new_password": password}),
        )
        .await
    }

    /// A user of the admin's institution (`POST /api/v1/users` with `form`), expecting 201.
    pub async fn create_user(
        &self,
        admin: &Client,
        form: serde_json::Value,
    ) -> le_domain::api::access::CreatedUser {
        self.call_typed(
            admin,
            "POST",
            "/api/v1/users",
            Some(form),
            axum::http::StatusCode::CREATED,
        )
        .await
    }

    /// The MD administrator approves registration `id` (`body`: the decision on a shared
    /// Haupt-IK, if any), expecting 200; answers the credential letter.
    pub async fn approve(
        &self,
        md: &Client,
        id: i64,
        body: Option<serde_json::Value>,
    ) -> le_domain::api::access::CredentialLetter {
        self.call_typed(
            md,
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            body,
            axum::http::StatusCode::OK,
        )
        .await
    }

    /// `method uri` as `client` (with a JSON body if any), expecting `expected`; the answer
    /// read as the domain's response type `T`.
    pub async fn call_typed<T: serde::de::DeserializeOwned>(
        &self,
        client: &Client,
        method: &str,
        uri: &str,
        json: Option<serde_json::Value>,
        expected: axum::http::StatusCode,
    ) -> T {
        typed(self.call(client, method, uri, json).await, expected).await
    }

    /// The demo care service's routing set-up (Nordrhein) saved by its admin.
    pub async fn care_set_up(&self, admin: &Client) {
        let res = self
            .call(
                admin,
                "PUT",
                "/api/v1/care/setup",
                Some(serde_json::json!({"region": "Nordrhein", "sender_email": "abrechnung@pflege.example"})),
            )
            .await;
        assert_eq!(res.status(), axum::http::StatusCode::OK);
    }

    /// A physician record created through the form endpoint; answers the stored record.
    pub async fn physician(
        &self,
        client: &Client,
        form: serde_json::Value,
    ) -> le_domain::directory::PhysicianRecord {
        self.call_typed(
            client,
            "POST",
            "/api/v1/physicians",
            Some(form),
            axum::http::StatusCode::CREATED,
        )
        .await
    }
}
