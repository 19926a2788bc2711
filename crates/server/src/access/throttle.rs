//! Sign-in throttling per account and per client: free attempts, then growing delays, then a
//! temporary lock. Keys exist for any typed user name, so answers never reveal whether a user exists.
use crate::db::Db;
use crate::error::AppError;

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed without delay.
    pub free: i64,
    /// Failures that lock the key for `lock_seconds`.
    pub lock_after: i64,
    pub lock_seconds: i64,
    /// Upper bound of the growing delay between attempts.
    pub max_delay: i64,
    /// Failures older than this are forgotten.
    pub forget_after: i64,
}

/// Per account: 3 free, then 1 s, 2 s, 4 s … (at most 60 s), locked 15 min after 10 failures.
pub const ACCOUNT: Policy = Policy {
    free: 3,
    lock_after: 10,
    lock_seconds: 15 * 60,
    max_delay: 60,
    forget_after: 15 * 60,
};

/// Per client address: looser, since a hospital's staff may share one address.
pub const CLIENT: Policy = Policy {
    free: 10,
    lock_after: 50,
    lock_seconds: 15 * 60,
    max_delay: 60,
    forget_after: 15 * 60,
};

fn delay(policy: Policy, failures: i64) -> i64 {
    if failures < policy.free {
        0
    } else {
        let exp = u32::try_from(failures - policy.free)
            .unwrap_or(u32::MAX)
            .min(16);
        (1i64 << exp).min(policy.max_delay)
    }
}

/// Err(Throttled) while the key must wait.
pub async fn check(db: &Db, key: &str, policy: Policy, now: i64) -> Result<(), AppError> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT failures, last_at, locked_until FROM sign_in_failures WHERE key = ?",
    )
    .bind(key)
    .fetch_optional(db)
    .await?;
    let Some((failures, last_at, locked_until)) = row else {
        return Ok(());
    };
    if locked_until > now {
        return Err(AppError::Throttled {
            retry_after: locked_until - now,
        });
    }
    if now - last_at > policy.forget_after {
        return Ok(());
    }
    let wait_until = last_at + delay(policy, failures);
    if now < wait_until {
        return Err(AppError::Throttled {
            retry_after: wait_until - now,
        });
    }
    Ok(())
}

/// Counts a failure.
pub async fn fail(db: &Db, key: &str, policy: Policy, now: i64) -> Result<(), AppError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_at FROM sign_in_failures WHERE key = ?")
            .bind(key)
            .fetch_optional(db)
            .await?;
    let failures = match row {
        Some((f, last_at)) if now - last_at <= policy.forget_after => f + 1,
        _ => 1,
    };
    let locked_until = if failures >= policy.lock_after {
        now + policy.lock_seconds
    } else {
        0
    };
    sqlx::query(
        "INSERT INTO sign_in_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) \
         ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, \
         locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(failures)
    .bind(now)
    .bind(locked_until)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the failures of a key after a successful sign-in.
pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let d: Vec<i64> = (0..12).map(|f| delay(ACCOUNT, f)).collect();
        assert_eq!(d, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
