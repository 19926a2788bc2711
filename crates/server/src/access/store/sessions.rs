//! Sessions: stored by the hash of the cookie value, with their CSRF token and expiry.
use crate::db::Database;
use crate::on_db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
}

pub async fn insert_session(
    db: &Database,
    id_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: i64,
    absolute_expires_at: i64,
) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, absolute_expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now)
    .bind(absolute_expires_at)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Removes sessions past their idle or absolute limit (run at each sign-in; cheap with the index).
pub async fn purge_expired_sessions(
    db: &Database,
    now: i64,
    idle_timeout: i64,
) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE absolute_expires_at <= $1 OR last_seen_at < $2")
        .bind(now)
        .bind(now - idle_timeout)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn session_by_hash(db: &Database, id_hash: &str) -> sqlx::Result<Option<SessionRow>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT user_id, csrf_token, last_seen_at, absolute_expires_at FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await)
}

pub async fn touch_session(db: &Database, id_hash: &str, now: i64) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn delete_session(db: &Database, id_hash: &str) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn delete_sessions_of_user(
    db: &Database,
    user_id: i64,
    except: Option<&str>,
) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(except.unwrap_or(""))
        .execute(pool)
        .await
        .map(|_| ()))
}
