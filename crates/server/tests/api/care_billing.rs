//! Care billing (§ 105 SGB XI): set-up, deliveries with transfer numbers and order files, error
//! returns and corrections, scoping and the token scope.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use le_care_seal::{RecipientCertificate, SealOptions, SigningIdentity, seal};
use le_domain::api::care_billing::{
    CareSetup, CertificateImportReport, Delivery, RecipientCertificateFile, StaffImportReport,
    StaffMember,
};
use le_domain::care_billing::{Procedure, parse_order_file};
use serde_json::{Value, json};

use crate::helpers::*;

const QUERY: &str =
    "branch_ik=460512349&kind=01&month=2026-10&procedure=test&payload_size=5000&compressed=true";

/// The test data acceptance point's certificate for Nordrhein (IK 109905003; fixtures/README.md).
pub(crate) const RECIPIENT_PEM: &str = include_str!("fixtures/care-recipient.pem");

/// The operator imports the test recipient certificate.
pub(crate) async fn import_recipient(app: &TestApp) {
    let md = as_user(app, people::MD_ADMIN).await;
    let res = post_raw(
        app,
        &md,
        "/api/v1/care/certificates",
        RECIPIENT_PEM.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

fn sender() -> SigningIdentity {
    SigningIdentity::from_pkcs12(include_bytes!("fixtures/care-sender.p12"), "test")
        .expect("fixture key")
}

/// `payload` signed and encrypted for `recipient` by the product's own code.
fn sealed_for(payload: &[u8], recipient: &RecipientCertificate) -> Vec<u8> {
    let now = recipient.info().not_before + 86_400;
    seal(
        payload,
        &sender(),
        recipient,
        SealOptions { gzip: false, now },
    )
    .expect("seal")
    .bytes
}

/// `payload` sealed for the test recipient (as the browser does it).
pub(crate) fn sealed(payload: &[u8]) -> Vec<u8> {
    let recipient = RecipientCertificate::from_pem(RECIPIENT_PEM.as_bytes()).expect("fixture");
    sealed_for(payload, &recipient)
}

/// The demo care service with its routing set-up (Nordrhein) done by its admin, and the
/// recipient's certificate imported by the operator.
async fn set_up() -> (TestApp, Client, Client) {
    let (app, admin, clerk) = set_up_without_certificate().await;
    import_recipient(&app).await;
    (app, admin, clerk)
}

/// [`set_up`] before the operator imported any recipient certificate.
async fn set_up_without_certificate() -> (TestApp, Client, Client) {
    let app = demo().await;
    let admin = as_user(&app, people::CARE_ADMIN).await;
    app.care_set_up(&admin).await;
    let clerk = as_user(&app, people::CARE_CLERK).await;
    (app, admin, clerk)
}

async fn deliver(
    app: &TestApp,
    client: &Client,
    query: &str,
    file: &[u8],
) -> axum::response::Response {
    app.send_raw(
        client,
        "POST",
        &format!("/api/v1/care/deliveries?{query}"),
        "application/pkcs7-mime",
        file.to_vec(),
    )
    .await
}

/// [`deliver`], expecting 201; answers the delivery.
async fn delivered(app: &TestApp, client: &Client, query: &str, file: &[u8]) -> Delivery {
    typed(deliver(app, client, query, file).await, StatusCode::CREATED).await
}

/// `method /api/v1/care/deliveries/{id}{tail}` as `client` (`tail`: "", "/send", …).
async fn on_delivery(
    app: &TestApp,
    client: &Client,
    method: &str,
    id: i64,
    tail: &str,
    json: Option<Value>,
) -> axum::response::Response {
    app.call(
        client,
        method,
        &format!("/api/v1/care/deliveries/{id}{tail}"),
        json,
    )
    .await
}

/// `POST /api/v1/care/staff/import` as `clerk` with `body`, expecting 200; answers the report.
async fn staff_import(app: &TestApp, clerk: &Client, body: Value) -> StaffImportReport {
    app.call_typed(
        clerk,
        "POST",
        "/api/v1/care/staff/import",
        Some(body),
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_set_up_is_the_admins_and_checked_field_by_field() {
    let app = demo().await;
    let admin = as_user(&app, people::CARE_ADMIN).await;
    let res = app
        .call(
            &admin,
            "PUT",
            "/api/v1/care/setup",
            Some(json!({"region": "NRW", "billing_centre_ik": "12345", "sender_email": "x"})),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        ["region", "billing_centre_ik", "sender_email"]
    );
    let clerk = as_user(&app, people::CARE_CLERK).await;
    let res = app
        .call(
            &clerk,
            "PUT",
            "/api/v1/care/setup",
            Some(json!({"region": "Nordrhein", "sender_email": "a@b.example"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let setup: CareSetup = app
        .call_typed(
            &admin,
            "POST",
            "/api/v1/care/branches",
            Some(json!({"ik": "460512349", "name": "Zentrale"})),
            StatusCode::CREATED,
        )
        .await;
    // The demo's own branches (seeded) and the new one.
    let iks: Vec<&str> = setup.branches.iter().map(|b| b.ik.as_str()).collect();
    assert!(iks.contains(&"460512349"), "{iks:?}");
    assert_eq!(setup.regions.len(), 25);
    let res = app
        .call(
            &admin,
            "POST",
            "/api/v1/care/branches",
            Some(json!({"ik": "460512349", "name": "Doppelt"})),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "duplicate");
}

#[tokio::test]
async fn a_delivery_gets_its_transfer_number_and_order_file() {
    let (app, _admin, clerk) = set_up().await;
    // Before the set-up nothing can be delivered: tested on a fresh demo without its set-up.
    let fresh = demo().await;
    le_server::on_db!(&fresh.state.database, pool => sqlx::query("DELETE FROM care_setups")
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
    let fresh_clerk = as_user(&fresh, people::CARE_CLERK).await;
    let res = deliver(&fresh, &fresh_clerk, QUERY, b"verschluesselt").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let encrypted = sealed(&b"Abrechnungsdaten ".repeat(100));
    let delivery = delivered(&app, &clerk, QUERY, &encrypted).await;
    assert_eq!(delivery.transfer_number, 1);
    assert_eq!(delivery.payload_file_name, "TPFL0001");
    assert_eq!(delivery.order_file_name, "TPFL0001.AUF");
    assert_eq!(delivery.transfer_size, encrypted.len() as u64);
    assert_eq!(delivery.paper_receipts, "Abrechnungsstelle Hamburg");
    let id = delivery.id;
    // The order file: 348 bytes that the domain reads back with every field in place.
    let res = on_delivery(&app, &clerk, "GET", id, "/order-file", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("TPFL0001.AUF")
    );
    let bytes = body_bytes(res).await;
    assert_eq!(bytes.len(), 348);
    let order = parse_order_file(&bytes).unwrap();
    assert_eq!(order.procedure, Procedure::Test);
    assert_eq!(order.transfer_number, 1);
    assert_eq!(order.sender_owner.as_str(), "460512349");
    assert_eq!(order.recipient_user.as_str(), "109905003");
    assert_eq!(order.recipient_physical.as_str(), "109905003");
    assert_eq!(order.payload_size, 5000);
    assert_eq!(order.transfer_size, encrypted.len() as u64);
    assert!(order.compressed);
    assert!(!order.correction);
    assert_eq!(order.sender_email, "abrechnung@pflege.example");
    // The encrypted file comes back byte for byte.
    let res = on_delivery(&app, &clerk, "GET", id, "/payload", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_bytes(res).await, encrypted);
    // The detail shows the order file's fields in German.
    let detail: Delivery = app
        .read(&clerk, &format!("/api/v1/care/deliveries/{id}"))
        .await;
    let fields = &detail.order_fields;
    assert_eq!(fields.len(), 37);
    assert_eq!(fields[4].label, "Verfahren");
    assert_eq!(fields[4].value, "TPFL0");

    // An error return out of range is refused field by field (the domain's rule) and records nothing.
    let record_error_return =
        |body: Value| on_delivery(&app, &clerk, "POST", id, "/error-return", Some(body));
    let res = record_error_return(json!({"error_number": 0, "error_action": 1_000_000})).await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        field_codes(&refused),
        [("error_number", "range"), ("error_action", "range")]
    );
    let unchanged: Delivery = app
        .read(&clerk, &format!("/api/v1/care/deliveries/{id}"))
        .await;
    assert_eq!(unchanged.error_return, None);

    // An error return is recorded; a correction delivery follows with the next number.
    let res = record_error_return(
        json!({"error_number": 240, "error_action": 3, "note": "Satz fehlerhaft"}),
    )
    .await;
    let returned: Delivery = typed(res, StatusCode::OK).await;
    assert_eq!(returned.error_return.map(|e| e.error_number), Some(240));
    let correction = delivered(
        &app,
        &clerk,
        &format!("{QUERY}&correction_of={id}"),
        &sealed(b"korrigiert"),
    )
    .await;
    assert_eq!(correction.transfer_number, 2);
    assert_eq!(correction.correction_of, Some(id));
    let errors: Vec<Delivery> = app
        .read(&clerk, "/api/v1/care/deliveries?state=error")
        .await;
    assert_eq!(errors.len(), 1);
    let actions: Vec<String> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'care_%' ORDER BY id",
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(
        actions.contains(&"care_delivery_created".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"care_error_return_recorded".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn refused_kinds_and_unknown_branches_are_field_errors() {
    let (app, _admin, clerk) = set_up().await;
    let res = deliver(
        &app,
        &clerk,
        "branch_ik=460512349&kind=06&month=2026-10&procedure=real&payload_size=5",
        b"x",
    )
    .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].field, "kind");
    assert!(
        refused.fields[0].message.contains("§ 302 SGB V"),
        "{refused:?}"
    );
    let res = deliver(
        &app,
        &clerk,
        "branch_ik=261101015&kind=01&month=2026-13&procedure=real&payload_size=5",
        b"x",
    )
    .await;
    assert_eq!(refused_fields(res).await, ["month", "branch_ik"]);
    // Nothing was numbered or stored.
    let count: i64 = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM care_deliveries",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_file_for_an_unknown_or_expired_recipient_certificate_is_refused() {
    let (app, _admin, clerk) = set_up().await;
    let count = || async {
        le_server::on_db!(&app.state.database, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM care_deliveries",
        )
        .fetch_one(pool)
        .await)
        .unwrap()
    };
    // Not a CMS envelope at all.
    let res = deliver(&app, &clerk, QUERY, b"verschluesselt").await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(field_codes(&refused), [("file", "not_enveloped")]);
    // Encrypted for a certificate the operator never imported (here: the sender's own).
    let foreign = sender().certificate().clone();
    let res = deliver(&app, &clerk, QUERY, &sealed_for(b"Daten", &foreign)).await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        field_codes(&refused),
        [("recipient_certificate", "certificate_unknown")]
    );
    let message = &refused.fields[0].message;
    assert!(
        message.contains("nicht eingespielt") && message.contains("IK 109905003"),
        "{message}"
    );
    // The imported certificate, expired since the file was sealed.
    let file = sealed(b"Daten");
    let expired = {
        use le_server::clock::Clock as _;
        app.clock.now() - 86_400
    };
    le_server::on_db!(&app.state.database, pool => sqlx::query(
        "UPDATE care_recipient_certificates SET not_after = $1",
    )
    .bind(expired)
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    let res = deliver(&app, &clerk, QUERY, &file).await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        field_codes(&refused),
        [("recipient_certificate", "certificate_expired")]
    );
    assert!(
        refused.fields[0].message.contains("abgelaufen"),
        "{refused:?}"
    );
    // Nothing was numbered or stored, and no upload is left behind.
    assert_eq!(count().await, 0);
    let left: Vec<_> = std::fs::read_dir(app.state.config.data_dir.join("care/deliveries"))
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_deliveries_get_every_number_once_without_gaps() {
    let (app, _admin, clerk) = set_up().await;
    let file = sealed(&[7; 1000]);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let router = app.router.clone();
        let clerk = clerk.clone();
        let file = file.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt as _;
            let req = session_request(&clerk, "POST", &format!("/api/v1/care/deliveries?{QUERY}"))
                .body(Body::from(file))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            typed::<Delivery>(res, StatusCode::CREATED)
                .await
                .transfer_number
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=20).collect::<Vec<u16>>());
}

#[tokio::test]
async fn another_care_service_sees_nothing_and_tokens_need_their_scope() {
    let (app, admin, clerk) = set_up().await;
    let id = delivered(&app, &clerk, QUERY, &sealed(b"eins")).await.id;
    // The delivery moves to another care service: for this one it no longer exists.
    le_server::on_db!(&app.state.database, pool => {
        sqlx::query(
            "INSERT INTO institutions (ik, kind, name, street, postal_code, city, created_at) \
             VALUES ('461101014', 'care_service', 'Anderer Dienst', 'Weg 1', '10115', 'Berlin', 0)",
        )
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE care_deliveries SET institution_id = \
             (SELECT id FROM institutions WHERE ik = '461101014')",
        )
        .execute(pool)
        .await
        .unwrap();
    });
    for tail in ["", "/order-file", "/payload"] {
        let res = on_delivery(&app, &clerk, "GET", id, tail, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{tail}");
    }
    let list: Vec<Delivery> = app.read(&clerk, "/api/v1/care/deliveries").await;
    assert_eq!(list, []);

    // Billing software with a `care_billing` token delivers; other scopes are refused.
    let token = app
        .api_token(&admin, "Abrechnungssoftware", &["care_billing"])
        .await;
    let res = app
        .send(
            Request::post(format!("/api/v1/care/deliveries?{QUERY}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(sealed(b"per Token")))
                .unwrap(),
        )
        .await;
    assert_eq!(
        typed::<Delivery>(res, StatusCode::CREATED)
            .await
            .transfer_number,
        2
    );
    let res = app
        .call(
            &admin,
            "POST",
            "/api/v1/api-tokens",
            Some(json!({"name": "KIS", "scopes": ["audits"]})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "care services grant only care_billing"
    );
}

#[tokio::test]
async fn a_delivery_is_mailed_once_with_both_files() {
    let sink = SmtpSink::start();
    let app = demo_with_mail(&sink, |c| {
        c.care_mail_to = Some("datenannahme@annahme.example".to_owned());
    })
    .await;
    let admin = as_user(&app, people::CARE_ADMIN).await;
    app.care_set_up(&admin).await;
    import_recipient(&app).await;
    let encrypted = sealed(&(0..=255u8).cycle().take(70_000).collect::<Vec<u8>>());
    let id = delivered(&app, &admin, QUERY, &encrypted).await.id;
    let order = body_bytes(on_delivery(&app, &admin, "GET", id, "/order-file", None).await).await;
    let res = on_delivery(&app, &admin, "POST", id, "/send", None).await;
    let sent: Delivery = typed(res, StatusCode::OK).await;
    assert_eq!(
        sent.sent_to.as_deref(),
        Some("datenannahme@annahme.example")
    );
    assert!(sent.sent_at.is_some());
    let mail = sink.mail(1).await;
    let envelope = std::fs::read_to_string(mail.with_extension("envelope")).unwrap();
    assert_eq!(
        envelope.lines().collect::<Vec<_>>(),
        ["le-portal@portal.example", "datenannahme@annahme.example"]
    );
    let attachment = |name: &str| {
        std::fs::read(format!("{}-{name}", mail.display()))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(attachment("TPFL0001"), encrypted);
    assert_eq!(attachment("TPFL0001.AUF"), order);
    let eml = std::fs::read_to_string(mail.with_extension("eml")).unwrap();
    assert!(
        eml.contains("Subject: TPFL0001.AUF TPFL0001 IK 460512349"),
        "{eml}"
    );
    // Once only.
    let res = on_delivery(&app, &admin, "POST", id, "/send", None).await;
    assert_eq!(
        refusal(res, StatusCode::CONFLICT).await.code,
        "already_sent"
    );
    // Without a configured mail server the answer says to use a data carrier.
    let (plain, _, clerk) = set_up().await;
    let id = delivered(&plain, &clerk, QUERY, &sealed(b"x")).await.id;
    let res = on_delivery(&plain, &clerk, "POST", id, "/send", None).await;
    assert_eq!(
        refusal(res, StatusCode::CONFLICT).await.code,
        "mail_not_configured"
    );
    let detail: Delivery = plain
        .read(&clerk, &format!("/api/v1/care/deliveries/{id}"))
        .await;
    assert!(
        detail
            .data_carrier
            .contains("Postfach 10 04 53, 45004 Essen"),
        "{detail:?}"
    );
}

/// With object storage (a real `moto`), a delivery's file goes to the bucket, not the data
/// directory: downloaded whole and by byte range, and mailed from there.
#[tokio::test]
async fn deliveries_live_in_object_storage_when_it_is_configured() {
    let moto = crate::moto::Moto::start();
    let sink = SmtpSink::start();
    let storage = moto.config();
    let app = demo_with_mail(&sink, |c| {
        c.care_mail_to = Some("datenannahme@annahme.example".to_owned());
        c.storage = storage;
    })
    .await;
    let clerk = as_user(&app, people::CARE_ADMIN).await;
    app.care_set_up(&clerk).await;
    import_recipient(&app).await;
    let encrypted = sealed(&(0..=255u8).cycle().take(200_000).collect::<Vec<u8>>());
    let id = delivered(&app, &clerk, QUERY, &encrypted).await.id;
    assert!(
        !app.data_dir().join("care/deliveries").exists(),
        "nothing in the data directory"
    );
    let whole = body_bytes(on_delivery(&app, &clerk, "GET", id, "/payload", None).await).await;
    assert_eq!(whole, encrypted);
    let req = session_request(
        &clerk,
        "GET",
        &format!("/api/v1/care/deliveries/{id}/payload"),
    )
    .header(header::RANGE, "bytes=1000-")
    .body(Body::empty())
    .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(body_bytes(res).await, encrypted[1000..]);
    let sent: Delivery = typed(
        on_delivery(&app, &clerk, "POST", id, "/send", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(sent.sent_at.is_some());
    let mail = sink.mail(1).await;
    assert_eq!(
        std::fs::read(format!("{}-TPFL0001", mail.display())).unwrap(),
        encrypted
    );
}

#[tokio::test]
async fn staff_with_numbers_and_reasons_by_form_and_csv() {
    let (app, _admin, clerk) = set_up().await;
    let karla = json!({"last_name": "Kranz", "first_name": "Karla", "lbnr": "123456789", "requires_lbnr": true});
    let karla: StaffMember = app
        .call_typed(
            &clerk,
            "POST",
            "/api/v1/care/staff",
            Some(karla),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(karla.form.lbnr, "123456789");
    let id = karla.id;
    // The same LBNR for a second person is a field error.
    let res = app
        .call(
            &clerk,
            "POST",
            "/api/v1/care/staff",
            Some(json!({"last_name": "Zwei", "first_name": "Zora", "lbnr": "123456789"})),
        )
        .await;
    let refused = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields[0].code, "duplicate");
    // A substitute number needs its reason.
    let res = app
        .call(
            &clerk,
            "PUT",
            &format!("/api/v1/care/staff/{id}"),
            Some(json!({"last_name": "Kranz", "first_name": "Karla", "lbnr": "999999998", "requires_lbnr": true})),
        )
        .await;
    assert_eq!(refused_fields(res).await, ["reason"]);
    // CSV: one bad line stores nothing; fixed, all lines are stored.
    let csv =
        "Nachname;Vorname;LBNR;Grund;Pflichtig\r\nBerg;Bodo;;;ja\r\nLenz;Lea;987654321;;ja\r\n";
    let report = staff_import(&app, &clerk, json!({"csv": csv})).await;
    assert!(!report.applied);
    assert_eq!(report.errors[0].line, 2);
    assert_eq!(report.errors[0].field, "lbnr");
    let csv = csv.replace("Berg;Bodo;;;ja", "Berg;Bodo;999999999;Leiharbeit;ja");
    let report = staff_import(&app, &clerk, json!({"csv": csv, "dry_run": true})).await;
    assert!(!report.applied);
    let report = staff_import(&app, &clerk, json!({"csv": csv})).await;
    assert_eq!((report.applied, report.added), (true, 2));
    let staff: Vec<StaffMember> = app.read(&clerk, "/api/v1/care/staff").await;
    let names: Vec<&str> = staff.iter().map(|s| s.form.last_name.as_str()).collect();
    // Adler and Winter are the demo's own staff.
    assert_eq!(names, ["Adler", "Berg", "Kranz", "Lenz", "Winter"]);
    assert!(staff[1].number_label.contains("Leiharbeit"));
}

/// A taken number does not end the check of a file: every line is checked in the one
/// transaction (on PostgreSQL the refused insert must not abort it), each taken number is named
/// by its line, and nothing is stored.
#[tokio::test]
async fn a_csv_names_every_taken_number_by_line_and_stores_nothing() {
    let (app, _admin, clerk) = set_up().await;
    let before: Vec<StaffMember> = app.read(&clerk, "/api/v1/care/staff").await;
    // Line 2 takes the demo's Adler's number; lines 4 and 5 share one; line 3 is right.
    let csv = "Nachname;Vorname;LBNR;Grund;Pflichtig\r\nAst;Alma;100000017;;ja\r\n\
               Berg;Bodo;987654321;;ja\r\nCorn;Cleo;123456789;;ja\r\nDorn;Dana;123456789;;ja\r\n";
    let report = staff_import(&app, &clerk, json!({"csv": csv})).await;
    assert!(!report.applied, "{report:?}");
    assert_eq!(report.added, 0);
    let errors: Vec<(usize, &str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(errors, [(2, "lbnr", "duplicate"), (5, "lbnr", "duplicate")]);
    let after: Vec<StaffMember> = app.read(&clerk, "/api/v1/care/staff").await;
    assert_eq!(after, before);
}

/// Posts `body` as it is (a key list file) with the client's session.
async fn post_raw(
    app: &TestApp,
    client: &Client,
    uri: &str,
    body: Vec<u8>,
) -> axum::response::Response {
    app.send_raw(client, "POST", uri, "application/octet-stream", body)
        .await
}

/// A self-signed certificate made by the `openssl` command line, PEM; `None` without openssl.
fn openssl_certificate(
    dir: &std::path::Path,
    name: &str,
    subject: &str,
    days: &str,
) -> Option<String> {
    let out = std::process::Command::new("openssl")
        .current_dir(dir)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-subj",
            subject,
            "-days",
            days,
        ])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(dir.join(format!("{name}.pem"))).ok()
}

#[tokio::test]
async fn recipient_certificates_are_imported_by_the_operator_and_refused_when_unknown_or_expired() {
    let (app, admin, clerk) = set_up_without_certificate().await;
    let res = app
        .call(&clerk, "GET", "/api/v1/care/recipient-certificate", None)
        .await;
    let refused = refusal(res, StatusCode::CONFLICT).await;
    assert_eq!(refused.code, "certificate_unknown");
    assert!(
        refused
            .message
            .contains("IK 109905003 liegt kein Zertifikat vor"),
        "{refused:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let Some(valid) = openssl_certificate(
        dir.path(),
        "valid",
        "/O=ITSG TrustCenter/OU=IK109905003/CN=Datenannahmestelle",
        "800",
    ) else {
        eprintln!("SKIPPED: the `openssl` command is not installed");
        return;
    };
    // Valid for one day from today: long expired at the test clock's start (2027).
    let expired = openssl_certificate(
        dir.path(),
        "expired",
        "/O=ITSG TrustCenter/OU=IK109905003/CN=Alt",
        "1",
    )
    .unwrap();
    let no_ik = openssl_certificate(dir.path(), "noik", "/CN=Irgendwer", "800").unwrap();

    // Only the operator's administrator imports the list.
    let res = post_raw(
        &app,
        &admin,
        "/api/v1/care/certificates",
        valid.clone().into_bytes(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let md = as_user(&app, people::MD_ADMIN).await;
    let res = post_raw(
        &app,
        &md,
        "/api/v1/care/certificates",
        b"kein Zertifikat".to_vec(),
    )
    .await;
    assert_eq!(refused_fields(res).await, ["file"]);

    // The GKV list form (base64 blocks, blank lines between): the valid one is taken, the
    // expired and the one without IK are refused with their reasons.
    let bare = |pem: &str| {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let list = format!(
        "{}\n\n{}\n\n{}\n",
        bare(&expired),
        bare(&valid),
        bare(&no_ik)
    );
    let res = post_raw(
        &app,
        &md,
        "/api/v1/care/certificates",
        list.clone().into_bytes(),
    )
    .await;
    let report: CertificateImportReport = typed(res, StatusCode::OK).await;
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert_eq!(report.added[0].ik, "109905003");
    let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{report:?}");
    assert!(reasons[0].starts_with("Abgelaufen am"), "{reasons:?}");
    assert!(reasons[1].starts_with("Kein IK"), "{reasons:?}");
    // The same list again changes nothing.
    let res = post_raw(&app, &md, "/api/v1/care/certificates", list.into_bytes()).await;
    let report: CertificateImportReport = typed(res, StatusCode::OK).await;
    assert_eq!(report.added, []);
    assert_eq!(report.unchanged, 1);
    let listed: Vec<le_domain::api::care_billing::RecipientCertificate> =
        app.read(&md, "/api/v1/care/certificates").await;
    assert_eq!(listed.len(), 1);
    let res = app
        .call(&admin, "GET", "/api/v1/care/certificates", None)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let imports: i64 = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'care_certificates_imported'",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(imports, 2);

    // The care service (session or billing software) gets the certificate of its recipient.
    let res = app
        .call(&clerk, "GET", "/api/v1/care/recipient-certificate", None)
        .await;
    let file: RecipientCertificateFile = typed(res, StatusCode::OK).await;
    assert_eq!(file.ik, "109905003");
    let cert = RecipientCertificate::from_pem(file.pem.as_bytes()).unwrap();
    assert_eq!(cert.info().sha256, file.sha256);
    let token = app.api_token(&admin, "Abrechnung", &["care_billing"]).await;
    let app_ref = &app;
    let by_token = |token: String| async move {
        app_ref
            .bearer(&token, "GET", "/api/v1/care/recipient-certificate", None)
            .await
            .status()
    };
    assert_eq!(by_token(token).await, StatusCode::OK);
    // No token of another scope can reach it: a care service cannot even make one (the old
    // `if let Some(token)` branch that expected 403 here never ran).
    let res = app
        .call(
            &admin,
            "POST",
            "/api/v1/api-tokens",
            Some(json!({"name": "Verzeichnis", "scopes": ["directory"]})),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        ["scopes"],
        "care services grant only care_billing"
    );
    // Other institutions' people are not care services.
    let hospital = as_user(&app, people::HOSPITAL_ADMIN).await;
    let res = app
        .call(&hospital, "GET", "/api/v1/care/recipient-certificate", None)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Once the certificate has expired, the delivery cannot be encrypted for it.
    app.clock.advance(3 * 365 * 86_400);
    let clerk = as_user(&app, people::CARE_CLERK).await;
    let res = app
        .call(&clerk, "GET", "/api/v1/care/recipient-certificate", None)
        .await;
    let refused = refusal(res, StatusCode::CONFLICT).await;
    assert_eq!(refused.code, "certificate_expired");
    assert!(refused.message.contains("abgelaufen"), "{refused:?}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_a_care_billing_token_reaches() {
    let app = TestApp::new().await;
    let doc = body_json(app.get("/api/v1/openapi.json").await).await;
    let documented: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/care/"))
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {p}", m.to_uppercase()))
        })
        .collect();
    // The token reaches these (set-up changes and the key list are for people, not tokens).
    let expected: std::collections::BTreeSet<String> = [
        "GET /care/setup",
        "GET /care/staff",
        "POST /care/staff",
        "PUT /care/staff/{id}",
        "POST /care/staff/import",
        "GET /care/recipient-certificate",
        "GET /care/deliveries",
        "POST /care/deliveries",
        "GET /care/deliveries/{id}",
        "GET /care/deliveries/{id}/order-file",
        "GET /care/deliveries/{id}/payload",
        "POST /care/deliveries/{id}/error-return",
        "POST /care/deliveries/{id}/send",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(documented, expected);
}
