//! `le-server import --from DIR`: moves an installation on one machine (the SQLite database and
//! the files in its data directory) into the database and file store the settings name, a
//! PostgreSQL server and usually object storage, for a deployment of several instances.
//!
//! The old server is stopped first. The target database must hold no data yet (a `le-server
//! migrate` before is fine); the secret key given to the new installation must be the old one
//! (the TOTP keys are sealed with it): both are checked before anything is written. Files are
//! copied first (copying again overwrites them with the same bytes), then every table in one
//! PostgreSQL transaction, so an interrupted import leaves no half-filled database; at the end the
//! row counts of both databases are compared.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::store::import::{self as store, Kind, PgTx, Value, check_name};
use crate::config::Config;
use crate::db::{self, Database};
use crate::secrets::SecretBox;
use crate::storage::Storage;

/// The folders of the data directory that hold uploaded files (key prefixes of the file store,
/// one per area that stores files).
pub const FILE_FOLDERS: &[&str] = &[
    crate::access::registration::FILE_FOLDER,
    crate::audits::uploads::FILE_FOLDER,
    crate::care_billing::deliveries::FILE_FOLDER,
    crate::directory::clarifications::FILE_FOLDER,
];

/// Tables the migrations fill themselves (the source's rows replace them).
const SEEDED_BY_MIGRATIONS: &[&str] = &["app_meta"];

/// What an import copied.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Table name and rows copied, in copy order.
    pub tables: Vec<(String, i64)>,
    pub files: u64,
    pub file_bytes: u64,
    /// Set when the target file store is the source directory itself (nothing to copy).
    pub files_in_place: bool,
}

/// A column that points to rows copied later (or to its own table): written empty first, set
/// once every table is in.
struct Deferred {
    table: String,
    key: String,
    column: String,
}

/// Copies the installation in `from` into the database and file store of `config`.
pub async fn import_installation(from: &Path, config: &Config) -> Result<ImportReport, String> {
    let target_url = config.database_url();
    if !db::is_postgres_url(&target_url) {
        return Err(
            "import copies into a PostgreSQL database: give --database-url postgres://… \
             (LE_DATABASE_URL)"
                .to_owned(),
        );
    }
    let source_file = from.join("le-portal.db");
    if !source_file.is_file() {
        return Err(format!("no database at {}", source_file.display()));
    }
    let key_path = config.secret_key_path();
    if !key_path.is_file() {
        return Err(format!(
            "no secret key at {}: copy {} there (or give --secret-key-file); the TOTP keys are \
             sealed with it",
            key_path.display(),
            from.join("secret.key").display()
        ));
    }
    let secrets =
        SecretBox::from_existing_key_file(&key_path).map_err(|e| format!("secret key: {e}"))?;
    // The source is brought to the current schema, as this version's server would at start.
    let source = db::connect(&format!("sqlite://{}", source_file.display()))
        .await
        .map_err(|e| format!("source database: {e}"))?;
    if let Some(sealed) = store::source_key_check(&source)
        .await
        .map_err(|e| format!("source key check: {e}"))?
        && secrets.open(&sealed).as_deref() != Some(super::KEY_CHECK)
    {
        return Err(format!(
            "the secret key {} is not the one of the installation in {}: give its secret.key",
            key_path.display(),
            from.display()
        ));
    }
    let target = Database::connect(&target_url)
        .await
        .map_err(|e| format!("target database: {e}"))?;
    let Database::Postgres(pg) = &target else {
        return Err("the target is not PostgreSQL".to_owned());
    };
    let tables = store::source_tables(&source)
        .await
        .map_err(|e| format!("source tables: {e}"))?;
    tables.iter().try_for_each(|t| check_name(t))?;
    for table in &tables {
        if SEEDED_BY_MIGRATIONS.contains(&table.as_str()) || table == "key_check" {
            continue;
        }
        if store::target_has_rows(pg, table)
            .await
            .map_err(|e| format!("target table {table}: {e}"))?
        {
            return Err(format!(
                "the target database already holds data (table {table}): import needs an empty one"
            ));
        }
    }
    // A key check an instance already stored in the target must be the same key's.
    super::verify_secret_key(&target, &secrets, 0).await?;

    let storage = Storage::from_config(&config.storage, config.data_dir.clone())?;
    let mut report = ImportReport::default();
    copy_files(from, &storage, &mut report).await?;

    let mut tx = pg
        .begin()
        .await
        .map_err(|e| format!("target transaction: {e}"))?;
    for table in SEEDED_BY_MIGRATIONS.iter().chain(["key_check"].iter()) {
        store::clear(&mut tx, table)
            .await
            .map_err(|e| format!("clearing {table}: {e}"))?;
    }
    let mut copied: HashSet<String> = HashSet::new();
    let mut deferred: Vec<Deferred> = Vec::new();
    for table in &tables {
        let rows = copy_table(&source, &mut tx, table, &copied, &mut deferred).await?;
        copied.insert(table.clone());
        report.tables.push((table.clone(), rows));
    }
    for d in &deferred {
        let pairs = store::source_pairs(&source, &d.table, &d.key, &d.column)
            .await
            .map_err(|e| format!("reading {}.{}: {e}", d.table, d.column))?;
        for (id, value) in pairs {
            store::set_value(&mut tx, &d.table, &d.key, id, &d.column, value)
                .await
                .map_err(|e| format!("setting {}.{}: {e}", d.table, d.column))?;
        }
    }
    for table in &tables {
        store::restart_identity(&mut tx, table)
            .await
            .map_err(|e| format!("identity of {table}: {e}"))?;
    }
    tx.commit()
        .await
        .map_err(|e| format!("target commit: {e}"))?;

    for (table, rows) in &report.tables {
        let now = store::target_count(pg, table)
            .await
            .map_err(|e| format!("counting {table}: {e}"))?;
        if now != *rows {
            return Err(format!(
                "table {table}: {rows} rows read, {now} in the target"
            ));
        }
    }
    Ok(report)
}

/// Copies one table's rows; foreign-key columns that point to a table not copied yet (or to
/// this one) are written empty and listed in `deferred`.
async fn copy_table(
    source: &sqlx::SqlitePool,
    tx: &mut PgTx,
    table: &str,
    copied: &HashSet<String>,
    deferred: &mut Vec<Deferred>,
) -> Result<i64, String> {
    let columns = store::target_columns(tx, table)
        .await
        .map_err(|e| format!("target columns of {table}: {e}"))?;
    if columns.is_empty() {
        return Err(format!(
            "table {table} is missing in the target (a schema change made only for SQLite?)"
        ));
    }
    let source_columns = store::source_columns(source, table)
        .await
        .map_err(|e| format!("source columns of {table}: {e}"))?;
    let mut names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let mut source_names: Vec<&str> = source_columns.iter().map(String::as_str).collect();
    source_names.sort_unstable();
    names.iter().try_for_each(|n| check_name(n))?;
    if names != source_names {
        return Err(format!(
            "table {table} has other columns in the target: {names:?} vs {source_names:?}"
        ));
    }
    let key = store::source_key(source, table)
        .await
        .map_err(|e| format!("source key of {table}: {e}"))?;
    let references = store::source_references(source, table)
        .await
        .map_err(|e| format!("source references of {table}: {e}"))?;
    let mut later: HashSet<String> = HashSet::new();
    for (column, target) in references {
        if target == table || !copied.contains(&target) {
            let Some(key) = &key else {
                return Err(format!(
                    "table {table}: {column} points ahead but the table has no single key"
                ));
            };
            deferred.push(Deferred {
                table: table.to_owned(),
                key: key.clone(),
                column: column.clone(),
            });
            later.insert(column);
        }
    }
    let typed: Vec<(String, Kind)> = columns
        .iter()
        .map(|(name, ty)| {
            Kind::of(ty)
                .map(|k| (name.clone(), k))
                .ok_or_else(|| format!("{table}.{name}: type {ty} is not handled"))
        })
        .collect::<Result<_, _>>()?;
    let mut rows = store::source_rows(source, table, &typed)
        .await
        .map_err(|e| format!("reading {table}: {e}"))?;
    for row in &mut rows {
        for ((name, _), value) in typed.iter().zip(row.iter_mut()) {
            if later.contains(name) {
                *value = Value::Integer(None);
            }
        }
    }
    let count = rows.len() as i64;
    let names: Vec<String> = typed.into_iter().map(|(n, _)| n).collect();
    store::insert_rows(tx, table, &names, rows)
        .await
        .map_err(|e| format!("writing {table}: {e}"))?;
    Ok(count)
}

/// Copies the files under [`FILE_FOLDERS`] of `from` into `storage` under the same keys.
async fn copy_files(
    from: &Path,
    storage: &Storage,
    report: &mut ImportReport,
) -> Result<(), String> {
    if let Storage::Local { root } = storage
        && same_dir(root, from)
    {
        report.files_in_place = true;
        return Ok(());
    }
    for folder in FILE_FOLDERS {
        let mut pending = vec![from.join(folder)];
        while let Some(dir) = pending.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("{}: {e}", dir.display())),
            };
            while let Some(entry) = entries
                .next_entry()
                .await
                .map_err(|e| format!("{}: {e}", dir.display()))?
            {
                let path = entry.path();
                let kind = entry
                    .file_type()
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file() {
                    report.file_bytes += copy_file(from, &path, storage).await?;
                    report.files += 1;
                }
            }
        }
    }
    Ok(())
}

async fn copy_file(from: &Path, path: &Path, storage: &Storage) -> Result<u64, String> {
    let key = path
        .strip_prefix(from)
        .map_err(|_| format!("{} is outside {}", path.display(), from.display()))?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let upload = storage
        .receive(&key, FileChunks(file), u64::MAX)
        .await
        .map_err(|e| format!("{key}: {e:?}"))?;
    let size = upload.size;
    upload.keep().await.map_err(|e| format!("{key}: {e}"))?;
    Ok(size)
}

/// A local file read in 1 MiB chunks, as the file store's uploads are.
struct FileChunks(tokio::fs::File);

impl crate::files::Chunks for FileChunks {
    async fn next_chunk(&mut self) -> Option<Result<axum::body::Bytes, ()>> {
        use tokio::io::AsyncReadExt as _;
        let mut buf = vec![0u8; 1024 * 1024];
        match self.0.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some(Ok(axum::body::Bytes::from(buf)))
            }
            Err(_) => Some(Err(())),
        }
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    canonical(a) == canonical(b)
}
