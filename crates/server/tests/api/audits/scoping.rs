//! Who reaches a request: another hospital sees nothing; the KIS works with an `audits` token and
//! not with a `directory` token.
use super::*;

#[tokio::test]
async fn another_hospital_cannot_see_download_or_upload_to_these_requests() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let pdf = pdf_of(1000, 1);
    let file_id = upload(&app, &clerk, request_id, "a.pdf", &pdf).await.id;
    let delivery_id = submitted(&app, &clerk, request_id).await.delivery.id;

    let other = app.second_hospital().await.client;
    // B's own lists are empty.
    let inbox: Inbox = app.read(&other, "/api/v1/audits/inbox").await;
    assert_eq!(inbox.requests, []);
    assert_eq!(inbox.notices, []);
    let cases: CaseList = app.read(&other, "/api/v1/audits/cases").await;
    assert_eq!(cases.cases, []);
    // A's things do not exist for B.
    for (method, uri) in [
        ("GET", format!("/api/v1/audits/cases/{case_id}")),
        ("GET", format!("/api/v1/audits/files/{file_id}")),
        ("DELETE", format!("/api/v1/audits/files/{file_id}")),
        (
            "POST",
            format!("/api/v1/audits/requests/{request_id}/submit"),
        ),
        (
            "GET",
            format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
        ),
        (
            "POST",
            format!("/api/v1/audits/deliveries/{delivery_id}/acknowledge"),
        ),
    ] {
        let res = app.call(&other, method, &uri, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {uri}");
    }
    let res = put_pdf(
        &app,
        &other,
        &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
        &pdf,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // B's KIS token is refused just the same.
    let token = app.api_token(&other, "KIS", &["audits"]).await;
    let res = app
        .bearer(
            &token,
            "PUT",
            &format!("/api/v1/audits/requests/{request_id}/files?name=b.pdf"),
            Some(pdf.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .bearer(
            &token,
            "GET",
            &format!("/api/v1/audits/files/{file_id}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_kis_works_with_an_audits_token_and_not_with_a_directory_token() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let admin = as_user(&app, people::HOSPITAL_ADMIN).await;
    let token = app.api_token(&admin, "KIS", &["audits"]).await;
    let directory_token = app.api_token(&admin, "KIS", &["directory"]).await;

    // List open requests.
    let res = app
        .bearer(&token, "GET", "/api/v1/audits/inbox?status=pending", None)
        .await;
    let inbox: Inbox = typed(res, StatusCode::OK).await;
    assert!(inbox.requests.iter().any(|r| r.request_id == request_id));
    assert!(
        inbox
            .requests
            .iter()
            .all(|r| r.deadline.status != DeadlineStatus::Delivered)
    );
    // Upload, submit, receipt.
    let pdf = pdf_of(100_000, 3);
    let res = app
        .bearer(
            &token,
            "PUT",
            &format!("/api/v1/audits/requests/{request_id}/files?name=kis.pdf"),
            Some(pdf.clone()),
        )
        .await;
    let file: StoredFile = typed(res, StatusCode::CREATED).await;
    assert!(file.uploaded_by.starts_with("API-Token"), "{file:?}");
    let res = app
        .bearer(
            &token,
            "POST",
            &format!("/api/v1/audits/requests/{request_id}/submit"),
            None,
        )
        .await;
    let delivery_id = typed::<SubmitResult>(res, StatusCode::CREATED)
        .await
        .delivery
        .id;
    let res = app
        .bearer(
            &token,
            "GET",
            &format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
            None,
        )
        .await;
    let receipt: Receipt = typed(res, StatusCode::OK).await;
    assert_eq!(receipt.files[0].sha256, sha256_hex(&pdf));
    // The token cannot act as the MD.
    let res = app
        .bearer(&token, "POST", "/api/v1/audits/cases", Some(b"{}".to_vec()))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A token for the directory only is refused; a wrong token is unauthenticated.
    for uri in [
        "/api/v1/audits/inbox".to_owned(),
        format!("/api/v1/audits/deliveries/{delivery_id}/receipt"),
    ] {
        let res = app.bearer(&directory_token, "GET", &uri, None).await;
        assert_eq!(
            refusal(res, StatusCode::FORBIDDEN).await.code,
            "scope",
            "{uri}"
        );
    }
    let res = app
        .bearer(
            &directory_token,
            "PUT",
            &format!("/api/v1/audits/requests/{request_id}/files?name=x.pdf"),
            Some(pdf.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .bearer("lep_nonsense", "GET", "/api/v1/audits/inbox", None)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The machine's actions are in the audit log under the token.
    let actors: Vec<String> = le_server::on_db!(&app.state.database, pool => sqlx::query_scalar(
        "SELECT actor FROM audit_log WHERE action = 'audit_delivery_submitted'",
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(
        actors.iter().all(|a| a.starts_with("API-Token")),
        "{actors:?}"
    );
}
