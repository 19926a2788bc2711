//! SQL of the operational checks: the database's answer and the secret-key check value. Written
//! once for both backends (see `db::Database`).
use crate::db::Database;
use crate::on_db;

pub async fn ping(db: &Database) -> bool {
    on_db!(db, pool => sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.is_ok())
}

/// Stores `sealed` unless a check value exists, and answers the one in force (the first
/// instance to start wins; the others compare against it).
pub async fn key_check(db: &Database, sealed: &[u8], now: i64) -> sqlx::Result<Vec<u8>> {
    on_db!(db, pool => {
        sqlx::query(
            "INSERT INTO key_check (id, sealed, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(sealed)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query_scalar("SELECT sealed FROM key_check WHERE id = 1")
            .fetch_one(pool)
            .await
    })
}
