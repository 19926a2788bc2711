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

use sqlx::{Row as _, SqlitePool};

use crate::config::Config;
use crate::db::{self, Database};
use crate::secrets::SecretBox;
use crate::storage::Storage;

/// The folders of the data directory that hold uploaded files (keys of the file store).
pub const FILE_FOLDERS: &[&str] = &[
    "registrations",
    "audits/files",
    "care/deliveries",
    "clarifications",
];

/// Tables the migrations fill themselves (the source's rows replace them).
const SEEDED_BY_MIGRATIONS: &[&str] = &["app_meta"];

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement).
const BATCH_ROWS: usize = 500;

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
    let secrets = SecretBox::from_key_file(&key_path).map_err(|e| format!("secret key: {e}"))?;
    // The source is brought to the current schema, as this version's server would at start.
    let source = db::connect(&format!("sqlite://{}", source_file.display()))
        .await
        .map_err(|e| format!("source database: {e}"))?;
    if let Some(sealed) = sqlx::query_scalar::<_, Vec<u8>>("SELECT sealed FROM key_check")
        .fetch_optional(&source)
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
    let tables = source_tables(&source).await?;
    for table in &tables {
        if SEEDED_BY_MIGRATIONS.contains(&table.as_str()) {
            continue;
        }
        let has_rows: bool =
            sqlx::query_scalar(safe(format!("SELECT EXISTS (SELECT 1 FROM {table})")))
                .fetch_one(pg)
                .await
                .map_err(|e| format!("target table {table}: {e}"))?;
        if has_rows && table != "key_check" {
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
        sqlx::query(safe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("clearing {table}: {e}"))?;
    }
    let mut copied: HashSet<String> = HashSet::new();
    let mut deferred: Vec<(String, String, String)> = Vec::new();
    for table in &tables {
        let rows = copy_table(&source, &mut tx, table, &copied, &mut deferred).await?;
        copied.insert(table.clone());
        report.tables.push((table.clone(), rows));
    }
    // Columns that point to rows copied later (or to their own table) are set now.
    for (table, column, key) in &deferred {
        let pairs: Vec<(i64, i64)> = sqlx::query_as(safe(format!(
            "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"
        )))
        .fetch_all(&source)
        .await
        .map_err(|e| format!("reading {table}.{column}: {e}"))?;
        for (id, value) in pairs {
            sqlx::query(safe(format!(
                "UPDATE {table} SET {column} = $1 WHERE {key} = $2"
            )))
            .bind(value)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("setting {table}.{column}: {e}"))?;
        }
    }
    restart_identities(&mut tx, &tables).await?;
    tx.commit()
        .await
        .map_err(|e| format!("target commit: {e}"))?;

    for (table, rows) in &report.tables {
        let now: i64 = sqlx::query_scalar(safe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(pg)
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

/// The source's tables in creation order (the order the migrations made them).
async fn source_tables(source: &SqlitePool) -> Result<Vec<String>, String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY rowid",
    )
    .fetch_all(source)
    .await
    .map_err(|e| format!("source tables: {e}"))
    .and_then(|tables: Vec<String>| {
        tables.iter().try_for_each(|t| check_name(t))?;
        Ok(tables)
    })
}

/// SQL with table and column names in it: every name comes from the source's schema and has
/// passed [`check_name`] (letters, digits, underscores), so nothing else reaches the SQL text.
fn safe(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// A table or column name as the migrations write them; anything else stops the import.
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected name in the source schema: {name:?}"))
    }
}

/// How a column's values travel (the PostgreSQL column's type decides).
#[derive(Clone, Copy)]
enum Kind {
    Integer,
    Boolean,
    Bytes,
    Text,
}

enum Value {
    Integer(Option<i64>),
    Boolean(Option<bool>),
    Bytes(Option<Vec<u8>>),
    Text(Option<String>),
}

/// Copies one table's rows; foreign-key columns that point to a table not copied yet (or to
/// this one) are written empty and listed in `deferred` as (table, column, key column).
async fn copy_table(
    source: &SqlitePool,
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: &str,
    copied: &HashSet<String>,
    deferred: &mut Vec<(String, String, String)>,
) -> Result<i64, String> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await
    .map_err(|e| format!("target columns of {table}: {e}"))?;
    if columns.is_empty() {
        return Err(format!(
            "table {table} is missing in the target (a schema change made only for SQLite?)"
        ));
    }
    let source_columns: Vec<String> = sqlx::query_scalar(safe(format!(
        "SELECT name FROM pragma_table_info('{table}')"
    )))
    .fetch_all(source)
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
    let key: Option<String> = sqlx::query_scalar(safe(format!(
        "SELECT name FROM pragma_table_info('{table}') WHERE pk = 1"
    )))
    .fetch_optional(source)
    .await
    .map_err(|e| format!("source key of {table}: {e}"))?;
    let references: Vec<(String, String)> = sqlx::query_as(safe(format!(
        "SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{table}')"
    )))
    .fetch_all(source)
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
            deferred.push((table.to_owned(), column.clone(), key.clone()));
            later.insert(column);
        }
    }
    let kinds: Vec<Kind> = columns
        .iter()
        .map(|(name, ty)| match ty.as_str() {
            "bigint" | "integer" | "smallint" => Ok(Kind::Integer),
            "boolean" => Ok(Kind::Boolean),
            "bytea" => Ok(Kind::Bytes),
            "text" | "character varying" => Ok(Kind::Text),
            other => Err(format!("{table}.{name}: type {other} is not handled")),
        })
        .collect::<Result<_, _>>()?;
    let list = columns
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(safe(format!("SELECT {list} FROM {table}")))
        .fetch_all(source)
        .await
        .map_err(|e| format!("reading {table}: {e}"))?;
    let mut count = 0i64;
    for batch in rows.chunks(BATCH_ROWS) {
        let mut insert =
            sqlx::QueryBuilder::<sqlx::Postgres>::new(format!("INSERT INTO {table} ({list}) "));
        let mut failure: Option<String> = None;
        insert.push_values(batch, |mut b, row| {
            for (i, ((name, _), kind)) in columns.iter().zip(&kinds).enumerate() {
                let value = if later.contains(name) {
                    Ok(Value::Integer(None))
                } else {
                    read(row, i, *kind)
                };
                match value {
                    Ok(Value::Integer(v)) => b.push_bind(v),
                    Ok(Value::Boolean(v)) => b.push_bind(v),
                    Ok(Value::Bytes(v)) => b.push_bind(v),
                    Ok(Value::Text(v)) => b.push_bind(v),
                    Err(e) => {
                        failure.get_or_insert(format!("{table}.{name}: {e}"));
                        b.push_bind(None::<i64>)
                    }
                };
            }
        });
        if let Some(failure) = failure {
            return Err(failure);
        }
        insert
            .build()
            .execute(&mut **tx)
            .await
            .map_err(|e| format!("writing {table}: {e}"))?;
        count += batch.len() as i64;
    }
    Ok(count)
}

fn read(row: &sqlx::sqlite::SqliteRow, i: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Integer => Value::Integer(row.try_get(i)?),
        Kind::Boolean => Value::Boolean(row.try_get::<Option<i64>, _>(i)?.map(|v| v != 0)),
        Kind::Bytes => Value::Bytes(row.try_get(i)?),
        Kind::Text => Value::Text(row.try_get(i)?),
    })
}

/// Sets every identity column's next value past the highest id copied.
async fn restart_identities(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    tables: &[String],
) -> Result<(), String> {
    for table in tables {
        let identity: Option<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'YES'",
        )
        .bind(table)
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| format!("identity of {table}: {e}"))?;
        if let Some(column) = identity {
            sqlx::query(safe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 GREATEST(COALESCE(MAX({column}), 0), 1), COALESCE(MAX({column}), 0) > 0) \
                 FROM {table}"
            )))
            .execute(&mut **tx)
            .await
            .map_err(|e| format!("identity of {table}: {e}"))?;
        }
    }
    Ok(())
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
