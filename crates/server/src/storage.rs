//! Where uploaded files live: a local directory (the default, one server) or S3-compatible object
//! storage (several server instances sharing one bucket). Both behave alike: an upload streams
//! in with flat memory, its SHA-256 computed on the way; it becomes visible only when the caller
//! keeps it (local: an atomic rename; object storage: completing the multipart upload), so an
//! interrupted upload, a refused file or a dropped request leaves nothing behind; downloads stream,
//! with byte ranges for resuming large files.
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _, WriteMultipart};
use sha2::Digest as _;

use crate::files::{Chunks, ReceiveError};

/// Command-line settings of the file store (flags with environment fallbacks).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StorageConfig {
    /// S3-compatible endpoint (e.g. `https://s3.example.org`); files go to object storage instead
    /// of the data directory when this and `--s3-bucket` are set.
    #[arg(long, env = "LE_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket (created beforehand by the operator).
    #[arg(long, env = "LE_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "LE_S3_REGION", default_value = "eu-central-1")]
    pub s3_region: String,
    #[arg(long, env = "LE_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// Never logged.
    #[arg(long, env = "LE_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Allow plain HTTP to the endpoint (a test server on this machine only).
    #[arg(long, env = "LE_S3_ALLOW_HTTP")]
    pub s3_allow_http: bool,
}

/// Object storage needs parts of at least 5 MiB (except the last); memory per upload stays
/// about this size times the parts in flight.
const PART_BYTES: usize = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT: usize = 2;

/// The file store.
#[derive(Clone)]
pub enum Storage {
    /// Files under a directory of this machine (owner-only).
    Local { root: PathBuf },
    /// Objects in a bucket; keys are the same relative paths as in the local store.
    Object {
        store: Arc<dyn ObjectStore>,
        describe: String,
    },
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Storage {
    /// The store the settings choose: object storage when endpoint and bucket are given,
    /// otherwise `root` on this machine.
    pub fn from_config(config: &StorageConfig, root: PathBuf) -> Result<Storage, String> {
        match (&config.s3_endpoint, &config.s3_bucket) {
            (Some(endpoint), Some(bucket)) => {
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_endpoint(endpoint)
                    .with_bucket_name(bucket)
                    .with_region(&config.s3_region)
                    .with_allow_http(config.s3_allow_http)
                    .with_virtual_hosted_style_request(false);
                if let Some(id) = &config.s3_access_key_id {
                    builder = builder.with_access_key_id(id);
                }
                if let Some(secret) = &config.s3_secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let store = builder
                    .build()
                    .map_err(|e| format!("object storage settings: {e}"))?;
                Ok(Storage::Object {
                    store: Arc::new(store),
                    describe: format!("s3 {endpoint}/{bucket}"),
                })
            }
            (None, None) => Ok(Storage::Local { root }),
            _ => Err("--s3-endpoint and --s3-bucket are needed together".to_owned()),
        }
    }

    /// For logs and the health endpoint (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Storage::Local { root } => format!("local {}", root.display()),
            Storage::Object { describe, .. } => describe.clone(),
        }
    }

    /// Streams an upload to `key` (a relative path such as `audits/files/3f2a.pdf`) with at most
    /// `limit` bytes. Nothing is visible under `key` until [`Upload::keep`].
    pub async fn receive(
        &self,
        key: &str,
        chunks: impl Chunks,
        limit: u64,
    ) -> Result<Upload, ReceiveError> {
        self.receive_keeping_head(key, chunks, limit, 0).await
    }

    /// [`Storage::receive`] that also keeps the first `head_len` bytes in [`Upload::head`] (a
    /// check of the file's start before it is kept, e.g. the recipient of an encrypted delivery).
    pub async fn receive_keeping_head(
        &self,
        key: &str,
        mut chunks: impl Chunks,
        limit: u64,
        head_len: usize,
    ) -> Result<Upload, ReceiveError> {
        check_key(key)?;
        match self {
            Storage::Local { root } => {
                let dest = root.join(key);
                let dir = dest.parent().unwrap_or(root).to_owned();
                let received = crate::files::receive_chunks(&dir, chunks, limit).await?;
                let head = if head_len == 0 {
                    Vec::new()
                } else {
                    received.head(head_len).await.map_err(ReceiveError::Io)?
                };
                Ok(Upload {
                    size: received.size,
                    sha256: received.sha256.clone(),
                    pdf_problem: received.pdf_problem(),
                    head,
                    pending: Pending::Local { received, dest },
                })
            }
            Storage::Object { store, .. } => {
                let location = ObjectPath::from(key);
                let upload = store
                    .put_multipart(&location)
                    .await
                    .map_err(|e| ReceiveError::Io(std::io::Error::other(e)))?;
                let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                let mut hasher = sha2::Sha256::new();
                let mut size = 0u64;
                let head_len = head_len.max(8);
                let mut head: Vec<u8> = Vec::with_capacity(head_len.min(PART_BYTES));
                let mut tail = le_domain::documents::PdfTail::default();
                let outcome: Result<(), ReceiveError> = async {
                    while let Some(chunk) = chunks.next_chunk().await {
                        let chunk = chunk.map_err(|()| ReceiveError::Incomplete)?;
                        size += chunk.len() as u64;
                        if size > limit {
                            return Err(ReceiveError::TooLarge);
                        }
                        if head.len() < head_len {
                            head.extend(chunk.iter().take(head_len - head.len()));
                        }
                        hasher.update(&chunk);
                        tail.push(&chunk);
                        writer
                            .wait_for_capacity(PARTS_IN_FLIGHT)
                            .await
                            .map_err(|e| ReceiveError::Io(std::io::Error::other(e)))?;
                        writer.put(chunk);
                    }
                    Ok(())
                }
                .await;
                if let Err(e) = outcome {
                    // Parts already sent are discarded with the multipart upload.
                    let _ = writer.abort().await;
                    return Err(e);
                }
                Ok(Upload {
                    size,
                    sha256: hex(&hasher.finalize()),
                    pdf_problem: le_domain::documents::PdfProblem::of(size, &head, &tail),
                    head,
                    pending: Pending::Object(Some(writer)),
                })
            }
        }
    }

    /// Opens `key` for reading, optionally only `range` (half-open byte range).
    pub async fn open(&self, key: &str, range: Option<Range<u64>>) -> std::io::Result<Download> {
        check_key(key).map_err(|_| std::io::Error::other("invalid key"))?;
        match self {
            Storage::Local { root } => {
                use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
                let mut file = tokio::fs::File::open(root.join(key)).await?;
                let total = file.metadata().await?.len();
                let range = clamp(range, total)?;
                let (start, len) = match &range {
                    Some(r) => (r.start, r.end - r.start),
                    None => (0, total),
                };
                file.seek(std::io::SeekFrom::Start(start)).await?;
                // 256 KiB reads: the default 4 KiB makes one blocking-pool trip per 4 KiB (~140 MB/s).
                let stream =
                    tokio_util::io::ReaderStream::with_capacity(file.take(len), 256 * 1024);
                Ok(Download {
                    total,
                    range,
                    body: Body::from_stream(stream),
                })
            }
            Storage::Object { store, .. } => {
                let location = ObjectPath::from(key);
                let total = store.head(&location).await.map_err(to_io)?.size;
                let range = clamp(range, total)?;
                let options = GetOptions {
                    range: range.clone().map(GetRange::Bounded),
                    ..GetOptions::default()
                };
                let result = store.get_opts(&location, options).await.map_err(to_io)?;
                Ok(Download {
                    total,
                    range,
                    body: Body::from_stream(result.into_stream()),
                })
            }
        }
    }

    /// Opens `key` for an HTTP download: the byte range of the request's `Range` header if it
    /// names one (a resumed download), else the whole file.
    pub async fn download(&self, key: &str, headers: &HeaderMap) -> std::io::Result<Download> {
        let whole = self.open(key, None).await?;
        if headers.contains_key(header::RANGE)
            && let Some(range) = requested_range(headers, whole.total)
        {
            return self.open(key, Some(range)).await;
        }
        Ok(whole)
    }

    /// Removes `key`; a missing file is not an error (retention may run twice).
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        check_key(key).map_err(|_| std::io::Error::other("invalid key"))?;
        match self {
            Storage::Local { root } => match tokio::fs::remove_file(root.join(key)).await {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
            Storage::Object { store, .. } => match store.delete(&ObjectPath::from(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(to_io(e)),
            },
        }
    }

    /// True when the store answers (health endpoint): the directory exists, or the bucket lists.
    pub async fn is_reachable(&self) -> bool {
        match self {
            Storage::Local { root } => tokio::fs::metadata(root).await.is_ok_and(|m| m.is_dir()),
            Storage::Object { store, .. } => {
                use futures_util::StreamExt as _;
                let mut listing = store.list(Some(&ObjectPath::from("health")));
                !matches!(listing.next().await, Some(Err(_)))
            }
        }
    }
}

/// Keys are relative paths of plain segments: no `..`, no absolute paths, no empty segments.
fn check_key(key: &str) -> Result<(), ReceiveError> {
    let ok = !key.is_empty()
        && key.split('/').all(|s| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    if ok {
        Ok(())
    } else {
        Err(ReceiveError::Io(std::io::Error::other(format!(
            "invalid storage key {key:?}"
        ))))
    }
}

fn to_io(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string())
        }
        other => std::io::Error::other(other),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A requested range within a file of `total` bytes; beyond the end is "not satisfiable".
fn clamp(range: Option<Range<u64>>, total: u64) -> std::io::Result<Option<Range<u64>>> {
    match range {
        None => Ok(None),
        Some(r) if r.start < total && r.start < r.end => Ok(Some(r.start..r.end.min(total))),
        Some(_) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "range not satisfiable",
        )),
    }
}

/// A received upload, not yet visible; dropped without [`Upload::keep`] it is discarded.
pub struct Upload {
    pub size: u64,
    pub sha256: String,
    /// What makes it unacceptable as a PDF document, if anything (the domain's rule).
    pub pdf_problem: Option<le_domain::documents::PdfProblem>,
    /// The first bytes as asked for by [`Storage::receive_keeping_head`] (fewer when the file is
    /// shorter; may hold a few more bytes in object storage, where the PDF check keeps 8).
    pub head: Vec<u8>,
    pending: Pending,
}

enum Pending {
    Local {
        received: crate::files::Received,
        dest: PathBuf,
    },
    Object(Option<WriteMultipart>),
}

impl Upload {
    /// Makes the upload visible under its key (atomic in both stores).
    pub async fn keep(mut self) -> std::io::Result<()> {
        match &mut self.pending {
            Pending::Local { .. } => {
                let Pending::Local { received, dest } =
                    std::mem::replace(&mut self.pending, Pending::Object(None))
                else {
                    return Ok(());
                };
                received.keep(&dest).await
            }
            Pending::Object(writer) => match writer.take() {
                Some(writer) => writer.finish().await.map(|_| ()).map_err(to_io),
                None => Ok(()),
            },
        }
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // The local temporary file removes itself; a pending multipart upload is aborted.
        if let Pending::Object(writer) = &mut self.pending
            && let Some(writer) = writer.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                let _ = writer.abort().await;
            });
        }
    }
}

/// An opened file: its full size, the range being sent (if any) and the body.
pub struct Download {
    pub total: u64,
    pub range: Option<Range<u64>>,
    pub body: Body,
}

impl Download {
    /// The HTTP answer: 200 with the whole file or 206 with `Content-Range`.
    pub fn into_response(self, content_type: &'static str) -> Response {
        let mut res = Response::new(self.body);
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        let length = match &self.range {
            Some(r) => {
                *res.status_mut() = StatusCode::PARTIAL_CONTENT;
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "bytes {}-{}/{}",
                    r.start,
                    r.end - 1,
                    self.total
                )) {
                    res.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                r.end - r.start
            }
            None => self.total,
        };
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        res
    }
}

/// The single byte range of a request's `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`),
/// as a half-open range within `total` bytes; `None` for no or an unsupported header (then the
/// whole file is sent, which HTTP allows).
pub fn requested_range(headers: &HeaderMap, total: u64) -> Option<Range<u64>> {
    let spec = headers
        .get(header::RANGE)?
        .to_str()
        .ok()?
        .strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            Some(total.saturating_sub(n)..total)
        }
        (start, "") => Some(start.parse().ok()?..total),
        (start, end) => {
            let end: u64 = end.parse().ok()?;
            Some(start.parse().ok()?..end.checked_add(1)?)
        }
    }
}
