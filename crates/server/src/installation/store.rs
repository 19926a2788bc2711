//! Storage of the installation record (one row, written at the first start).
use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

const MODE: &str = "SELECT mode FROM installation WHERE id = 1";

/// The mode recorded at the first start ("demo" or "real"), if any.
pub async fn mode(db: &Database) -> sqlx::Result<Option<String>> {
    on_db!(db, pool => sqlx::query_scalar(MODE).fetch_optional(pool).await)
}

/// [`mode`] inside the write transaction that records it.
pub async fn recorded_mode(tx: &mut Tx) -> sqlx::Result<Option<String>> {
    on_tx!(tx, conn => sqlx::query_scalar(MODE)
        .fetch_optional(conn)
        .await)
}

/// How many user accounts exist (a database with users from before the record counts as real).
pub async fn user_count(tx: &mut Tx) -> sqlx::Result<i64> {
    on_tx!(tx, conn => sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await)
}

/// Records the mode (once: the row's id is fixed).
pub async fn record_mode(tx: &mut Tx, mode: &str, now: i64) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query("INSERT INTO installation (id, mode, created_at) VALUES (1, $1, $2)")
        .bind(mode)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))
}
