//! Expert reports: from the MD to the hospital of the case only.
use super::*;

#[tokio::test]
async fn expert_reports_go_from_the_md_to_the_hospital() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, _) = case_with_request(&app, &md).await;
    let report = pdf_of(40_000, 4);
    let res = put_report(&app, &md, case_id, "Gutachten.pdf", report.clone()).await;
    let report_id = typed::<StoredFile>(res, StatusCode::CREATED).await.id;
    // Not a PDF: refused.
    let res = put_report(&app, &md, case_id, "Gutachten.pdf", "kein pdf").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let clerk = as_user(&app, people::VIEWER).await;
    let detail: CaseDetail = app
        .read(&clerk, &format!("/api/v1/audits/cases/{case_id}"))
        .await;
    assert_eq!(detail.reports[0].id, report_id);
    assert_eq!(detail.reports[0].sha256, sha256_hex(&report));
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
        &as_user(&app, people::AUDIT_CLERK).await,
        &format!("/api/v1/audits/cases/{case_id}/reports?name=x.pdf"),
        &report,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = app.second_hospital().await.client;
    assert_eq!(
        app.status(
            &other,
            "GET",
            &format!("/api/v1/audits/reports/{report_id}")
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert!(audited(&app, "audit_report_downloaded").await);
}
