//! The file store against both backends: the local directory and a real S3-compatible server
//! (`moto` in server mode from PyPI, installed by scripts/setup.sh, started here on a free port).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use le_server::files::ReceiveError;
use le_server::storage::{Storage, StorageConfig, requested_range};
use sha2::Digest as _;

#[path = "support/moto.rs"]
mod moto;
use moto::Moto;

/// The store on `moto`'s bucket.
fn storage_on(moto: &Moto) -> Storage {
    Storage::from_config(&moto.config(), std::path::PathBuf::from("/nonexistent")).unwrap()
}

/// `len` bytes of a PDF-looking file in 64 KiB chunks; `break_after` cuts the stream with an
/// error after that many bytes (a client that went away).
fn body(len: usize, break_after: Option<usize>) -> (Body, Vec<u8>) {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 7;
    while bytes.len() < len - 30 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((x >> 16) as u8);
    }
    bytes.extend_from_slice(b"\nstartxref\n9\n%%EOF\n");
    let mut chunks: Vec<Result<Bytes, std::io::Error>> = Vec::new();
    let mut sent = 0;
    for c in bytes.chunks(64 * 1024) {
        if break_after.is_some_and(|b| sent >= b) {
            chunks.push(Err(std::io::Error::other("client went away")));
            break;
        }
        chunks.push(Ok(Bytes::copy_from_slice(c)));
        sent += c.len();
    }
    (Body::from_stream(futures_util::stream::iter(chunks)), bytes)
}

async fn read_all(storage: &Storage, key: &str, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let download = storage.open(key, range).await.unwrap();
    axum::body::to_bytes(download.body, usize::MAX)
        .await
        .unwrap()
        .to_vec()
}

async fn behaves_like_a_file_store(storage: Storage) {
    // A 20 MB upload in many parts: invisible until kept, then identical, with its SHA-256.
    let (b, bytes) = body(20 * 1024 * 1024, None);
    let upload = storage
        .receive(
            "audits/files/a.pdf",
            b.into_data_stream(),
            100 * 1024 * 1024,
        )
        .await
        .unwrap();
    assert_eq!(upload.size, bytes.len() as u64);
    assert_eq!(upload.sha256, hex(&sha2::Sha256::digest(&bytes)));
    assert_eq!(upload.pdf_problem, None);
    assert!(storage.open("audits/files/a.pdf", None).await.is_err());
    upload.keep().await.unwrap();
    assert_eq!(read_all(&storage, "audits/files/a.pdf", None).await, bytes);
    // A byte range (resuming a download) and the HTTP answer for it.
    assert_eq!(
        read_all(&storage, "audits/files/a.pdf", Some(1000..5000)).await,
        bytes[1000..5000]
    );
    let res = storage
        .open("audits/files/a.pdf", Some(10..20))
        .await
        .unwrap()
        .into_response("application/pdf");
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[header::CONTENT_RANGE],
        format!("bytes 10-19/{}", bytes.len())
    );
    assert!(
        storage
            .open(
                "audits/files/a.pdf",
                Some(bytes.len() as u64 + 1..bytes.len() as u64 + 9)
            )
            .await
            .is_err()
    );

    // Interrupted: an error, and nothing under the key.
    let (b, _) = body(12 * 1024 * 1024, Some(9 * 1024 * 1024));
    let err = storage
        .receive(
            "audits/files/b.pdf",
            b.into_data_stream(),
            100 * 1024 * 1024,
        )
        .await
        .err()
        .unwrap();
    assert!(matches!(err, ReceiveError::Incomplete), "{err:?}");
    assert!(storage.open("audits/files/b.pdf", None).await.is_err());

    // Too large: refused, nothing stored.
    let (b, _) = body(3 * 1024 * 1024, None);
    let err = storage
        .receive("audits/files/c.pdf", b.into_data_stream(), 1024 * 1024)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, ReceiveError::TooLarge), "{err:?}");
    assert!(storage.open("audits/files/c.pdf", None).await.is_err());

    // Received but not kept (refused by a later check): nothing stored.
    let (b, _) = body(200_000, None);
    let upload = storage
        .receive("audits/files/d.pdf", b.into_data_stream(), 1024 * 1024)
        .await
        .unwrap();
    drop(upload);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(storage.open("audits/files/d.pdf", None).await.is_err());

    // Keys cannot leave the store.
    let (b, _) = body(1000, None);
    assert!(
        storage
            .receive("../etc/passwd", b.into_data_stream(), 1024)
            .await
            .is_err()
    );

    // Delete, twice (retention may run twice).
    storage.delete("audits/files/a.pdf").await.unwrap();
    storage.delete("audits/files/a.pdf").await.unwrap();
    assert!(storage.open("audits/files/a.pdf", None).await.is_err());
    assert!(storage.is_reachable().await);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_local_store_behaves_like_a_file_store() {
    let dir = tempfile::tempdir().unwrap();
    behaves_like_a_file_store(Storage::Local {
        root: dir.path().join("files"),
    })
    .await;
    // Nothing temporary is left over.
    let mut leftovers = Vec::new();
    for entry in walk(dir.path()) {
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            leftovers.push(entry);
        }
    }
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn object_storage_behaves_like_a_file_store() {
    let moto = Moto::start();
    let storage = storage_on(&moto);
    assert!(storage.describe().starts_with("s3 http://127.0.0.1:"));
    behaves_like_a_file_store(storage).await;
}

#[tokio::test]
async fn an_unreachable_object_store_is_reported() {
    let config = StorageConfig {
        s3_endpoint: Some("http://127.0.0.1:9".to_owned()),
        s3_bucket: Some("none".to_owned()),
        s3_region: "eu-central-1".to_owned(),
        s3_access_key_id: Some("x".to_owned()),
        s3_secret_access_key: Some("y".to_owned()),
        s3_allow_http: true,
    };
    let storage = Storage::from_config(&config, "/tmp".into()).unwrap();
    assert!(!storage.is_reachable().await);
    // Endpoint without bucket is a configuration error, not a silent local store.
    let half = StorageConfig {
        s3_bucket: None,
        ..config
    };
    assert!(Storage::from_config(&half, "/tmp".into()).is_err());
}

#[test]
fn byte_ranges_are_read_like_http_says() {
    let mut h = HeaderMap::new();
    assert_eq!(requested_range(&h, 100), None);
    for (value, expected) in [
        ("bytes=0-9", Some(0..10)),
        ("bytes=90-", Some(90..100)),
        ("bytes=-10", Some(90..100)),
        ("bytes=0-9,20-29", None),
        ("items=0-9", None),
        ("bytes=x-9", None),
    ] {
        h.insert(header::RANGE, HeaderValue::from_static(value));
        assert_eq!(requested_range(&h, 100), expected, "{value}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
