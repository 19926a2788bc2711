//! Attacks that once got through (issue "Hardening"), each pinned by a test: demo mode on a real
//! database, raced and forged throttling, CSV formulas, locking others out, registration floods,
//! oversized input, caching, file modes, stale uploads, tokens of departed users, second-factor
//! resets, truncated PDFs, purged cases in the audit log.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use le_domain::api::access::{
    AuditPage, RegistrationState, RegistrationSummary, SecondFactorReset, SessionStage, StepResult,
};
use le_domain::api::demo::DemoAccount;
use le_server::clock::Clock as _;

use crate::helpers::*;

impl TestApp {
    /// Signs in as if from `addr` behind the trusted proxy (the proxy appends `addr`).
    async fn sign_in_from(
        &self,
        forwarded: &str,
        username: &str,
        password: &str,
        code: Option<&str>,
    ) -> (StatusCode, Answer<StepResult>) {
        let res = self
            .send(
                Request::post("/api/v1/auth/sign-in")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-requested-with", "le-portal")
                    .header("x-forwarded-for", forwarded)
                    .body(Body::from(
                        serde_json::json!({"username": username, "password": password, "code": code})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        let status = res.status();
        (status, Answer::of(res).await)
    }
}

async fn behind_proxy() -> TestApp {
    TestApp::with_config(|c| c.trust_proxy = true).await
}

#[tokio::test]
async fn demo_mode_refuses_a_real_database_and_lists_only_marked_accounts() {
    // A database created for real use (the operator's first administrator) …
    let app = TestApp::new().await;
    app.md_admin().await;
    let mut config = (*app.state.config).clone();
    config.demo = true;
    // … refuses a demo start: its accounts would be listed with their live codes.
    let refused = le_server::state_with_clock(config, std::sync::Arc::new(app.clock.clone())).await;
    let err = refused.err().expect("demo start on a real database");
    assert!(err.to_string().contains("--demo refused"), "{err}");
    // Outside demo mode the demo endpoints do not exist.
    assert_eq!(
        app.get("/api/v1/demo/accounts").await.status(),
        StatusCode::NOT_FOUND
    );

    // In a demo database, an account added later (not seeded) is never listed, whatever its name.
    let demo = demo().await;
    let admin = as_user(&demo, "klinik.admin").await;
    demo.create_user(
        &admin,
        serde_json::json!({
            "username": "md.admin2", "first_name": "Echt", "last_name": "Person",
            "email": "echt@klinik.example", "role": "viewer"
        }),
    )
    .await;
    let accounts: Vec<DemoAccount> =
        typed(demo.get("/api/v1/demo/accounts").await, StatusCode::OK).await;
    let names: Vec<&str> = accounts.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(!names.contains(&"md.admin2"));
    // Demo data is never seeded into a real database.
    let real = TestApp::new().await;
    assert!(le_server::demo::seed(&real.state).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_attempts_counts_every_attempt() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt as _;
            let res = router
                .oneshot(
                    Request::post("/api/v1/auth/sign-in")
                        .header(header::CONTENT_TYPE, "application/json")
                        .header("x-requested-with", "le-portal")
                        .body(Body::from(
                            r#"{"username":"md.admin","password":"MD-Passwort-2027!","code":"000000"}"#,
                        ))
                        .unwrap(),
                )
                .await
                .unwrap();
            res.status()
        }));
    }
    let mut evaluated = 0;
    for task in tasks {
        if task.await.unwrap() == StatusCode::UNAUTHORIZED {
            evaluated += 1;
        }
    }
    // Only the free attempts reach the password and code check …
    assert!(evaluated <= 3, "{evaluated} attempts were evaluated");
    // … and all 50 were counted: the account is locked at this address for 15 minutes, even
    // for the right code.
    app.clock.advance(120);
    app.next_step();
    let (status, _, body) = app
        .sign_in("md.admin", &md.password, Some(&app.code(&md.secret)))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.refused().message.contains("Minuten"), "{body}");
}

#[tokio::test]
async fn forged_forwarded_addresses_neither_bypass_the_throttle_nor_reach_the_log() {
    let app = behind_proxy().await;
    app.md_admin().await;
    // Rotating the client-supplied part does not help: the proxy's entry counts.
    for i in 0..3 {
        let (status, _) = app
            .sign_in_from(
                &format!("198.51.100.{i}, 203.0.113.5"),
                "md.admin",
                "falsch",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app
        .sign_in_from("198.51.100.99, 203.0.113.5", "md.admin", "falsch", None)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Text that is not an address is ignored: the socket peer is logged instead.
    let (status, _) = app
        .sign_in_from("1.2.3.4, not-an-ip<script>", "jemand", "falsch", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let logged: Vec<String> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT client_addr FROM audit_log WHERE action = 'sign_in' AND actor = 'jemand'",
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(logged, ["192.0.2.10"]);
    let addrs: Vec<String> =
        le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT DISTINCT client_addr FROM audit_log WHERE actor = 'md.admin'")
            .fetch_all(pool)
            .await)
            .unwrap();
    assert!(
        addrs
            .iter()
            .all(|a| a == "203.0.113.5" || a == "192.0.2.10"),
        "{addrs:?}"
    );
}

#[tokio::test]
async fn nobody_can_lock_out_another_account_or_another_address() {
    let app = behind_proxy().await;
    let md = app.md_admin().await;
    // An attacker at one address fails 40 times for md.admin (locks it there) …
    for _ in 0..40 {
        app.sign_in_from("203.0.113.66", "md.admin", "falsch", None)
            .await;
    }
    let (status, _) = app
        .sign_in_from("203.0.113.66", "md.admin", "falsch", None)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // … the owner at the hospital's address signs in at once.
    app.next_step();
    let (status, body) = app
        .sign_in_from(
            "203.0.113.5",
            "md.admin",
            &md.password,
            Some(&app.code(&md.secret)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Three typos of one account at an address do not delay another account there.
    let app = behind_proxy().await;
    let md = app.md_admin().await;
    for _ in 0..3 {
        let (status, _) = app
            .sign_in_from("203.0.113.5", "k.kollege", "vertippt", None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app
        .sign_in_from("203.0.113.5", "k.kollege", "vertippt", None)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "that account waits");
    app.next_step();
    let (status, body) = app
        .sign_in_from(
            "203.0.113.5",
            "md.admin",
            &md.password,
            Some(&app.code(&md.secret)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A successful sign-in clears that account's delay.
    for _ in 0..3 {
        app.sign_in_from("203.0.113.5", "md.admin", "vertippt", None)
            .await;
    }
    app.clock.advance(2);
    app.next_step();
    let (status, body) = app
        .sign_in_from(
            "203.0.113.5",
            "md.admin",
            &md.password,
            Some(&app.code(&md.secret)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .sign_in_from("203.0.113.5", "md.admin", "vertippt", None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "no delay left after success"
    );
}

#[tokio::test]
async fn a_used_code_is_named_and_recovery_codes_are_counted() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    let code = app.code(&md.secret);
    let (status, _, _) = app.sign_in("md.admin", &md.password, Some(&code)).await;
    assert_eq!(status, StatusCode::OK);
    // The same code again: said so, whatever the password.
    for password in [md.password.as_str(), "ganz falsch"] {
        let (status, _, body) = app.sign_in("md.admin", password, Some(&code)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body.refused().code, "code_already_used", "{body}");
    }
    // A recovery code: the answer says how many remain.
    app.clock.advance(60);
    let step: StepResult = app
        .call_typed(
            &md.client,
            "POST",
            "/api/v1/auth/recovery-codes",
            None,
            StatusCode::OK,
        )
        .await;
    let first = step.recovery_codes.expect("new recovery codes")[0].clone();
    app.clock.advance(60);
    let (status, _, body) = app.sign_in("md.admin", &md.password, Some(&first)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.done().recovery_codes_remaining, Some(9));
    // A normal sign-in does not carry the count.
    app.next_step();
    let (_, _, body) = app
        .sign_in("md.admin", &md.password, Some(&app.code(&md.secret)))
        .await;
    assert_eq!(body.done().recovery_codes_remaining, None, "{body}");
}

#[tokio::test]
async fn csv_exports_neutralise_formulas() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    // Reachable without an account: the user name of a failed sign-in.
    let formula = "=HYPERLINK(\"http://evil.example\";\"Klick\")";
    app.sign_in(formula, "x", None).await;
    app.sign_in("+49123", "x", None).await;
    app.sign_in("@SUM(A1)", "x", None).await;
    app.sign_in("-2+3", "x", None).await;
    let res = app
        .call(
            &md.client,
            "GET",
            "/api/v1/audit-log.csv?action=sign_in",
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = String::from_utf8(body_bytes(res).await).unwrap();
    let cells: Vec<&str> = csv
        .lines()
        .flat_map(|l| l.split(';'))
        .map(|c| c.trim_matches('"'))
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?} in {csv}"
        );
    }
    // (User names are compared in lower case, and logged so.)
    assert!(
        csv.contains("\"'=hyperlink(\"\"http://evil.example\"\";\"\"klick\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(";'+49123;"), "{csv}");

    // The HR export writes through the same function.
    let demo = demo().await;
    let hr = as_user(&demo, "klinik.personal").await;
    let res = demo
        .call(&hr, "GET", "/api/v1/physicians/export.csv", None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = String::from_utf8(body_bytes(res).await).unwrap();
    assert!(csv.lines().count() > 1);
    for cell in csv.lines().flat_map(|l| l.split(';')) {
        assert!(
            !cell.trim_matches('"').starts_with(['=', '+', '-', '@']),
            "{cell}"
        );
    }
}

#[tokio::test]
async fn registrations_are_rate_limited_expire_and_do_not_reveal_user_names() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    // A user name that exists is not reported (it would enumerate accounts) …
    let res = app
        .register(
            &hospital_form("260326822", "md.admin"),
            Some(("a.pdf", PDF)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // … the approval gives a free variant and the letter names it.
    let list: Vec<RegistrationSummary> = app.read(&md.client, "/api/v1/admin/registrations").await;
    let id = list[0].id;
    let letter = app.approve(&md.client, id, None).await;
    assert_eq!(letter.username, "md.admin-2");

    // Refused forms do not count; stored registrations do, five an hour per address.
    for _ in 0..3 {
        let res = app
            .register(
                &hospital_form("260326822", "x"),
                Some(("a.txt", b"kein pdf")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let iks = [
        "261101015",
        "260100023",
        "260200013",
        "260320018",
        "260610020",
    ];
    let mut statuses = Vec::new();
    for (i, ik) in iks.iter().enumerate() {
        let res = app
            .register(
                &hospital_form(ik, &format!("person.{i}")),
                Some(("a.pdf", PDF)),
            )
            .await;
        statuses.push(res.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "the approved one counted as the first"
    );

    // An undecided registration expires after 30 days and frees its IK.
    app.clock.advance(31 * 86_400);
    let res = app
        .register(
            &hospital_form("261101015", "neu.versuch"),
            Some(("a.pdf", PDF)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.next_step();
    let (status, md_client, _) = app
        .sign_in("md.admin", &md.password, Some(&app.code(&md.secret)))
        .await;
    assert_eq!(status, StatusCode::OK);
    let expired: Vec<RegistrationSummary> = app
        .read(&md_client, "/api/v1/admin/registrations?state=expired")
        .await;
    assert_eq!(expired.len(), 4, "{expired:?}");
    assert!(
        expired
            .iter()
            .all(|r| r.state == RegistrationState::Expired),
        "{expired:?}"
    );
}

#[tokio::test]
async fn oversized_input_is_refused_or_cut_never_a_500() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    let huge = "ä".repeat(1_000_000);
    let (status, _, _) = app.sign_in(&huge, "x", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let longest: i64 =
        le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT CAST(MAX(length(actor)) AS BIGINT) FROM audit_log WHERE action = 'sign_in'")
            .fetch_one(pool)
            .await)
            .unwrap();
    assert!(longest <= 501, "{longest}");
    let long = "a".repeat(50_000);
    for uri in [
        format!("/api/v1/audit-log?actor={long}"),
        format!("/api/v1/audit-log?action={long}"),
        format!("/api/v1/audit-log.csv?actor={long}"),
    ] {
        let res = app.call(&md.client, "GET", &uri, None).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            &uri[..40]
        );
    }
    // Wildcards are taken literally.
    let page: AuditPage = app.read(&md.client, "/api/v1/audit-log?actor=%25").await;
    assert_eq!(page.total, 0);
    let demo = demo().await;
    let hr = as_user(&demo, "klinik.personal").await;
    let res = demo
        .call(&hr, "GET", &format!("/api/v1/physicians?q={long}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let office = as_user(&demo, "gs.sachbearbeitung").await;
    let res = demo
        .call(
            &office,
            "GET",
            &format!("/api/v1/office/registry?q={long}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn api_answers_are_never_cached() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    for uri in ["/api/v1/auth/session", "/api/v1/health", "/api/v1/nicht-da"] {
        let res = app.call(&md.client, "GET", uri, None).await;
        assert_eq!(
            res.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store",
            "{uri}"
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn data_files_are_private_and_stale_uploads_go_at_start() {
    use std::os::unix::fs::PermissionsExt as _;
    let app = TestApp::new().await;
    let res = app
        .register(&hospital_form("260326822", "e.m"), Some(("a.pdf", PDF)))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let data = app.data_dir();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    // The embedded database's file and the key the server made itself (on PostgreSQL the
    // database keeps no file here and the operator's key file lives elsewhere).
    if app.state.database.backend() == "sqlite" {
        assert_eq!(mode(&data.join("le-portal.db")), 0o600);
        assert_eq!(mode(&data.join("secret.key")), 0o600);
    }
    let registrations = data.join("registrations");
    assert_eq!(mode(&registrations), 0o700);
    for entry in std::fs::read_dir(&registrations).unwrap() {
        assert_eq!(mode(&entry.unwrap().path()), 0o600);
    }
    // A server killed mid-upload left a temporary file; the next start removes it.
    let incoming = data.join("audits").join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    std::fs::write(incoming.join(".upload-abgebrochen"), b"%PDF-halb").unwrap();
    le_server::start_up(&app.state).await.unwrap();
    assert!(!incoming.join(".upload-abgebrochen").exists());
    assert!(
        registrations.read_dir().unwrap().count() == 1,
        "stored files stay"
    );
}

#[tokio::test]
async fn tokens_stop_when_their_creator_is_deactivated() {
    let demo = demo().await;
    let admin = as_user(&demo, "klinik.admin").await;
    demo.create_user(
        &admin,
        serde_json::json!({
            "username": "zweit.admin", "first_name": "Zweit", "last_name": "Admin",
            "email": "zweit@klinik.example", "role": "admin"
        }),
    )
    .await;
    // klinik.admin creates a token; a second admin deactivates klinik.admin.
    let token = demo.api_token(&admin, "KIS", &["audits"]).await;
    let kis = |token: &str| {
        Request::get("/api/v1/audits/inbox")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(demo.send(kis(&token)).await.status(), StatusCode::OK);
    let id: i64 = le_server::on_db!(&demo.state.database, pool => sqlx::query_scalar("SELECT id FROM users WHERE username = 'klinik.admin'")
        .fetch_one(pool)
        .await)
        .unwrap();
    le_server::on_db!(&demo.state.database, pool => sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await.map(|_| ()))
        .unwrap();
    let res = demo.send(kis(&token)).await;
    assert_eq!(
        refusal(res, StatusCode::UNAUTHORIZED).await.code,
        "token_creator_inactive"
    );
}

#[tokio::test]
async fn after_a_second_factor_reset_the_password_alone_does_not_sign_in() {
    let demo = demo().await;
    let admin = as_user(&demo, "klinik.admin").await;
    let id: i64 = le_server::on_db!(&demo.state.database, pool => sqlx::query_scalar("SELECT id FROM users WHERE username = 'klinik.lesen'")
        .fetch_one(pool)
        .await)
        .unwrap();
    // A seeded demo account's second factor cannot be reset (every visitor shares it): as an
    // ordinary account of the institution.
    le_server::on_db!(&demo.state.database, pool => sqlx::query("UPDATE users SET demo = FALSE WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
    let res = demo
        .call(
            &admin,
            "POST",
            &format!("/api/v1/users/{id}/reset-second-factor"),
            None,
        )
        .await;
    let reset: SecondFactorReset = typed(res, StatusCode::OK).await;
    let code = reset.enrolment_code;
    assert!(!reset.user.totp_enrolled);
    let password = le_server::demo::DEMO_PASSWORD;
    let (status, _, _) = demo.sign_in("klinik.lesen", password, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "password alone");
    let (status, _, _) = demo
        .sign_in("klinik.lesen", password, Some("AAAA-BBBB-CCCC"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a wrong set-up code");
    let (status, _, body) = demo
        .sign_in("klinik.lesen", password, Some(&code.to_lowercase()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.done().session.stage, SessionStage::EnrolTotp);
}

#[tokio::test]
async fn a_file_that_only_starts_like_a_pdf_is_refused() {
    let app = TestApp::new().await;
    let res = app
        .register(
            &hospital_form("260326822", "e.m"),
            Some(("a.pdf", b"%PDF-1.4\n... abgeschnitten")),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "pdf_incomplete", "{refused:?}");
}

#[test]
fn upload_limit_and_retention_are_flags_with_environment_fallbacks() {
    use clap::Parser as _;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        config: le_server::config::Config,
    }
    let cli = Cli::try_parse_from([
        "le-server",
        "--max-upload-bytes",
        "1000",
        "--retention-days",
        "7",
        "--proxy-hops",
        "2",
    ])
    .unwrap();
    assert_eq!(cli.config.max_upload_bytes, 1000);
    assert_eq!(cli.config.retention_days, 7);
    assert_eq!(cli.config.proxy_hops, 2);
    let mut help = Vec::new();
    <Cli as clap::CommandFactory>::command()
        .write_long_help(&mut help)
        .unwrap();
    let help = String::from_utf8(help).unwrap();
    for env in ["LE_MAX_UPLOAD_BYTES", "LE_RETENTION_DAYS", "LE_PROXY_HOPS"] {
        assert!(help.contains(env), "{env} in --help");
    }
}

#[tokio::test]
async fn a_purged_case_leaves_no_details_in_the_audit_log() {
    let demo = demo().await;
    let md = as_user(&demo, "md.gutachter").await;
    // Something worth hiding: a new case's log entry names the admission number.
    demo.audit_case(&md, "260326822", "773686000").await;
    le_server::on_db!(&demo.state.database, pool => sqlx::query("UPDATE audit_cases SET closed_at = $1")
        .bind(demo.clock.now())
        .execute(pool)
        .await.map(|_| ()))
        .unwrap();
    let before: i64 = le_server::on_db!(&demo.state.database, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'audit_case_created' AND detail LIKE '%A-2027-0042%'",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(before, 1);
    demo.clock.advance(101 * 86_400);
    let purged = le_server::audits::purge_expired(&demo.state, 100)
        .await
        .unwrap();
    assert!(purged > 0);
    let after: Vec<(String, Option<String>)> =
        le_server::on_db!(&demo.state.database, pool => sqlx::query_as(
        "SELECT target, detail FROM audit_log WHERE action LIKE 'audit\\_%' ESCAPE '\\' \
         AND action <> 'audit_case_purged'",
    )
    .fetch_all(pool)
    .await)
        .unwrap();
    for (target, detail) in &after {
        assert_eq!(
            detail.as_deref(),
            Some("entfernt (Löschfrist)"),
            "{target}: {detail:?}"
        );
    }
    assert!(!after.is_empty());
}

#[tokio::test]
async fn forgotten_throttle_keys_are_removed() {
    let app = TestApp::new().await;
    let md = app.md_admin().await;
    app.sign_in("tippfehler", "x", None).await;
    let count = |app: &TestApp| {
        let db = app.state.database.clone();
        async move {
            le_server::on_db!(&db, pool => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sign_in_failures WHERE key LIKE '%tippfehler%'",
            )
            .fetch_one(pool)
            .await)
            .unwrap()
        }
    };
    assert_eq!(count(&app).await, 2, "account and account+address keys");
    app.clock.advance(2 * 3600 + 1);
    app.next_step();
    let (status, _, _) = app
        .sign_in("md.admin", &md.password, Some(&app.code(&md.secret)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn an_instance_with_another_secret_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = |key: &str| {
        let mut c =
            le_server::config::Config::with_dirs(dir.path().join("data"), dir.path().join("dist"));
        c.secret_key_file = Some(dir.path().join(key));
        c
    };
    // The first start records the key's check value; the same key starts again.
    le_server::state_from_config(config("a.key")).await.unwrap();
    le_server::state_from_config(config("a.key")).await.unwrap();
    // A second instance with its own (new) key would encrypt TOTP secrets nobody else can read.
    let err = le_server::state_from_config(config("b.key"))
        .await
        .err()
        .expect("a different key must be refused")
        .to_string();
    assert!(err.contains("secret key does not match"), "{err}");
    // A copy of the right key works (what every instance of an installation gets).
    std::fs::copy(dir.path().join("a.key"), dir.path().join("c.key")).unwrap();
    le_server::state_from_config(config("c.key")).await.unwrap();
}

#[tokio::test]
async fn health_reports_database_and_file_store() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_json(res).await;
    assert_eq!(body["database"], "ok");
    assert_eq!(body["storage"], "ok");
}

/// No text with a NUL reaches a store (PostgreSQL's text cannot hold one): a JSON string with
/// `\u0000` is refused naming its field, a query parameter with `%00` naming the parameter — the
/// same on both backends.
#[tokio::test]
async fn a_nul_character_is_refused_naming_its_field() {
    let app = TestApp::new().await;
    let res = app
        .call(
            &Client::default(),
            "POST",
            "/api/v1/validate",
            Some(serde_json::json!({"items": [
                {"kind": "anr", "value": "123456701"},
                {"kind": "anr", "value": "1234\u{0}5670"}
            ]})),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "items[1].value", "{refused:?}");
    assert_eq!(refused.fields[0].code, "control_character");
    let res = app.get("/api/v1/audit-log?action=a%00b").await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "action", "{refused:?}");
    // Without the NUL the same requests are answered as usual.
    let res = app
        .call(
            &Client::default(),
            "POST",
            "/api/v1/validate",
            Some(serde_json::json!({"items": [{"kind": "anr", "value": "123456701"}]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}
