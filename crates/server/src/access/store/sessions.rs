//! Sessions: stored by the hash of the cookie value, with their CSRF token and expiry.
use crate::db::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
}

pub async fn insert_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: i64,
    absolute_expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, absolute_expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now)
    .bind(now)
    .bind(absolute_expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Removes sessions past their idle or absolute limit (run at each sign-in; cheap with the index).
pub async fn purge_expired_sessions(db: &Db, now: i64, idle_timeout: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE absolute_expires_at <= ? OR last_seen_at < ?")
        .bind(now)
        .bind(now - idle_timeout)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn session_by_hash(db: &Db, id_hash: &str) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT user_id, csrf_token, last_seen_at, absolute_expires_at FROM sessions WHERE id_hash = ?",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await
}

pub async fn touch_session(db: &Db, id_hash: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete_sessions_of_user(
    db: &Db,
    user_id: i64,
    except: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?")
        .bind(user_id)
        .bind(except.unwrap_or(""))
        .execute(db)
        .await
        .map(|_| ())
}
