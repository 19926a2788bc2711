//! Throttling of sign-ins and registrations: free attempts, then growing delays, then (where the
//! policy has one) a temporary lock.
//!
//! An attempt is counted *before* it is evaluated, in one write transaction, so N parallel
//! attempts count N and only the attempts the policy allows reach the password check. Attempts
//! refused by the throttle count too: hammering a locked key keeps it locked.
//!
//! Sign-in uses three keys, so that no single key can be used to lock out someone else:
//! - per account *and* client address: the user who mistypes; locks after repeated failures;
//! - per account from anywhere: slows distributed guessing with delays only, never a lock (a lock
//!   any outsider can trigger would be a denial-of-service tool);
//! - per client address across accounts: only for clearly abusive volumes, since a hospital's
//!   staff or a kiosk share one address.
//!
//! Keys exist for any typed user name, so answers never reveal whether a user exists.
use super::store::{self, ThrottleState};
use crate::db::Database;
use crate::error::AppError;

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts allowed without delay.
    pub free: i64,
    /// Attempts that lock the key for `lock_seconds`; `None`: never locks.
    pub lock_after: Option<i64>,
    pub lock_seconds: i64,
    /// Upper bound of the growing delay between attempts.
    pub max_delay: i64,
    /// Attempts older than this are forgotten.
    pub forget_after: i64,
    /// What the person is told when refused (German, without the waiting time).
    pub reason: &'static str,
}

const SIGN_IN_REASON: &str = "Zu viele fehlgeschlagene Anmeldeversuche.";

/// Per account and client address: 3 free, then 1 s, 2 s, 4 s … (at most 60 s), locked for
/// 15 minutes after 15 counted attempts.
pub const ACCOUNT_CLIENT: Policy = Policy {
    free: 3,
    lock_after: Some(15),
    lock_seconds: 15 * 60,
    max_delay: 60,
    forget_after: 15 * 60,
    reason: SIGN_IN_REASON,
};

/// Per account from any address: 20 free, then delays up to 30 s; never a lock.
pub const ACCOUNT: Policy = Policy {
    free: 20,
    lock_after: None,
    lock_seconds: 0,
    max_delay: 30,
    forget_after: 60 * 60,
    reason: SIGN_IN_REASON,
};

/// Per client address across all accounts: only abusive volumes (100 failures in 15 minutes)
/// are slowed, and 500 lock the address for 15 minutes.
pub const CLIENT: Policy = Policy {
    free: 100,
    lock_after: Some(500),
    lock_seconds: 15 * 60,
    max_delay: 60,
    forget_after: 15 * 60,
    reason: SIGN_IN_REASON,
};

/// Registrations per client address: 5 an hour.
pub const REGISTRATION: Policy = Policy {
    free: 5,
    lock_after: Some(5),
    lock_seconds: 60 * 60,
    max_delay: 60 * 60,
    forget_after: 60 * 60,
    reason: "Zu viele Registrierungen von dieser Adresse.",
};

/// The key of one account at one client address.
pub fn account_client_key(username: &str, client: &str) -> String {
    format!("user-client:{username}|{client}")
}

/// The key of one account.
pub fn account_key(username: &str) -> String {
    format!("user:{username}")
}

/// The key of one client address (sign-in).
pub fn client_key(client: &str) -> String {
    format!("client:{client}")
}

/// The key of one client address (registrations).
pub fn registration_key(client: &str) -> String {
    format!("register:{client}")
}

fn delay(policy: Policy, attempts: i64) -> i64 {
    if attempts < policy.free {
        0
    } else {
        let exp = u32::try_from(attempts - policy.free)
            .unwrap_or(u32::MAX)
            .min(40);
        (1i64 << exp).min(policy.max_delay)
    }
}

/// What the stored state of a key says about an attempt now, and the state after counting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decision {
    /// Seconds to wait, or 0 when the attempt may proceed.
    wait: i64,
    attempts: i64,
    locked_until: i64,
}

fn decide(policy: Policy, stored: Option<(i64, i64, i64)>, now: i64) -> Decision {
    let (mut attempts, last_at, locked_until) = stored.unwrap_or((0, 0, 0));
    if locked_until <= now && now - last_at > policy.forget_after {
        attempts = 0;
    }
    let wait = if locked_until > now {
        locked_until - now
    } else {
        (last_at + delay(policy, attempts) - now).max(0)
    };
    let counted = attempts + 1;
    let locked_until = match policy.lock_after {
        Some(limit) if counted >= limit && locked_until <= now => now + policy.lock_seconds,
        _ => locked_until,
    };
    Decision {
        // A key with no attempts left (all taken back after successes) never waits, even when
        // its last attempt lies ahead of the clock.
        wait: if attempts == 0 { 0 } else { wait },
        attempts: counted,
        locked_until,
    }
}

/// Counts an attempt for `key` and says whether it may proceed: `Err(Throttled)` while the key
/// must wait or is locked. Read, decision and write run in one write transaction.
pub async fn attempt(db: &Database, key: &str, policy: Policy, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let stored = store::throttle_state(&mut tx, key).await?;
    let decision = decide(
        policy,
        stored.map(|s| (s.attempts, s.last_at, s.locked_until)),
        now,
    );
    store::save_throttle_state(
        &mut tx,
        key,
        ThrottleState {
            attempts: decision.attempts,
            last_at: now,
            locked_until: decision.locked_until,
        },
    )
    .await?;
    tx.commit().await?;
    if decision.wait > 0 {
        return Err(AppError::Throttled {
            retry_after: decision.wait,
            reason: policy.reason,
        });
    }
    Ok(())
}

/// Takes back one counted attempt (it succeeded, or was refused for reasons of its own).
pub async fn uncount(db: &Database, key: &str) -> Result<(), AppError> {
    Ok(store::uncount_attempt(db, key).await?)
}

/// Removes keys that no policy remembers any more (older than the longest `forget_after` and not
/// locked), so typed user names do not pile up.
pub async fn purge_stale(db: &Database, now: i64) -> Result<(), AppError> {
    let horizon = [ACCOUNT_CLIENT, ACCOUNT, CLIENT, REGISTRATION]
        .iter()
        .map(|p| p.forget_after)
        .max()
        .unwrap_or(3600);
    Ok(store::purge_throttle_keys(db, now - horizon, now).await?)
}

/// Forgets the attempts of a key after a successful sign-in.
pub async fn clear(db: &Database, key: &str) -> Result<(), AppError> {
    Ok(store::clear_throttle_key(db, key).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let d: Vec<i64> = (0..12).map(|f| delay(ACCOUNT_CLIENT, f)).collect();
        assert_eq!(d, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(delay(ACCOUNT, 19), 0);
        assert_eq!(delay(ACCOUNT, 30), 30);
    }

    #[test]
    fn free_attempts_pass_then_the_key_waits_then_locks() {
        let now = 1_000_000;
        let mut stored = None;
        let mut waits = Vec::new();
        for _ in 0..15 {
            let d = decide(ACCOUNT_CLIENT, stored, now);
            waits.push(d.wait);
            stored = Some((d.attempts, now, d.locked_until));
        }
        assert_eq!(&waits[..3], &[0, 0, 0]);
        assert!(waits[3..].iter().all(|w| *w > 0), "{waits:?}");
        let (attempts, _, locked_until) = stored.unwrap_or_default();
        assert_eq!(attempts, 15);
        assert_eq!(locked_until, now + 15 * 60);
    }

    #[test]
    fn the_account_key_never_locks() {
        let now = 1_000_000;
        let mut stored = None;
        for _ in 0..1_000 {
            let d = decide(ACCOUNT, stored, now);
            stored = Some((d.attempts, now, d.locked_until));
        }
        let d = decide(ACCOUNT, stored, now + 30);
        assert_eq!(d.wait, 0);
        assert_eq!(d.locked_until, 0);
    }

    #[test]
    fn old_attempts_are_forgotten() {
        let d = decide(
            ACCOUNT_CLIENT,
            Some((9, 0, 0)),
            ACCOUNT_CLIENT.forget_after + 1,
        );
        assert_eq!(d.wait, 0);
        assert_eq!(d.attempts, 1);
    }

    #[test]
    fn registrations_allow_five_an_hour() {
        let now = 5_000;
        let mut stored = None;
        let mut allowed = 0;
        for i in 0..8 {
            let d = decide(REGISTRATION, stored, now + i);
            if d.wait == 0 {
                allowed += 1;
            }
            stored = Some((d.attempts, now + i, d.locked_until));
        }
        assert_eq!(allowed, 5);
    }
}
