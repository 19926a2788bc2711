//! Storage of the installation record (one row, written at the first start).
use sqlx::SqliteConnection;

/// The mode recorded at the first start ("demo" or "real"), if any.
pub async fn recorded_mode(conn: &mut SqliteConnection) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT mode FROM installation WHERE id = 1")
        .fetch_optional(conn)
        .await
}

/// How many user accounts exist (a database with users from before the record counts as real).
pub async fn user_count(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
}

/// Records the mode (once: the row's id is fixed).
pub async fn record_mode(conn: &mut SqliteConnection, mode: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO installation (id, mode, created_at) VALUES (1, ?, ?)")
        .bind(mode)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
}
