//! SQL of the operational checks: the database's answer and the secret-key check value.
use crate::db::Db;

pub async fn ping(db: &Db) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(db)
        .await
        .is_ok()
}

/// Stores `sealed` unless a check value exists, and answers the one in force (the first
/// instance to start wins; the others compare against it).
pub async fn key_check(db: &Db, sealed: &[u8], now: i64) -> sqlx::Result<Vec<u8>> {
    sqlx::query("INSERT INTO key_check (id, sealed, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING")
        .bind(sealed)
        .bind(now)
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT sealed FROM key_check WHERE id = 1")
        .fetch_one(db)
        .await
}
