//! Typed client of the care billing API: one function per endpoint. Deliveries go up as the
//! sealed bytes (signed and encrypted in this browser) with their description in the query.
use gloo_net::http::Request;
use le_domain::api::care_billing::{
    CareSetup, CertificateImportReport, Delivery, DeliveryRequest, ErrorReturnRequest, NewBranch,
    RecipientCertificate, RecipientCertificateFile, SetupRequest, StaffImportReport,
    StaffImportRequest, StaffMember,
};

use super::access::encode;
use super::{ApiFailure, mutating, send_json};

/// `GET /api/v1/care/setup`
pub async fn setup() -> Result<CareSetup, ApiFailure> {
    send_json(Request::get("/api/v1/care/setup").build()).await
}

/// `PUT /api/v1/care/setup` (admin)
pub async fn save_setup(csrf: &str, req: &SetupRequest) -> Result<CareSetup, ApiFailure> {
    send_json(mutating(Request::put("/api/v1/care/setup"), Some(csrf)).json(req)).await
}

/// `POST /api/v1/care/branches` (admin)
pub async fn add_branch(csrf: &str, req: &NewBranch) -> Result<CareSetup, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/care/branches"), Some(csrf)).json(req)).await
}

/// `DELETE /api/v1/care/branches/{id}` (admin)
pub async fn remove_branch(csrf: &str, id: i64) -> Result<CareSetup, ApiFailure> {
    let url = format!("/api/v1/care/branches/{id}");
    send_json(mutating(Request::delete(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/care/staff`
pub async fn staff() -> Result<Vec<StaffMember>, ApiFailure> {
    send_json(Request::get("/api/v1/care/staff").build()).await
}

/// `POST /api/v1/care/staff/import` (dry run first, then for real)
pub async fn import_staff(
    csrf: &str,
    req: &StaffImportRequest,
) -> Result<StaffImportReport, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/care/staff/import"), Some(csrf)).json(req)).await
}

/// The query of a delivery's description.
fn delivery_query(req: &DeliveryRequest) -> String {
    let mut q = format!(
        "branch_ik={}&kind={}&month={}&procedure={}&payload_size={}&compressed={}&description={}",
        encode(&req.branch_ik),
        encode(&req.kind),
        encode(&req.month),
        match req.procedure {
            le_domain::care_billing::Procedure::Real => "real",
            le_domain::care_billing::Procedure::Test => "test",
        },
        req.payload_size,
        req.compressed,
        encode(&req.description),
    );
    if let Some(id) = req.correction_of {
        q.push_str(&format!("&correction_of={id}"));
    }
    q
}

/// `POST /api/v1/care/deliveries?…` with the sealed file as the body.
pub async fn create_delivery(
    csrf: &str,
    req: &DeliveryRequest,
    sealed: &[u8],
) -> Result<Delivery, ApiFailure> {
    let url = format!("/api/v1/care/deliveries?{}", delivery_query(req));
    let body = js_sys::Uint8Array::from(sealed);
    send_json(
        mutating(Request::post(&url), Some(csrf))
            .header("Content-Type", "application/pkcs7-mime")
            .body(body),
    )
    .await
}

/// `GET /api/v1/care/deliveries?…` (`query` already encoded)
pub async fn deliveries(query: &str) -> Result<Vec<Delivery>, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/care/deliveries?{query}")).build()).await
}

/// `GET /api/v1/care/deliveries/{id}`
pub async fn delivery(id: i64) -> Result<Delivery, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/care/deliveries/{id}")).build()).await
}

/// `POST /api/v1/care/deliveries/{id}/send`: one mail to the data acceptance point.
pub async fn send_delivery(csrf: &str, id: i64) -> Result<Delivery, ApiFailure> {
    let url = format!("/api/v1/care/deliveries/{id}/send");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `POST /api/v1/care/deliveries/{id}/error-return`
pub async fn record_error_return(
    csrf: &str,
    id: i64,
    req: &ErrorReturnRequest,
) -> Result<Delivery, ApiFailure> {
    let url = format!("/api/v1/care/deliveries/{id}/error-return");
    send_json(mutating(Request::post(&url), Some(csrf)).json(req)).await
}

/// `GET /api/v1/care/recipient-certificate`
pub async fn recipient_certificate() -> Result<RecipientCertificateFile, ApiFailure> {
    send_json(Request::get("/api/v1/care/recipient-certificate").build()).await
}

/// `GET /api/v1/care/certificates` (operator)
pub async fn certificates() -> Result<Vec<RecipientCertificate>, ApiFailure> {
    send_json(Request::get("/api/v1/care/certificates").build()).await
}

/// `POST /api/v1/care/certificates` (operator): the key list file as it is.
pub async fn import_certificates(
    csrf: &str,
    list: &[u8],
) -> Result<CertificateImportReport, ApiFailure> {
    let body = js_sys::Uint8Array::from(list);
    send_json(
        mutating(Request::post("/api/v1/care/certificates"), Some(csrf))
            .header("Content-Type", "application/octet-stream")
            .body(body),
    )
    .await
}
