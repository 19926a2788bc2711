//! Throttle keys: counted attempts, the time of the last one and a lock, per key.
use sqlx::SqliteConnection;

use crate::db::Db;

/// The stored state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ThrottleState {
    pub attempts: i64,
    pub last_at: i64,
    pub locked_until: i64,
}

/// The key's state, read inside the caller's write transaction (so the count that follows is
/// based on it: read, decision and write stay one atomic step).
pub async fn throttle_state(
    tx: &mut SqliteConnection,
    key: &str,
) -> sqlx::Result<Option<ThrottleState>> {
    sqlx::query_as(
        "SELECT failures AS attempts, last_at, locked_until FROM sign_in_failures WHERE key = ?",
    )
    .bind(key)
    .fetch_optional(tx)
    .await
}

/// Writes the key's new state inside the caller's write transaction.
pub async fn save_throttle_state(
    tx: &mut SqliteConnection,
    key: &str,
    state: ThrottleState,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sign_in_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) \
         ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, \
         locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(state.attempts)
    .bind(state.last_at)
    .bind(state.locked_until)
    .execute(tx)
    .await
    .map(|_| ())
}

/// Takes back one counted attempt of the key (never below zero).
pub async fn uncount_attempt(db: &Db, key: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE sign_in_failures SET failures = MAX(failures - 1, 0) WHERE key = ?")
        .bind(key)
        .execute(db)
        .await
        .map(|_| ())
}

/// Removes keys whose last attempt is older than `before` and that are not locked at `now`.
pub async fn purge_throttle_keys(db: &Db, before: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE last_at < ? AND locked_until < ?")
        .bind(before)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// Forgets the key.
pub async fn clear_throttle_key(db: &Db, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
        .bind(key)
        .execute(db)
        .await
        .map(|_| ())
}
