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
