//! Recovery codes: stored as hashes bound to their user, each usable once.
use crate::db::Database;
use crate::secrets;
use crate::{on_db, on_tx};

fn recovery_hash(user_id: i64, normalized_code: &str) -> String {
    secrets::token_hash(&format!("{user_id}:{normalized_code}"))
}

/// Replaces the user's recovery codes with `count` new ones and returns them (shown once).
pub async fn new_recovery_codes(
    db: &Database,
    user_id: i64,
    count: usize,
) -> sqlx::Result<Vec<String>> {
    let codes: Vec<String> = (0..count)
        .map(|_| secrets::readable_code(le_domain::access::RECOVERY_CODE_CHARS))
        .collect();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        for code in &codes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(recovery_hash(user_id, code))
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE users SET recovery_pending = FALSE WHERE id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    });
    tx.commit().await?;
    Ok(codes
        .iter()
        .map(|c| le_domain::access::group_by_four(c, '-'))
        .collect())
}

/// Uses up a recovery code; false if it is unknown or already used (the conditional update lets
/// exactly one of two concurrent uses win, on either backend).
pub async fn use_recovery_code(
    db: &Database,
    user_id: i64,
    normalized_code: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(recovery_hash(user_id, normalized_code))
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// How many recovery codes of the user are still unused.
pub async fn unused_recovery_codes(db: &Database, user_id: i64) -> sqlx::Result<u32> {
    on_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)
    .map(|n| u32::try_from(n).unwrap_or(0))
}
