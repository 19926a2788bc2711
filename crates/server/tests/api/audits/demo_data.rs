//! The demo seed's audit exchange: every deadline state the domain knows, deliveries in time,
//! late and after the late window with real PDFs, a document declared unavailable, a closed case
//! with its report, and certificates in every state of validity; the same on every seed.
use le_domain::api::audits::{CaseDetail, CaseList, CaseState, StructureList, StructureState};
use le_domain::audits::{CertificateStatus, DeadlineStatus, DocumentState, Lateness};

use super::*;

/// Downloads `uri` and checks that it is a whole PDF with the listed SHA-256.
async fn readable_pdf(app: &TestApp, client: &Client, uri: &str, sha256: &str) {
    let res = app.call(client, "GET", uri, None).await;
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    let bytes = body_bytes(res).await;
    assert!(bytes.starts_with(b"%PDF-1."), "{uri}");
    assert!(bytes.ends_with(b"%%EOF\n"), "{uri}");
    assert_eq!(sha256_hex(&bytes), sha256, "{uri}");
}

/// Every case of the demo hospital as the MD sees it, in detail.
async fn demo_cases(app: &TestApp, md: &Client) -> Vec<CaseDetail> {
    let list: CaseList = typed(
        app.call(md, "GET", "/api/v1/audits/cases", None).await,
        StatusCode::OK,
    )
    .await;
    let mut out = Vec::new();
    for case in list.cases {
        out.push(
            typed(
                app.call(
                    md,
                    "GET",
                    &format!("/api/v1/audits/cases/{}", case.id),
                    None,
                )
                .await,
                StatusCode::OK,
            )
            .await,
        );
    }
    out
}

#[tokio::test]
async fn the_demo_audits_cover_every_deadline_state_with_readable_pdfs() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let cases = demo_cases(&app, &md).await;
    assert_eq!(cases.len(), 6);

    let requests: Vec<_> = cases.iter().flat_map(|c| &c.requests).collect();
    for status in [
        DeadlineStatus::Open,
        DeadlineStatus::DueSoon,
        DeadlineStatus::LateWindow,
        DeadlineStatus::Overdue,
        DeadlineStatus::Delivered,
    ] {
        assert!(
            requests.iter().any(|r| r.deadline.status == status),
            "no request {status:?}"
        );
    }
    let deliveries: Vec<_> = requests.iter().flat_map(|r| &r.deliveries).collect();
    for lateness in [
        Lateness::InTime,
        Lateness::LateWindow,
        Lateness::AfterWindow,
    ] {
        assert!(
            deliveries.iter().any(|d| d.lateness == lateness),
            "no delivery {lateness:?}"
        );
    }
    for state in [
        DocumentState::Outstanding,
        DocumentState::Delivered,
        DocumentState::Unavailable,
    ] {
        assert!(
            requests
                .iter()
                .flat_map(|r| &r.document_states)
                .any(|d| d.state == state),
            "no document {state:?}"
        );
    }
    // Every delivered document came with its PDF, in the delivery the hospital acknowledged.
    for request in &requests {
        for document in request
            .document_states
            .iter()
            .filter(|d| d.state == DocumentState::Delivered)
        {
            assert!(
                request
                    .deliveries
                    .iter()
                    .flat_map(|d| &d.files)
                    .any(|f| f.document == Some(document.kind)),
                "request {}: {:?} without a file",
                request.id,
                document.kind
            );
        }
        assert_eq!(
            request.complete,
            request.deadline.status == DeadlineStatus::Delivered,
            "request {}",
            request.id
        );
    }
    assert!(deliveries.iter().all(|d| d.acknowledged_at.is_some()));
    for file in deliveries.iter().flat_map(|d| &d.files) {
        readable_pdf(
            &app,
            &md,
            &format!("/api/v1/audits/files/{}", file.id),
            &file.sha256,
        )
        .await;
    }
    // A closed case with its expert report; the others are open.
    let closed: Vec<_> = cases
        .iter()
        .filter(|c| c.case.state == CaseState::Closed)
        .collect();
    assert_eq!(closed.len(), 1);
    assert!(closed[0].case.purge_on.is_some());
    assert!(closed[0].requests.iter().all(|r| r.complete));
    assert_eq!(closed[0].reports.len(), 1);
    for report in cases.iter().flat_map(|c| &c.reports) {
        readable_pdf(
            &app,
            &md,
            &format!("/api/v1/audits/reports/{}", report.id),
            &report.sha256,
        )
        .await;
    }

    // Structure audits: certificates valid, expiring soon and expired, and an application
    // waiting for the MD, each with its evidence PDF.
    let structure: StructureList = typed(
        app.call(&md, "GET", "/api/v1/audits/structure", None).await,
        StatusCode::OK,
    )
    .await;
    let certificates: Vec<CertificateStatus> = structure
        .applications
        .iter()
        .filter_map(|a| a.certificate.as_ref().map(|c| c.status))
        .collect();
    for status in [
        CertificateStatus::Valid,
        CertificateStatus::ExpiresSoon,
        CertificateStatus::Expired,
    ] {
        assert!(certificates.contains(&status), "no certificate {status:?}");
    }
    assert!(
        structure
            .applications
            .iter()
            .any(|a| a.state == StructureState::Applied)
    );
    for evidence in structure.applications.iter().flat_map(|a| &a.evidence) {
        readable_pdf(
            &app,
            &md,
            &format!("/api/v1/audits/evidence/{}", evidence.id),
            &evidence.sha256,
        )
        .await;
    }
    assert!(structure.applications.iter().all(|a| a.evidence.len() == 1));
}

#[tokio::test]
async fn the_demo_audits_are_the_same_on_every_seed() {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let app = demo().await;
        let md = as_user(&app, people::MD_AUDITOR).await;
        let cases = demo_cases(&app, &md).await;
        // What a visitor reads: case, state, and per request the deadline, the documents'
        // states and the deliveries' lateness and file contents.
        let summary: Vec<String> = cases
            .iter()
            .map(|c| {
                let requests: Vec<String> = c
                    .requests
                    .iter()
                    .map(|r| {
                        let documents: Vec<String> = r
                            .document_states
                            .iter()
                            .map(|d| format!("{:?}={:?}", d.kind, d.state))
                            .collect();
                        let deliveries: Vec<String> = r
                            .deliveries
                            .iter()
                            .map(|d| {
                                let files: Vec<&str> =
                                    d.files.iter().map(|f| f.sha256.as_str()).collect();
                                format!("{:?} {files:?}", d.lateness)
                            })
                            .collect();
                        format!(
                            "{} {:?} {documents:?} {deliveries:?}",
                            r.deadline.due.to_iso(),
                            r.deadline.status
                        )
                    })
                    .collect();
                format!(
                    "{} {:?} {requests:?} {}",
                    c.case.admission_number,
                    c.case.state,
                    c.reports.len()
                )
            })
            .collect();
        seen.push(summary);
    }
    assert_eq!(seen[0], seen[1]);
}
