//! Files at rest: the data directory and everything under it is the server's alone (directories
//! 0700, files 0600), since it holds medical documents and the database. Temporary upload files
//! left by a server that was killed mid-upload are removed at start.
use std::path::Path;

/// Creates `path` (and parents) readable by the owner only; tightens an existing directory.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

/// Async form of [`create_private_dir`] for handlers.
pub async fn create_private_dir_async(path: &Path) -> std::io::Result<()> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || create_private_dir(&path))
        .await
        .map_err(std::io::Error::other)?
}

/// Creates a new file readable by the owner only (fails if it exists).
pub async fn create_private_file(path: &Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

/// Makes an existing file owner-only (the database and its WAL files, which SQLite creates).
pub fn restrict_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// True for the names of temporary upload files (`.upload-<token>`, `.<id>.upload`).
pub fn is_temporary_upload(name: &str) -> bool {
    name.starts_with(".upload-") || (name.starts_with('.') && name.ends_with(".upload"))
}

/// Removes temporary upload files anywhere under `dir` (left by a killed server); returns how
/// many. Only called at start, before the server accepts requests.
pub fn remove_stale_uploads(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            removed += remove_stale_uploads(&path);
        } else if kind.is_file()
            && entry.file_name().to_str().is_some_and(is_temporary_upload)
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// A received body in a temporary file (owner-only) under the target directory; removed on drop
/// unless [`Received::keep`] moved it into place, so a cut-off body, an error or a client that
/// went away leaves nothing behind.
pub struct Received {
    path: std::path::PathBuf,
    pub size: u64,
    pub sha256: String,
    head: Vec<u8>,
    tail: le_domain::documents::PdfTail,
    kept: bool,
}

impl Received {
    /// Moves the file to `dest` (same file system: atomic).
    pub async fn keep(mut self, dest: &Path) -> std::io::Result<()> {
        tokio::fs::rename(&self.path, dest).await?;
        self.kept = true;
        Ok(())
    }

    /// The first `n` bytes of the received file (all of it when shorter).
    pub async fn head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        use tokio::io::AsyncReadExt as _;
        let file = tokio::fs::File::open(&self.path).await?;
        let mut out = Vec::with_capacity(n.min(64 * 1024));
        file.take(n as u64).read_to_end(&mut out).await?;
        Ok(out)
    }

    /// What makes the file unacceptable as a PDF document (the domain's rule), if anything.
    pub fn pdf_problem(&self) -> Option<le_domain::documents::PdfProblem> {
        le_domain::documents::PdfProblem::of(self.size, &self.head, &self.tail)
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Why a body could not be received.
#[derive(Debug)]
pub enum ReceiveError {
    TooLarge,
    Incomplete,
    Io(std::io::Error),
}

/// Where the chunks of an upload come from: a raw request body or one part of a multipart form.
pub trait Chunks {
    /// The next chunk; `Some(Err(()))` when the client's body broke off.
    fn next_chunk(&mut self) -> impl Future<Output = Option<Result<axum::body::Bytes, ()>>> + Send;
}

impl Chunks for axum::body::BodyDataStream {
    async fn next_chunk(&mut self) -> Option<Result<axum::body::Bytes, ()>> {
        use http_body_util::BodyExt as _;
        loop {
            match self.frame().await? {
                Err(_) => return Some(Err(())),
                Ok(frame) => match frame.into_data() {
                    Ok(chunk) => return Some(Ok(chunk)),
                    Err(_) => continue, // trailers
                },
            }
        }
    }
}

impl Chunks for axum::extract::multipart::Field<'_> {
    async fn next_chunk(&mut self) -> Option<Result<axum::body::Bytes, ()>> {
        self.chunk().await.map_err(|_| ()).transpose()
    }
}

/// Writes are batched to this size (fewer syscalls for the many small frames of an upload).
const WRITE_CHUNK: usize = 256 * 1024;

/// Streams `chunks` (a request body or one part of a multipart form) into a temporary file in
/// `dir` (created owner-only), hashing it on the way and refusing more than `limit` bytes; memory
/// stays flat whatever the size. Keeps the first and last bytes so that [`Received::pdf_problem`] can check the content afterwards.
pub async fn receive_chunks(
    dir: &Path,
    mut chunks: impl Chunks,
    limit: u64,
) -> Result<Received, ReceiveError> {
    use sha2::Digest as _;
    use tokio::io::AsyncWriteExt as _;
    create_private_dir_async(dir)
        .await
        .map_err(ReceiveError::Io)?;
    let path = dir.join(format!(".upload-{}", crate::secrets::token()));
    let mut file = create_private_file(&path).await.map_err(ReceiveError::Io)?;
    let mut received = Received {
        path,
        size: 0,
        sha256: String::new(),
        head: Vec::with_capacity(8),
        tail: le_domain::documents::PdfTail::default(),
        kept: false,
    };
    let mut hasher = sha2::Sha256::new();
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_CHUNK);
    while let Some(chunk) = chunks.next_chunk().await {
        let Ok(chunk) = chunk else {
            return Err(ReceiveError::Incomplete);
        };
        received.size += chunk.len() as u64;
        if received.size > limit {
            return Err(ReceiveError::TooLarge);
        }
        if received.head.len() < 8 {
            let take = 8 - received.head.len();
            received.head.extend(chunk.iter().take(take));
        }
        hasher.update(&chunk);
        received.tail.push(&chunk);
        pending.extend_from_slice(&chunk);
        if pending.len() >= WRITE_CHUNK {
            file.write_all(&pending).await.map_err(ReceiveError::Io)?;
            pending.clear();
        }
    }
    file.write_all(&pending).await.map_err(ReceiveError::Io)?;
    file.sync_all().await.map_err(ReceiveError::Io)?;
    received.sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names() {
        assert!(is_temporary_upload(".upload-abc"));
        assert!(is_temporary_upload(".17.upload"));
        assert!(!is_temporary_upload("17.pdf"));
        assert!(!is_temporary_upload("R-ABCD-EFGH.pdf"));
    }

    #[test]
    fn stale_uploads_are_removed_and_stored_files_kept() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let sub = dir.path().join("audits").join("incoming");
        create_private_dir(&sub)?;
        std::fs::write(sub.join(".upload-x"), b"partial")?;
        std::fs::write(dir.path().join(".3.upload"), b"partial")?;
        std::fs::write(dir.path().join("3.pdf"), b"%PDF-")?;
        assert_eq!(remove_stale_uploads(dir.path()), 2);
        assert!(dir.path().join("3.pdf").exists());
        assert!(!sub.join(".upload-x").exists());
        Ok(())
    }
}
