//! Integrity of the physician directory (issue 8): the identity rule against the registry, the
//! office's third outcome, cross-hospital ANR attacks, one ANR per Haupt-IK, one write path that
//! keeps issued ANRs, shared Haupt-IKs, "all sites" with a period, removed sites, future starts,
//! and migration 0007 on a database with duplicate ANRs.
use axum::http::StatusCode;
use le_domain::api::access::{MainIkRequest, RegistrationSummary};
use le_domain::api::audits::CaseList;
use le_domain::api::directory::{
    AcceptedSide, BulkApplied, Clarification, ClarificationState, HrImportReport, PhysicianList,
    RegistryPerson, RowOutcome, SiteImportReport, SiteList,
};
use le_domain::directory::{Date, IdentityField, PhysicianRecord, RequestState};
use serde_json::{Value, json};

use crate::helpers::{
    Answer, Client, PDF, TestApp, as_user, demo, people, physician_form, refusal, refused_fields,
    typed,
};

async fn request_anr(
    app: &TestApp,
    client: &Client,
    id: i64,
) -> (StatusCode, Answer<PhysicianRecord>) {
    let res = app
        .call(
            client,
            "POST",
            &format!("/api/v1/physicians/{id}/anr-request"),
            None,
        )
        .await;
    (res.status(), Answer::of(res).await)
}

/// A record entered from `form` whose ANR is then requested, expecting 200; answers the record.
async fn entered_and_requested(app: &TestApp, client: &Client, form: Value) -> PhysicianRecord {
    let id = app.physician(client, form).await.id;
    requested(app, client, id).await
}

/// [`request_anr`], expecting 200; answers the record.
async fn requested(app: &TestApp, client: &Client, id: i64) -> PhysicianRecord {
    let (status, rec) = request_anr(app, client, id).await;
    assert_eq!(status, StatusCode::OK, "{rec}");
    rec.into_done()
}

async fn put(
    app: &TestApp,
    client: &Client,
    record: &PhysicianRecord,
    form: Value,
) -> (StatusCode, Answer<PhysicianRecord>) {
    let res = app
        .call(
            client,
            "PUT",
            &format!("/api/v1/physicians/{}", record.id),
            Some(json!({"version": record.version, "form": form})),
        )
        .await;
    (res.status(), Answer::of(res).await)
}

/// The form of `record` as JSON, to edit and send back.
fn form_of(record: &PhysicianRecord) -> Value {
    serde_json::to_value(&record.form).unwrap()
}

/// The registry's persons with this last name (as the office searches them).
async fn registry_anrs(app: &TestApp, office: &Client, last_name: &str) -> Vec<String> {
    let people: Vec<RegistryPerson> = app
        .read(office, &format!("/api/v1/office/registry?q={last_name}"))
        .await;
    people
        .into_iter()
        .filter(|p| p.last_name == last_name)
        .map(|p| p.anr)
        .collect()
}

/// The HR CSV export of record `id` as `client` downloads it.
async fn export_csv(app: &TestApp, client: &Client, id: i64) -> String {
    let res = app
        .call(
            client,
            "GET",
            &format!("/api/v1/physicians/export.csv?ids={id}"),
            None,
        )
        .await;
    String::from_utf8(crate::helpers::body_bytes(res).await).unwrap()
}

/// An ISO date ("2027-01-31").
fn iso(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

/// The registry's ANR of the demo's outpatient Anna Schmidt.
async fn schmidt_anr(app: &TestApp) -> String {
    le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT anr FROM registry_persons WHERE last_name = 'Schmidt' AND first_name = 'Anna'",
    )
    .fetch_one(pool)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_stranger_sharing_first_name_and_birth_date_is_no_mismatch() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    // The registry holds Anna Schmidt, born 12.04.1980, licensed 02.05.2006. This is another
    // Anna born the same day: other last name, sex and licence date.
    let rec = entered_and_requested(
        &app,
        &hr,
        physician_form("Meier", "Anna", "1980-04-12", "diverse", "2012-10-01"),
    )
    .await;
    assert_eq!(rec.request_state, RequestState::Issued);
    assert_ne!(
        rec.form.anr.expect("an issued ANR"),
        schmidt_anr(&app).await
    );
    let inbox: Vec<Clarification> = app.read(&hr, "/api/v1/clarifications").await;
    assert_eq!(inbox, []);
}

#[tokio::test]
async fn a_true_match_is_found_behind_hundreds_of_candidates() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    // 250 people born the same day, sorting before the true match in every index.
    for i in 0..250_i64 {
        le_server::on_db!(&app.state.database, pool => sqlx::query(
            "INSERT INTO registry_persons (anr, lifelong_id, last_name, first_name, birth_date, sex, licence_date, \
             last_name_norm, first_name_norm, source, created_at) \
             VALUES ($1, $2, $3, 'Aaron', '1975-03-03', 'male', NULL, $4, 'aaron', 'test', 0)",
        )
        .bind(format!("X{i:08}"))
        .bind(100_000 + i)
        .bind(format!("Aal{i}"))
        .bind(format!("aal{i}"))
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
    }
    let mut tx = app.state.database.begin_write().await.unwrap();
    let identity = le_domain::directory::Identity {
        last_name: "Zander".into(),
        first_name: "Zoe".into(),
        birth_date: le_domain::directory::Date::parse("03.03.1975").unwrap(),
        sex: le_domain::directory::Sex::Female,
        licence_date: le_domain::directory::Date::parse("01.10.2001").ok(),
    };
    let (known, _) =
        le_server::directory::registry::issue(&mut tx, &identity, &[], "outpatient", 0)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let rec = entered_and_requested(
        &app,
        &hr,
        physician_form("Zander", "Zoe", "1975-03-03", "female", "2001-10-01"),
    )
    .await;
    assert_eq!(rec.request_state, RequestState::Matched, "{rec:?}");
    assert_eq!(rec.form.anr.as_deref(), Some(known.as_str()));
}

#[tokio::test]
async fn the_office_can_decide_it_is_another_person() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    // Julia Becker of the registry married and is now Julia Weber, or so it seems.
    let rec = entered_and_requested(
        &app,
        &hr,
        physician_form("Weber", "Julia", "1985-09-23", "female", "2011-11-15"),
    )
    .await;
    let id = rec.id;
    let RequestState::Mismatch { differences } = &rec.request_state else {
        panic!("no mismatch: {rec:?}");
    };
    // The record shows which field differs, not the registry's value.
    assert_eq!(differences[0].field, IdentityField::LastName);
    assert_eq!(differences[0].registry_value, None);
    let office = as_user(&app, people::OFFICE_CLERK).await;
    let becker_before = registry_anrs(&app, &office, "Becker").await;
    assert_eq!(becker_before.len(), 1);
    let cases: Vec<Clarification> = app.read(&office, "/api/v1/office/clarifications").await;
    let cid = cases[0].id;
    assert_eq!(
        cases[0].registry_anr.as_deref(),
        Some(becker_before[0].as_str())
    );
    let resolved: Clarification = app
        .post(
            &office,
            &format!("/api/v1/office/clarifications/{cid}/resolve"),
            json!({"accept": "different_person"}),
        )
        .await;
    assert_eq!(resolved.accepted, Some(AcceptedSide::DifferentPerson));
    let rec: PhysicianRecord = app.read(&hr, &format!("/api/v1/physicians/{id}")).await;
    assert_eq!(rec.request_state, RequestState::Issued);
    assert_eq!(rec.form.last_name, "Weber");
    // A number of her own; the registry's Julia Becker keeps hers and her data.
    let own = rec.form.anr.expect("a number of her own");
    assert_ne!(own, becker_before[0]);
    assert_eq!(registry_anrs(&app, &office, "Becker").await, becker_before);
    assert_eq!(registry_anrs(&app, &office, "Weber").await, [own]);
    // A resolved clarification is not reopened by a document.
    let res = app.clarification_document(&hr, cid).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let cases: Vec<Clarification> = app.read(&office, "/api/v1/office/clarifications").await;
    assert_eq!(cases[0].state, ClarificationState::Resolved);
    assert!(!cases[0].document_available);
    let audit: String = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'clarification_resolved' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(audit.starts_with("andere Person"), "{audit}");
}

#[tokio::test]
async fn another_hospital_cannot_rewrite_or_take_over_an_issued_anr() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let office = as_user(&app, people::OFFICE_CLERK).await;
    // Hospital A: a physician in training gets a new ANR (group 00).
    let a = entered_and_requested(
        &app,
        &hr,
        physician_form("Lange", "Lea", "1994-06-06", "female", "2020-11-01"),
    )
    .await;
    let a_id = a.id;
    let a_anr = a.form.anr.expect("A's issued ANR");
    assert!(a_anr.ends_with("00"), "{a_anr}");
    // Hospital B types A's number into its own record and saves a first specialty.
    let other = app.second_hospital().await;
    let mut form = physician_form("Kurz", "Kai", "1990-01-01", "male", "2016-10-01");
    form["sites"][0]["site_number"] = json!("773081000");
    form["anr"] = json!(a_anr);
    let b = app.physician(&other.client, form.clone()).await;
    form["specialties"] = json!([{"date": "2024-05-01", "code": "23"}]);
    let (status, b) = put(&app, &other.client, &b, form).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let b = b.into_done();
    // Nothing regrouped: B's record is not linked to the registry person.
    assert_eq!(b.form.anr.as_deref(), Some(a_anr.as_str()));
    assert_eq!(
        registry_anrs(&app, &office, "Lange").await,
        vec![a_anr.clone()]
    );
    let a_now: PhysicianRecord = app.read(&hr, &format!("/api/v1/physicians/{a_id}")).await;
    assert_eq!(a_now.form.anr.as_deref(), Some(a_anr.as_str()));
    // B's request compares the typed number with the registry: another person, a clarification
    // (no silent number), and B learns nothing about A's physician.
    let b = requested(&app, &other.client, b.id).await;
    assert!(
        matches!(b.request_state, RequestState::Mismatch { .. }),
        "{b:?}"
    );
    assert_eq!(b.form.anr.as_deref(), Some(a_anr.as_str()));
    let inbox: Vec<Clarification> = app.read(&other.client, "/api/v1/clarifications").await;
    assert_eq!(inbox[0].registry_anr, None);
    let fields: Vec<IdentityField> = inbox[0]
        .differences
        .iter()
        .map(|d| {
            assert_eq!(d.registry_value, None);
            d.field
        })
        .collect();
    assert!(fields.contains(&IdentityField::LastName), "{fields:?}");
    // A's own regrouping still works, for A's linked registry person.
    let mut a_form = form_of(&a_now);
    a_form["specialties"] = json!([{"date": "2024-05-01", "code": "01"}]);
    let (status, a_after) = put(&app, &hr, &a_now, a_form).await;
    assert_eq!(status, StatusCode::OK, "{a_after}");
    let regrouped = format!("{}01", &a_anr[..7]);
    assert_eq!(a_after.done().form.anr.as_deref(), Some(regrouped.as_str()));
    assert_eq!(registry_anrs(&app, &office, "Lange").await, [regrouped]);
}

/// The same person in two hospitals, both matched to one registry person: the first
/// recognition saved in one regroups the registry's number and the other hospital's record with
/// it (the stored form too), which then goes on being edited under the new number.
#[tokio::test]
async fn a_regrouping_reaches_the_same_persons_record_in_another_hospital() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let office = as_user(&app, people::OFFICE_CLERK).await;
    let mut form = physician_form("Quast", "Quirin", "1995-05-05", "male", "2021-11-01");
    let a = entered_and_requested(&app, &hr, form.clone()).await;
    let anr = a.form.anr.clone().expect("an issued ANR");
    assert!(anr.ends_with("00"), "{anr}");
    let other = app.second_hospital().await;
    form["sites"][0]["site_number"] = json!("773081000");
    let b = entered_and_requested(&app, &other.client, form).await;
    let b_id = b.id;
    assert_eq!(b.request_state, RequestState::Matched);
    assert_eq!(b.form.anr.as_deref(), Some(anr.as_str()));
    let mut a_form = form_of(&a);
    a_form["specialties"] = json!([{"date": "2024-05-01", "code": "01"}]);
    let (status, a_after) = put(&app, &hr, &a, a_form).await;
    assert_eq!(status, StatusCode::OK, "{a_after}");
    let regrouped = format!("{}01", &anr[..7]);
    assert_eq!(a_after.done().form.anr.as_deref(), Some(regrouped.as_str()));
    assert_eq!(
        registry_anrs(&app, &office, "Quast").await,
        [regrouped.as_str()]
    );
    let b_now: PhysicianRecord = app
        .read(&other.client, &format!("/api/v1/physicians/{b_id}"))
        .await;
    assert_eq!(b_now.form.anr.as_deref(), Some(regrouped.as_str()));
    assert_eq!(b_now.version, b.version + 1);
    let listed: PhysicianList = app.read(&other.client, "/api/v1/physicians").await;
    assert!(
        listed
            .physicians
            .iter()
            .any(|p| p.id == b_id && p.form.anr.as_deref() == Some(regrouped.as_str())),
        "{listed:?}"
    );
    let mut b_form = form_of(&b_now);
    b_form["doctoral_title"] = json!(true);
    b_form["doctorate_date"] = json!("2022-06-01");
    let (status, b_after) = put(&app, &other.client, &b_now, b_form).await;
    assert_eq!(status, StatusCode::OK, "{b_after}");
    assert_eq!(b_after.done().form.anr.as_deref(), Some(regrouped.as_str()));
    assert!(b_after.done().form.doctoral_title);
}

#[tokio::test]
async fn regrouping_happens_after_the_version_check_or_not_at_all() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let office = as_user(&app, people::OFFICE_CLERK).await;
    let rec = app
        .physician(
            &hr,
            physician_form("Brandt", "Bea", "1993-03-03", "female", "2019-11-01"),
        )
        .await;
    let issued = requested(&app, &hr, rec.id).await;
    let anr = issued.form.anr.clone().expect("an issued ANR");
    // A stale version with a first specialty: refused, and the registry is unchanged.
    let mut form = form_of(&issued);
    form["specialties"] = json!([{"date": "2024-05-01", "code": "23"}]);
    let (status, _) = put(&app, &hr, &rec, form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(registry_anrs(&app, &office, "Brandt").await, [anr]);
}

#[tokio::test]
async fn an_entered_anr_is_looked_up_in_the_registry() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    // The right person's known number: matched with it.
    let mut form = physician_form("Schmidt", "Anna", "1980-04-12", "female", "2006-05-02");
    form["anr"] = json!(schmidt_anr(&app).await);
    let rec = entered_and_requested(&app, &hr, form).await;
    assert_eq!(rec.request_state, RequestState::Matched);
    assert_eq!(rec.form.anr, Some(schmidt_anr(&app).await));
    // A number the registry does not know: a field error, no new number.
    let mut form = physician_form("Unbekannt", "Uwe", "1970-07-07", "male", "1997-10-01");
    form["anr"] = json!("838382202");
    let rec = app.physician(&hr, form).await;
    let (status, body) = request_anr(&app, &hr, rec.id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body.refused().fields[0].code, "anr_unknown");
}

#[tokio::test]
async fn one_anr_at_most_once_per_haupt_ik() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let mut form = physician_form("Doppel", "Dora", "1981-01-01", "female", "2008-10-01");
    form["anr"] = json!("838382202");
    app.physician(&hr, form.clone()).await;
    let mut second = physician_form("Zweit", "Zora", "1982-02-02", "female", "2009-10-01");
    second["anr"] = json!("838382202");
    let res = app
        .call(&hr, "POST", "/api/v1/physicians", Some(second.clone()))
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields.len(), 1, "{refused:?}");
    assert_eq!(refused.fields[0].field, "anr");
    assert_eq!(refused.fields[0].code, "anr_taken");
    assert_eq!(
        refused.fields[0].message,
        "Die Arztnummer 838382202 ist bereits bei einem anderen Eintrag dieses Krankenhauses eingetragen."
    );
    // Nor through an update, nor through the CSV import.
    second["anr"] = Value::Null;
    let rec = app.physician(&hr, second.clone()).await;
    let mut with_anr = second.clone();
    with_anr["anr"] = json!("838382202");
    let (status, body) = put(&app, &hr, &rec, with_anr).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Two new rows of one file with the same number.
    let row = |last: &str, first: &str| -> le_domain::directory::PhysicianForm {
        let mut f = physician_form(last, first, "1983-03-03", "female", "2010-10-01");
        f["anr"] = json!("754236701");
        serde_json::from_value(f).unwrap()
    };
    let csv = le_domain::directory::write_hr_csv(&[row("Dritt", "Dana"), row("Viert", "Vera")]);
    let report: HrImportReport = app
        .post(&hr, "/api/v1/physicians/import", json!({"csv": csv}))
        .await;
    assert!(!report.applied);
    assert_eq!(report.rows[0].outcome, RowOutcome::Create);
    assert_eq!(report.rows[1].errors[0].code, "anr_taken");
    // Another hospital may carry the same number (the same physician works there too).
    let other = app.second_hospital().await;
    let mut theirs = physician_form("Doppel", "Dora", "1981-01-01", "female", "2008-10-01");
    theirs["sites"][0]["site_number"] = json!("773081000");
    theirs["anr"] = json!("838382202");
    app.physician(&other.client, theirs).await;
    // The database holds the rule too.
    let res = le_server::on_db!(&app.state.database, pool => sqlx::query(
        "INSERT INTO physicians (main_ik, version, form, request_state, anr, last_name_norm, first_name_norm, created_at, updated_at) \
         VALUES ('260326822', 1, '{}', '{\"state\":\"not_requested\"}', '838382202', 'x', 'y', 0, 0)",
    )
    .execute(pool)
    .await
    .map(|_| ()));
    assert!(res.is_err());
}

#[tokio::test]
async fn no_write_path_changes_an_issued_anr() {
    let app = demo().await;
    let admin = as_user(&app, people::HOSPITAL_ADMIN).await;
    let issued = entered_and_requested(
        &app,
        &admin,
        physician_form("Fest", "Frida", "1988-08-08", "female", "2014-10-01"),
    )
    .await;
    let id = issued.id;
    let anr = issued.form.anr.clone().expect("an issued ANR");
    // The form / REST.
    for other in [json!("754236701"), Value::Null, json!("")] {
        let mut form = form_of(&issued);
        form["anr"] = other;
        let (status, body) = put(&app, &admin, &issued, form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body.refused().fields[0].code, "anr_fixed");
    }
    // The HR CSV: a row without the number (or with another) matched by name and birth date.
    let export = export_csv(&app, &admin, id).await;
    for replacement in ["", "754236701"] {
        let csv = export.replace(&anr, replacement);
        let report: HrImportReport = app
            .post(&admin, "/api/v1/physicians/import", json!({"csv": csv}))
            .await;
        assert!(!report.applied, "{report:?}");
        assert_eq!(report.rows[0].errors[0].code, "anr_fixed", "{report:?}");
    }
    // A bulk edit changes other fields and keeps the number.
    let applied: BulkApplied = app
        .post(
            &admin,
            "/api/v1/physicians/bulk/apply",
            json!({"items": [{"id": id, "version": issued.version}],
            "action": {"action": "set_field", "field": "last_name", "value": "Fester"}}),
        )
        .await;
    assert_eq!(
        applied.physicians[0].form.anr.as_deref(),
        Some(anr.as_str())
    );
    // The number is unchanged everywhere.
    let now: PhysicianRecord = app.read(&admin, &format!("/api/v1/physicians/{id}")).await;
    assert_eq!(now.form.anr.as_deref(), Some(anr.as_str()));
    assert_eq!(now.request_state, RequestState::Issued);
    // The HR CSV regroups like the form: a first recognition replaces the in-training group.
    let export = export_csv(&app, &admin, id).await;
    assert!(anr.ends_with("00"), "{anr}");
    let csv = export.replacen(";;773686000:", ";23:01.05.2024;773686000:", 1);
    let report: HrImportReport = app
        .post(&admin, "/api/v1/physicians/import", json!({"csv": csv}))
        .await;
    assert!(report.applied, "{report:?}");
    let now: PhysicianRecord = app.read(&admin, &format!("/api/v1/physicians/{id}")).await;
    let regrouped = format!("{}23", &anr[..7]);
    assert_eq!(now.form.anr.as_deref(), Some(regrouped.as_str()));
    let office = as_user(&app, people::OFFICE_CLERK).await;
    assert_eq!(registry_anrs(&app, &office, "Fest").await, [regrouped]);
}

/// Registers a hospital with IK 260326833 under the demo hospital's Haupt-IK 260326822.
async fn register_under_shared_main_ik(app: &TestApp) {
    let mut form = crate::helpers::hospital_form("260326833", "admin.zweit");
    form["main_ik"] = json!("260326822");
    let res = app.register(&form, Some(("vereinbarung.pdf", PDF))).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_second_institution_under_a_haupt_ik_needs_a_decision_and_a_confirmation() {
    let app = demo().await;
    register_under_shared_main_ik(&app).await;
    let md = as_user(&app, people::MD_ADMIN).await;
    let list: Vec<RegistrationSummary> = app
        .read(&md, "/api/v1/admin/registrations?state=pending")
        .await;
    let reg = list
        .iter()
        .find(|r| r.ik == "260326833")
        .expect("the pending registration");
    // The approval screen names who already uses the Haupt-IK.
    assert_eq!(reg.same_main_ik[0].ik, "260326822");
    assert_eq!(
        reg.same_main_ik[0].name,
        "Klinikum Leineufer Hannover (Demo)"
    );
    let id = reg.id;
    let uri = format!("/api/v1/admin/registrations/{id}/approve");
    // Approving needs the explicit decision.
    let res = app.call(&md, "POST", &uri, None).await;
    assert_eq!(
        refusal(res, StatusCode::CONFLICT).await.code,
        "shared_main_ik"
    );
    let letter = app
        .approve(&md, id, Some(json!({"confirm_shared_main_ik": true})))
        .await;
    let detail: String = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'registration_approved' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(
        detail.contains("gemeinsamer Haupt-IK 260326822"),
        "{detail}"
    );
    // The new institution's admin signs in and sees nothing of the Haupt-IK yet.
    let (_, client, _) = app
        .sign_in(
            "admin.zweit",
            &letter.one_time_password,
            Some(&app.code(&letter.totp_secret)),
        )
        .await;
    app.new_password(&client, "Sicheres Passwort Zweit").await;
    app.next_step();
    let res = app.call(&client, "GET", "/api/v1/physicians", None).await;
    assert_eq!(
        refusal(res, StatusCode::FORBIDDEN).await.code,
        "main_ik_unconfirmed"
    );
    let res = app
        .call(&client, "GET", "/api/v1/clarifications", None)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let cases: CaseList = app.read(&client, "/api/v1/audits/cases").await;
    assert_eq!(cases.cases, [], "{cases:?}");
    // It cannot confirm itself.
    let res = app
        .call(&client, "GET", "/api/v1/main-ik/requests", None)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The existing institution's admin sees the request and confirms it.
    let admin = as_user(&app, people::HOSPITAL_ADMIN).await;
    let requests: Vec<MainIkRequest> = app.read(&admin, "/api/v1/main-ik/requests").await;
    assert_eq!(requests[0].institution.ik, "260326833");
    let new_id = requests[0].institution.id;
    // Its other users cannot.
    let hr = as_user(&app, people::HR_EDITOR).await;
    assert_eq!(
        app.status(
            &hr,
            "POST",
            &format!("/api/v1/main-ik/requests/{new_id}/confirm")
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let res = app
        .call(
            &admin,
            "POST",
            &format!("/api/v1/main-ik/requests/{new_id}/confirm"),
            None,
        )
        .await;
    let left: Vec<MainIkRequest> = typed(res, StatusCode::OK).await;
    assert_eq!(left, []);
    let list: PhysicianList = app.read(&client, "/api/v1/physicians").await;
    assert_eq!(list.physicians.len(), 40);
    let cases: CaseList = app.read(&client, "/api/v1/audits/cases").await;
    assert!(!cases.cases.is_empty());
    let actions: Vec<String> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action = 'main_ik_access_confirmed'",
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(actions.len(), 1);
}

#[tokio::test]
async fn all_sites_has_a_period_and_ends_at_month_end() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let mut form = physician_form("Alle", "Alma", "1979-09-09", "female", "2005-10-01");
    form["sites"] = json!([]);
    form["all_sites"] = json!(true);
    let res = app
        .call(&hr, "POST", "/api/v1/physicians", Some(form.clone()))
        .await;
    assert_eq!(refused_fields(res).await, ["all_sites_start"]);
    form["all_sites_start"] = json!("2023-04-01");
    let rec = app.physician(&hr, form).await;
    // "Leaving at month end" ends it like any assignment.
    let applied: BulkApplied = app
        .post(
            &hr,
            "/api/v1/physicians/bulk/apply",
            json!({"items": [{"id": rec.id, "version": rec.version}],
            "action": {"action": "end_site_assignment", "site_number": null, "end": "2027-01-31"}}),
        )
        .await;
    assert_eq!(applied.changed, 1, "{applied:?}");
    assert_eq!(
        applied.physicians[0].form.all_sites_end,
        Some(iso("2027-01-31"))
    );
    // A hospital without any listed site cannot choose "all sites" (IK 260400015 has no site in
    // the directory file).
    let lonely = app.approved_hospital("260400015", "admin.ohne").await;
    let mut form = physician_form("Ohne", "Otto", "1979-09-09", "male", "2005-10-01");
    form["sites"] = json!([]);
    form["all_sites"] = json!(true);
    form["all_sites_start"] = json!("2023-04-01");
    let res = app
        .call(&lonely.client, "POST", "/api/v1/physicians", Some(form))
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "no_sites_listed");
}

#[tokio::test]
async fn assignments_at_a_removed_site_can_be_ended_but_not_added() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    let office = as_user(&app, people::OFFICE_CLERK).await;
    // The weekly import drops 773687000 (the demo has physicians there).
    let csv: String = le_server::demo::DEMO_SITES
        .lines()
        .filter(|l| !l.starts_with("773687000"))
        .collect::<Vec<_>>()
        .join("\n");
    let report: SiteImportReport = app
        .post(&office, "/api/v1/office/sites/import", json!({"csv": csv}))
        .await;
    assert_eq!(report.removed, ["773687000"]);
    // The hospital's site list names it as removed.
    let sites: SiteList = app.read(&hr, "/api/v1/sites").await;
    let removed = le_domain::SiteNumber::parse("773687000").unwrap();
    assert_eq!(sites.removed[0].site_number, removed);
    assert!(sites.sites.iter().all(|s| s.site_number != removed));
    let list: PhysicianList = app.read(&hr, "/api/v1/physicians").await;
    let there = list
        .physicians
        .iter()
        .find(|p| p.form.sites[0].site_number == "773687000" && p.form.sites[0].end.is_none())
        .expect("a physician still at the removed site");
    // Ending that assignment works.
    let mut ended = form_of(there);
    ended["sites"][0]["end"] = json!("2027-01-31");
    let (status, saved) = put(&app, &hr, there, ended).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let saved = saved.into_done();
    // Reopening it or a new assignment there does not.
    let mut reopened = form_of(&saved);
    reopened["sites"][0]["end"] = Value::Null;
    let (status, body) = put(&app, &hr, &saved, reopened).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body.refused().fields[0].code, "site_removed");
    let mut form = physician_form("Neu", "Nora", "1991-01-01", "female", "2017-10-01");
    form["sites"][0]["site_number"] = json!("773687000");
    let res = app
        .call(&hr, "POST", "/api/v1/physicians", Some(form))
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "site_removed");
    // Everyone still there leaves at month end in one bulk edit.
    let items: Vec<Value> = list
        .physicians
        .iter()
        .filter(|p| p.form.sites[0].site_number == "773687000" && p.id != there.id)
        .map(|p| json!({"id": p.id, "version": p.version}))
        .collect();
    assert!(!items.is_empty());
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/apply",
            Some(json!({"items": items, "action": {"action": "end_site_assignment", "site_number": "773687000", "end": "2027-01-31"}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The site's validity bounds new assignments: 773686000 starts being valid later than this.
    let entry: String = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT entry FROM sites WHERE site_number = '773686000'",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let entry: Value = serde_json::from_str(&entry).unwrap();
    let valid_from = entry["valid_from"].as_str().unwrap();
    let before = le_domain::directory::Date::parse_iso(valid_from)
        .unwrap()
        .add_days(-1);
    let mut early = physician_form("Frueh", "Fritz", "1960-01-01", "male", "1986-10-01");
    early["sites"][0]["start"] = json!(before.to_iso());
    let res = app
        .call(&hr, "POST", "/api/v1/physicians", Some(early))
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "sites[0].start");
}

#[tokio::test]
async fn a_hire_can_start_on_the_first_of_next_month() {
    let app = demo().await;
    let hr = as_user(&app, people::HR_EDITOR).await;
    // Today is 15.01.2027.
    let mut form = physician_form("Bald", "Ben", "1992-02-02", "male", "2018-10-01");
    form["sites"][0]["start"] = json!("2027-02-01");
    let record = app.physician(&hr, form.clone()).await;
    assert_eq!(record.form.sites[0].start, Some(iso("2027-02-01")));
    form["sites"][0]["start"] = json!("2028-02-01");
    let res = app
        .call(&hr, "POST", "/api/v1/physicians", Some(form))
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "date_too_far_ahead");
    // Not active yet today, from its first day on.
    assert!(!record.form.is_active_on(iso("2027-01-15")));
    assert!(record.form.is_active_on(iso("2027-02-01")));
}

/// Migration 0007 runs on a database that already holds duplicate ANRs in one hospital.
#[tokio::test]
async fn migration_0007_cleans_duplicate_anrs_and_keeps_them_for_review() {
    use sqlx::Executor as _;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files
        .iter()
        .filter(|f| !f.ends_with("0007_directory_integrity.sql"))
    {
        pool.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(
            std::fs::read_to_string(file).unwrap(),
        )))
        .await
        .unwrap();
    }
    let insert = |anr: &'static str, state: &'static str| {
        format!(
            "INSERT INTO physicians (main_ik, version, form, request_state, anr, last_name_norm, first_name_norm, created_at, updated_at) \
             VALUES ('260326822', 1, '{{\"anr\":\"{anr}\",\"last_name\":\"X\"}}', '{{\"state\":\"{state}\"}}', '{anr}', 'x', 'y', 0, 0)"
        )
    };
    pool.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO registry_persons (anr, lifelong_id, last_name, first_name, birth_date, sex, last_name_norm, first_name_norm, source, created_at) \
         VALUES ('838382202', 838382, 'X', 'Y', '1980-01-01', 'female', 'x', 'y', 'test', 0);
         {}; {}; {}; {};",
        insert("838382202", "not_requested"),
        insert("838382202", "issued"),
        insert("838382202", "not_requested"),
        insert("754236701", "not_requested"),
    ))))
    .await
    .unwrap();
    pool.execute(sqlx::raw_sql(include_str!(
        "../../migrations/0007_directory_integrity.sql"
    )))
    .await
    .unwrap();
    type Row = (i64, Option<String>, Option<String>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, anr, json_extract(form, '$.anr'), registry_lifelong_id FROM physicians ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // The registry-linked record keeps the number; the others lose it, recorded for review.
    assert_eq!(
        rows,
        [
            (1, None, None, None),
            (
                2,
                Some("838382202".into()),
                Some("838382202".into()),
                Some(838382)
            ),
            (3, None, None, None),
            (4, Some("754236701".into()), Some("754236701".into()), None),
        ]
    );
    let cleared: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT physician_id, anr, kept_by_id FROM physician_anr_cleared ORDER BY physician_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        cleared,
        [(1, "838382202".into(), 2), (3, "838382202".into(), 2)]
    );
}
