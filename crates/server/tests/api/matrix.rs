//! The authorisation matrix: every endpoint of the route table × every role of every kind of
//! institution × own/other institution × session or token of each scope. The endpoints come
//! from the server's own route table (`le_server::api_routes`) and the methods each path answers
//! are probed, so a new endpoint without a row in `EXPECTED` fails this test.
//!
//! A cell is either allowed (any answer but 401/403: a 422 for the empty body is fine) or
//! refused (401, 403 or 404: a resource of another institution may be "not found").
use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use le_domain::api::access::{CreatedToken, RegistrationCreated};

use crate::helpers::*;

/// Who calls. Sessions of the demo institutions' users, a second hospital's admin (another
/// institution), hospital API tokens of each scope, and nobody.
const CALLERS: &[(&str, Caller)] = &[
    ("anon", Caller::Anonymous),
    ("md_admin", Caller::User("md.admin")),
    ("md_auditor", Caller::User("md.gutachter")),
    ("h_admin", Caller::User("klinik.admin")),
    ("h_audit", Caller::User("klinik.controlling")),
    ("h_dir", Caller::User("klinik.personal")),
    ("h_view", Caller::User("klinik.lesen")),
    ("c_admin", Caller::User("pflege.admin")),
    ("c_billing", Caller::User("pflege.abrechnung")),
    ("o_admin", Caller::User("gs.admin")),
    ("o_clerk", Caller::User("gs.sachbearbeitung")),
    ("other_h", Caller::OtherHospitalAdmin),
    ("tok_audits", Caller::Token("audits")),
    ("tok_dir", Caller::Token("directory")),
    ("tok_care", Caller::Token("care_billing")),
];

#[derive(Clone, Copy)]
enum Caller {
    Anonymous,
    User(&'static str),
    OtherHospitalAdmin,
    Token(&'static str),
}

/// Groups of callers, to keep the table readable.
const PUBLIC: &str = "*";
const ANY_SESSION: &str =
    "md_admin md_auditor h_admin h_audit h_dir h_view c_admin c_billing o_admin o_clerk other_h";
const ADMINS: &str = "md_admin h_admin c_admin o_admin other_h";
const MD: &str = "md_admin md_auditor";
/// Audit exchange, reading: the MD and the own hospital's audit roles (and viewers), KIS tokens.
const AUDITS_READ_OWN: &str = "md_admin md_auditor h_admin h_audit h_view tok_audits";
/// Audit exchange lists: as above, plus another hospital (it sees its own, empty, list).
const AUDITS_LIST: &str = "md_admin md_auditor h_admin h_audit h_view tok_audits other_h";
const DIRECTORY_OWN: &str = "h_admin h_dir h_view tok_dir";
const DIRECTORY_LIST: &str = "h_admin h_dir h_view tok_dir other_h";
const OFFICE: &str = "o_admin o_clerk";
/// Care billing: the care service's people and its billing software.
const CARE: &str = "c_admin c_billing tok_care";

/// Kiosk mode only (absent from the demo portal the big matrix runs on): a reset ends every
/// session, so these rows are probed on a kiosk of their own, one caller at a time
/// ([`every_kiosk_endpoint_has_a_row_and_answers_as_it_says`]). A reset also takes the staff PIN
/// or a visit's cookie (kiosk.rs tests those); here every caller sends neither.
const KIOSK_EXPECTED: &[(&str, &str, &str)] = &[("POST", "/kiosk/reset", ANY_SESSION)];

/// Credentials and other sessions: the seeded demo accounts may not change them (shared by every
/// visitor of the demo), so of the callers only the second hospital's own admin may.
const NOT_DEMO_ACCOUNTS: &str = "other_h";

/// (method, path, who may). Every endpoint of the route table must appear exactly once.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/health", PUBLIC),
    ("POST", "/validate", PUBLIC),
    ("POST", "/registrations", PUBLIC),
    ("GET", "/registrations/{reference}", PUBLIC),
    ("POST", "/auth/sign-in", PUBLIC),
    ("GET", "/auth/session", ANY_SESSION),
    ("POST", "/auth/sign-out", ANY_SESSION),
    ("POST", "/auth/sign-out-everywhere", NOT_DEMO_ACCOUNTS),
    ("POST", "/auth/totp/begin", NOT_DEMO_ACCOUNTS),
    ("POST", "/auth/totp/activate", NOT_DEMO_ACCOUNTS),
    ("POST", "/auth/password", NOT_DEMO_ACCOUNTS),
    ("POST", "/auth/recovery-codes", NOT_DEMO_ACCOUNTS),
    ("GET", "/admin/registrations", "md_admin"),
    ("GET", "/admin/registrations/{id}/agreement", "md_admin"),
    ("POST", "/admin/registrations/{id}/approve", "md_admin"),
    ("POST", "/admin/registrations/{id}/reject", "md_admin"),
    ("POST", "/admin/registrations/{id}/letter", "md_admin"),
    ("GET", "/users", ADMINS),
    ("POST", "/users", ADMINS),
    ("PATCH", "/users/{id}", "h_admin"),
    ("POST", "/users/{id}/reset-second-factor", "h_admin"),
    ("GET", "/api-tokens", ADMINS),
    ("POST", "/api-tokens", ADMINS),
    ("DELETE", "/api-tokens/{id}", "h_admin"),
    ("GET", "/audit-log", ADMINS),
    ("GET", "/audit-log.csv", ADMINS),
    ("GET", "/demo/accounts", PUBLIC),
    ("GET", "/demo/status", PUBLIC),
    ("GET", "/demo/care-key", PUBLIC),
    ("GET", "/openapi.json", PUBLIC),
    ("GET", "/audits/cases", AUDITS_LIST),
    ("POST", "/audits/cases", MD),
    ("GET", "/audits/cases/{id}", AUDITS_READ_OWN),
    ("POST", "/audits/cases/{id}/notices", MD),
    ("POST", "/audits/cases/{id}/close", MD),
    ("POST", "/audits/cases/{id}/requests", MD),
    ("PUT", "/audits/cases/{id}/reports", MD),
    ("GET", "/audits/inbox", AUDITS_LIST),
    ("GET", "/audits/dashboard", AUDITS_LIST),
    (
        "PUT",
        "/audits/requests/{id}/files",
        "h_admin h_audit tok_audits",
    ),
    (
        "POST",
        "/audits/requests/{id}/submit",
        "h_admin h_audit tok_audits",
    ),
    ("GET", "/audits/files/{id}", AUDITS_READ_OWN),
    ("DELETE", "/audits/files/{id}", "h_admin h_audit tok_audits"),
    // The hospital confirms it holds the receipt of its delivery.
    (
        "POST",
        "/audits/deliveries/{id}/acknowledge",
        "h_admin h_audit tok_audits",
    ),
    ("GET", "/audits/deliveries/{id}/receipt", AUDITS_READ_OWN),
    (
        "GET",
        "/audits/deliveries/{id}/receipt.pdf",
        AUDITS_READ_OWN,
    ),
    // The hospital declares a requested document unavailable (with a reason).
    (
        "POST",
        "/audits/requests/{id}/unavailable",
        "h_admin h_audit tok_audits",
    ),
    // Each hospital user's own e-mail reminders (not for tokens).
    (
        "GET",
        "/audits/reminder-settings",
        "h_admin h_audit h_view other_h",
    ),
    (
        "PUT",
        "/audits/reminder-settings",
        "h_admin h_audit h_view other_h",
    ),
    ("GET", "/audits/reports/{id}", AUDITS_READ_OWN),
    ("GET", "/audits/inspections", AUDITS_LIST),
    ("POST", "/audits/inspections", MD),
    ("GET", "/audits/structure", AUDITS_LIST),
    (
        "POST",
        "/audits/structure",
        "h_admin h_audit tok_audits other_h",
    ),
    ("GET", "/audits/structure/{id}", AUDITS_READ_OWN),
    (
        "PUT",
        "/audits/structure/{id}/evidence",
        "h_admin h_audit tok_audits",
    ),
    ("POST", "/audits/structure/{id}/decide", MD),
    ("GET", "/audits/evidence/{id}", AUDITS_READ_OWN),
    ("GET", "/sites", DIRECTORY_LIST),
    ("GET", "/office/sites", OFFICE),
    ("POST", "/office/sites/import", OFFICE),
    ("GET", "/physicians", DIRECTORY_LIST),
    ("POST", "/physicians", "h_admin h_dir tok_dir other_h"),
    ("GET", "/physicians/table", DIRECTORY_LIST),
    ("GET", "/physicians/export.csv", DIRECTORY_LIST),
    // Readers may check a file (dry run) and preview a bulk edit; storing needs an editor.
    ("POST", "/physicians/import", DIRECTORY_LIST),
    ("POST", "/physicians/bulk/preview", DIRECTORY_LIST),
    (
        "POST",
        "/physicians/bulk/apply",
        "h_admin h_dir tok_dir other_h",
    ),
    (
        "POST",
        "/physicians/bulk/{operation_id}/undo",
        "h_admin h_dir tok_dir",
    ),
    // Progress of the caller's own running apply or undo ("not running" for any other key).
    ("GET", "/physicians/bulk/progress/{key}", DIRECTORY_LIST),
    ("GET", "/physicians/{id}", DIRECTORY_OWN),
    ("PUT", "/physicians/{id}", "h_admin h_dir tok_dir"),
    (
        "POST",
        "/physicians/{id}/anr-request",
        "h_admin h_dir tok_dir",
    ),
    ("GET", "/clarifications", DIRECTORY_LIST),
    (
        "POST",
        "/clarifications/{id}/document",
        "h_admin h_dir tok_dir",
    ),
    ("GET", "/office/registry", OFFICE),
    ("GET", "/office/clarifications", OFFICE),
    ("POST", "/office/clarifications/{id}/resolve", OFFICE),
    (
        "POST",
        "/office/clarifications/{id}/request-document",
        OFFICE,
    ),
    ("GET", "/office/clarifications/{id}/document", OFFICE),
    ("GET", "/main-ik/requests", "h_admin other_h"),
    (
        "POST",
        "/main-ik/requests/{institution_id}/confirm",
        "h_admin other_h",
    ),
    ("GET", "/care/setup", CARE),
    ("PUT", "/care/setup", "c_admin"),
    ("POST", "/care/branches", "c_admin"),
    ("DELETE", "/care/branches/{id}", "c_admin"),
    ("GET", "/care/staff", CARE),
    ("POST", "/care/staff", CARE),
    ("PUT", "/care/staff/{id}", CARE),
    ("POST", "/care/staff/import", CARE),
    ("GET", "/care/deliveries", CARE),
    ("POST", "/care/deliveries", CARE),
    ("GET", "/care/deliveries/{id}", CARE),
    ("GET", "/care/deliveries/{id}/order-file", CARE),
    ("GET", "/care/deliveries/{id}/payload", CARE),
    ("POST", "/care/deliveries/{id}/error-return", CARE),
    ("POST", "/care/deliveries/{id}/send", CARE),
    ("GET", "/care/certificates", "md_admin"),
    ("POST", "/care/certificates", "md_admin"),
    ("GET", "/care/recipient-certificate", CARE),
];

/// Endpoints that end the caller's own session run after every other request, each with fresh
/// sessions.
const LAST: &[&str] = &["/auth/sign-out", "/auth/sign-out-everywhere"];

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// An id of an existing row for a path parameter (the demo hospital's resources), so that
/// allowed callers reach the handler's own checks and refused ones are refused for who they are.
async fn sample_path(app: &TestApp, path: &str, fixtures: &Fixtures) -> String {
    let table = [
        ("/registrations/{reference}", "reference"),
        ("/admin/registrations/{id}", "registration"),
        ("/users/{id}", "user"),
        ("/api-tokens/{id}", "token"),
        (
            "/physicians/bulk/progress/{key}",
            "SELECT CAST(12345678 AS BIGINT)",
        ),
        (
            "/physicians/bulk/{operation_id}",
            "SELECT MIN(id) FROM bulk_operations",
        ),
        ("/physicians/{id}", "SELECT MIN(id) FROM physicians"),
        (
            "/office/clarifications/{id}",
            "SELECT MIN(id) FROM clarifications",
        ),
        ("/clarifications/{id}", "SELECT MIN(id) FROM clarifications"),
        ("/audits/cases/{id}", "SELECT MIN(id) FROM audit_cases"),
        (
            "/audits/requests/{id}",
            "SELECT MIN(id) FROM audit_requests",
        ),
        ("/audits/files/{id}", "SELECT MIN(id) FROM audit_files"),
        (
            "/audits/deliveries/{id}",
            "SELECT MIN(id) FROM audit_deliveries",
        ),
        ("/audits/reports/{id}", "SELECT MIN(id) FROM audit_reports"),
        (
            "/audits/structure/{id}",
            "SELECT MIN(id) FROM structure_audits",
        ),
        (
            "/audits/evidence/{id}",
            "SELECT MIN(id) FROM structure_evidence",
        ),
        ("/care/branches/{id}", "SELECT MIN(id) FROM care_branches"),
        (
            "/main-ik/requests/{institution_id}",
            "SELECT MAX(id) FROM institutions",
        ),
        ("/care/staff/{id}", "SELECT MIN(id) FROM care_staff"),
        (
            "/care/deliveries/{id}",
            "SELECT MIN(id) FROM care_deliveries",
        ),
    ];
    for (prefix, source) in table {
        let Some(param_at) = prefix.find('{') else {
            continue;
        };
        if !path.starts_with(&prefix[..param_at])
            || !path[param_at..].starts_with(&prefix[param_at..])
        {
            continue;
        }
        let value = match source {
            "reference" => fixtures.reference.clone(),
            "registration" => fixtures.registration_id.to_string(),
            "user" => fixtures.user_id.to_string(),
            "token" => fixtures.token_id.to_string(),
            sql => {
                let id: Option<i64> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(pool)
                    .await)
                    .unwrap();
                id.unwrap_or(1).to_string()
            }
        };
        let param_end = prefix.find('}').unwrap() + 1;
        return format!("{}{}{}", &path[..param_at], value, &path[param_end..]);
    }
    assert!(
        !path.contains('{'),
        "no sample id for {path}: add it to sample_path"
    );
    path.to_owned()
}

struct Fixtures {
    reference: String,
    registration_id: i64,
    user_id: i64,
    token_id: i64,
}

fn denied_status(status: StatusCode) -> bool {
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_as_the_table_says() {
    let app = demo().await;
    // The MD administrator, a second hospital (another institution) and a pending registration.
    let md_client = as_user(&app, "md.admin").await;
    let md = Actor {
        password: le_server::demo::DEMO_PASSWORD.to_owned(),
        secret: String::new(),
        client: md_client,
    };
    let other = app.hospital_admin(&md, "261500416", "andere.klinik").await;
    let res = app
        .register(
            &hospital_form("261101015", "offen.antrag"),
            Some(("a.pdf", PDF)),
        )
        .await;
    let reference = typed::<RegistrationCreated>(res, StatusCode::CREATED)
        .await
        .reference;
    let registration_id: i64 =
        le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT id FROM registrations WHERE reference = $1")
            .bind(&reference)
            .fetch_one(pool)
            .await)
            .unwrap();
    // A user and a token of the demo hospital that only serve as targets.
    let admin = as_user(&app, "klinik.admin").await;
    let user = app
        .create_user(
            &admin,
            serde_json::json!({
                "username": "matrix.ziel", "first_name": "Ziel", "last_name": "Person",
                "email": "ziel@klinik.example", "role": "viewer"
            }),
        )
        .await;
    let user_id = user.user.id;
    let mut tokens = BTreeMap::new();
    for scope in ["audits", "directory", "audits"] {
        let created: CreatedToken = app
            .call_typed(
                &admin,
                "POST",
                "/api/v1/api-tokens",
                Some(serde_json::json!({"name": format!("Matrix {scope}"), "scopes": [scope]})),
                StatusCode::CREATED,
            )
            .await;
        tokens.insert(created.token, (scope, Some(created.summary.id)));
    }
    // The care service: its set-up, a branch, one delivery and a token of its billing software.
    crate::care_billing::import_recipient(&app).await;
    let care = as_user(&app, "pflege.admin").await;
    app.care_set_up(&care).await;
    let res = app
        .call(
            &care,
            "POST",
            "/api/v1/care/branches",
            Some(serde_json::json!({"ik": "460512349", "name": "Zentrale"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let care_token = app.api_token(&care, "Abrechnung", &["care_billing"]).await;
    let res = app
        .send(
            Request::post(
                "/api/v1/care/deliveries?branch_ik=460512349&kind=01&month=2026-10&procedure=test&payload_size=3",
            )
            .header(header::AUTHORIZATION, format!("Bearer {care_token}"))
            .body(Body::from(crate::care_billing::sealed(b"abc")))
            .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mut scoped: BTreeMap<&str, String> = BTreeMap::new();
    scoped.insert("care_billing", care_token);
    let mut target_token = None;
    for (token, (scope, id)) in &tokens {
        if scoped.contains_key(scope) {
            target_token = *id;
        } else {
            scoped.insert(scope, token.clone());
        }
    }
    let fixtures = Fixtures {
        reference,
        registration_id,
        user_id,
        token_id: target_token.unwrap_or(0),
    };

    // Sessions of every caller.
    let mut sessions: BTreeMap<&str, Client> = BTreeMap::new();
    for (name, caller) in CALLERS {
        match caller {
            Caller::User(username) => {
                sessions.insert(name, as_user(&app, username).await);
            }
            Caller::OtherHospitalAdmin => {
                sessions.insert(name, other.client.clone());
            }
            Caller::Anonymous | Caller::Token(_) => {}
        }
    }

    // The endpoints: the route table's paths, with the methods each answers.
    let paths = le_server::api_routes(&app.state.config).paths().to_vec();
    let mut endpoints: Vec<(Method, &str)> = Vec::new();
    for path in &paths {
        let uri = format!("/api/v1{}", sample_path(&app, path, &fixtures).await);
        for method in METHODS {
            let res = app
                .send(
                    Request::builder()
                        .method(method.clone())
                        .uri(&uri)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            if res.status() != StatusCode::METHOD_NOT_ALLOWED {
                endpoints.push((method, path));
            }
        }
    }
    let expected: BTreeMap<(String, String), BTreeSet<&str>> = EXPECTED
        .iter()
        .map(|(m, p, who)| {
            let set = if *who == PUBLIC {
                CALLERS.iter().map(|(n, _)| *n).collect()
            } else {
                who.split_whitespace().collect()
            };
            (((*m).to_owned(), (*p).to_owned()), set)
        })
        .collect();
    let found: BTreeSet<(String, String)> = endpoints
        .iter()
        .map(|(m, p)| (m.to_string(), (*p).to_owned()))
        .collect();
    let known: BTreeSet<(String, String)> = expected.keys().cloned().collect();
    let missing: Vec<_> = found.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a row in EXPECTED: {missing:?}"
    );
    let stale: Vec<_> = expected.keys().filter(|k| !found.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "rows in EXPECTED without an endpoint: {stale:?}"
    );

    endpoints.sort_by_key(|(_, p)| LAST.contains(p));
    let mut wrong = Vec::new();
    let mut token_reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut public: BTreeSet<(String, String)> = BTreeSet::new();
    let mut cells = 0;
    for (method, path) in &endpoints {
        if LAST.contains(path) {
            for (name, caller) in CALLERS {
                match caller {
                    Caller::User(username) => {
                        sessions.insert(name, as_user(&app, username).await);
                    }
                    Caller::OtherHospitalAdmin => {
                        app.next_step();
                        let (status, client, _) = app
                            .sign_in(
                                "andere.klinik",
                                &other.password,
                                Some(&app.code(&other.secret)),
                            )
                            .await;
                        assert_eq!(status, StatusCode::OK);
                        sessions.insert(name, client);
                    }
                    Caller::Anonymous | Caller::Token(_) => {}
                }
            }
        }
        let uri = format!("/api/v1{}", sample_path(&app, path, &fixtures).await);
        let allowed = &expected[&(method.to_string(), (*path).to_owned())];
        for (name, caller) in CALLERS {
            let mut req = Request::builder()
                .method(method.clone())
                .uri(&uri)
                .header("x-requested-with", "le-portal");
            match caller {
                Caller::Token(scope) => {
                    req = req.header(header::AUTHORIZATION, format!("Bearer {}", scoped[scope]));
                }
                Caller::User(_) | Caller::OtherHospitalAdmin => {
                    let client = &sessions[name];
                    if let Some(cookie) = &client.cookie {
                        req = req.header(header::COOKIE, cookie.as_str());
                    }
                    if let Some(csrf) = &client.csrf {
                        req = req.header("x-csrf-token", csrf.as_str());
                    }
                }
                Caller::Anonymous => {}
            }
            let body = if [Method::POST, Method::PUT, Method::PATCH].contains(method) {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from("{}")
            } else {
                Body::empty()
            };
            let status = app.send(req.body(body).unwrap()).await.status();
            cells += 1;
            // Routes open to anyone (sign-in, registration, health) are not the token interface.
            if matches!(caller, Caller::Anonymous) && !denied_status(status) {
                public.insert((method.as_str().to_lowercase(), (*path).to_owned()));
            }
            if matches!(caller, Caller::Token(_)) && !denied_status(status) {
                token_reached.insert((method.as_str().to_lowercase(), (*path).to_owned()));
            }
            let refused = matches!(
                status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            );
            let denied = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
            let ok = if allowed.contains(name) {
                !denied
            } else {
                refused
            };
            if !ok || status.is_server_error() {
                wrong.push(format!(
                    "{method} {path} as {name}: {status} (expected {})",
                    if allowed.contains(name) {
                        "allowed"
                    } else {
                        "refused"
                    }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(cells > 800, "{cells} cells");
    // The machine interface's document covers every route a token actually reached.
    let doc = serde_json::to_value(le_server::openapi::document()).unwrap();
    let undocumented: Vec<String> = token_reached
        .iter()
        .filter(|route| !public.contains(*route))
        .filter(|(method, path)| doc["paths"][path.as_str()][method.as_str()].is_null())
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "reachable with an API token but not in openapi.json:\n{}",
        undocumented.join("\n")
    );
    assert!(token_reached.len() >= 40, "{token_reached:?}");
}

#[tokio::test]
async fn every_kiosk_endpoint_has_a_row_and_answers_as_it_says() {
    let app = TestApp::with_config(|c| {
        c.kiosk = true;
        c.database_url = None;
    })
    .await;
    le_server::start_up(&app.state).await.unwrap();
    // The kiosk's own endpoints: those of its route table that a demo portal lacks.
    let mut demo_config = (*app.state.config).clone();
    demo_config.kiosk = false;
    let demo_paths: BTreeSet<&str> = le_server::api_routes(&demo_config)
        .paths()
        .iter()
        .copied()
        .collect();
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for path in le_server::api_routes(&app.state.config).paths() {
        if demo_paths.contains(path) {
            continue;
        }
        for method in METHODS {
            // No cookie and no body: nothing a handler could act on.
            let res = app
                .send(
                    Request::builder()
                        .method(method.clone())
                        .uri(format!("/api/v1{path}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            if res.status() != StatusCode::METHOD_NOT_ALLOWED {
                found.insert((method.to_string(), (*path).to_owned()));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KIOSK_EXPECTED
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(found, known, "kiosk endpoints and KIOSK_EXPECTED differ");

    // Callers: API tokens of each scope, a second hospital's admin, the demo accounts.
    let mut tokens: BTreeMap<&str, String> = BTreeMap::new();
    for (admin, scope) in [
        ("klinik.admin", "audits"),
        ("klinik.admin", "directory"),
        ("pflege.admin", "care_billing"),
    ] {
        let client = as_user(&app, admin).await;
        let res = app
            .call(
                &client,
                "POST",
                "/api/v1/api-tokens",
                Some(serde_json::json!({"name": format!("Kiosk {scope}"), "scopes": [scope]})),
            )
            .await;
        let token = body_json(res).await["token"].as_str().unwrap().to_owned();
        tokens.insert(scope, token);
    }
    let md = Actor {
        password: le_server::demo::DEMO_PASSWORD.to_owned(),
        secret: String::new(),
        client: as_user(&app, "md.admin").await,
    };
    let other = app.hospital_admin(&md, "261500416", "andere.klinik").await;
    for (method, path, who) in KIOSK_EXPECTED {
        let allowed: BTreeSet<&str> = if *who == PUBLIC {
            CALLERS.iter().map(|(n, _)| *n).collect()
        } else {
            who.split_whitespace().collect()
        };
        // Refused callers first (they change nothing); then each allowed one, signed in just
        // before its call (the previous call's reset ended every session), the second hospital
        // first (the reset removes it).
        let mut order: Vec<&(&str, Caller)> = CALLERS.iter().collect();
        order.sort_by_key(|(name, caller)| {
            (
                allowed.contains(name),
                !matches!(caller, Caller::OtherHospitalAdmin),
            )
        });
        let mut wrong = Vec::new();
        for (name, caller) in order {
            let client = match caller {
                Caller::User(username) => as_user(&app, username).await,
                Caller::OtherHospitalAdmin => other.client.clone(),
                Caller::Anonymous | Caller::Token(_) => Client::default(),
            };
            let mut req = session_request(&client, method, &format!("/api/v1{path}"))
                .header(header::CONTENT_TYPE, "application/json");
            if let Caller::Token(scope) = caller {
                req = req.header(header::AUTHORIZATION, format!("Bearer {}", tokens[scope]));
            }
            let status = app.send(req.body(Body::from("{}")).unwrap()).await.status();
            let ok = if allowed.contains(name) {
                status.is_success()
            } else {
                matches!(
                    status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                )
            };
            if !ok {
                wrong.push(format!("{method} {path} as {name}: {status}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
