//! Bulk edits at national scale (issue 8, item 10): 25,000+ physicians previewed, applied as one
//! atomic operation with its progress visible while it runs, and undone as one step; selections
//! beyond the limit and rejected records are answered in words next to what caused them.
//! Asserts on the domain's response types.
use axum::http::StatusCode;
use le_domain::api::directory::{
    BulkApplied, BulkPreview, BulkProgress, BulkUndone, PhysicianList, PhysicianTable, VersionedId,
};
use le_domain::directory::{BulkOutcome, Date, MAX_BULK_RECORDS, PACKED_COLUMNS};
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, as_user, demo, refusal};

/// More physicians than one hospital group of the country employs under one Haupt-IK today.
const NATIONAL: usize = 25_040;

async fn list(app: &TestApp, client: &Client) -> PhysicianList {
    app.read(client, "/api/v1/physicians").await
}

/// `GET …/bulk/progress/{key}` as `client`, expecting 200.
async fn progress(app: &TestApp, client: &Client, key: &str) -> BulkProgress {
    app.read(client, &format!("/api/v1/physicians/bulk/progress/{key}"))
        .await
}

fn items(list: &PhysicianList) -> Vec<VersionedId> {
    list.physicians
        .iter()
        .map(|p| VersionedId {
            id: p.id,
            version: p.version,
        })
        .collect()
}

fn request(items: &[VersionedId], action: &Value) -> Value {
    json!({"items": items, "action": action})
}

/// Polls the progress of `key` until `running` finishes; returns every answer seen.
async fn watch_progress<T>(
    app: &TestApp,
    client: &Client,
    key: &str,
    running: tokio::task::JoinHandle<T>,
) -> (Vec<BulkProgress>, T) {
    let mut seen = Vec::new();
    while !running.is_finished() {
        let progress = progress(app, client, key).await;
        if progress.running {
            seen.push(progress);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (seen, running.await.unwrap())
}

#[tokio::test]
async fn twenty_five_thousand_physicians_apply_with_progress_and_undo_as_one_step() {
    let app = std::sync::Arc::new(demo().await);
    le_server::demo::add_demo_hospital_physicians(&app.state, NATIONAL)
        .await
        .unwrap();
    let hr = std::sync::Arc::new(as_user(&app, "klinik.personal").await);
    let before = list(&app, &hr).await;
    assert_eq!(before.physicians.len(), NATIONAL);
    let all = items(&before);
    let action = json!({"action": "end_site_assignment", "site_number": null, "end": "2027-01-31"});

    // The server's preview covers the whole selection (no cap below the national scale).
    let preview: BulkPreview = app
        .post(
            &hr,
            "/api/v1/physicians/bulk/preview",
            request(&all, &action),
        )
        .await;
    assert_eq!(preview.items.len(), NATIONAL);
    assert!(
        preview
            .items
            .iter()
            .all(|i| matches!(i.outcome, BulkOutcome::Changed { .. }))
    );

    // Apply all in one operation while another request watches its progress.
    let key = "national-apply-1";
    let running = {
        let (app, hr, body) = (app.clone(), hr.clone(), request(&all, &action));
        tokio::spawn(async move {
            app.post::<BulkApplied>(
                &hr,
                &format!("/api/v1/physicians/bulk/apply?progress={key}"),
                body,
            )
            .await
        })
    };
    let (seen, applied) = watch_progress(&app, &hr, key, running).await;
    assert_eq!((applied.changed, applied.unchanged), (NATIONAL, 0));
    assert_eq!(applied.physicians.len(), NATIONAL);
    assert!(!seen.is_empty(), "no progress seen while the apply ran");
    assert!(
        seen.iter()
            .all(|p| p.total == NATIONAL && p.done <= p.total)
    );
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
    // Once finished, nothing runs under the key.
    assert!(!progress(&app, &hr, key).await.running);

    let end = Date::from_ymd(2027, 1, 31).unwrap();
    let after = list(&app, &hr).await;
    assert!(
        after
            .physicians
            .iter()
            .all(|p| p.form.sites.iter().all(|s| s.end == Some(end)))
    );

    // Undo restores all of them in one step, with progress too.
    let key = "national-undo-1";
    let running = {
        let (app, hr, op) = (app.clone(), hr.clone(), applied.operation_id);
        tokio::spawn(async move {
            app.call_typed::<BulkUndone>(
                &hr,
                "POST",
                &format!("/api/v1/physicians/bulk/{op}/undo?progress={key}"),
                None,
                StatusCode::OK,
            )
            .await
        })
    };
    let (seen, undone) = watch_progress(&app, &hr, key, running).await;
    assert_eq!(undone.restored, NATIONAL);
    assert!(seen.iter().all(|p| p.total == NATIONAL));
    let restored = list(&app, &hr).await;
    assert_eq!(restored.physicians.len(), NATIONAL);
    for (was, now) in before.physicians.iter().zip(&restored.physicians) {
        assert_eq!((was.id, &was.form), (now.id, &now.form));
    }
}

#[tokio::test]
async fn a_rejected_record_stops_a_national_apply_and_is_named_in_words() {
    let app = demo().await;
    le_server::demo::add_demo_hospital_physicians(&app.state, NATIONAL)
        .await
        .unwrap();
    let hr = as_user(&app, "klinik.personal").await;
    let before = list(&app, &hr).await;
    // Every demo assignment starts 2020–2024: an end in 2022 is before some of those starts.
    let action = json!({"action": "end_site_assignment", "site_number": null, "end": "2022-06-30"});
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/apply",
            Some(request(&items(&before), &action)),
        )
        .await;
    let error = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let rejected_ids: Vec<i64> = before
        .physicians
        .iter()
        .filter(|p| {
            p.form
                .sites
                .iter()
                .any(|s| s.start > Date::from_ymd(2022, 6, 30).ok())
        })
        .map(|p| p.id)
        .collect();
    assert_eq!(error.fields.len(), rejected_ids.len());
    let first = &error.fields[0];
    assert_eq!(first.field, format!("items[{}]", rejected_ids[0]));
    assert!(
        first.message.contains("liegt vor dem Beginn der Tätigkeit"),
        "{}",
        first.message
    );
    // Nothing was written.
    assert_eq!(list(&app, &hr).await, before);
}

#[tokio::test]
async fn a_selection_beyond_the_limit_is_refused_in_words_for_the_field() {
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let too_many: Vec<VersionedId> = (0..=MAX_BULK_RECORDS as i64)
        .map(|id| VersionedId { id, version: 1 })
        .collect();
    let action = json!({"action": "set_field", "field": "last_name", "value": "X"});
    for path in [
        "/api/v1/physicians/bulk/preview",
        "/api/v1/physicians/bulk/apply",
    ] {
        let res = app
            .call(&hr, "POST", path, Some(request(&too_many, &action)))
            .await;
        let error = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error.fields.len(), 1, "{path}");
        assert_eq!(error.fields[0].field, "items");
        assert_eq!(
            error.fields[0].message,
            "Eine Sammeländerung umfasst höchstens 100.000 Einträge; ausgewählt sind 100.001. Bitte die Auswahl aufteilen."
        );
    }
    // A progress key that is not one is refused as such.
    let res = app
        .call(
            &hr,
            "POST",
            "/api/v1/physicians/bulk/apply?progress=%3Cscript%3E",
            Some(request(&[VersionedId { id: 1, version: 1 }], &action)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The packed table and its size in bytes.
async fn table_of(app: &TestApp, client: &Client) -> (PhysicianTable, usize) {
    let res = app
        .call(client, "GET", "/api/v1/physicians/table", None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (serde_json::from_slice(&bytes).unwrap(), bytes.len())
}

/// The grid reads the packed table (issue 8, item 11): the same records as the keyed list, in
/// the same order, a fraction of its bytes, and current after a change.
#[tokio::test]
async fn the_packed_table_holds_the_list_in_a_third_of_the_bytes() {
    let app = demo().await;
    le_server::demo::add_demo_hospital_physicians(&app.state, 2_000)
        .await
        .unwrap();
    let hr = as_user(&app, "klinik.personal").await;
    let listed = list(&app, &hr).await;
    let list_bytes = serde_json::to_vec(&listed).unwrap().len();
    let (table, table_bytes) = table_of(&app, &hr).await;
    assert!(listed.physicians.len() >= 2_000);
    assert_eq!(table.columns, PACKED_COLUMNS);
    assert_eq!(table.rows.0, listed.physicians);
    assert!(
        table_bytes * 2 < list_bytes,
        "table {table_bytes} bytes, list {list_bytes} bytes"
    );

    // A bulk change shows in the next table (new versions and end dates).
    let action = json!({"action": "end_site_assignment", "site_number": null, "end": "2030-01-31"});
    let _: BulkApplied = app
        .post(
            &hr,
            "/api/v1/physicians/bulk/apply",
            request(&items(&listed), &action),
        )
        .await;
    let (after, _) = table_of(&app, &hr).await;
    assert_eq!(after.rows.0, list(&app, &hr).await.physicians);
    assert!(after.rows.0.iter().all(|r| {
        r.form
            .sites
            .iter()
            .all(|s| s.end <= Date::from_ymd(2030, 1, 31).ok())
    }));
}

/// The grid's first screen (issue 8, item 11): `?limit=n` answers the table's first `n` rows in
/// the same order with the count of all records, never another hospital's, and refuses limits
/// outside 1 to 1,000 in words.
#[tokio::test]
async fn the_first_rows_of_the_table_come_alone_with_the_count_of_all() {
    let app = demo().await;
    le_server::demo::add_demo_hospital_physicians(&app.state, 300)
        .await
        .unwrap();
    let hr = as_user(&app, "klinik.personal").await;
    let (full, _) = table_of(&app, &hr).await;
    assert_eq!((full.rows.0.len(), full.total), (300, 300));
    assert!(full.is_complete());

    let first: PhysicianTable = app.read(&hr, "/api/v1/physicians/table?limit=100").await;
    assert_eq!(first.columns, PACKED_COLUMNS);
    assert_eq!(first.total, 300);
    assert!(!first.is_complete());
    assert_eq!(first.rows.0, full.rows.0[..100]);
    // A limit beyond the records answers all of them: the table is complete.
    let all: PhysicianTable = app.read(&hr, "/api/v1/physicians/table?limit=1000").await;
    assert_eq!(all.rows.0, full.rows.0);
    assert!(all.is_complete());

    // Another hospital's first rows hold none of these.
    let other = app.second_hospital().await;
    let theirs: PhysicianTable = app
        .read(&other.client, "/api/v1/physicians/table?limit=10")
        .await;
    assert_eq!((theirs.rows.0.len(), theirs.total), (0, 0));

    // Out of range: a field error in words; not a number: refused by the query parser.
    for limit in ["0", "1001", "-1", "viele"] {
        let res = app
            .call(
                &hr,
                "GET",
                &format!("/api/v1/physicians/table?limit={limit}"),
                None,
            )
            .await;
        if limit.parse::<u32>().is_err() {
            assert!(res.status().is_client_error(), "{limit}: {}", res.status());
            continue;
        }
        let error = refusal(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error.fields.len(), 1, "{limit}");
        assert_eq!(error.fields[0].field, "limit");
        assert_eq!(
            error.fields[0].message,
            "Das Limit muss zwischen 1 und 1000 liegen."
        );
    }
}

/// The whole table is packed straight from the stored texts (issue 8, item 11): a mismatch
/// stored with the registry's values (as states were before those were kept out) still shows
/// the hospital only which fields differ, in the table and the list alike, and an older stored
/// form (a field missing, one unknown, written with spaces as PostgreSQL's jsonb does) reads as
/// the record itself reads.
#[tokio::test]
async fn the_whole_table_shows_a_mismatch_without_the_registry_values() {
    let app = demo().await;
    le_server::demo::add_demo_hospital_physicians(&app.state, 20)
        .await
        .unwrap();
    let hr = as_user(&app, "klinik.personal").await;
    let listed = list(&app, &hr).await;
    let (mismatched, older) = (listed.physicians[3].id, listed.physicians[7].id);
    let state = json!({"state": "mismatch", "differences": [{
        "field": "birth_date", "directory_value": "03.03.1975", "registry_value": "04.03.1975"
    }]});
    let form = r#"{"last_name": "Zzz-Älter", "first_name": "Otto", "sex": "male", "legacy": [1, {"x": null}], "birth_date": "1960-02-29"}"#;
    le_server::on_db!(&app.state.database, pool => async {
        sqlx::query("UPDATE physicians SET request_state = $1 WHERE id = $2")
            .bind(state.to_string())
            .bind(mismatched)
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("UPDATE physicians SET form = $1 WHERE id = $2")
            .bind(form)
            .bind(older)
            .execute(pool)
            .await
            .unwrap();
    }
    .await);

    let res = app.call(&hr, "GET", "/api/v1/physicians/table", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[axum::http::header::CONTENT_TYPE],
        "application/json"
    );
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains("03.03.1975"), "the hospital's own value");
    assert!(!text.contains("04.03.1975"), "no registry value: {text}");
    let table: PhysicianTable = serde_json::from_slice(&bytes).unwrap();
    let listed = list(&app, &hr).await;
    assert_eq!(table.rows.0, listed.physicians);
    assert_eq!(table.total, listed.physicians.len() as u64);
    let record = |id: i64| table.rows.0.iter().find(|r| r.id == id).cloned().unwrap();
    for id in [mismatched, older] {
        let one: le_domain::directory::PhysicianRecord =
            app.read(&hr, &format!("/api/v1/physicians/{id}")).await;
        assert_eq!(record(id), one);
    }
    let otto = record(older);
    assert_eq!(
        (otto.form.last_name.as_str(), otto.form.sites.len()),
        ("Zzz-Älter", 0)
    );
    assert_eq!(otto.form.birth_date, Date::from_ymd(1960, 2, 29).ok());
}

/// The whole table and list are compressed where they are written (off the runtime's workers),
/// once: the answer decodes with the coding it names to the same table as an uncompressed one.
#[tokio::test]
async fn the_whole_table_is_compressed_once_as_the_client_accepts() {
    use std::io::Read as _;
    let app = demo().await;
    let hr = as_user(&app, "klinik.personal").await;
    let (plain, _) = table_of(&app, &hr).await;
    let listed = list(&app, &hr).await;
    for (accept, coding) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0, identity", None),
    ] {
        for path in ["/api/v1/physicians/table", "/api/v1/physicians"] {
            let req = crate::helpers::session_request(&hr, "GET", path)
                .header(axum::http::header::ACCEPT_ENCODING, accept)
                .body(axum::body::Body::empty())
                .unwrap();
            let res = app.send(req).await;
            assert_eq!(res.status(), StatusCode::OK);
            let headers = res.headers().clone();
            assert_eq!(
                headers
                    .get(axum::http::header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                coding,
                "{accept} {path}"
            );
            assert!(
                headers[axum::http::header::VARY]
                    .to_str()
                    .unwrap()
                    .contains("accept-encoding")
            );
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            let mut json = Vec::new();
            match coding {
                Some("br") => {
                    brotli::Decompressor::new(&bytes[..], 4096)
                        .read_to_end(&mut json)
                        .unwrap();
                }
                Some(_) => {
                    flate2::read::GzDecoder::new(&bytes[..])
                        .read_to_end(&mut json)
                        .unwrap();
                }
                None => json = bytes.to_vec(),
            }
            if path.ends_with("table") {
                let table: PhysicianTable = serde_json::from_slice(&json).unwrap();
                assert_eq!(table, plain, "{accept}");
            } else {
                let again: PhysicianList = serde_json::from_slice(&json).unwrap();
                assert_eq!(again, listed, "{accept}");
            }
        }
    }
}
