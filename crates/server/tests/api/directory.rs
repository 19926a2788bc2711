//! Physician directory: scoping by Haupt-IK, validation, ANR requests with the registry, the
//! office's clarification, bulk edits with undo, HR import/export, site import.
use axum::http::StatusCode;
use le_domain::api::access::AuditPage;
use le_domain::api::directory::{
    BulkApplied, BulkPreview, BulkUndone, Clarification, ClarificationState, HrImportReport,
    PhysicianList, RegistryPerson, RowOutcome, SiteImportReport, SiteList,
};
use le_domain::directory::{BulkOutcome, IdentityField, PhysicianRecord, RequestState};
use serde_json::{Value, json};

use crate::helpers::{
    Client, TestApp, as_user, body_bytes, demo, physician_form, refusal, refused_fields, typed,
};

/// `POST /api/v1/physicians/{id}/anr-request` as `hr`, expecting 200; answers the record.
async fn request_anr(app: &TestApp, hr: &Client, id: i64) -> PhysicianRecord {
    app.call_typed(
        hr,
        "POST",
        &format!("/api/v1/physicians/{id}/anr-request"),
        None,
        StatusCode::OK,
    )
    .await
}

/// `{id, version}` of each record, as a bulk request names them.
fn versioned(records: &[PhysicianRecord]) -> Vec<Value> {
    records
        .iter()
        .map(|p| json!({"id": p.id, "version": p.version}))
        .collect()
}

#[tokio::test]
async fn demo_records_are_valid_and_only_the_own_hospital_sees_them() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let list: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    let physicians = &list.physicians;
    assert_eq!(physicians.len(), 40);
    // Every seeded record passes the same validation the server applies to input.
    let today = le_domain::directory::Date::from_ymd(2027, 1, 15).unwrap();
    let sites: Vec<le_domain::SiteNumber> = ["773686000", "773687000", "773688000"]
        .iter()
        .map(|s| le_domain::SiteNumber::parse(s).unwrap())
        .collect();
    for p in physicians {
        assert_eq!(p.form.validate(today, &sites), vec![], "{p:?}");
    }
    let sites: SiteList = app.read(&hr, "/api/v1/sites").await;
    let numbers: Vec<String> = sites
        .sites
        .iter()
        .map(|s| s.site_number.to_string())
        .collect();
    assert_eq!(numbers, ["773686000", "773687000", "773688000"]);

    // Users of other institutions or roles get nothing.
    let id = physicians[0].id;
    for user in ["pflege.admin", "md.admin", "klinik.controlling"] {
        let c = as_user(&app, user).await;
        assert_eq!(
            app.status(&c, "GET", "/api/v1/physicians").await,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            app.status(&c, "GET", &format!("/api/v1/physicians/{id}"))
                .await,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    // A viewer reads but cannot write.
    let viewer = as_user(&app, "klinik.lesen").await;
    assert_eq!(
        app.status(&viewer, "GET", "/api/v1/physicians").await,
        StatusCode::OK
    );
    let res = app
        .call(
            &viewer,
            "POST",
            "/api/v1/physicians",
            Some(physician_form(
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
    let list: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    let p = &list.physicians[0];
    let (id, version) = (p.id, p.version);
    let own: PhysicianList = app.read(&other.client, "/api/v1/physicians").await;
    assert_eq!(own.physicians, []);
    for (method, uri, body) in [
        ("GET", format!("/api/v1/physicians/{id}"), None),
        (
            "PUT",
            format!("/api/v1/physicians/{id}"),
            Some(json!({"version": version, "form": p.form})),
        ),
        ("POST", format!("/api/v1/physicians/{id}/anr-request"), None),
        (
            "POST",
            "/api/v1/physicians/bulk/preview".to_owned(),
            Some(
                json!({"items": [{"id": id, "version": version}], "action": {"action": "end_site_assignment", "site_number": null, "end": "2026-12-31"}}),
            ),
        ),
        (
            "POST",
            "/api/v1/physicians/bulk/apply".to_owned(),
            Some(
                json!({"items": [{"id": id, "version": version}], "action": {"action": "end_site_assignment", "site_number": null, "end": "2026-12-31"}}),
            ),
        ),
    ] {
        let res = app.call(&other.client, method, &uri, body).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {uri}");
    }
    // Its own sites only: assigning a Hannover site is refused.
    let mut form = physician_form("Neu", "Nina", "1990-01-01", "female", "2016-10-01");
    let res = app
        .call(
            &other.client,
            "POST",
            "/api/v1/physicians",
            Some(form.clone()),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "sites[0].site_number");
    form["sites"][0]["site_number"] = json!("773081000");
    assert_eq!(
        app.call(&other.client, "POST", "/api/v1/physicians", Some(form))
            .await
            .status(),
        StatusCode::CREATED
    );
    let inbox: Vec<Clarification> = app.read(&other.client, "/api/v1/clarifications").await;
    assert_eq!(inbox, []);
}

#[tokio::test]
async fn create_validates_and_anr_requests_issue_match_or_report_a_mismatch() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    // The server rejects what the browser would.
    let mut bad = physician_form("Neu", "Nina", "1990-01-01", "female", "2009-10-01");
    bad["last_name"] = json!("");
    bad["state_exam_date"] = json!("2010-06-15");
    let res = app.call(&hr, "POST", "/api/v1/physicians", Some(bad)).await;
    assert_eq!(refused_fields(res).await, ["last_name", "licence_date"]);

    // New person: a new ANR with the in-training group.
    let id = app
        .physician(
            &hr,
            physician_form("Neumann", "Nina", "1990-01-01", "female", "2016-10-01"),
        )
        .await
        .id;
    let rec = request_anr(&app, &hr, id).await;
    assert_eq!(rec.request_state, RequestState::Issued);
    let anr = rec.anr().expect("an issued ANR");
    assert_eq!(anr.specialty_group(), "00");
    // A second request is refused.
    assert_eq!(
        app.status(&hr, "POST", &format!("/api/v1/physicians/{id}/anr-request"))
            .await,
        StatusCode::CONFLICT
    );
    // The first specialist recognition replaces the in-training group; the lifelong part stays.
    let mut form = serde_json::to_value(&rec.form).unwrap();
    form["specialties"] = json!([{"date": "2024-05-01", "code": "23"}]);
    let updated: PhysicianRecord = app
        .call_typed(
            &hr,
            "PUT",
            &format!("/api/v1/physicians/{id}"),
            Some(json!({"version": rec.version, "form": form})),
            StatusCode::OK,
        )
        .await;
    let regrouped = updated.anr().expect("the regrouped ANR");
    assert_eq!(regrouped.lifelong_id(), anr.lifelong_id());
    assert_eq!(regrouped.specialty_group(), "23");
    // A stale version is refused.
    let res = app
        .call(
            &hr,
            "PUT",
            &format!("/api/v1/physicians/{id}"),
            Some(json!({"version": rec.version, "form": form})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Known from outpatient care: matched.
    let id = app
        .physician(
            &hr,
            physician_form("Schmidt", "Anna", "1980-04-12", "female", "2006-05-02"),
        )
        .await
        .id;
    let rec = request_anr(&app, &hr, id).await;
    assert_eq!(rec.request_state, RequestState::Matched);

    // Married since: a mismatch for the inbox, both values side by side.
    let id = app
        .physician(
            &hr,
            physician_form("Weber", "Julia", "1985-09-23", "female", "2011-11-15"),
        )
        .await
        .id;
    let rec = request_anr(&app, &hr, id).await;
    assert!(
        matches!(rec.request_state, RequestState::Mismatch { .. }),
        "{rec:?}"
    );
    assert_eq!(rec.form.anr, None);
    let inbox: Vec<Clarification> = app.read(&hr, "/api/v1/clarifications").await;
    assert_eq!(inbox.len(), 1);
    let c = &inbox[0];
    assert_eq!(c.hospital_name, "Klinikum Leineufer Hannover (Demo)");
    assert_eq!(c.differences[0].field, IdentityField::LastName);
    assert_eq!(c.differences[0].directory_value, "Weber");
    // The hospital learns which field differs, not the registry's value or number.
    assert_eq!(c.differences[0].registry_value, None);
    assert_eq!(c.registry_anr, None);
    let cid = c.id;

    // The office asks for a document, the hospital uploads it, the office accepts the new name.
    let office = as_user(&app, "gs.sachbearbeitung").await;
    assert_eq!(
        app.status(&hr, "GET", "/api/v1/office/clarifications")
            .await,
        StatusCode::FORBIDDEN
    );
    // The office sees both values side by side.
    let cases: Vec<Clarification> = app.read(&office, "/api/v1/office/clarifications").await;
    assert_eq!(
        cases[0].differences[0].registry_value.as_deref(),
        Some("Becker")
    );
    assert!(cases[0].registry_anr.is_some());
    let asked: Clarification = app
        .post(
            &office,
            &format!("/api/v1/office/clarifications/{cid}/request-document"),
            json!({"message": "Bitte Heiratsurkunde hochladen."}),
        )
        .await;
    assert_eq!(asked.state, ClarificationState::DocumentRequested);
    let res = app.clarification_document(&hr, cid).await;
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
    let resolved: Clarification = app
        .post(
            &office,
            &format!("/api/v1/office/clarifications/{cid}/resolve"),
            json!({"accept": "directory"}),
        )
        .await;
    assert_eq!(resolved.state, ClarificationState::Resolved);
    let rec: PhysicianRecord = app.read(&hr, &format!("/api/v1/physicians/{id}")).await;
    assert_eq!(rec.request_state, RequestState::Matched);
    assert_eq!(rec.form.last_name, "Weber");
    assert!(rec.form.anr.is_some());
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

#[tokio::test]
async fn bulk_end_of_month_applies_atomically_and_undoes_as_one_step() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let list: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    let items = versioned(&list.physicians[..30]);
    let action = json!({"action": "end_site_assignment", "site_number": null, "end": "2027-01-31"});
    let bulk = json!({"items": items, "action": action});
    let preview: BulkPreview = app
        .post(&hr, "/api/v1/physicians/bulk/preview", bulk.clone())
        .await;
    assert_eq!(preview.items.len(), 30);
    assert!(
        preview
            .items
            .iter()
            .all(|i| matches!(i.outcome, BulkOutcome::Changed { .. })),
        "{preview:?}"
    );
    let applied: BulkApplied = app
        .post(&hr, "/api/v1/physicians/bulk/apply", bulk.clone())
        .await;
    assert_eq!(applied.changed, 30);
    let op = applied.operation_id;
    let end = le_domain::directory::Date::parse_iso("2027-01-31").unwrap();
    let after: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    let ended = after
        .physicians
        .iter()
        .filter(|p| p.form.sites[0].end == Some(end))
        .count();
    assert_eq!(ended, 30);
    // The old versions are stale now: applying again is refused as a whole.
    let res = app
        .call(&hr, "POST", "/api/v1/physicians/bulk/apply", Some(bulk))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Undo restores all 30 in one step.
    let undone: BulkUndone = app
        .call_typed(
            &hr,
            "POST",
            &format!("/api/v1/physicians/bulk/{op}/undo"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(undone.restored, 30);
    let restored: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    assert!(
        restored
            .physicians
            .iter()
            .all(|p| p.form.sites[0].end.is_none())
    );
    assert_eq!(
        app.status(&hr, "POST", &format!("/api/v1/physicians/bulk/{op}/undo"))
            .await,
        StatusCode::CONFLICT
    );
    // A date before a start rejects the whole operation; nothing changes.
    let all = versioned(&restored.physicians);
    let res = app.call(&hr, "POST", "/api/v1/physicians/bulk/apply", Some(json!({"items": all, "action": {"action": "end_site_assignment", "site_number": null, "end": "2022-06-30"}}))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unchanged: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
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
    let import = "/api/v1/physicians/import";
    let report: HrImportReport = app
        .post(&admin, import, json!({"csv": csv, "dry_run": true}))
        .await;
    let rows = &report.rows;
    assert_eq!(rows.len(), 40);
    assert!(
        rows.iter().all(|r| r.outcome == RowOutcome::Unchanged),
        "{report:?}"
    );
    // A changed and a new row, dry run first, then applied.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    assert!(lines[1].ends_with(";nein"), "{}", lines[1]);
    // "All sites" has a period like any assignment.
    lines[1] = format!("{};01.01.2027-", lines[1].trim_end_matches(";nein"));
    let edited = lines.join("\r\n");
    let report: HrImportReport = app
        .post(&admin, import, json!({"csv": edited, "dry_run": true}))
        .await;
    let outcomes: Vec<RowOutcome> = report.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == RowOutcome::Update)
            .count(),
        1,
        "{report:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == RowOutcome::Unchanged)
            .count(),
        39
    );
    assert!(!report.applied);
    let report: HrImportReport = app
        .post(&admin, import, json!({"csv": edited, "dry_run": false}))
        .await;
    assert!(report.applied);
    let id = report.rows[0].physician_id.expect("the updated record");
    let rec: PhysicianRecord = app.read(&admin, &format!("/api/v1/physicians/{id}")).await;
    assert!(rec.form.all_sites);
    assert_eq!(
        rec.form.all_sites_start,
        le_domain::directory::Date::parse_iso("2027-01-01").ok()
    );

    // An HR system with a directory token uses the same endpoints.
    let token = app.api_token(&admin, "SAP HR", &["directory"]).await;
    let res = app.bearer(&token, "GET", "/api/v1/physicians", None).await;
    let list: PhysicianList = typed(res, StatusCode::OK).await;
    assert_eq!(list.physicians.len(), 40);
    let res = app
        .send(
            axum::http::Request::post("/api/v1/physicians")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    physician_form("Token", "Tina", "1991-02-02", "female", "2017-10-01")
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let audits: AuditPage = app
        .read(&admin, "/api/v1/audit-log?action=physician_created")
        .await;
    assert!(
        audits.entries[0]
            .actor
            .as_deref()
            .is_some_and(|a| a.starts_with("API-Token")),
        "{audits:?}"
    );
    // An audits-only token is refused here.
    let token2 = app.api_token(&admin, "KIS", &["audits"]).await;
    let res = app.bearer(&token2, "GET", "/api/v1/physicians", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn site_import_is_idempotent_and_reports_changes() {
    let app = demo().await;
    let office = as_user(&app, "gs.sachbearbeitung").await;
    let csv = le_server::demo::DEMO_SITES;
    let import = "/api/v1/office/sites/import";
    let report: SiteImportReport = app.post(&office, import, json!({"csv": csv})).await;
    assert!(!report.applied);
    assert_eq!(report.new, Vec::<String>::new());
    assert_eq!(report.unchanged, 42);
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
    let report: SiteImportReport = app
        .post(&office, import, json!({"csv": edited, "dry_run": true}))
        .await;
    assert_eq!(
        (
            report.new.as_slice(),
            report.changed.as_slice(),
            report.removed.as_slice(),
            report.applied
        ),
        (
            ["773999000".to_owned()].as_slice(),
            ["773687000".to_owned()].as_slice(),
            ["773688000".to_owned()].as_slice(),
            false
        )
    );
    let report: SiteImportReport = app.post(&office, import, json!({"csv": edited})).await;
    assert!(report.applied);
    let again: SiteImportReport = app.post(&office, import, json!({"csv": edited})).await;
    assert!(!again.applied);
    // A broken file names line and field, and changes nothing.
    let res = app.call(&office, "POST", "/api/v1/office/sites/import", Some(json!({"csv": "standortnummer;haupt_ik;krankenhaus;standort;strasse;plz;ort;land;gueltig_von;gueltig_bis\n123;260326822;K;S;Str;30159;Ort;Niedersachsen;01.01.2020;\n"}))).await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        refused.fields[0].message.starts_with("Zeile 2:"),
        "{refused:?}"
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
    let hits: PhysicianList = app.read(&hr, "/api/v1/physicians?q=MUE").await;
    let names: Vec<&str> = hits
        .physicians
        .iter()
        .map(|p| p.form.last_name.as_str())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| *n == "Müller"),
        "{names:?}"
    );
    // First names too.
    let hits: PhysicianList = app.read(&hr, "/api/v1/physicians?q=greta").await;
    assert!(hits.physicians.iter().all(|p| p.form.first_name == "Greta"));
    assert!(!hits.physicians.is_empty());
    // The registry is searched by the office only.
    let office = as_user(&app, "gs.sachbearbeitung").await;
    let people: Vec<RegistryPerson> = app.read(&office, "/api/v1/office/registry?q=beck").await;
    assert_eq!(people[0].last_name, "Becker");
    assert_eq!(people[0].source, "outpatient");
    assert_eq!(
        app.status(&hr, "GET", "/api/v1/office/registry?q=beck")
            .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.status(&office, "GET", "/api/v1/office/registry?q=b")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
