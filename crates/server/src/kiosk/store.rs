//! The kiosk's SQL: the snapshot of the seeded demo database and its restore. SQLite only, by
//! design (kiosk mode refuses PostgreSQL): `VACUUM INTO` writes the snapshot, the restore
//! attaches it and copies every table back inside one write transaction.
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use crate::db::Db;

/// Writes a consistent copy of the whole database to `path` (replacing an older one).
pub async fn snapshot(db: &Db, path: &Path) -> sqlx::Result<()> {
    if path.exists() {
        std::fs::remove_file(path).map_err(sqlx::Error::Io)?;
    }
    sqlx::query("VACUUM INTO ?")
        .bind(path.to_string_lossy().into_owned())
        .execute(db)
        .await?;
    Ok(())
}

/// Every table of the schema but SQLite's own and the migrations' record.
const TABLES: &str = "SELECT name FROM main.sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name";

/// Puts the snapshot's rows back into the database at `database`: one write transaction on a
/// connection of its own (the pool's connections see the result when it commits); foreign keys
/// are checked at the commit, so the order of the tables does not matter. Columns are named, so
/// a later migration that added a column keeps its default.
pub async fn restore(database: &Path, snapshot: &Path) -> sqlx::Result<()> {
    let options =
        SqliteConnectOptions::from_str(&format!("sqlite://{}", database.to_string_lossy()))?
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
    let mut conn = SqliteConnection::connect_with(&options).await?;
    sqlx::query("ATTACH DATABASE ? AS snap")
        .bind(snapshot.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await?;
    let outcome = copy_back(&mut conn).await;
    // The connection is closed either way; the detach only tidies up.
    let _ = sqlx::query("DETACH DATABASE snap").execute(&mut conn).await;
    let _ = conn.close().await;
    outcome
}

async fn copy_back(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    let tables: Vec<String> = sqlx::query_scalar(TABLES).fetch_all(&mut *tx).await?;
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    // First empty every table, then fill them: a delete cascades (ON DELETE CASCADE), so a
    // parent emptied after its children were filled would take the restored children along.
    for table in &tables {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM main.{}",
            quote(table)
        )))
        .execute(&mut *tx)
        .await?;
    }
    for table in &tables {
        // Names come from the schema itself; quoted all the same.
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?, 'snap')")
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
        if columns.is_empty() {
            continue;
        }
        let list = columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", ");
        let quoted = quote(table);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO main.{quoted} ({list}) SELECT {list} FROM snap.{quoted}"
        )))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
