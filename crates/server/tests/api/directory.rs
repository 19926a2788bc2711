//! Physician directory: scoping by Haupt-IK, validation, ANR requests with the registry, the
//! office's clarification, bulk edits with undo, HR import/export, site import.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{as_user, body_bytes, body_json, demo, field_names};

fn new_physician(last: &str, first: &str, birth: &str, sex: &str, licence: &str) -> Value {
    json!({
        "anr": null, "sex": sex, "doctoral_title": false,
        "last_name": last, "first_name": first, "birth_date": birth,
        "state_exam_date": licence, "licence_date": licence, "doctorate_date": null,
        "specialties": [], "sites": [{"site_number": "773686000", "start": "2024-01-01", "end": null}],
        "all_sites": false
    })
}

#[tokio::test]
async fn demo_records_are_valid_and_only_the_own_hospital_sees_them() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let list = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    let physicians = list["physicians"].as_array().unwrap();
    assert_eq!(physicians.len(), 40);
    // Every seeded record passes the same validation the server applies to input.
    let today = le_domain::directory::Date::from_ymd(2027, 1, 15).unwrap();
    let sites: Vec<le_domain::SiteNumber> = ["773686000", "773687000", "773688000"]
        .iter()
        .map(|s| le_domain::SiteNumber::parse(s).unwrap())
        .collect();
    for p in physicians {
        let record: le_domain::directory::PhysicianRecord =
            serde_json::from_value(p.clone()).unwrap();
        assert_eq!(record.form.validate(today, &sites), vec![], "{p}");
    }
    let sites = body_json(app.call(&hr, "GET", "/api/v1/sites", None).await).await;
    let numbers: Vec<&str> = sites["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site_number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["773686000", "773687000", "773688000"]);

    // Users of other institutions or roles get nothing.
    let id = physicians[0]["id"].as_i64().unwrap();
    for user in ["pflege.admin", "md.admin", "klinik.controlling"] {
        let c = as_user(&app, user).await;
        assert_eq!(
            app.call(&c, "GET", "/api/v1/physicians", None)
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            app.call(&c, "GET", &format!("/api/v1/physicians/{id}"), None)
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    // A viewer reads but cannot write.
    let viewer = as_user(&app, "klinik.lesen").await;
    assert_eq!(
        app.call(&viewer, "GET", "/api/v1/physicians", None)
            .await
            .status(),
        StatusCode::OK
    );
    let res = app
        .call(
            &viewer,
            "POST",
            "/api/v1/physicians",
            Some(new_physician(
                "Neu",
                "Nina",
                "1990-01-01",
                "female",
                "2016-10-01",
            )),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_hospital_cannot_touch_these_physicians() {
    let app = demo().await;
    // A second hospital (Magdeburg, Haupt-IK 261500416) registers and is approved.
    let other = app.second_hospital().await;
    let hr = as_user(&app, "klinik.personal").await;
    let list = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    let p = &list["physicians"][0];
    let id = p["id"].as_i64().unwrap();
    let own = body_json(
        app.call(&other.client, "GET", "/api/v1/physicians", None)
            .await,
    )
    .await;
    assert_eq!(own["physicians"], json!([]));
    for (method, uri, body) in [
        ("GET", format!("/api/v1/physicians/{id}"), None),
        (
            "PUT",
            format!("/api/v1/physicians/{id}"),
            Some(json!({"version": p["version"], "form": p})),
        ),
        ("POST", format!("/api/v1/physicians/{id}/anr-request"), None),
        (
            "POST",
            "/api/v1/physicians/bulk/preview".to_owned(),
            Some(
                json!({"items": [{"id": id, "version": p["version"]}], "action": {"action": "end_site_assignment", "site_number": null, "end": "2026-12-31"}}),
            ),
        ),
        (
            "POST",
            "/api/v1/physicians/bulk/apply".to_owned(),
            Some(
                json!({"items": [{"id": id, "version": p["version"]}], "action": {"action": "end_site_assignment", "site_number": null, "end": "2026-12-31"}}),
            ),
        ),
    ] {
        let res = app.call(&other.client, method, &uri, body).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {uri}");
    }
    // Its own sites only: assigning a Hannover site is refused.
    let mut form = new_physician("Neu", "Nina", "1990-01-01", "female", "2016-10-01");
    let res = app
        .call(
            &other.client,
            "POST",
            "/api/v1/physicians",
            Some(form.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(res).await["fields"][0]["field"],
        "sites[0].site_number"
    );
    form["sites"][0]["site_number"] = json!("773081000");
    assert_eq!(
        app.call(&other.client, "POST", "/api/v1/physicians", Some(form))
            .await
            .status(),
        StatusCode::CREATED
    );
    let inbox = body_json(
        app.call(&other.client, "GET", "/api/v1/clarifications", None)
            .await,
    )
    .await;
    assert_eq!(inbox, json!([]));
}

#[tokio::test]
async fn create_validates_and_anr_requests_issue_match_or_report_a_mismatch() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    // The server rejects what the browser would.
    let mut bad = new_physician("Neu", "Nina", "1990-01-01", "female", "2009-10-01");
    bad["last_name"] = json!("");
    bad["state_exam_date"] = json!("2010-06-15");
    let res = app.call(&hr, "POST", "/api/v1/physicians", Some(bad)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_names(&body_json(res).await);
    assert_eq!(fields, ["last_name", "licence_date"]);

    // New person: a new ANR with the in-training group.
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians",
            Some(new_physician(
                "Neumann",
                "Nina",
                "1990-01-01",
                "female",
                "2016-10-01",
            )),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = body_json(res).await["id"].as_i64().unwrap();
    let rec = body_json(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/{id}/anr-request"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(rec["request_state"]["state"], "issued");
    let anr = le_domain::Anr::parse(rec["anr"].as_str().unwrap()).unwrap();
    assert_eq!(anr.specialty_group(), "00");
    // A second request is refused.
    assert_eq!(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/{id}/anr-request"),
            None
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    // The first specialist recognition replaces the in-training group; the lifelong part stays.
    let mut form = rec.clone();
    form["specialties"] = json!([{"date": "2024-05-01", "code": "23"}]);
    let res = app
        .call(
            &hr,
            "PUT",
            &format!("/api/v1/physicians/{id}"),
            Some(json!({"version": rec["version"], "form": form})),
        )
        .await;
    let updated = body_json(res).await;
    let regrouped = le_domain::Anr::parse(updated["anr"].as_str().unwrap()).unwrap();
    assert_eq!(regrouped.lifelong_id(), anr.lifelong_id());
    assert_eq!(regrouped.specialty_group(), "23");
    // A stale version is refused.
    let res = app
        .call(
            &hr,
            "PUT",
            &format!("/api/v1/physicians/{id}"),
            Some(json!({"version": rec["version"], "form": form})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Known from outpatient care: matched.
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians",
            Some(new_physician(
                "Schmidt",
                "Anna",
                "1980-04-12",
                "female",
                "2006-05-02",
            )),
        )
        .await;
    let id = body_json(res).await["id"].as_i64().unwrap();
    let rec = body_json(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/{id}/anr-request"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(rec["request_state"]["state"], "matched");

    // Married since: a mismatch for the inbox, both values side by side.
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians",
            Some(new_physician(
                "Weber",
                "Julia",
                "1985-09-23",
                "female",
                "2011-11-15",
            )),
        )
        .await;
    let id = body_json(res).await["id"].as_i64().unwrap();
    let rec = body_json(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/{id}/anr-request"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(rec["request_state"]["state"], "mismatch");
    assert_eq!(rec["anr"], Value::Null);
    let inbox = body_json(app.call(&hr, "GET", "/api/v1/clarifications", None).await).await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    let c = &inbox[0];
    assert_eq!(c["hospital_name"], "Klinikum Leineufer Hannover (Demo)");
    assert_eq!(c["differences"][0]["field"], "last_name");
    assert_eq!(c["differences"][0]["directory_value"], "Weber");
    // The hospital learns which field differs, not the registry's value or number.
    assert_eq!(c["differences"][0]["registry_value"], Value::Null);
    assert_eq!(c["registry_anr"], Value::Null);
    let cid = c["id"].as_i64().unwrap();

    // The office asks for a document, the hospital uploads it, the office accepts the new name.
    let office = as_user(&app, "gs.sachbearbeitung").await;
    assert_eq!(
        app.call(&hr, "GET", "/api/v1/office/clarifications", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The office sees both values side by side.
    let cases = body_json(
        app.call(&office, "GET", "/api/v1/office/clarifications", None)
            .await,
    )
    .await;
    assert_eq!(cases[0]["differences"][0]["registry_value"], "Becker");
    assert!(cases[0]["registry_anr"].is_string());
    let res = app
        .call(
            &office,
            "POST",
            &format!("/api/v1/office/clarifications/{cid}/request-document"),
            Some(json!({"message": "Bitte Heiratsurkunde hochladen."})),
        )
        .await;
    assert_eq!(body_json(res).await["state"], "document_requested");
    let (ct, body) = multipart("document", "urkunde.pdf", crate::helpers::PDF);
    let res = app
        .send(
            axum::http::Request::post(format!("/api/v1/clarifications/{cid}/document"))
                .header("content-type", ct)
                .header("cookie", hr.cookie.clone().unwrap())
                .header("x-requested-with", "le-portal")
                .header("x-csrf-token", hr.csrf.clone().unwrap())
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call(
            &office,
            "GET",
            &format!("/api/v1/office/clarifications/{cid}/document"),
            None,
        )
        .await;
    assert_eq!(body_bytes(res).await, crate::helpers::PDF);
    let res = app
        .call(
            &office,
            "POST",
            &format!("/api/v1/office/clarifications/{cid}/resolve"),
            Some(json!({"accept": "directory"})),
        )
        .await;
    let resolved = body_json(res).await;
    assert_eq!(resolved["state"], "resolved");
    let rec = body_json(
        app.call(&hr, "GET", &format!("/api/v1/physicians/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(rec["request_state"]["state"], "matched");
    assert_eq!(rec["last_name"], "Weber");
    assert!(rec["anr"].is_string());
    // Every step is audited.
    let actions: Vec<String> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'anr_%' OR action LIKE 'clarification_%' ORDER BY id",
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(
        actions,
        [
            "anr_issued",
            "anr_matched",
            "anr_mismatch",
            "clarification_document_requested",
            "clarification_document_provided",
            "clarification_resolved"
        ]
    );
}

fn multipart(name: &str, file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----dir-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/pdf\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn bulk_end_of_month_applies_atomically_and_undoes_as_one_step() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let list = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    let items: Vec<Value> = list["physicians"]
        .as_array()
        .unwrap()
        .iter()
        .take(30)
        .map(|p| json!({"id": p["id"], "version": p["version"]}))
        .collect();
    let action = json!({"action": "end_site_assignment", "site_number": null, "end": "2027-01-31"});
    let preview = body_json(
        app.call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/preview",
            Some(json!({"items": items, "action": action})),
        )
        .await,
    )
    .await;
    assert_eq!(preview["items"].as_array().unwrap().len(), 30);
    assert!(
        preview["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["outcome"]["outcome"] == "changed" || i["outcome"].get("changes").is_some()),
        "{preview}"
    );
    let applied = body_json(
        app.call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/apply",
            Some(json!({"items": items, "action": action})),
        )
        .await,
    )
    .await;
    assert_eq!(applied["changed"], 30);
    let op = applied["operation_id"].as_i64().unwrap();
    let after = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    let ended = after["physicians"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["sites"][0]["end"] == "2027-01-31")
        .count();
    assert_eq!(ended, 30);
    // The old versions are stale now: applying again is refused as a whole.
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/apply",
            Some(json!({"items": items, "action": action})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Undo restores all 30 in one step.
    let undone = body_json(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/bulk/{op}/undo"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(undone["restored"], 30);
    let restored = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    assert!(
        restored["physicians"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["sites"][0]["end"].is_null())
    );
    assert_eq!(
        app.call(
            &hr,
            "POST",
            &format!("/api/v1/physicians/bulk/{op}/undo"),
            None
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    // A date before a start rejects the whole operation; nothing changes.
    let all: Vec<Value> = restored["physicians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"id": p["id"], "version": p["version"]}))
        .collect();
    let res = app.call(&hr, "POST", "/api/v1/physicians/bulk/apply", Some(json!({"items": all, "action": {"action": "end_site_assignment", "site_number": null, "end": "2022-06-30"}}))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unchanged = body_json(app.call(&hr, "GET", "/api/v1/physicians", None).await).await;
    assert_eq!(unchanged, restored);
}

#[tokio::test]
async fn csv_export_reimports_unchanged_and_tokens_reach_the_same_endpoints() {
    let app = demo().await;
    let admin = as_user(&app, "klinik.admin").await;
    let res = app
        .call(&admin, "GET", "/api/v1/physicians/export.csv", None)
        .await;
    let csv = String::from_utf8(body_bytes(res).await).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 41);
    let report = body_json(
        app.call(
            &admin,
            "POST",
            "/api/v1/physicians/import",
            Some(json!({"csv": csv, "dry_run": true})),
        )
        .await,
    )
    .await;
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| r["outcome"] == "unchanged"), "{report}");
    // A changed and a new row, dry run first, then applied.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    assert!(lines[1].ends_with(";nein"), "{}", lines[1]);
    // "All sites" has a period like any assignment.
    lines[1] = format!("{};01.01.2027-", lines[1].trim_end_matches(";nein"));
    let edited = lines.join("\r\n");
    let report = body_json(
        app.call(
            &admin,
            "POST",
            "/api/v1/physicians/import",
            Some(json!({"csv": edited, "dry_run": true})),
        )
        .await,
    )
    .await;
    let outcomes: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "update").count(),
        1,
        "{report}"
    );
    assert_eq!(outcomes.iter().filter(|o| **o == "unchanged").count(), 39);
    assert_eq!(report["applied"], false);
    let report = body_json(
        app.call(
            &admin,
            "POST",
            "/api/v1/physicians/import",
            Some(json!({"csv": edited, "dry_run": false})),
        )
        .await,
    )
    .await;
    assert_eq!(report["applied"], true);
    let id = report["rows"][0]["physician_id"].as_i64().unwrap();
    let rec = body_json(
        app.call(&admin, "GET", &format!("/api/v1/physicians/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(rec["all_sites"], true);
    assert_eq!(rec["all_sites_start"], "2027-01-01");

    // An HR system with a directory token uses the same endpoints.
    let token = body_json(
        app.call(
            &admin,
            "POST",
            "/api/v1/api-tokens",
            Some(json!({"name": "SAP HR", "scopes": ["directory"]})),
        )
        .await,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send(
            axum::http::Request::get("/api/v1/physicians")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        body_json(res).await["physicians"].as_array().unwrap().len(),
        40
    );
    let res = app
        .send(
            axum::http::Request::post("/api/v1/physicians")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    new_physician("Token", "Tina", "1991-02-02", "female", "2017-10-01")
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let audits = body_json(
        app.call(
            &admin,
            "GET",
            "/api/v1/audit-log?action=physician_created",
            None,
        )
        .await,
    )
    .await;
    assert!(
        audits["entries"][0]["actor"]
            .as_str()
            .unwrap()
            .starts_with("API-Token"),
        "{audits}"
    );
    // An audits-only token is refused here.
    let token2 = body_json(
        app.call(
            &admin,
            "POST",
            "/api/v1/api-tokens",
            Some(json!({"name": "KIS", "scopes": ["audits"]})),
        )
        .await,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send(
            axum::http::Request::get("/api/v1/physicians")
                .header("authorization", format!("Bearer {token2}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn site_import_is_idempotent_and_reports_changes() {
    let app = demo().await;
    let office = as_user(&app, "gs.sachbearbeitung").await;
    let csv = le_server::demo::DEMO_SITES;
    let report = body_json(
        app.call(
            &office,
            "POST",
            "/api/v1/office/sites/import",
            Some(json!({"csv": csv})),
        )
        .await,
    )
    .await;
    assert_eq!(report["applied"], false);
    assert_eq!(report["new"], json!([]));
    assert_eq!(report["unchanged"], 42);
    // One site renamed, one removed, one new: reported exactly; a dry run stores nothing.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines.retain(|l| !l.starts_with("773688000"));
    let i = lines
        .iter()
        .position(|l| l.starts_with("773687000"))
        .unwrap();
    lines[i] = lines[i].replace("Kinderklinik Am Maschsee", "Kinderklinik am Maschsee");
    lines.push("773999000;260326822;Klinikum Leineufer Hannover;Tagesklinik Linden;Limmerstraße 1;30451;Hannover;Niedersachsen;01.01.2027;".to_owned());
    let edited = lines.join("\n");
    let report = body_json(
        app.call(
            &office,
            "POST",
            "/api/v1/office/sites/import",
            Some(json!({"csv": edited, "dry_run": true})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            report["new"].clone(),
            report["changed"].clone(),
            report["removed"].clone(),
            report["applied"].clone()
        ),
        (
            json!(["773999000"]),
            json!(["773687000"]),
            json!(["773688000"]),
            json!(false)
        )
    );
    let report = body_json(
        app.call(
            &office,
            "POST",
            "/api/v1/office/sites/import",
            Some(json!({"csv": edited})),
        )
        .await,
    )
    .await;
    assert_eq!(report["applied"], true);
    let again = body_json(
        app.call(
            &office,
            "POST",
            "/api/v1/office/sites/import",
            Some(json!({"csv": edited})),
        )
        .await,
    )
    .await;
    assert_eq!(again["applied"], false);
    // A broken file names line and field, and changes nothing.
    let res = app.call(&office, "POST", "/api/v1/office/sites/import", Some(json!({"csv": "standortnummer;haupt_ik;krankenhaus;standort;strasse;plz;ort;land;gueltig_von;gueltig_bis\n123;260326822;K;S;Str;30159;Ort;Niedersachsen;01.01.2020;\n"}))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_json(res).await;
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Zeile 2:"),
        "{body}"
    );
    // Hospitals cannot import.
    let hr = as_user(&app, "klinik.personal").await;
    assert_eq!(
        app.call(
            &hr,
            "POST",
            "/api/v1/office/sites/import",
            Some(json!({"csv": csv}))
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn name_search_in_the_hospital_and_in_the_registry() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    // Umlauts and case do not matter: "mue" finds "Müller".
    let hits = body_json(app.call(&hr, "GET", "/api/v1/physicians?q=MUE", None).await).await;
    let names: Vec<&str> = hits["physicians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["last_name"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| *n == "Müller"),
        "{names:?}"
    );
    // First names too.
    let hits = body_json(
        app.call(&hr, "GET", "/api/v1/physicians?q=greta", None)
            .await,
    )
    .await;
    assert!(
        hits["physicians"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["first_name"] == "Greta")
    );
    assert!(!hits["physicians"].as_array().unwrap().is_empty());
    // The registry is searched by the office only.
    let office = as_user(&app, "gs.sachbearbeitung").await;
    let people = body_json(
        app.call(&office, "GET", "/api/v1/office/registry?q=beck", None)
            .await,
    )
    .await;
    assert_eq!(people[0]["last_name"], "Becker");
    assert_eq!(people[0]["source"], "outpatient");
    assert_eq!(
        app.call(&hr, "GET", "/api/v1/office/registry?q=beck", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&office, "GET", "/api/v1/office/registry?q=b", None)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
