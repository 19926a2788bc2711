//! Throttle keys: counted attempts, the time of the last one and a lock, per key.
use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

/// The stored state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ThrottleState {
    pub attempts: i64,
    pub last_at: i64,
    pub locked_until: i64,
}

/// The key's state, read inside the caller's write transaction (so the count that follows is
/// based on it: read, decision and write stay one atomic step).
pub async fn throttle_state(tx: &mut Tx, key: &str) -> sqlx::Result<Option<ThrottleState>> {
    on_tx!(tx, conn => sqlx::query_as(
        "SELECT failures AS attempts, last_at, locked_until FROM sign_in_failures WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(conn)
    .await)
}

/// Writes the key's new state inside the caller's write transaction.
pub async fn save_throttle_state(tx: &mut Tx, key: &str, state: ThrottleState) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sign_in_failures (key, failures, last_at, locked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, \
         locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(state.attempts)
    .bind(state.last_at)
    .bind(state.locked_until)
    .execute(conn)
    .await
    .map(|_| ()))
}

/// Takes back one counted attempt of the key (never below zero).
pub async fn uncount_attempt(db: &Database, key: &str) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query(
        "UPDATE sign_in_failures SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END \
         WHERE key = $1",
    )
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Removes keys whose last attempt is older than `before` and that are not locked at `now`.
pub async fn purge_throttle_keys(db: &Database, before: i64, now: i64) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("DELETE FROM sign_in_failures WHERE last_at < $1 AND locked_until < $2")
        .bind(before)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Forgets the key.
pub async fn clear_throttle_key(db: &Database, key: &str) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await
        .map(|_| ()))
}
