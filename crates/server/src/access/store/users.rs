//! Users: accounts, their role, password and second factor.
use le_domain::access::Role;
use le_domain::api::access::UserSummary;

use super::institutions::institution_by_id;
use crate::clock::rfc3339;
use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub institution_id: i64,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    pub password_hash: String,
    pub password_is_one_time: bool,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_device_name: Option<String>,
    pub totp_pending_secret: Option<Vec<u8>>,
    pub totp_last_step: i64,
    pub recovery_pending: bool,
    pub last_sign_in_at: Option<i64>,
    pub created_at: i64,
    /// Hash of the one-time set-up code an administrator issued with a second-factor reset.
    pub enrolment_code_hash: Option<String>,
    /// Seeded as demo data (the only way the demo sign-in page recognises demo accounts).
    pub demo: bool,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // Least privilege if the stored value were ever unknown.
        Role::from_wire(&self.role).unwrap_or(Role::Viewer)
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id,
            username: self.username.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            role: self.role(),
            active: self.active,
            totp_enrolled: self.totp_secret.is_some(),
            totp_device_name: self.totp_device_name.clone(),
            must_change_password: self.password_is_one_time,
            last_sign_in_at: self.last_sign_in_at.map(rfc3339),
            created_at: rfc3339(self.created_at),
        }
    }
}

const USER_COLUMNS: &str = "id, institution_id, username, first_name, last_name, email, role, active, \
    password_hash, password_is_one_time, totp_secret, totp_device_name, totp_pending_secret, \
    totp_last_step, recovery_pending, last_sign_in_at, created_at, enrolment_code_hash, demo";

pub async fn user_by_id(db: &Database, id: i64) -> sqlx::Result<Option<UserRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await)
}

pub async fn user_by_username(db: &Database, username: &str) -> sqlx::Result<Option<UserRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(pool)
    .await)
}

/// The accounts the demo seed created (marked `demo`), with their institution's name, in
/// creation order.
pub async fn demo_users(db: &Database) -> sqlx::Result<Vec<(UserRow, String)>> {
    let users: Vec<UserRow> = on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE demo = TRUE AND active = TRUE ORDER BY id"
    )))
    .fetch_all(pool)
    .await)?;
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        if let Some(institution) = institution_by_id(db, user.institution_id).await? {
            out.push((user, institution.name));
        }
    }
    Ok(out)
}

pub async fn users_of_institution(
    db: &Database,
    institution_id: i64,
) -> sqlx::Result<Vec<UserRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE institution_id = $1 ORDER BY last_name, first_name, username"
    )))
    .bind(institution_id)
    .fetch_all(pool)
    .await)
}
pub struct NewUser<'a> {
    pub institution_id: i64,
    pub username: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub password_is_one_time: bool,
    /// Sealed TOTP key when the credentials travel by letter; `None` forces in-app enrolment.
    pub totp_secret: Option<Vec<u8>>,
    pub totp_device_name: Option<&'a str>,
}

pub async fn insert_user(tx: &mut Tx, user: &NewUser<'_>, now: i64) -> sqlx::Result<i64> {
    on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO users (institution_id, username, first_name, last_name, email, role, password_hash, \
         password_is_one_time, totp_secret, totp_device_name, recovery_pending, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11) RETURNING id",
    )
    .bind(user.institution_id)
    .bind(user.username)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.email)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(user.password_is_one_time)
    .bind(user.totp_secret.as_deref())
    .bind(user.totp_device_name)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// Marks a just-seeded user as a demo account (the only mark the demo sign-in page trusts) with
/// its recovery codes counted as handed out.
pub async fn mark_demo_account(tx: &mut Tx, user_id: i64) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE users SET recovery_pending = FALSE, demo = TRUE WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ()))
}

/// True when a user with this name exists or an open registration reserves it.
pub async fn username_taken(db: &Database, username: &str) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username = $1) \
         OR EXISTS(SELECT 1 FROM registrations WHERE admin_username = $1 AND state = 'pending')",
    )
    .bind(username)
    .fetch_one(pool)
    .await)
}

// --- second factor and passwords -------------------------------------------------------------

/// Records the accepted TOTP step; false if a concurrent request already used it (or a later
/// one). The conditional update runs in a write transaction, so on either backend (and across
/// instances on one PostgreSQL) exactly one of two requests with the same code wins.
pub async fn advance_totp_step(db: &Database, user_id: i64, step: i64) -> sqlx::Result<bool> {
    let mut tx = db.begin_write().await?;
    let advanced = on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected() == 1))?;
    tx.commit().await?;
    Ok(advanced)
}

pub async fn set_pending_totp(db: &Database, user_id: i64, sealed: &[u8]) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn activate_totp(
    db: &Database,
    user_id: i64,
    device_name: &str,
    step: i64,
) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
         totp_device_name = $1, totp_last_step = $2, recovery_pending = TRUE, \
         enrolment_code_hash = NULL WHERE id = $3",
    )
    .bind(device_name)
    .bind(step)
    .bind(user_id)
    .execute(pool)
    .await
    .map(|_| ()))
}

pub async fn set_password(db: &Database, user_id: i64, hash: &str) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE users SET password_hash = $1, password_is_one_time = FALSE WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// New letter credentials: one-time password and TOTP key; everything older stops working.
pub async fn reissue_credentials(
    tx: &mut Tx,
    user_id: i64,
    password_hash: &str,
    sealed_secret: &[u8],
) -> sqlx::Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_is_one_time = TRUE, totp_secret = $2, \
             totp_device_name = 'Zugangsbrief', totp_pending_secret = NULL, totp_last_step = 0, \
             recovery_pending = TRUE WHERE id = $3",
        )
        .bind(password_hash)
        .bind(sealed_secret)
        .bind(user_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })?;
    forget_codes_and_sessions(tx, user_id).await
}

/// Deletes the user's recovery codes and ends every session (old credentials stop working).
async fn forget_codes_and_sessions(tx: &mut Tx, user_id: i64) -> sqlx::Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })
}

/// Removes the second factor; the next sign-in needs `enrolment_code_hash`'s code with the password.
pub async fn reset_second_factor(
    db: &Database,
    user_id: i64,
    enrolment_code_hash: &str,
) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_device_name = NULL, \
             totp_last_step = 0, recovery_pending = TRUE, enrolment_code_hash = $1 WHERE id = $2",
        )
        .bind(enrolment_code_hash)
        .bind(user_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })?;
    forget_codes_and_sessions(&mut tx, user_id).await?;
    tx.commit().await
}

pub async fn set_role(db: &Database, user_id: i64, role: Role) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn set_active(db: &Database, user_id: i64, active: bool) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
        }
    });
    tx.commit().await
}

pub async fn mark_signed_in(db: &Database, user_id: i64, now: i64) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))
}
