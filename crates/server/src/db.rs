//! Database connection and migrations (embedded SQLite by default).
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub type Db = SqlitePool;

/// Opens (creating if needed) the database and applies every pending migration.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers run while one writer commits; NORMAL is durable enough with WAL.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a write transaction with `BEGIN IMMEDIATE`: it takes SQLite's write lock up front (and
/// waits for it with the busy timeout). A deferred transaction that reads first and writes later
/// fails at once with SQLITE_BUSY when another writer committed in between; concurrent uploads
/// hit exactly that.
async fn begin_immediate(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// A database of either backend: embedded SQLite (`sqlite://…`, the default) or PostgreSQL
/// (`postgres://…`, for several server instances). Store functions take it and run their SQL on
/// whichever pool it holds with [`on_db!`]: the SQL is written once where the dialects agree
/// (`$1` placeholders, which SQLite reads too; `RETURNING id`; `ON CONFLICT … DO NOTHING`;
/// `TRUE`/`FALSE`) and once per backend where they do not.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Database {
    /// Opens the database the URL names and applies that backend's pending migrations
    /// (`migrations/` for SQLite, `migrations_postgres/` for PostgreSQL).
    pub async fn connect(url: &str) -> Result<Database, sqlx::Error> {
        if is_postgres_url(url) {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("./migrations_postgres").run(&pool).await?;
            Ok(Database::Postgres(pool))
        } else {
            Ok(Database::Sqlite(connect(url).await?))
        }
    }

    /// "sqlite" or "postgres", for the health endpoint and logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }
}

/// Creates a new, empty database named `prefix` and a random suffix on the PostgreSQL server
/// `server` names (its URL, with any database) and answers its URL: a test or benchmark runs on
/// a database of its own.
pub async fn fresh_postgres_database(server: &str, prefix: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection as _;
    let name: String = format!("{prefix}_{}", crate::secrets::token())
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(48)
        .collect();
    let mut conn = sqlx::PgConnection::connect(server).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}

/// Whether a database URL names a PostgreSQL server.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Runs `$body` with `$pool` bound to the pool of whichever backend `$db` (a `&Database`) holds.
/// The body is compiled once per backend, so a query, its binds and its row type are checked
/// against both drivers. Both arms must have one type: map driver-specific results
/// (`…execute(pool).await.map(|r| r.rows_affected())`).
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Database::Sqlite($pool) => $body,
            $crate::db::Database::Postgres($pool) => $body,
        }
    };
}

/// A write transaction of either backend (see [`Database::begin_write`]); run SQL in it with
/// [`on_tx!`], end it with [`Tx::commit`] (dropped without commit, it rolls back).
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// The advisory lock every PostgreSQL write transaction holds until it ends (any constant; the
/// ASCII of "LEwrite"): writers run one after another, as they do on SQLite.
const WRITE_LOCK: i64 = 0x004c_4577_7269_7465;

impl Database {
    /// Starts a write transaction in which reads and the writes that depend on them are not
    /// interleaved with another writer's, on either backend: SQLite takes its write lock up front
    /// (`BEGIN IMMEDIATE`); PostgreSQL takes a transaction-scoped advisory lock, so the checks the
    /// server makes before it writes ("no code accepted twice", "transfer number never twice",
    /// the version check) hold across instances as they do with SQLite's single writer. Readers
    /// are never blocked.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Database::Sqlite(pool) => Ok(Tx::Sqlite(begin_immediate(pool).await?)),
            Database::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Runs `$body` with `$conn` bound to the connection of whichever backend the transaction `$tx`
/// (a `&mut Tx`) holds: `on_tx!(tx, conn => sqlx::query("…").execute(conn).await.map(…))`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
