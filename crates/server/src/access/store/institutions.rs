//! Institutions: the IK, kind and address of each, and who may see the data of a shared Haupt-IK.
use le_domain::access::InstitutionKind;
use le_domain::api::access::InstitutionRef;

use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

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

pub async fn institution_by_id(db: &Database, id: i64) -> sqlx::Result<Option<InstitutionRow>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT id, ik, kind, name, street, postal_code, city, main_ik, created_at, main_ik_access FROM institutions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

pub async fn institution_by_ik(db: &Database, ik: &str) -> sqlx::Result<Option<InstitutionRow>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT id, ik, kind, name, street, postal_code, city, main_ik, created_at, main_ik_access FROM institutions WHERE ik = $1",
    )
    .bind(ik)
    .fetch_optional(pool)
    .await)
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
    db: &Database,
    main_ik: &str,
) -> sqlx::Result<Vec<InstitutionRef>> {
    let rows: Vec<(i64, String, String)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, ik, name FROM institutions WHERE kind = 'hospital' AND COALESCE(main_ik, ik) = $1 ORDER BY id",
    )
    .bind(main_ik)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, ik, name)| InstitutionRef { id, ik, name })
        .collect())
}

/// Stores a new institution inside the caller's transaction; returns its id.
pub async fn insert_institution(
    tx: &mut Tx,
    inst: &NewInstitution<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO institutions (ik, kind, name, street, postal_code, city, main_ik, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(inst.ik)
    .bind(inst.kind.as_str())
    .bind(inst.name)
    .bind(inst.street)
    .bind(inst.postal_code)
    .bind(inst.city)
    .bind(inst.main_ik)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// How many institutions exist (the demo seed runs only on an empty portal).
pub async fn institution_count(db: &Database) -> sqlx::Result<i64> {
    on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM institutions")
        .fetch_one(pool)
        .await)
}

/// Marks a just-approved institution as waiting for the confirmation of the institution that
/// already uses its Haupt-IK (inside the approval's transaction).
pub async fn mark_main_ik_pending(tx: &mut Tx, institution_id: i64) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE institutions SET main_ik_access = 'pending' WHERE id = $1")
        .bind(institution_id)
        .execute(conn)
        .await
        .map(|_| ()))
}

/// A hospital waiting for access to the data of its Haupt-IK.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingMainIkRow {
    pub id: i64,
    pub ik: String,
    pub name: String,
    /// When it was approved (the institution row's creation).
    pub created_at: i64,
}

/// Hospitals under the Haupt-IK `main_ik` still waiting for access, oldest first.
pub async fn pending_main_ik_requests(
    db: &Database,
    main_ik: &str,
) -> sqlx::Result<Vec<PendingMainIkRow>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT id, ik, name, created_at FROM institutions WHERE kind = 'hospital' \
         AND main_ik_access = 'pending' AND COALESCE(main_ik, ik) = $1 ORDER BY id",
    )
    .bind(main_ik)
    .fetch_all(pool)
    .await)
}

/// Grants a waiting hospital under `main_ik` access to that Haupt-IK's data; false when no such
/// hospital waits (unknown id, another Haupt-IK, already granted).
pub async fn confirm_main_ik_access(
    db: &Database,
    institution_id: i64,
    main_ik: &str,
    confirmed_by: i64,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query(
        "UPDATE institutions SET main_ik_access = 'granted', main_ik_confirmed_by = $1, main_ik_confirmed_at = $2 \
         WHERE id = $3 AND kind = 'hospital' AND main_ik_access = 'pending' AND COALESCE(main_ik, ik) = $4",
    )
    .bind(confirmed_by)
    .bind(now)
    .bind(institution_id)
    .bind(main_ik)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// "Name (IK 123456789)" of an existing institution (for the audit log).
pub async fn institution_label(db: &Database, id: i64) -> sqlx::Result<String> {
    on_db!(db, pool => sqlx::query_scalar("SELECT name || ' (IK ' || ik || ')' FROM institutions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await)
}
