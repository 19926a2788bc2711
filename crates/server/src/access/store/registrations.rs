//! Registrations: submitted by institutions, decided by the MD administrator, expiring undecided.
use le_domain::access::InstitutionKind;
use le_domain::api::access::{RegistrationState, RegistrationSummary};

use crate::clock::rfc3339;
use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

/// Registrations nobody decided on within the expiry period expire (and free IK and user name).
pub async fn expire_stale_registrations(db: &Database, now: i64) -> sqlx::Result<u64> {
    let cutoff = now - le_domain::access::REGISTRATION_EXPIRY_DAYS * 86_400;
    on_db!(db, pool => sqlx::query("UPDATE registrations SET state = 'expired', decided_at = $1 WHERE state = 'pending' AND submitted_at < $2")
        .bind(now)
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}

/// True when an institution or an open/approved registration already holds this IK.
pub async fn ik_taken(db: &Database, ik: &str) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS(SELECT 1 FROM institutions WHERE ik = $1) \
         OR EXISTS(SELECT 1 FROM registrations WHERE ik = $1 AND state IN ('pending', 'approved'))",
    )
    .bind(ik)
    .fetch_one(pool)
    .await)
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
pub async fn insert_registration(tx: &mut Tx, r: &NewRegistration<'_>) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO registrations (reference, kind, ik, name, street, postal_code, city, main_ik, \
         admin_first_name, admin_last_name, admin_email, admin_username, agreement_file, \
         agreement_file_name, agreement_size, agreement_sha256, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
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
    .execute(conn)
    .await
    .map(|_| ()))
}

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
    db: &Database,
    reference: &str,
) -> sqlx::Result<Option<RegistrationRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE reference = $1"
    )))
    .bind(reference)
    .fetch_optional(pool)
    .await)
}

pub async fn registration_by_id(db: &Database, id: i64) -> sqlx::Result<Option<RegistrationRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await)
}

pub async fn registrations_in_state(
    db: &Database,
    state: &str,
) -> sqlx::Result<Vec<RegistrationRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE state = $1 ORDER BY submitted_at, id"
    )))
    .bind(state)
    .fetch_all(pool)
    .await)
}

/// The outcome of an approval, written inside the approval's transaction; false when the
/// registration is no longer pending (a concurrent decision won).
pub async fn approve_registration(
    tx: &mut Tx,
    id: i64,
    decided_by: i64,
    institution_id: i64,
    admin_user_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE registrations SET state = 'approved', decided_at = $1, decided_by = $2, institution_id = $3, \
         admin_user_id = $4 WHERE id = $5 AND state = 'pending'",
    )
    .bind(now)
    .bind(decided_by)
    .bind(institution_id)
    .bind(admin_user_id)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Rejects a pending registration with the (trimmed) reason; false when it is not pending.
pub async fn reject_registration(
    db: &Database,
    id: i64,
    decided_by: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query(
        "UPDATE registrations SET state = 'rejected', decided_at = $1, decided_by = $2, reject_reason = $3 \
         WHERE id = $4 AND state = 'pending'",
    )
    .bind(now)
    .bind(decided_by)
    .bind(reason)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}
