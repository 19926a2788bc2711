//! The demo care service's billing history: the data acceptance point's demo certificate (as the
//! operator imports it), the care service's demo signing key (a PKCS#12 file that visitors of a
//! demo may load into their browser with one tap; never offered outside demo mode) and a few
//! deliveries in the test procedure, sealed with that key by the product's own sealing code and
//! received by the same handler as the browser's uploads.
use axum::body::Body;
use axum::extract::{Query, State};
use le_care_seal::{SealOptions, SigningIdentity, parse_certificate_list, seal};
use le_domain::api::care_billing::DeliveryRequest;
use le_domain::api::demo::DEMO_CARE_KEY_PASSWORD;
use le_domain::care_billing::Procedure;

use crate::AppState;
use crate::access::session::Actor;
use crate::care_billing::caller::CareCaller;
use crate::care_billing::{certificates, deliveries, store};
use crate::error::AppError;

/// The data acceptance point's demo certificate (`OU=IK109905003`, Nordrhein's physical
/// recipient; its private key was not kept). See `crates/server/demo/README.md`.
pub const DEMO_RECIPIENT_PEM: &[u8] = include_bytes!("../../demo/care-recipient.pem");

/// The demo care service's signing key and certificate (`OU=IK460512349`), password
/// [`DEMO_CARE_KEY_PASSWORD`].
pub const DEMO_KEY_P12: &[u8] = include_bytes!("../../demo/care-demo-key.p12");

pub use le_domain::api::demo::DEMO_CARE_KEY_FILE_NAME as DEMO_KEY_FILE_NAME;

/// A billing file of the demo (the start of an EDIFACT interchange; the portal never reads
/// inside the sealed payload).
fn demo_payload(kind: &str, month: &str) -> Vec<u8> {
    format!(
        "UNA:+.? 'UNB+UNOC:3+460512350:+109905003:+{}:0800+1'UNH+1+PLGA:1:0:0'\
         FKT+01++460512350+109905003'INV+{kind}+{month}'UNT+4+1'UNZ+1+1'",
        month.replace('-', "")
    )
    .into_bytes()
}

/// `YYYY-MM` of the month `back` months before the one `today` is in.
fn month_before(today: le_domain::directory::Date, back: i32) -> String {
    let index = today.year() * 12 + i32::try_from(today.month()).unwrap_or(1) - 1 - back;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The demo care service's clerk, who made the deliveries.
const CLERK: &str = "pflege.abrechnung";

/// The certificate, then three test deliveries of the demo care service's clerk: one sent and
/// answered with an error return, its correction, and one prepared but not sent yet.
pub async fn seed(state: &AppState) -> Result<(), AppError> {
    let Some(institution) =
        crate::access::store::institution_by_ik(&state.database, super::DEMO_CARE_IK).await?
    else {
        return Ok(());
    };
    let institution = &institution;
    let clerk_username = CLERK;
    let now = state.clock.now();
    certificates::store_list(state, DEMO_RECIPIENT_PEM, "Demo-Daten", now).await?;
    let internal =
        |what: &'static str| move |e: le_care_seal::SealError| AppError::internal(what, e);
    let identity = SigningIdentity::from_pkcs12(DEMO_KEY_P12, DEMO_CARE_KEY_PASSWORD)
        .map_err(internal("demo signing key"))?;
    let recipient = parse_certificate_list(DEMO_RECIPIENT_PEM)
        .map_err(internal("demo certificate"))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("demo certificate", "empty list"))?;
    let clerk = crate::access::store::user_by_username(&state.database, clerk_username)
        .await?
        .ok_or_else(|| AppError::internal("demo care clerk", clerk_username))?;
    let caller = CareCaller {
        institution: institution.clone(),
        is_admin: false,
        actor: Actor {
            user_id: Some(clerk.id),
            name: Some(clerk.username.clone()),
            institution_id: Some(institution.id),
            institution_ik: Some(institution.ik.clone()),
            client_addr: "Demo-Daten".to_owned(),
        },
    };
    let today = crate::clock::today(state);
    let earlier = month_before(today, 2);
    let last = month_before(today, 1);
    let deliver = async |kind: &str, month: &str, correction_of: Option<i64>, note: &str| {
        let payload = demo_payload(kind, month);
        let sealed = seal(
            &payload,
            &identity,
            &recipient,
            SealOptions {
                gzip: true,
                now: u64::try_from(now).unwrap_or(0),
            },
        )
        .map_err(internal("demo delivery"))?;
        let request = DeliveryRequest {
            branch_ik: "460512350".to_owned(),
            kind: kind.to_owned(),
            month: month.to_owned(),
            procedure: Procedure::Test,
            payload_size: sealed.payload_size,
            compressed: sealed.compressed,
            correction_of,
            description: note.to_owned(),
        };
        let (_, axum::Json(delivery)) = deliveries::create(
            State(state.clone()),
            caller.clone(),
            Query(request),
            Body::from(sealed.bytes),
        )
        .await?;
        Ok::<i64, AppError>(delivery.id)
    };
    let first = deliver("01", &earlier, None, "Ambulante Pflege").await?;
    store::mark_sent(
        &state.database,
        institution.id,
        first,
        "datenannahme@demo.invalid",
        now,
    )
    .await?;
    store::record_error_return(
        &state.database,
        institution.id,
        first,
        1021,
        3,
        "Demo: Leistungszeitraum fehlt in einer Rechnung.",
        now,
    )
    .await?;
    deliver("01", &earlier, Some(first), "Korrektur Ambulante Pflege").await?;
    deliver("01", &last, None, "Ambulante Pflege").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_before_cross_the_year() {
        let d = |y, m, day| le_domain::directory::Date::from_ymd(y, m, day).expect("date");
        assert_eq!(month_before(d(2027, 1, 15), 1), "2026-12");
        assert_eq!(month_before(d(2027, 1, 15), 2), "2026-11");
        assert_eq!(month_before(d(2026, 12, 1), 1), "2026-11");
        assert_eq!(month_before(d(2026, 3, 31), 3), "2025-12");
    }

    #[test]
    fn the_demo_key_opens_with_its_password_and_is_the_demo_services() {
        let identity =
            SigningIdentity::from_pkcs12(DEMO_KEY_P12, DEMO_CARE_KEY_PASSWORD).expect("demo key");
        assert_eq!(
            identity.certificate().info().ik.as_deref(),
            Some("460512349")
        );
        assert!(SigningIdentity::from_pkcs12(DEMO_KEY_P12, "falsch").is_err());
    }
}
