//! Recovery codes: stored as hashes bound to their user, each usable once.
use crate::db::Db;
use crate::secrets;

fn recovery_hash(user_id: i64, normalized_code: &str) -> String {
    secrets::token_hash(&format!("{user_id}:{normalized_code}"))
}

/// Replaces the user's recovery codes with `count` new ones and returns them (shown once).
pub async fn new_recovery_codes(db: &Db, user_id: i64, count: usize) -> sqlx::Result<Vec<String>> {
    let codes: Vec<String> = (0..count)
        .map(|_| secrets::readable_code(le_domain::access::RECOVERY_CODE_CHARS))
        .collect();
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
            .bind(user_id)
            .bind(recovery_hash(user_id, code))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE users SET recovery_pending = 0 WHERE id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(codes
        .iter()
        .map(|c| le_domain::access::group_by_four(c, '-'))
        .collect())
}

/// Uses up a recovery code; false if it is unknown or already used.
pub async fn use_recovery_code(
    db: &Db,
    user_id: i64,
    normalized_code: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(recovery_hash(user_id, normalized_code))
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// How many recovery codes of the user are still unused.
pub async fn unused_recovery_codes(db: &Db, user_id: i64) -> sqlx::Result<u32> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db)
    .await
    .map(|n| u32::try_from(n).unwrap_or(0))
}
