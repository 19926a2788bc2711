//! Storage of the access area: institutions, registrations, users, recovery codes, sessions.
//! Plain SQL through sqlx; the only module of this area that talks to the database.
use le_domain::access::{InstitutionKind, Role};
use le_domain::api::access::{RegistrationState, RegistrationSummary, UserSummary};
use sqlx::{Sqlite, Transaction};

use crate::clock::rfc3339;
use crate::db::Db;
use crate::secrets;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstitutionRow {
    pub id: i64,
    pub ik: String,
    pub kind: String,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub main_ik: Option<String>,
    pub created_at: i64,
    /// 'granted', or 'pending' while the institution already using the Haupt-IK has not
    /// confirmed this one (then it sees none of that Haupt-IK's data).
    pub main_ik_access: String,
}

impl InstitutionRow {
    /// The Haupt-IK whose data this institution works on (its own IK without one).
    pub fn effective_main_ik(&self) -> &str {
        self.main_ik.as_deref().unwrap_or(&self.ik)
    }

    /// Whether it may see the data of its Haupt-IK.
    pub fn main_ik_granted(&self) -> bool {
        self.main_ik_access == "granted"
    }

    pub fn kind(&self) -> InstitutionKind {
        // Only this module writes the column; an unknown value would be a bug, treated as the
        // kind with the fewest rights.
        InstitutionKind::from_wire(&self.kind).unwrap_or(InstitutionKind::CareService)
    }
}

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

pub async fn user_by_id(db: &Db, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn user_by_username(db: &Db, username: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = ?"
    )))
    .bind(username)
    .fetch_optional(db)
    .await
}

/// The accounts the demo seed created (marked `demo`), with their institution's name, in
/// creation order.
pub async fn demo_users(db: &Db) -> sqlx::Result<Vec<(UserRow, String)>> {
    let users: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE demo = 1 AND active = 1 ORDER BY id"
    )))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        if let Some(institution) = institution_by_id(db, user.institution_id).await? {
            out.push((user, institution.name));
        }
    }
    Ok(out)
}

pub async fn users_of_institution(db: &Db, institution_id: i64) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE institution_id = ? ORDER BY last_name, first_name, username"
    )))
    .bind(institution_id)
    .fetch_all(db)
    .await
}

pub async fn institution_by_id(db: &Db, id: i64) -> sqlx::Result<Option<InstitutionRow>> {
    sqlx::query_as(
        "SELECT id, ik, kind, name, street, postal_code, city, main_ik, created_at, main_ik_access FROM institutions WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn institution_by_ik(db: &Db, ik: &str) -> sqlx::Result<Option<InstitutionRow>> {
    sqlx::query_as(
        "SELECT id, ik, kind, name, street, postal_code, city, main_ik, created_at, main_ik_access FROM institutions WHERE ik = ?",
    )
    .bind(ik)
    .fetch_optional(db)
    .await
}

pub struct NewInstitution<'a> {
    pub ik: &'a str,
    pub kind: InstitutionKind,
    pub name: &'a str,
    pub street: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub main_ik: Option<&'a str>,
}

/// Hospitals already in the portal that work on the Haupt-IK `main_ik` (by their own IK when
/// they have no Haupt-IK), oldest first.
pub async fn hospitals_of_main_ik(
    db: &Db,
    main_ik: &str,
) -> sqlx::Result<Vec<le_domain::api::access::InstitutionRef>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, ik, name FROM institutions WHERE kind = 'hospital' AND COALESCE(main_ik, ik) = ? ORDER BY id",
    )
    .bind(main_ik)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, ik, name)| le_domain::api::access::InstitutionRef { id, ik, name })
        .collect())
}

pub async fn insert_institution(
    tx: &mut Transaction<'_, Sqlite>,
    inst: &NewInstitution<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    let result = sqlx::query(
        "INSERT INTO institutions (ik, kind, name, street, postal_code, city, main_ik, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(inst.ik)
    .bind(inst.kind.as_str())
    .bind(inst.name)
    .bind(inst.street)
    .bind(inst.postal_code)
    .bind(inst.city)
    .bind(inst.main_ik)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(result.last_insert_rowid())
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

pub async fn insert_user(
    tx: &mut Transaction<'_, Sqlite>,
    user: &NewUser<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    let result = sqlx::query(
        "INSERT INTO users (institution_id, username, first_name, last_name, email, role, password_hash, \
         password_is_one_time, totp_secret, totp_device_name, recovery_pending, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
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
    .execute(&mut **tx)
    .await?;
    Ok(result.last_insert_rowid())
}

/// True when a user with this name exists or an open registration reserves it.
pub async fn username_taken(db: &Db, username: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, i64>(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1) \
         OR EXISTS(SELECT 1 FROM registrations WHERE admin_username = ?1 AND state = 'pending')",
    )
    .bind(username)
    .fetch_one(db)
    .await
    .map(|n| n != 0)
}

/// Registrations nobody decided on within the expiry period expire (and free IK and user name).
pub async fn expire_stale_registrations(db: &Db, now: i64) -> sqlx::Result<u64> {
    let cutoff = now - le_domain::access::REGISTRATION_EXPIRY_DAYS * 86_400;
    sqlx::query("UPDATE registrations SET state = 'expired', decided_at = ? WHERE state = 'pending' AND submitted_at < ?")
        .bind(now)
        .bind(cutoff)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// True when an institution or an open/approved registration already holds this IK.
pub async fn ik_taken(db: &Db, ik: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, i64>(
        "SELECT EXISTS(SELECT 1 FROM institutions WHERE ik = ?1) \
         OR EXISTS(SELECT 1 FROM registrations WHERE ik = ?1 AND state IN ('pending', 'approved'))",
    )
    .bind(ik)
    .fetch_one(db)
    .await
    .map(|n| n != 0)
}

/// A registration as submitted (the agreement already received).
pub struct NewRegistration<'a> {
    pub reference: &'a str,
    pub kind: &'a str,
    pub ik: &'a str,
    pub form: &'a le_domain::access::RegistrationForm,
    pub main_ik: Option<&'a str>,
    pub username: &'a str,
    pub stored_name: &'a str,
    pub file_name: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub submitted_at: i64,
}

/// Stores a registration inside the caller's transaction (a unique IK violation is the caller's
/// to map: a concurrent registration for the same IK won the race).
pub async fn insert_registration(
    tx: &mut sqlx::SqliteConnection,
    r: &NewRegistration<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO registrations (reference, kind, ik, name, street, postal_code, city, main_ik, \
         admin_first_name, admin_last_name, admin_email, admin_username, agreement_file, \
         agreement_file_name, agreement_size, agreement_sha256, submitted_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.reference)
    .bind(r.kind)
    .bind(r.ik)
    .bind(r.form.name.trim())
    .bind(r.form.street.trim())
    .bind(r.form.postal_code.trim())
    .bind(r.form.city.trim())
    .bind(r.main_ik)
    .bind(r.form.admin_first_name.trim())
    .bind(r.form.admin_last_name.trim())
    .bind(r.form.admin_email.trim())
    .bind(r.username)
    .bind(r.stored_name)
    .bind(r.file_name)
    .bind(i64::try_from(r.size).unwrap_or(i64::MAX))
    .bind(r.sha256)
    .bind(r.submitted_at)
    .execute(tx)
    .await
    .map(|_| ())
}

// --- second factor and passwords -------------------------------------------------------------

/// Records the accepted TOTP step; false if a concurrent request already used it (or a later one).
pub async fn advance_totp_step(db: &Db, user_id: i64, step: i64) -> sqlx::Result<bool> {
    let r = sqlx::query("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
        .bind(step)
        .bind(user_id)
        .bind(step)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_pending_totp(db: &Db, user_id: i64, sealed: &[u8]) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET totp_pending_secret = ? WHERE id = ?")
        .bind(sealed)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn activate_totp(
    db: &Db,
    user_id: i64,
    device_name: &str,
    step: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
         totp_device_name = ?, totp_last_step = ?, recovery_pending = 1, \
         enrolment_code_hash = NULL WHERE id = ?",
    )
    .bind(device_name)
    .bind(step)
    .bind(user_id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_password(db: &Db, user_id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = ?, password_is_one_time = 0 WHERE id = ?")
        .bind(hash)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// New letter credentials: one-time password and TOTP key; everything older stops working.
pub async fn reissue_credentials(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: i64,
    password_hash: &str,
    sealed_secret: &[u8],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = ?, password_is_one_time = 1, totp_secret = ?, \
         totp_device_name = 'Zugangsbrief', totp_pending_secret = NULL, totp_last_step = 0, \
         recovery_pending = 1 WHERE id = ?",
    )
    .bind(password_hash)
    .bind(sealed_secret)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes the second factor: the user must enrol again at the next sign-in.
/// Removes the second factor; the next sign-in needs `enrolment_code_hash`'s code with the password.
pub async fn reset_second_factor(
    db: &Db,
    user_id: i64,
    enrolment_code_hash: &str,
) -> sqlx::Result<()> {
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_device_name = NULL, \
         totp_last_step = 0, recovery_pending = 1, enrolment_code_hash = ? WHERE id = ?",
    )
    .bind(enrolment_code_hash)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn set_role(db: &Db, user_id: i64, role: Role) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET role = ? WHERE id = ?")
        .bind(role.as_str())
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_active(db: &Db, user_id: i64, active: bool) -> sqlx::Result<()> {
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("UPDATE users SET active = ? WHERE id = ?")
        .bind(active)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

pub async fn mark_signed_in(db: &Db, user_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_sign_in_at = ? WHERE id = ?")
        .bind(now)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

// --- recovery codes ----------------------------------------------------------------------------

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

// --- sessions ----------------------------------------------------------------------------------

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

// --- registrations -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub reference: String,
    pub state: String,
    pub kind: String,
    pub ik: String,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub main_ik: Option<String>,
    pub admin_first_name: String,
    pub admin_last_name: String,
    pub admin_email: String,
    pub admin_username: String,
    pub agreement_file: String,
    pub agreement_file_name: String,
    pub agreement_size: i64,
    pub submitted_at: i64,
    pub decided_at: Option<i64>,
    pub reject_reason: Option<String>,
    pub institution_id: Option<i64>,
    pub admin_user_id: Option<i64>,
}

impl RegistrationRow {
    pub fn state(&self) -> RegistrationState {
        match self.state.as_str() {
            "approved" => RegistrationState::Approved,
            "rejected" => RegistrationState::Rejected,
            "expired" => RegistrationState::Expired,
            _ => RegistrationState::Pending,
        }
    }

    pub fn kind(&self) -> InstitutionKind {
        InstitutionKind::from_wire(&self.kind).unwrap_or(InstitutionKind::CareService)
    }

    pub fn summary(&self) -> RegistrationSummary {
        RegistrationSummary {
            id: self.id,
            reference: self.reference.clone(),
            state: self.state(),
            kind: self.kind(),
            ik: self.ik.clone(),
            main_ik: self.main_ik.clone(),
            name: self.name.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            admin_name: format!("{} {}", self.admin_first_name, self.admin_last_name),
            admin_email: self.admin_email.clone(),
            admin_username: self.admin_username.clone(),
            agreement_file_name: self.agreement_file_name.clone(),
            agreement_size: self.agreement_size,
            submitted_at: rfc3339(self.submitted_at),
            decided_at: self.decided_at.map(rfc3339),
            reject_reason: self.reject_reason.clone(),
            same_main_ik: Vec::new(),
        }
    }
}

const REGISTRATION_COLUMNS: &str = "id, reference, state, kind, ik, name, street, postal_code, city, main_ik, \
    admin_first_name, admin_last_name, admin_email, admin_username, agreement_file, agreement_file_name, \
    agreement_size, submitted_at, decided_at, reject_reason, institution_id, admin_user_id";

pub async fn registration_by_reference(
    db: &Db,
    reference: &str,
) -> sqlx::Result<Option<RegistrationRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE reference = ?"
    )))
    .bind(reference)
    .fetch_optional(db)
    .await
}

pub async fn registration_by_id(db: &Db, id: i64) -> sqlx::Result<Option<RegistrationRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn registrations_in_state(db: &Db, state: &str) -> sqlx::Result<Vec<RegistrationRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE state = ? ORDER BY submitted_at, id"
    )))
    .bind(state)
    .fetch_all(db)
    .await
}
