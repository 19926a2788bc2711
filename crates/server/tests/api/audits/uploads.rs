//! Streamed PDF uploads: upload, submit, download and receipt; the content check, a body cut off
//! half-way, the configurable size limit, and parallel uploads to one request.
use super::*;

#[tokio::test]
async fn upload_submit_download_and_receipt() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_id, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let stored = || files_under(&app.data_dir().join("audits/files")).len();
    let base = stored();
    let uri = format!(
        "/api/v1/audits/requests/{request_id}/files?name=Entlassungsbrief%20%C3%84rzte.pdf"
    );
    let first = pdf_of(3 * 1024 * 1024 + 17, 1);
    let f1: StoredFile = typed(
        put_pdf(&app, &clerk, &uri, &first).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(f1.name, "Entlassungsbrief Ärzte.pdf");
    assert_eq!(f1.size, first.len() as u64);
    assert_eq!(f1.sha256, sha256_hex(&first));
    assert_eq!(f1.delivery_id, None);
    let second = pdf_of(2000, 2);
    let f2 = upload(
        &app,
        &clerk,
        request_id,
        "C:%5Cscan%5Cfieberkurve.pdf",
        &second,
    )
    .await;
    assert_eq!(f2.name, "fieberkurve.pdf");
    let third = pdf_of(500, 3);
    let f3 = upload(&app, &clerk, request_id, "falsch.pdf", &third).await;
    let (id1, id2, id3) = (f1.id, f2.id, f3.id);
    assert_eq!(stored(), base + 3);
    // No temporary file remains.
    assert_eq!(temporary_uploads(&app), Vec::<std::path::PathBuf>::new());
    // A name is required.
    let res = put_pdf(
        &app,
        &clerk,
        &format!("/api/v1/audits/requests/{request_id}/files"),
        &third,
    )
    .await;
    assert_eq!(refused_fields(res).await, ["name"]);

    // Before submission the MD sees neither the files nor their content.
    let md_view: CaseDetail = app
        .read(&md, &format!("/api/v1/audits/cases/{case_id}"))
        .await;
    assert_eq!(md_view.requests[0].pending_files, []);
    assert_eq!(
        app.status(&md, "GET", &format!("/api/v1/audits/files/{id1}"))
            .await,
        StatusCode::NOT_FOUND
    );
    // The hospital downloads its own pending file.
    let res = app
        .call(&clerk, "GET", &format!("/api/v1/audits/files/{id2}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(body_bytes(res).await, second);
    // A byte range (a resumed download) is answered with just those bytes.
    let res = app
        .send(
            session_request(&clerk, "GET", &format!("/api/v1/audits/files/{id2}"))
                .header(header::RANGE, "bytes=100-199")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[header::CONTENT_RANGE],
        format!("bytes 100-199/{}", second.len()).as_str()
    );
    assert_eq!(body_bytes(res).await, second[100..200]);
    // A pending file can be deleted, from disk too.
    let res = app
        .call(
            &clerk,
            "DELETE",
            &format!("/api/v1/audits/files/{id3}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored(), base + 2);
    // A viewer cannot upload, delete or submit.
    let viewer = as_user(&app, people::VIEWER).await;
    assert_eq!(
        put_pdf(&app, &viewer, &uri, &third).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.status(&viewer, "DELETE", &format!("/api/v1/audits/files/{id2}"))
            .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        submit(&app, &viewer, request_id).await.status(),
        StatusCode::FORBIDDEN
    );

    // Submitting makes one delivery of both files; the deadline stops.
    app.clock.advance(3 * DAY);
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let submitted = submitted(&app, &clerk, request_id).await;
    assert_eq!(submitted.deadline.status, DeadlineStatus::Delivered);
    assert!(submitted.delivery.in_time);
    assert_eq!(submitted.delivery.files.len(), 2);
    let delivery_id = submitted.delivery.id;
    let res = submit(&app, &clerk, request_id).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.status(&clerk, "DELETE", &format!("/api/v1/audits/files/{id1}"))
            .await,
        StatusCode::CONFLICT
    );

    // The MD now sees the delivery and downloads a file whose hash matches the upload.
    let md = as_user(&app, people::MD_AUDITOR).await;
    let md_view: CaseDetail = app
        .read(&md, &format!("/api/v1/audits/cases/{case_id}"))
        .await;
    assert_eq!(md_view.requests[0].deliveries[0].files[0].id, id1);
    assert_eq!(
        md_view.requests[0].deadline.status,
        DeadlineStatus::Delivered
    );
    let res = app
        .call(&md, "GET", &format!("/api/v1/audits/files/{id1}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["x-content-sha256"],
        sha256_hex(&first).as_str()
    );
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''Entlassungsbrief%20%C3%84rzte.pdf")
    );
    let downloaded = body_bytes(res).await;
    assert_eq!(sha256_hex(&downloaded), sha256_hex(&first));
    // Ranges resume large downloads.
    let res = app
        .send(
            session_request(&md, "GET", &format!("/api/v1/audits/files/{id1}"))
                .header(header::RANGE, "bytes=0-4")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(body_bytes(res).await, b"%PDF-");

    // The hospital acknowledges and fetches the receipt.
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let acknowledged: Delivery = app
        .call_typed(
            &clerk,
            "POST",
            &format!("/api/v1/audits/deliveries/{delivery_id}/acknowledge"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        acknowledged.acknowledged_by.as_deref(),
        Some("klinik.controlling")
    );
    let receipt = receipt(&app, &clerk, delivery_id).await;
    assert_eq!(receipt.receipt_number, format!("Q-{case_id}-{delivery_id}"));
    assert_eq!(receipt.admission_number, "A-2027-0042");
    assert_eq!(receipt.hospital_ik, HOSPITAL);
    assert_eq!(receipt.due, iso("2027-03-12"));
    assert!(receipt.in_time);
    assert_eq!(receipt.submitted_by, "klinik.controlling");
    assert!(receipt.acknowledged_at.is_some());
    let files = &receipt.files;
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].sha256, sha256_hex(&first));
    assert_eq!(files[0].size, first.len() as u64);
    assert_eq!(files[1].sha256, sha256_hex(&second));
    assert_eq!(receipt.total_size, (first.len() + second.len()) as u64);
    assert_eq!(receipt.documents[0].label, "Entlassungsbericht / Arztbrief");

    let actions = audit_actions(&app).await;
    for a in [
        "audit_file_uploaded",
        "audit_file_deleted",
        "audit_file_downloaded",
        "audit_delivery_submitted",
        "audit_delivery_acknowledged",
        "audit_receipt_fetched",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[tokio::test]
async fn a_non_pdf_named_pdf_and_an_empty_file_are_refused_and_leave_nothing() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=befund.pdf");
    let seeded_rows = count(&app, "SELECT COUNT(*) FROM audit_files").await;
    let seeded_files = files_under(&app.data_dir().join("audits/files")).len();
    assert!(seeded_files > 0);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(std::iter::repeat_n(7u8, 200_000));
    for bytes in [png, b"%PD".to_vec(), Vec::new()] {
        let res = put_pdf(&app, &clerk, &uri, &bytes).await;
        assert_eq!(refused_fields(res).await, ["file"]);
    }
    // Only the demo's delivered files exist, as rows and on disk.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_files").await,
        seeded_rows
    );
    assert_eq!(
        files_under(&app.data_dir().join("audits/files")).len(),
        seeded_files
    );
    assert_eq!(temporary_uploads(&app).len(), 0);
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_file_and_no_row() {
    let app = TestApp::with_config(|c| c.demo = true).await;
    le_server::demo::seed(&app.state).await.unwrap();
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let before_files = files_under(&app.data_dir().join("audits"));
    let rows_before = count(&app, "SELECT COUNT(*) FROM audit_files").await;

    // Some bytes (a valid PDF start, more than one write chunk), then an error.
    let half = pdf_of(3 * 1024 * 1024, 9);
    let failing = Full::new(Bytes::from(half))
        .map_err(|never: std::convert::Infallible| -> std::io::Error { match never {} })
        .with_trailers(async { Some(Err(std::io::Error::other("connection reset"))) });
    let body = Body::from_stream(Body::new(failing).into_data_stream());
    let req = session_request(
        &clerk,
        "PUT",
        &format!("/api/v1/audits/requests/{request_id}/files?name=abgebrochen.pdf"),
    )
    .header(header::CONTENT_TYPE, "application/pdf")
    .body(body)
    .unwrap();
    let res = app.send(req).await;
    assert_eq!(
        refusal(res, StatusCode::BAD_REQUEST).await.code,
        "upload_incomplete"
    );
    assert_eq!(files_under(&app.data_dir().join("audits")), before_files);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_files").await,
        rows_before
    );

    // The same over a real connection that the client closes after half the declared length.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = le_server::app(app.state.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, service).await.unwrap();
    });
    {
        use tokio::io::AsyncWriteExt;
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "PUT /api/v1/audits/requests/{request_id}/files?name=abgebrochen.pdf HTTP/1.1\r\n\
             Host: localhost\r\nCookie: {}\r\nX-Requested-With: le-portal\r\nX-CSRF-Token: {}\r\n\
             Content-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
            clerk.cookie.as_deref().unwrap(),
            clerk.csrf.as_deref().unwrap(),
            6 * 1024 * 1024
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&pdf_of(3 * 1024 * 1024, 4)).await.unwrap();
        tcp.flush().await.unwrap();
        // Give the server time to write what it received to its temporary file.
        let mut seen_temp = false;
        for _ in 0..100 {
            // The file store keeps an upload as a temporary file beside its final place.
            if !temporary_uploads(&app).is_empty() {
                seen_temp = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(seen_temp, "the upload was not being received");
        drop(tcp);
    }
    let mut clean = false;
    for _ in 0..250 {
        if files_under(&app.data_dir().join("audits")) == before_files {
            clean = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        clean,
        "left behind: {:?}",
        files_under(&app.data_dir().join("audits"))
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_files").await,
        rows_before
    );
    server.abort();
}

#[tokio::test]
async fn the_size_limit_is_configurable_and_checked_while_streaming() {
    // The server configured with a 64 KiB limit (`--max-upload-bytes`).
    let app = TestApp::with_config(|c| {
        c.demo = true;
        c.max_upload_bytes = 64 * 1024;
    })
    .await;
    le_server::demo::seed(&app.state).await.unwrap();
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let limited = app.router.clone();
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=gross.pdf");
    // Declared too large: refused before reading.
    let big = pdf_of(64 * 1024 + 1, 5);
    let req = session_request(&clerk, "PUT", &uri)
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length (chunked): refused while streaming.
    let stream = Body::new(Full::new(Bytes::from(big))).into_data_stream();
    let req = session_request(&clerk, "PUT", &uri)
        .body(Body::from_stream(stream))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(temporary_uploads(&app).len(), 0);
    // Exactly at the limit is fine.
    let exact = pdf_of(64 * 1024, 6);
    let req = session_request(&clerk, "PUT", &uri)
        .header(header::CONTENT_LENGTH, exact.len())
        .body(Body::from(exact))
        .unwrap();
    let res = limited.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // With the default limit (500 MB) uploads go beyond the API's 4 MB JSON body limit.
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let uri = format!("/api/v1/audits/requests/{request_id}/files?name=gross.pdf");
    let large = pdf_of(6 * 1024 * 1024, 7);
    let res = put_pdf(&app, &clerk, &uri, &large).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_uploads_to_one_request_all_succeed() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (_, request_id) = case_with_request(&app, &md).await;
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    // The browser may send several files at once; every one must be stored (no busy 500).
    let uploads: Vec<_> = (0..8u8)
        .map(|i| {
            let (app, clerk) = (&app, &clerk);
            async move {
                let uri = format!("/api/v1/audits/requests/{request_id}/files?name=teil-{i}.pdf");
                put_pdf(app, clerk, &uri, &pdf_of(300_000, i))
                    .await
                    .status()
            }
        })
        .collect();
    let statuses = futures_join_all(uploads).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_files WHERE request_id = {request_id}")
        )
        .await,
        8
    );
}

/// Runs futures concurrently on the current task (no extra dependency).
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut handles = Vec::new();
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    handles.extend(results.into_iter().flatten());
    handles
}
