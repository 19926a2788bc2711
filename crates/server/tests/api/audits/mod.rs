//! Audit exchange, one file per feature: cases and notices, requests and their deadlines,
//! streamed PDF uploads, who reaches what (hospitals, roles, API tokens), retention, expert
//! reports, inspection lists, structure audits, deadlines by the Berlin calendar and e-mail
//! reminders. The shared set-up is the fixture builder in `helpers.rs`; what only these tests
//! need is here.
mod cases;
mod deadlines;
mod demo_data;
mod inspections;
mod instances;
mod reminders;
mod reports;
mod requests;
mod retention;
mod scoping;
mod structure;
mod uploads;

use std::path::Path;

use axum::body::{Body, Bytes};
use axum::http::{Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use le_domain::api::access::{AuditPage, SessionInfo};
use le_domain::api::audits::{
    CaseDetail, CaseList, CaseState, CaseSummary, Dashboard, Delivery, Inbox, InspectionList,
    Receipt, StoredFile, StructureAudit, StructureList, StructureState, SubmitResult,
};
use le_domain::audits::{CertificateStatus, DeadlineStatus};
use le_domain::directory::Date;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::helpers::{
    Client, DEMO_HOSPITAL as HOSPITAL, DEMO_SITE, START, TestApp, as_user, body_bytes, case_form,
    demo, demo_account, people, refusal, refused_fields, session_request, typed,
};

const DAY: i64 = 86_400;

/// An ISO date ("2027-03-12").
fn iso(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
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

/// `PUT` of raw bytes as the browser's XHR sends a file.
async fn put_pdf(app: &TestApp, client: &Client, uri: &str, bytes: &[u8]) -> Response<Body> {
    app.send_raw(client, "PUT", uri, "application/pdf", bytes.to_vec())
        .await
}

/// A case of the demo hospital with one request received today for one document (uploads
/// need not name it); returns (case id, request id).
async fn case_with_request(app: &TestApp, md: &Client) -> (i64, i64) {
    let (case, request) = app
        .case_with_request(md, json!({"documents": ["discharge_letter"]}))
        .await;
    (case.case.id, request.id)
}

/// `PUT …/requests/{request_id}/files?name={name}` as `client` (`name` URL-encoded), expecting
/// 201; answers the stored file.
async fn upload(
    app: &TestApp,
    client: &Client,
    request_id: i64,
    name: &str,
    bytes: &[u8],
) -> StoredFile {
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name={name}");
    typed(put_pdf(app, client, &uri, bytes).await, StatusCode::CREATED).await
}

/// `POST …/requests/{request_id}/submit` as `clerk`: the files not yet submitted become one
/// delivery.
async fn submit(app: &TestApp, clerk: &Client, request_id: i64) -> Response<Body> {
    app.call(
        clerk,
        "POST",
        &format!("/api/v1/audits/requests/{request_id}/submit"),
        None,
    )
    .await
}

/// The receipt of delivery `delivery_id` as `client` reads it (expecting 200).
async fn receipt(app: &TestApp, client: &Client, delivery_id: i64) -> Receipt {
    app.read(
        client,
        &format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
    )
    .await
}

/// `PUT …/cases/{case_id}/reports?name={name}` as `md`: an expert report sent as the raw body
/// (no content type).
async fn put_report(
    app: &TestApp,
    md: &Client,
    case_id: i64,
    name: &str,
    bytes: impl Into<Body>,
) -> Response<Body> {
    let uri = format!("/api/v1/audits/cases/{case_id}/reports?name={name}");
    app.send(session_request(md, "PUT", &uri).body(bytes.into()).unwrap())
        .await
}

/// `POST /api/v1/audits/cases/{case_id}/close` as `client`.
async fn close_case(app: &TestApp, client: &Client, case_id: i64) -> Response<Body> {
    app.call(
        client,
        "POST",
        &format!("/api/v1/audits/cases/{case_id}/close"),
        None,
    )
    .await
}

/// [`submit`], expecting 201; answers the delivery and the deadline after it.
async fn submitted(app: &TestApp, clerk: &Client, request_id: i64) -> SubmitResult {
    typed(submit(app, clerk, request_id).await, StatusCode::CREATED).await
}

/// Switches the caller's e-mail reminders on or off; answers the status.
async fn set_email_reminders(app: &TestApp, client: &Client, on: bool) -> StatusCode {
    app.call(
        client,
        "PUT",
        "/api/v1/audits/reminder-settings",
        Some(json!({"email_reminders": on})),
    )
    .await
    .status()
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

/// Temporary files of uploads still being received (or left behind) in the local file store.
fn temporary_uploads(app: &TestApp) -> Vec<std::path::PathBuf> {
    files_under(&app.data_dir().join("audits"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(".upload-"))
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await)
    .unwrap()
}

/// Whether the audit log holds an entry of `action`.
async fn audited(app: &TestApp, action: &str) -> bool {
    audit_actions(app).await.iter().any(|a| a == action)
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    le_server::on_db!(&app.state.database, pool => sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await)
    .unwrap()
}
