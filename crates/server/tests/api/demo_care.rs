//! The kiosk's care billing history and the demo signing key: the operator's demo certificate,
//! three test deliveries sealed with the demo key (one sent and answered with an error return,
//! its correction, one not sent), the key offered in demo mode only.
use axum::http::StatusCode;
use le_care_seal::{SigningIdentity, parse_certificate_list, recipients_of};
use le_domain::api::care_billing::Delivery;
use le_domain::api::demo::DEMO_CARE_KEY_PASSWORD;

use crate::helpers::{TestApp, as_user, body_bytes, people, typed};

/// A kiosk on SQLite, started up (base seed, tour, snapshot).
async fn kiosk() -> TestApp {
    let app = TestApp::with_config(|c| {
        c.kiosk = true;
        c.database_url = None;
    })
    .await;
    le_server::start_up(&app.state).await.unwrap();
    app
}

#[tokio::test]
async fn the_kiosk_care_service_has_test_deliveries_sealed_with_the_demo_key() {
    let app = kiosk().await;
    let clerk = as_user(&app, people::CARE_CLERK).await;
    let mut deliveries: Vec<Delivery> = typed(
        app.call(&clerk, "GET", "/api/v1/care/deliveries", None)
            .await,
        StatusCode::OK,
    )
    .await;
    deliveries.sort_by_key(|d| d.id);
    let numbers: Vec<u16> = deliveries.iter().map(|d| d.transfer_number).collect();
    assert_eq!(numbers, [1, 2, 3], "{deliveries:?}");
    assert!(
        deliveries
            .iter()
            .all(|d| d.payload_file_name.starts_with("TPFL"))
    );
    let (first, correction, open) = (&deliveries[0], &deliveries[1], &deliveries[2]);
    assert!(first.sent_at.is_some(), "{first:?}");
    assert_eq!(
        first.error_return.as_ref().map(|e| e.error_number),
        Some(1021)
    );
    assert_eq!(correction.correction_of, Some(first.id));
    assert!(
        open.sent_at.is_none() && open.error_return.is_none(),
        "{open:?}"
    );
    assert!(
        open.month > first.month,
        "{} after {}",
        open.month,
        first.month
    );

    // Each payload is in the file store, encrypted for the imported demo certificate.
    let recipient = parse_certificate_list(le_server::demo::care::DEMO_RECIPIENT_PEM)
        .unwrap()
        .remove(0);
    for delivery in &deliveries {
        let res = app
            .call(
                &clerk,
                "GET",
                &format!("/api/v1/care/deliveries/{}/payload", delivery.id),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = body_bytes(res).await;
        assert_eq!(bytes.len() as u64, delivery.transfer_size);
        let ids = recipients_of(&bytes).unwrap();
        assert!(
            ids.iter().any(|r| r.serial == recipient.info().serial),
            "{ids:?}"
        );
    }
}

#[tokio::test]
async fn the_demo_key_is_offered_in_demo_mode_only_and_opens_with_its_password() {
    let real = TestApp::new().await;
    assert_eq!(
        real.get("/api/v1/demo/care-key").await.status(),
        StatusCode::NOT_FOUND
    );
    let demo = TestApp::with_config(|c| c.demo = true).await;
    let res = demo.get("/api/v1/demo/care-key").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/x-pkcs12");
    let p12 = body_bytes(res).await;
    let identity = SigningIdentity::from_pkcs12(&p12, DEMO_CARE_KEY_PASSWORD).unwrap();
    assert_eq!(
        identity.certificate().info().ik.as_deref(),
        Some("460512349")
    );
}
