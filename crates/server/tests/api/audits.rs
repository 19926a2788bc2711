//! Audit exchange: cases and notices, requests with deadlines at controlled clock times, streamed
//! PDF uploads (content check, size limit, cut-off bodies), deliveries and receipts, scoping by
//! hospital and role, API tokens, inspection lists, expert reports, structure audits, retention,
//! and the OpenAPI document.
use std::path::Path;

use axum::body::{Body, Bytes};
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::helpers::{
    Actor, Client, START, TestApp, as_user, body_bytes, body_json, demo, field_names,
};

const DAY: i64 = 86_400;
const HOSPITAL: &str = "260326822";
const OTHER_HOSPITAL: &str = "261500416";

/// Hospital B (Magdeburg) registered and approved; its admin signed in.
async fn other_hospital(app: &TestApp) -> Client {
    let md = as_user(app, "md.admin").await;
    let actor = Actor {
        password: String::new(),
        secret: String::new(),
        client: md,
    };
    app.hospital_admin(&actor, OTHER_HOSPITAL, "admin.magdeburg")
        .await
        .client
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A PDF of `size` bytes (header, filler, trailer).
fn pdf_of(size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x = u32::from(seed) + 1;
    while bytes.len() < size.saturating_sub(14) {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((x >> 16) as u8);
    }
    bytes.extend_from_slice(b"trailer\n%%EOF\n");
    bytes
}

fn session_request(client: &Client, method: &str, uri: &str) -> axum::http::request::Builder {
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

/// `PUT` of raw bytes as the browser's XHR sends a file.
async fn put_pdf(app: &TestApp, client: &Client, uri: &str, bytes: &[u8]) -> Response<Body> {
    let req = session_request(client, "PUT", uri)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, bytes.len())
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    app.send(req).await
}

async fn bearer(
    app: &TestApp,
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
    app.send(req.body(body).unwrap()).await
}

async fn create_token(app: &TestApp, admin: &Client, scopes: &[&str]) -> String {
    let res = app
        .call(
            admin,
            "POST",
            "/api/v1/api-tokens",
            Some(json!({"name": "KIS", "scopes": scopes})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await["token"].as_str().unwrap().to_owned()
}

pub(crate) fn case_form(hospital_ik: &str, site: &str) -> Value {
    json!({
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

pub(crate) async fn create_case(
    app: &TestApp,
    md: &Client,
    hospital_ik: &str,
    site: &str,
) -> Value {
    let res = app
        .call(
            md,
            "POST",
            "/api/v1/audits/cases",
            Some(case_form(hospital_ik, site)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await
}

async fn create_request(app: &TestApp, md: &Client, case_id: i64, body: Value) -> Value {
    let res = app
        .call(
            md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/requests"),
            Some(body),
        )
        .await;
    let status = res.status();
    let json = body_json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

/// A case of the demo hospital with one request received today; returns (case id, request id).
async fn case_with_request(app: &TestApp, md: &Client) -> (i64, i64) {
    let case = create_case(app, md, HOSPITAL, "773686000").await;
    let case_id = case["case"]["id"].as_i64().unwrap();
    let request = create_request(
        app,
        md,
        case_id,
        json!({"documents": ["discharge_letter", "ventilation_protocol"]}),
    )
    .await;
    (case_id, request["id"].as_i64().unwrap())
}

/// Every file under `dir` (recursively).
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_md_opens_a_case_with_notices_and_a_request_that_the_hospital_sees_with_its_deadline() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let case = create_case(&app, &md, HOSPITAL, "773686000").await;
    let case_id = case["case"]["id"].as_i64().unwrap();
    assert_eq!(
        case["case"]["hospital_name"],
        "Klinikum Leineufer Hannover (Demo)"
    );
    assert_eq!(case["case"]["state"], "open");
    assert_eq!(case["notices"].as_array().unwrap().len(), 1);
    assert_eq!(case["notices"][0]["kind"], "initial");
    assert_eq!(case["notices"][0]["kind_label"], "Prüfanzeige");
    assert_eq!(
        case["notices"][0]["subject"],
        "Ist die Anzahl der Beatmungsstunden korrekt?"
    );

    // An extension of the subject is another notice.
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/notices"),
            Some(json!({"subject": "Erweiterung: Ist die Verweildauer korrekt?"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(body_json(res).await["kind"], "extension");
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/notices"),
            Some(json!({"subject": "  "})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(res).await["fields"][0]["field"], "subject");

    // Request received today: 8 weeks, 56 days left.
    let request = create_request(
        &app,
        &md,
        case_id,
        json!({"documents": ["discharge_letter", "fever_chart", "discharge_letter"], "free_text": "Beatmungsprotokolle der Intensivstation"}),
    )
    .await;
    assert_eq!(request["received_date"], "2027-01-15");
    assert_eq!(request["deadline_weeks"], 8);
    assert_eq!(request["deadline"]["due"], "2027-03-12");
    assert_eq!(request["deadline"]["late_until"], "2027-04-23");
    assert_eq!(request["deadline"]["days_left"], 56);
    assert_eq!(request["deadline"]["days_left_text"], "noch 56 Tage");
    assert_eq!(request["deadline"]["status"], "open");
    assert_eq!(request["documents"].as_array().unwrap().len(), 2);
    assert_eq!(request["documents"][1]["label"], "Fieberkurve");

    // The hospital's clerk and viewer see case, notices and the request's deadline.
    for user in ["klinik.controlling", "klinik.lesen", "klinik.admin"] {
        let c = as_user(&app, user).await;
        let detail = body_json(
            app.call(&c, "GET", &format!("/api/v1/audits/cases/{case_id}"), None)
                .await,
        )
        .await;
        assert_eq!(detail["notices"].as_array().unwrap().len(), 2, "{user}");
        assert_eq!(detail["requests"][0]["deadline"]["due"], "2027-03-12");
        let inbox = body_json(app.call(&c, "GET", "/api/v1/audits/inbox", None).await).await;
        let item = inbox["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["request_id"] == request["id"])
            .unwrap()
            .clone();
        assert_eq!(item["deadline"]["days_left"], 56);
        assert_eq!(item["admission_number"], "A-2027-0042");
        assert!(
            inbox["notices"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["case_id"] == case_id && n["kind"] == "extension")
        );
        let list = body_json(app.call(&c, "GET", "/api/v1/audits/cases", None).await).await;
        assert!(
            list["cases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == case_id && x["next_deadline"]["due"] == "2027-03-12")
        );
    }
    let actions = audit_actions(&app).await;
    for a in [
        "audit_case_created",
        "audit_notice_created",
        "audit_request_created",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[tokio::test]
async fn case_and_request_forms_are_validated_and_only_the_md_creates_them() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let mut form = case_form(HOSPITAL, "773686000");
    form["insurer_ik"] = json!("109905004");
    form["discharge_date"] = json!("2026-11-01");
    let res = app
        .call(&md, "POST", "/api/v1/audits/cases", Some(form))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_names(&body_json(res).await);
    assert_eq!(fields, ["discharge_date", "insurer_ik"]);
    // A valid IK without a hospital in the portal; a site of another hospital.
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/cases",
            Some(case_form("109905003", "")),
        )
        .await;
    assert_eq!(body_json(res).await["fields"][0]["code"], "not_registered");
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/cases",
            Some(case_form(HOSPITAL, "773081000")),
        )
        .await;
    let body = body_json(res).await;
    assert_eq!(body["fields"][0]["field"], "site_number");
    assert_eq!(body["fields"][0]["code"], "site_not_allowed");

    // Hospital users and other institutions cannot create cases.
    for user in ["klinik.controlling", "klinik.admin", "gs.admin"] {
        let c = as_user(&app, user).await;
        let res = app
            .call(
                &c,
                "POST",
                "/api/v1/audits/cases",
                Some(case_form(HOSPITAL, "773686000")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user}");
    }
    // Roles without audit rights see nothing.
    for user in ["klinik.personal", "pflege.admin", "gs.sachbearbeitung"] {
        let c = as_user(&app, user).await;
        for uri in [
            "/api/v1/audits/cases",
            "/api/v1/audits/inbox",
            "/api/v1/audits/dashboard",
        ] {
            assert_eq!(
                app.call(&c, "GET", uri, None).await.status(),
                StatusCode::FORBIDDEN,
                "{user} {uri}"
            );
        }
    }
    assert_eq!(
        app.get("/api/v1/audits/cases").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Request rules: something must be asked for; "other" needs the free text; no future
    // receipt date; 1–52 weeks.
    let (case_id, _) = case_with_request(&app, &md).await;
    let uri = format!("/api/v1/audits/cases/{case_id}/requests");
    for (body, field) in [
        (json!({"documents": []}), "documents"),
        (json!({"documents": ["other"]}), "free_text"),
        (
            json!({"documents": ["fever_chart"], "received_date": "2027-01-16"}),
            "received_date",
        ),
        (
            json!({"documents": ["fever_chart"], "deadline_weeks": 0}),
            "deadline_weeks",
        ),
        (json!({"documents": ["xray"]}), "documents[0]"),
    ] {
        let res = app.call(&md, "POST", &uri, Some(body.clone())).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body_json(res).await["fields"][0]["field"], field, "{body}");
    }
    let clerk = as_user(&app, "klinik.controlling").await;
    let res = app
        .call(
            &clerk,
            "POST",
            &uri,
            Some(json!({"documents": ["fever_chart"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deadlines_and_statuses_follow_the_clock() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let case = create_case(&app, &md, HOSPITAL, "773687000").await;
    let case_id = case["case"]["id"].as_i64().unwrap();
    // Received 10 days ago with a 4-week deadline: due 2027-02-02, 18 days left.
    let short = create_request(
        &app,
        &md,
        case_id,
        json!({"documents": ["lab_results"], "received_date": "2027-01-05", "deadline_weeks": 4}),
    )
    .await;
    assert_eq!(short["deadline"]["due"], "2027-02-02");
    assert_eq!(short["deadline"]["days_left"], 18);
    let long = create_request(&app, &md, case_id, json!({"documents": ["fever_chart"]})).await;
    let long_id = long["id"].as_i64().unwrap();

    let status_of = |inbox: &Value, id: i64| -> Value {
        inbox["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["request_id"] == id)
            .map(|r| r["deadline"].clone())
            .unwrap_or(Value::Null)
    };
    // (days after START, days left, status, reminder)
    for (days, left, status, reminder) in [
        (0, 56, "open", false),
        (41, 15, "open", false),
        (42, 14, "due_soon", true),
        (49, 7, "due_soon", true),
        (50, 6, "due_soon", false),
        (56, 0, "due_soon", false),
        (57, -1, "late_window", false),
        (98, -42, "late_window", false),
        (99, -43, "overdue", false),
    ] {
        app.clock.set(START + days * DAY);
        let clerk = as_user(&app, "klinik.controlling").await;
        let inbox = body_json(
            app.call(&clerk, "GET", "/api/v1/audits/inbox?site=773687000", None)
                .await,
        )
        .await;
        let d = status_of(&inbox, long_id);
        assert_eq!(d["days_left"], left, "day {days}");
        assert_eq!(d["status"], status, "day {days}");
        assert_eq!(d["reminder"], reminder, "day {days}");
        let dashboard = body_json(
            app.call(&clerk, "GET", "/api/v1/audits/dashboard", None)
                .await,
        )
        .await;
        let reminded = dashboard["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["request_id"] == long_id);
        assert_eq!(reminded, reminder, "day {days}");
    }

    // Filters and sorting at day 20: the short request is overdue-ish (late window), the long
    // one open; deadline sort puts the earlier due date first, "received" the newer receipt.
    // (Another user: one user's TOTP steps never go backwards.)
    app.clock.set(START + 20 * DAY);
    let clerk = as_user(&app, "klinik.admin").await;
    let get = |q: &'static str| {
        let app = &app;
        let clerk = clerk.clone();
        async move {
            body_json(
                app.call(
                    &clerk,
                    "GET",
                    &format!("/api/v1/audits/inbox?site=773687000{q}"),
                    None,
                )
                .await,
            )
            .await
        }
    };
    let short_id = short["id"].as_i64().unwrap();
    // Our two requests, in the order listed (the demo's requests of the site are left out).
    let ids = |v: &Value| -> Vec<i64> {
        v["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["request_id"].as_i64().unwrap())
            .filter(|id| [short_id, long_id].contains(id))
            .collect()
    };
    assert_eq!(ids(&get("").await), [short_id, long_id]);
    assert_eq!(ids(&get("&sort=received").await), [long_id, short_id]);
    assert_eq!(ids(&get("&status=late_window").await), [short_id]);
    assert_eq!(ids(&get("&status=open").await), [long_id]);
    assert_eq!(ids(&get("&status=pending").await), [short_id, long_id]);
    assert_eq!(ids(&get("&status=delivered").await), Vec::<i64>::new());
    let res = app
        .call(&clerk, "GET", "/api/v1/audits/inbox?status=later", None)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other_site = body_json(
        app.call(&clerk, "GET", "/api/v1/audits/inbox?site=773688000", None)
            .await,
    )
    .await;
    assert!(!ids(&other_site).contains(&long_id));
    let dashboard = body_json(
        app.call(&clerk, "GET", "/api/v1/audits/dashboard", None)
            .await,
    )
    .await;
    let count_of = |s: &str| {
        dashboard["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == s)
            .unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    // The demo's requests count too; ours add one open and one in the late window.
    assert!(count_of("late_window") >= 1);
    assert!(count_of("open") >= 1);
}

#[tokio::test]
async fn upload_submit_download_and_receipt() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let stored = || files_under(&app.data_dir().join("audits/files")).len();
    let base = stored();
    let uri = format!(
        "/api/v1/audits/requests/{request_id}/files?name=Entlassungsbrief%20%C3%84rzte.pdf"
    );
    let first = pdf_of(3 * 1024 * 1024 + 17, 1);
    let res = put_pdf(&app, &clerk, &uri, &first).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let f1 = body_json(res).await;
    assert_eq!(f1["name"], "Entlassungsbrief Ärzte.pdf");
    assert_eq!(f1["size"], first.len());
    assert_eq!(f1["sha256"], sha256_hex(&first));
    assert_eq!(f1["delivery_id"], Value::Null);
    let second = pdf_of(2000, 2);
    let f2 = body_json(
        put_pdf(
            &app,
            &clerk,
            &format!("/api/v1/audits/requests/{request_id}/files?name=C:%5Cscan%5Cfieberkurve.pdf"),
            &second,
        )
        .await,
    )
    .await;
    assert_eq!(f2["name"], "fieberkurve.pdf");
    let third = pdf_of(500, 3);
    let f3 = body_json(
        put_pdf(
            &app,
            &clerk,
            &format!("/api/v1/audits/requests/{request_id}/files?name=falsch.pdf"),
            &third,
        )
        .await,
    )
    .await;
    let (id1, id2, id3) = (
        f1["id"].as_i64().unwrap(),
        f2["id"].as_i64().unwrap(),
        f3["id"].as_i64().unwrap(),
    );
    assert_eq!(stored(), base + 3);
    // No temporary file remains.
    assert_eq!(
        files_under(&app.data_dir().join("audits/incoming")),
        Vec::<std::path::PathBuf>::new()
    );
    // A name is required.
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files"),
        &third,
    )
    .await;
    assert_eq!(body_json(res).await["fields"][0]["field"], "name");

    // Before submission the MD sees neither the files nor their content.
    let md_view = body_json(
        app.call(&md, "GET", &format!("/api/v1/audits/cases/{case_id}"), None)
            .await,
    )
    .await;
    assert_eq!(md_view["requests"][0]["pending_files"], json!([]));
    assert_eq!(
        app.call(&md, "GET", &format!("/api/v1/audits/files/{id1}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The hospital downloads its own pending file.
    let res = app
        .call(&clerk, "GET", &format!("/api/v1/audits/files/{id2}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(body_bytes(res).await, second);
    // A pending file can be deleted, from disk too.
    let res = app
        .call(
            &clerk,
            "DELETE",
            &format!("/api/v1/audits/files/{id3}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored(), base + 2);
    // A viewer cannot upload, delete or submit.
    let viewer = as_user(&app, "klinik.lesen").await;
    assert_eq!(
        put_pdf(&app, &viewer, &uri, &third).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &viewer,
            "DELETE",
            &format!("/api/v1/audits/files/{id2}"),
            None
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &viewer,
            "POST",
            &format!("/api/v1/audits/requests/{request_id}/submit"),
            None
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );

    // Submitting makes one delivery of both files; the deadline stops.
    app.clock.advance(3 * DAY);
    let clerk = as_user(&app, "klinik.controlling").await;
    let res = app
        .call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/requests/{request_id}/submit"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let submitted = body_json(res).await;
    assert_eq!(submitted["deadline"]["status"], "delivered");
    assert_eq!(submitted["delivery"]["in_time"], true);
    assert_eq!(submitted["delivery"]["files"].as_array().unwrap().len(), 2);
    let delivery_id = submitted["delivery"]["id"].as_i64().unwrap();
    let res = app
        .call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/requests/{request_id}/submit"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.call(
            &clerk,
            "DELETE",
            &format!("/api/v1/audits/files/{id1}"),
            None
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );

    // The MD now sees the delivery and downloads a file whose hash matches the upload.
    let md = as_user(&app, "md.gutachter").await;
    let md_view = body_json(
        app.call(&md, "GET", &format!("/api/v1/audits/cases/{case_id}"), None)
            .await,
    )
    .await;
    assert_eq!(
        md_view["requests"][0]["deliveries"][0]["files"][0]["id"],
        id1
    );
    assert_eq!(md_view["requests"][0]["deadline"]["status"], "delivered");
    let res = app
        .call(&md, "GET", &format!("/api/v1/audits/files/{id1}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["x-content-sha256"],
        sha256_hex(&first).as_str()
    );
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''Entlassungsbrief%20%C3%84rzte.pdf")
    );
    let downloaded = body_bytes(res).await;
    assert_eq!(sha256_hex(&downloaded), sha256_hex(&first));
    // Ranges resume large downloads.
    let res = app
        .send(
            session_request(&md, "GET", &format!("/api/v1/audits/files/{id1}"))
                .header(header::RANGE, "bytes=0-4")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(body_bytes(res).await, b"%PDF-");

    // The hospital acknowledges and fetches the receipt.
    let clerk = as_user(&app, "klinik.controlling").await;
    let res = app
        .call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/deliveries/{delivery_id}/acknowledge"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        body_json(res).await["acknowledged_by"],
        "klinik.controlling"
    );
    let receipt = body_json(
        app.call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        receipt["receipt_number"],
        format!("Q-{case_id}-{delivery_id}")
    );
    assert_eq!(receipt["admission_number"], "A-2027-0042");
    assert_eq!(receipt["hospital_ik"], HOSPITAL);
    assert_eq!(receipt["due"], "2027-03-12");
    assert_eq!(receipt["in_time"], true);
    assert_eq!(receipt["submitted_by"], "klinik.controlling");
    assert!(receipt["acknowledged_at"].is_string());
    let files = receipt["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["sha256"], sha256_hex(&first));
    assert_eq!(files[0]["size"], first.len());
    assert_eq!(files[1]["sha256"], sha256_hex(&second));
    assert_eq!(receipt["total_size"], first.len() + second.len());
    assert_eq!(
        receipt["documents"][0]["label"],
        "Entlassungsbericht / Arztbrief"
    );

    let actions = audit_actions(&app).await;
    for a in [
        "audit_file_uploaded",
        "audit_file_deleted",
        "audit_file_downloaded",
        "audit_delivery_submitted",
        "audit_delivery_acknowledged",
        "audit_receipt_fetched",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[tokio::test]
async fn a_non_pdf_named_pdf_and_an_empty_file_are_refused_and_leave_nothing() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=befund.pdf");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(std::iter::repeat_n(7u8, 200_000));
    for bytes in [png, b"%PD".to_vec(), Vec::new()] {
        let res = put_pdf(&app, &clerk, &uri, &bytes).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = body_json(res).await;
        assert_eq!(body["fields"][0]["field"], "file", "{body}");
    }
    // Only the demo's one delivered file exists, as row and on disk.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_files").await, 1);
    assert_eq!(files_under(&app.data_dir().join("audits/files")).len(), 1);
    assert_eq!(
        files_under(&app.data_dir().join("audits/incoming")).len(),
        0
    );
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_file_and_no_row() {
    let app = TestApp::with_config(|c| c.demo = true).await;
    le_server::demo::seed(&app.state).await.unwrap();
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let before_files = files_under(&app.data_dir().join("audits"));
    let rows_before = count(&app, "SELECT COUNT(*) FROM audit_files").await;

    // Some bytes (a valid PDF start, more than one write chunk), then an error.
    let half = pdf_of(3 * 1024 * 1024, 9);
    let failing = Full::new(Bytes::from(half))
        .map_err(|never: std::convert::Infallible| -> std::io::Error { match never {} })
        .with_trailers(async { Some(Err(std::io::Error::other("connection reset"))) });
    let body = Body::from_stream(Body::new(failing).into_data_stream());
    let req = session_request(
        &clerk,
        "PUT",
        &format!("/api/v1/audits/requests/{request_id}/files?name=abgebrochen.pdf"),
    )
    .header(header::CONTENT_TYPE, "application/pdf")
    .body(body)
    .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(res).await["code"], "upload_incomplete");
    assert_eq!(files_under(&app.data_dir().join("audits")), before_files);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_files").await,
        rows_before
    );

    // The same over a real connection that the client closes after half the declared length.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = le_server::app(app.state.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, service).await.unwrap();
    });
    {
        use tokio::io::AsyncWriteExt;
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "PUT /api/v1/audits/requests/{request_id}/files?name=abgebrochen.pdf HTTP/1.1\r\n\
             Host: localhost\r\nCookie: {}\r\nX-Requested-With: le-portal\r\nX-CSRF-Token: {}\r\n\
             Content-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
            clerk.cookie.as_deref().unwrap(),
            clerk.csrf.as_deref().unwrap(),
            6 * 1024 * 1024
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&pdf_of(3 * 1024 * 1024, 4)).await.unwrap();
        tcp.flush().await.unwrap();
        // Give the server time to write what it received to its temporary file.
        let mut seen_temp = false;
        for _ in 0..100 {
            if !files_under(&app.data_dir().join("audits/incoming")).is_empty() {
                seen_temp = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(seen_temp, "the upload was not being received");
        drop(tcp);
    }
    let mut clean = false;
    for _ in 0..250 {
        if files_under(&app.data_dir().join("audits")) == before_files {
            clean = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        clean,
        "left behind: {:?}",
        files_under(&app.data_dir().join("audits"))
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_files").await,
        rows_before
    );
    server.abort();
}

#[tokio::test]
async fn the_size_limit_is_configurable_and_checked_while_streaming() {
    // The server configured with a 64 KiB limit (`--max-upload-bytes`).
    let app = TestApp::with_config(|c| {
        c.demo = true;
        c.max_upload_bytes = 64 * 1024;
    })
    .await;
    le_server::demo::seed(&app.state).await.unwrap();
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let limited = app.router.clone();
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=gross.pdf");
    // Declared too large: refused before reading.
    let big = pdf_of(64 * 1024 + 1, 5);
    let req = session_request(&clerk, "PUT", &uri)
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length (chunked): refused while streaming.
    let stream = Body::new(Full::new(Bytes::from(big))).into_data_stream();
    let req = session_request(&clerk, "PUT", &uri)
        .body(Body::from_stream(stream))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        files_under(&app.data_dir().join("audits/incoming")).len(),
        0
    );
    // Exactly at the limit is fine.
    let exact = pdf_of(64 * 1024, 6);
    let req = session_request(&clerk, "PUT", &uri)
        .header(header::CONTENT_LENGTH, exact.len())
        .body(Body::from(exact))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // With the default limit (500 MB) uploads go beyond the API's 4 MB JSON body limit.
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=gross.pdf");
    let large = pdf_of(6 * 1024 * 1024, 7);
    let res = put_pdf(&app, &clerk, &uri, &large).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn another_hospital_cannot_see_download_or_upload_to_these_requests() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let pdf = pdf_of(1000, 1);
    let file = body_json(
        put_pdf(
            &app,
            &clerk,
            &format!("/api/v1/audits/requests/{request_id}/files?name=a.pdf"),
            &pdf,
        )
        .await,
    )
    .await;
    let file_id = file["id"].as_i64().unwrap();
    let submitted = body_json(
        app.call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/requests/{request_id}/submit"),
            None,
        )
        .await,
    )
    .await;
    let delivery_id = submitted["delivery"]["id"].as_i64().unwrap();

    let other = other_hospital(&app).await;
    // B's own lists are empty.
    let inbox = body_json(app.call(&other, "GET", "/api/v1/audits/inbox", None).await).await;
    assert_eq!(inbox["requests"], json!([]));
    assert_eq!(inbox["notices"], json!([]));
    let cases = body_json(app.call(&other, "GET", "/api/v1/audits/cases", None).await).await;
    assert_eq!(cases["cases"], json!([]));
    // A's things do not exist for B.
    for (method, uri) in [
        ("GET", format!("/api/v1/audits/cases/{case_id}")),
        ("GET", format!("/api/v1/audits/files/{file_id}")),
        ("DELETE", format!("/api/v1/audits/files/{file_id}")),
        (
            "POST",
            format!("/api/v1/audits/requests/{request_id}/submit"),
        ),
        (
            "GET",
            format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
        ),
        (
            "POST",
            format!("/api/v1/audits/deliveries/{delivery_id}/acknowledge"),
        ),
    ] {
        let res = app.call(&other, method, &uri, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {uri}");
    }
    let res = put_pdf(
        &app,
        &other,
        &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // B's KIS token is refused just the same.
    let token = create_token(&app, &other, &["audits"]).await;
    let res = bearer(
        &app,
        &token,
        "PUT",
        &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
        Some(pdf.clone()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = bearer(
        &app,
        &token,
        "GET",
        &format!("/api/v1/audits/files/{file_id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_kis_works_with_an_audits_token_and_not_with_a_directory_token() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let admin = as_user(&app, "klinik.admin").await;
    let token = create_token(&app, &admin, &["audits"]).await;
    let directory_token = create_token(&app, &admin, &["directory"]).await;

    // List open requests.
    let res = bearer(
        &app,
        &token,
        "GET",
        "/api/v1/audits/inbox?status=pending",
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let inbox = body_json(res).await;
    assert!(
        inbox["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["request_id"] == request_id)
    );
    assert!(
        inbox["requests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["deadline"]["status"] != "delivered")
    );
    // Upload, submit, receipt.
    let pdf = pdf_of(100_000, 3);
    let res = bearer(
        &app,
        &token,
        "PUT",
        &format!("/api/v1/audits/requests/{request_id}/files?name=kis.pdf"),
        Some(pdf.clone()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let file = body_json(res).await;
    assert!(
        file["uploaded_by"]
            .as_str()
            .unwrap()
            .starts_with("API-Token")
    );
    let res = bearer(
        &app,
        &token,
        "POST",
        &format!("/api/v1/audits/requests/{request_id}/submit"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let delivery_id = body_json(res).await["delivery"]["id"].as_i64().unwrap();
    let res = bearer(
        &app,
        &token,
        "GET",
        &format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let receipt = body_json(res).await;
    assert_eq!(receipt["files"][0]["sha256"], sha256_hex(&pdf));
    // The token cannot act as the MD.
    let res = bearer(
        &app,
        &token,
        "POST",
        "/api/v1/audits/cases",
        Some(b"{}".to_vec()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A token for the directory only is refused; a wrong token is unauthenticated.
    for uri in [
        "/api/v1/audits/inbox".to_owned(),
        format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
    ] {
        let res = bearer(&app, &directory_token, "GET", &uri, None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{uri}");
        assert_eq!(body_json(res).await["code"], "scope");
    }
    let res = bearer(
        &app,
        &directory_token,
        "PUT",
        &format!("/api/v1/audits/requests/{request_id}/files?name=x.pdf"),
        Some(pdf.clone()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = bearer(&app, "lep_nonsense", "GET", "/api/v1/audits/inbox", None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The machine's actions are in the audit log under the token.
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'audit_delivery_submitted'")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert!(
        actors.iter().all(|a| a.starts_with("API-Token")),
        "{actors:?}"
    );
}

#[tokio::test]
async fn closed_cases_accept_nothing_and_are_purged_after_the_retention_period() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let (open_case, _) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let pdf = pdf_of(10_000, 8);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files?name=a.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.call(
        &clerk,
        "POST",
        &format!("/api/v1/audits/requests/{request_id}/submit"),
        None,
    )
    .await;
    let md = as_user(&app, "md.gutachter").await;
    let res = app
        .send(
            session_request(
                &md,
                "PUT",
                &format!("/api/v1/audits/cases/{case_id}/reports?name=gutachten.pdf"),
            )
            .body(Body::from(pdf_of(5_000, 9)))
            .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let files_before = files_under(&app.data_dir().join("audits/files")).len();
    assert_eq!(files_before, 3); // demo file, upload, report

    // Only the MD closes; closing twice is a conflict.
    assert_eq!(
        app.call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/close"),
            None
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/close"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let closed = body_json(res).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["purge_on"], "2027-04-25");
    assert_eq!(
        app.call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/close"),
            None
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    // Nothing more goes in; the case leaves the inbox.
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{case_id}/requests"),
            Some(json!({"documents": ["fever_chart"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let inbox = body_json(app.call(&clerk, "GET", "/api/v1/audits/inbox", None).await).await;
    assert!(
        inbox["requests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["case_id"] != case_id)
    );

    // 99 days later: still there.
    app.clock.advance(99 * DAY);
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 100)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_cases WHERE id = {case_id}")
        )
        .await,
        1
    );
    assert_eq!(
        files_under(&app.data_dir().join("audits/files")).len(),
        files_before
    );
    // 101 days after closing: rows and files are gone; the open case stays.
    app.clock.advance(2 * DAY);
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 100)
            .await
            .unwrap(),
        1
    );
    for table in [
        format!("SELECT COUNT(*) FROM audit_cases WHERE id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_requests WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_notices WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_reports WHERE case_id = {case_id}"),
        format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}"),
        format!("SELECT COUNT(*) FROM audit_deliveries WHERE request_id = {request_id}"),
    ] {
        assert_eq!(count(&app, &table).await, 0, "{table}");
    }
    assert_eq!(files_under(&app.data_dir().join("audits/files")).len(), 1);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_cases WHERE id = {open_case}")
        )
        .await,
        1
    );
    let md = as_user(&app, "md.gutachter").await;
    assert_eq!(
        app.call(&md, "GET", &format!("/api/v1/audits/cases/{case_id}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|a| a == "audit_case_purged")
    );
    // A shorter configured period purges earlier.
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/cases/{open_case}/close"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.clock.advance(11 * DAY);
    assert_eq!(
        le_server::audits::purge_expired(&app.state, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        le_server::audits::AuditsConfig::default().retention_days,
        100
    );
}

#[tokio::test]
async fn expert_reports_go_from_the_md_to_the_hospital() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (case_id, _) = case_with_request(&app, &md).await;
    let report = pdf_of(40_000, 4);
    let res = app
        .send(
            session_request(
                &md,
                "PUT",
                &format!("/api/v1/audits/cases/{case_id}/reports?name=Gutachten.pdf"),
            )
            .body(Body::from(report.clone()))
            .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let report_id = body_json(res).await["id"].as_i64().unwrap();
    // Not a PDF: refused.
    let res = app
        .send(
            session_request(
                &md,
                "PUT",
                &format!("/api/v1/audits/cases/{case_id}/reports?name=Gutachten.pdf"),
            )
            .body(Body::from("kein pdf"))
            .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let clerk = as_user(&app, "klinik.lesen").await;
    let detail = body_json(
        app.call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/cases/{case_id}"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(detail["reports"][0]["id"], report_id);
    assert_eq!(detail["reports"][0]["sha256"], sha256_hex(&report));
    let res = app
        .call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/reports/{report_id}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_bytes(res).await, report);
    // The hospital cannot upload reports; another hospital cannot download them.
    let res = put_pdf(
        &app,
        &as_user(&app, "klinik.controlling").await,
        &format!("/api/v1/audits/cases/{case_id}/reports?name=x.pdf"),
        &report,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = other_hospital(&app).await;
    assert_eq!(
        app.call(
            &other,
            "GET",
            &format!("/api/v1/audits/reports/{report_id}"),
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|a| a == "audit_report_downloaded")
    );
}

#[tokio::test]
async fn inspection_lists_announce_on_site_audits_to_their_hospital_only() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (case_a, _) = case_with_request(&app, &md).await;
    let (case_b, _) = case_with_request(&app, &md).await;
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/inspections",
            Some(json!({
                "hospital_ik": HOSPITAL, "site_number": "773686000", "date": "2027-02-10",
                "case_ids": [case_a, case_b, case_a], "note": "Akten bereithalten"
            })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let inspection = body_json(res).await;
    assert_eq!(inspection["date"], "2027-02-10");
    assert_eq!(inspection["cases"].as_array().unwrap().len(), 2);
    for (body, field) in [
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-01-14", "case_ids": [case_a]}),
            "date",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": [999_999]}),
            "case_ids",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": []}),
            "case_ids",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "site_number": "773081000", "date": "2027-02-10", "case_ids": [case_a]}),
            "site_number",
        ),
    ] {
        let res = app
            .call(
                &md,
                "POST",
                "/api/v1/audits/inspections",
                Some(body.clone()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body_json(res).await["fields"][0]["field"], field, "{body}");
    }
    let clerk = as_user(&app, "klinik.controlling").await;
    let list = body_json(
        app.call(&clerk, "GET", "/api/v1/audits/inspections", None)
            .await,
    )
    .await;
    assert!(
        list["inspections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == inspection["id"] && i["note"] == "Akten bereithalten")
    );
    let res = app
        .call(
            &clerk,
            "POST",
            "/api/v1/audits/inspections",
            Some(json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": [case_a]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = other_hospital(&app).await;
    let list = body_json(
        app.call(&other, "GET", "/api/v1/audits/inspections", None)
            .await,
    )
    .await;
    assert_eq!(list["inspections"], json!([]));
}

#[tokio::test]
async fn structure_audits_end_in_a_certificate_that_warns_before_it_expires() {
    let app = demo().await;
    let clerk = as_user(&app, "klinik.controlling").await;
    for (body, field) in [
        (
            json!({"site_number": "773686000", "ops_code": "8550"}),
            "ops_code",
        ),
        (
            json!({"site_number": "773081000", "ops_code": "8-550.1"}),
            "site_number",
        ),
    ] {
        let res = app
            .call(
                &clerk,
                "POST",
                "/api/v1/audits/structure",
                Some(body.clone()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body_json(res).await["fields"][0]["field"], field);
    }
    let res = app
        .call(
            &clerk,
            "POST",
            "/api/v1/audits/structure",
            Some(json!({"site_number": "773687000", "ops_code": "8-550.1", "note": "Geriatrische Komplexbehandlung"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let application = body_json(res).await;
    let id = application["id"].as_i64().unwrap();
    assert_eq!(application["state"], "applied");
    assert_eq!(application["state_label"], "beantragt");

    // The MD cannot certify without evidence; the hospital cannot decide.
    let md = as_user(&app, "md.gutachter").await;
    let certify = json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2028-01-31"}});
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let clerk = as_user(&app, "klinik.controlling").await;
    assert_eq!(
        app.call(
            &clerk,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone())
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let evidence = pdf_of(20_000, 5);
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/structure/{id}/evidence?name=Personalnachweis.pdf"),
        &evidence,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let evidence_id = body_json(res).await["id"].as_i64().unwrap();
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/structure/{id}/evidence?name=x.pdf"),
        b"GIF89a not a pdf",
    )
    .await;
    assert_eq!(body_json(res).await["fields"][0]["field"], "file");

    let md = as_user(&app, "md.gutachter").await;
    let res = app
        .call(
            &md,
            "GET",
            &format!("/api/v1/audits/evidence/{evidence_id}"),
            None,
        )
        .await;
    assert_eq!(body_bytes(res).await, evidence);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(json!({"certify": {"valid_from": "2027-02-01", "valid_until": "2027-01-31"}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(certify.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let decided = body_json(res).await;
    assert_eq!(decided["state"], "certified");
    assert_eq!(decided["certificate"]["status"], "not_yet_valid");
    assert_eq!(
        app.call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{id}/decide"),
            Some(json!({"reject": {"reason": "zu spät"}}))
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );

    // Valid, then expiring within 90 days, then expired.
    let status_at = |day: &'static str| {
        let app = &app;
        async move {
            let t = le_server::clock::parse_time(day).unwrap() + 8 * 3600;
            app.clock.set(t);
            let clerk = as_user(app, "klinik.controlling").await;
            let list = body_json(
                app.call(&clerk, "GET", "/api/v1/audits/structure", None)
                    .await,
            )
            .await;
            let dashboard = body_json(
                app.call(&clerk, "GET", "/api/v1/audits/dashboard", None)
                    .await,
            )
            .await;
            let status = list["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == id)
                .unwrap()["certificate"]["status"]
                .clone();
            (status, dashboard["expiring_certificates"].as_i64().unwrap())
        }
    };
    let (valid, expiring_valid) = status_at("2027-06-01").await;
    assert_eq!(valid, "valid");
    let (soon, expiring_soon) = status_at("2027-11-02").await;
    assert_eq!(soon, "expires_soon");
    assert_eq!(expiring_soon, expiring_valid + 1);
    let (expired, _) = status_at("2028-02-01").await;
    assert_eq!(expired, "expired");

    // A rejection carries its reason.
    let clerk = as_user(&app, "klinik.controlling").await;
    let second = body_json(
        app.call(
            &clerk,
            "POST",
            "/api/v1/audits/structure",
            Some(json!({"site_number": "773686000", "ops_code": "8-98f"})),
        )
        .await,
    )
    .await;
    let md = as_user(&app, "md.gutachter").await;
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{}/decide", second["id"]),
            Some(json!({"reject": {"reason": ""}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            &md,
            "POST",
            &format!("/api/v1/audits/structure/{}/decide", second["id"]),
            Some(json!({"reject": {"reason": "Mindestpersonal nicht nachgewiesen"}})),
        )
        .await;
    let rejected = body_json(res).await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(
        rejected["reject_reason"],
        "Mindestpersonal nicht nachgewiesen"
    );
    // Another hospital sees none of it.
    let other = other_hospital(&app).await;
    let list = body_json(
        app.call(&other, "GET", "/api/v1/audits/structure", None)
            .await,
    )
    .await;
    assert_eq!(list["applications"], json!([]));
    assert_eq!(
        app.call(
            &other,
            "GET",
            &format!("/api/v1/audits/structure/{id}"),
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let actions = audit_actions(&app).await;
    for a in [
        "structure_audit_applied",
        "structure_evidence_uploaded",
        "structure_audit_decided",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[tokio::test]
async fn the_demo_inbox_shows_requests_in_different_deadline_states() {
    let app = demo().await;
    let clerk = as_user(&app, "klinik.controlling").await;
    let inbox = body_json(app.call(&clerk, "GET", "/api/v1/audits/inbox", None).await).await;
    let statuses: Vec<&str> = inbox["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["deadline"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["late_window", "due_soon", "open", "delivered"]);
    assert_eq!(inbox["notices"].as_array().unwrap().len(), 4);
    let dashboard = body_json(
        app.call(&clerk, "GET", "/api/v1/audits/dashboard", None)
            .await,
    )
    .await;
    assert_eq!(dashboard["reminders"].as_array().unwrap().len(), 1);
    assert_eq!(dashboard["reminders"][0]["days_left"], 7);
    assert_eq!(dashboard["expiring_certificates"], 1);
    // The delivered demo file is a PDF whose hash matches the receipt.
    let delivered = inbox["requests"][3]["case_id"].as_i64().unwrap();
    let detail = body_json(
        app.call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/cases/{delivered}"),
            None,
        )
        .await,
    )
    .await;
    let delivery = detail["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r["deliveries"].get(0).cloned())
        .unwrap();
    let file_id = delivery["files"][0]["id"].as_i64().unwrap();
    let bytes = body_bytes(
        app.call(
            &clerk,
            "GET",
            &format!("/api/v1/audits/files/{file_id}"),
            None,
        )
        .await,
    )
    .await;
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(delivery["files"][0]["sha256"], sha256_hex(&bytes));
    let inspections = body_json(
        app.call(&clerk, "GET", "/api/v1/audits/inspections", None)
            .await,
    )
    .await;
    assert_eq!(
        inspections["inspections"][0]["cases"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The MD sees the same cases.
    let md = as_user(&app, "md.gutachter").await;
    let cases = body_json(
        app.call(&md, "GET", "/api/v1/audits/cases?state=open", None)
            .await,
    )
    .await;
    assert_eq!(cases["cases"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_uploads_to_one_request_all_succeed() {
    let app = demo().await;
    let md = as_user(&app, "md.gutachter").await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, "klinik.controlling").await;
    // The browser may send several files at once; every one must be stored (no busy 500).
    let uploads: Vec<_> = (0..8u8)
        .map(|i| {
            let (app, clerk) = (&app, &clerk);
            async move {
                let uri = format!("/api/v1/audits/requests/{request_id}/files?name=teil-{i}.pdf");
                put_pdf(app, clerk, &uri, &pdf_of(300_000, i))
                    .await
                    .status()
            }
        })
        .collect();
    let statuses = futures_join_all(uploads).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}")
        )
        .await,
        8
    );
}

/// Runs futures concurrently on the current task (no extra dependency).
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut handles = Vec::new();
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    handles.extend(results.into_iter().flatten());
    handles
}
