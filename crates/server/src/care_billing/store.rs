//! Storage of the care billing area: set-ups, branches, transfer numbers and deliveries. The only
//! module of the area that talks to the database.
use le_domain::api::care_billing::{Branch, SetupRequest};

use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SetupRow {
    pub region: String,
    pub billing_centre_ik: Option<String>,
    pub sender_email: String,
}

pub async fn setup_of(db: &Database, institution_id: i64) -> sqlx::Result<Option<SetupRow>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT region, billing_centre_ik, sender_email FROM care_setups WHERE institution_id = $1",
    )
    .bind(institution_id)
    .fetch_optional(pool)
    .await)
}

pub async fn save_setup(
    db: &Database,
    institution_id: i64,
    req: &SetupRequest,
    now: i64,
) -> sqlx::Result<()> {
    let centre = req
        .billing_centre_ik
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    on_db!(db, pool => sqlx::query(
        "INSERT INTO care_setups (institution_id, region, billing_centre_ik, sender_email, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT(institution_id) DO UPDATE SET region = excluded.region, \
         billing_centre_ik = excluded.billing_centre_ik, sender_email = excluded.sender_email, \
         updated_at = excluded.updated_at",
    )
    .bind(institution_id)
    .bind(req.region.trim())
    .bind(centre)
    .bind(req.sender_email.trim())
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))
}

pub async fn branches_of(db: &Database, institution_id: i64) -> sqlx::Result<Vec<Branch>> {
    // Names in byte order on both backends (SQLite's BINARY).
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT id, ik, name FROM care_branches WHERE institution_id = $1 ORDER BY name, id"
        }
        Database::Postgres(_) => {
            "SELECT id, ik, name FROM care_branches WHERE institution_id = $1 \
             ORDER BY name COLLATE \"C\", id"
        }
    };
    let rows: Vec<(i64, String, String)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(institution_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, ik, name)| Branch { id, ik, name })
        .collect())
}

/// Adds a branch; `Ok(None)` when the institution already has one with this IK.
pub async fn add_branch(
    db: &Database,
    institution_id: i64,
    ik: &str,
    name: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let result: sqlx::Result<i64> = on_db!(db, pool => sqlx::query_scalar(
        "INSERT INTO care_branches (institution_id, ik, name, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(institution_id)
    .bind(ik)
    .bind(name)
    .bind(now)
    .fetch_one(pool)
    .await);
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn remove_branch(db: &Database, institution_id: i64, id: i64) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query("DELETE FROM care_branches WHERE id = $1 AND institution_id = $2")
        .bind(id)
        .bind(institution_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// The next transfer number from `sender` to `recipient` (1–999, then 1 again), counted inside
/// the caller's write transaction: numbers are never given twice and never skipped. The upsert
/// takes the counter row's lock on PostgreSQL (and the write transaction is serialised with every
/// other writer on both backends), so two instances never count the same number.
pub async fn next_transfer_number(tx: &mut Tx, sender: &str, recipient: &str) -> sqlx::Result<u16> {
    let number: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO care_transfer_numbers (sender_ik, recipient_ik, last_number) VALUES ($1, $2, 1) \
         ON CONFLICT(sender_ik, recipient_ik) DO UPDATE SET \
         last_number = CASE WHEN care_transfer_numbers.last_number >= 999 THEN 1 \
         ELSE care_transfer_numbers.last_number + 1 END \
         RETURNING last_number",
    )
    .bind(sender)
    .bind(recipient)
    .fetch_one(conn)
    .await)?;
    Ok(u16::try_from(number).unwrap_or(1))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub branch_ik: String,
    pub region: String,
    pub kind: String,
    pub month: String,
    pub procedure: String,
    pub transfer_number: i64,
    pub correction_of: Option<i64>,
    pub order_file: Vec<u8>,
    pub stored_name: String,
    pub payload_size: i64,
    pub transfer_size: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: i64,
    pub error_number: Option<i64>,
    pub error_action: Option<i64>,
    pub error_note: Option<String>,
    pub error_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub sent_to: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, branch_ik, region, kind, month, procedure, transfer_number, \
    correction_of, order_file, stored_name, payload_size, transfer_size, sha256, created_by, \
    created_at, error_number, error_action, error_note, error_at, sent_at, sent_to";

/// A new delivery (inside the transaction that took its transfer number).
pub struct NewDelivery<'a> {
    pub institution_id: i64,
    pub branch_ik: &'a str,
    pub sender_ik: &'a str,
    pub recipient_ik: &'a str,
    pub region: &'a str,
    pub kind: &'a str,
    pub month: &'a str,
    pub procedure: &'a str,
    pub transfer_number: u16,
    pub correction_of: Option<i64>,
    pub order_file: &'a [u8],
    pub stored_name: &'a str,
    pub payload_size: u64,
    pub transfer_size: u64,
    pub sha256: &'a str,
    pub created_by: &'a str,
    pub created_at: i64,
}

pub async fn insert_delivery(tx: &mut Tx, d: &NewDelivery<'_>) -> sqlx::Result<i64> {
    on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO care_deliveries (institution_id, branch_ik, sender_ik, recipient_ik, region, kind, \
         month, procedure, transfer_number, correction_of, order_file, stored_name, payload_size, \
         transfer_size, sha256, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(d.institution_id)
    .bind(d.branch_ik)
    .bind(d.sender_ik)
    .bind(d.recipient_ik)
    .bind(d.region)
    .bind(d.kind)
    .bind(d.month)
    .bind(d.procedure)
    .bind(i64::from(d.transfer_number))
    .bind(d.correction_of)
    .bind(d.order_file)
    .bind(d.stored_name)
    .bind(i64::try_from(d.payload_size).unwrap_or(i64::MAX))
    .bind(i64::try_from(d.transfer_size).unwrap_or(i64::MAX))
    .bind(d.sha256)
    .bind(d.created_by)
    .bind(d.created_at)
    .fetch_one(conn)
    .await)
}

/// Filters of the delivery log (all optional).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub month: Option<String>,
    pub kind: Option<String>,
    pub procedure: Option<String>,
    /// `ok` or `error` (an error return was recorded).
    pub state: Option<String>,
}

pub async fn deliveries_of(
    db: &Database,
    institution_id: i64,
    filter: &DeliveryFilter,
) -> sqlx::Result<Vec<DeliveryRow>> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let state = blank(&filter.state);
    let (month, kind, procedure) = (
        blank(&filter.month),
        blank(&filter.kind),
        blank(&filter.procedure),
    );
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM care_deliveries WHERE institution_id = $1 \
         AND ($2 IS NULL OR month = $2) AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR procedure = $4) \
         AND ($5 IS NULL OR ($5 = 'error') = (error_number IS NOT NULL)) \
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    )))
    .bind(institution_id)
    .bind(&month)
    .bind(&kind)
    .bind(&procedure)
    .bind(&state)
    .fetch_all(pool)
    .await)
}

/// One delivery, only if it belongs to `institution_id`.
pub async fn delivery(
    db: &Database,
    institution_id: i64,
    id: i64,
) -> sqlx::Result<Option<DeliveryRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM care_deliveries WHERE id = $1 AND institution_id = $2"
    )))
    .bind(id)
    .bind(institution_id)
    .fetch_optional(pool)
    .await)
}

pub async fn record_error_return(
    db: &Database,
    institution_id: i64,
    id: i64,
    error_number: u32,
    error_action: u32,
    note: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query(
        "UPDATE care_deliveries SET error_number = $1, error_action = $2, error_note = $3, error_at = $4 \
         WHERE id = $5 AND institution_id = $6",
    )
    .bind(i64::from(error_number))
    .bind(i64::from(error_action))
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(institution_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Records that the delivery was mailed; false if it already was (one mail per delivery).
pub async fn mark_sent(
    db: &Database,
    institution_id: i64,
    id: i64,
    to: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, pool => sqlx::query(
        "UPDATE care_deliveries SET sent_at = $1, sent_to = $2 WHERE id = $3 AND institution_id = $4 \
         AND sent_at IS NULL",
    )
    .bind(now)
    .bind(to)
    .bind(id)
    .bind(institution_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Staff of a care service, by name.
pub async fn staff_of(
    db: &Database,
    institution_id: i64,
) -> Result<Vec<(i64, le_domain::care_billing::StaffForm)>, crate::error::AppError> {
    // The last name inside the stored form, in byte order on both backends.
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT id, form FROM care_staff WHERE institution_id = $1 \
             ORDER BY json_extract(form, '$.last_name'), id"
        }
        Database::Postgres(_) => {
            "SELECT id, form FROM care_staff WHERE institution_id = $1 \
             ORDER BY (CAST(form AS jsonb) ->> 'last_name') COLLATE \"C\", id"
        }
    };
    let rows: Vec<(i64, String)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(institution_id)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|(id, form)| {
            serde_json::from_str(&form)
                .map(|f| (id, f))
                .map_err(|e| crate::error::AppError::internal("stored staff", e))
        })
        .collect()
}

/// The one write path of staff records (form, REST and CSV): insert when `id` is `None`,
/// otherwise update the caller's own record. `Ok(None)`: no such record of this institution.
/// A regular LBNR given twice is a unique-constraint error (the caller turns it into a 422); the
/// statement runs in a savepoint, so after that error the transaction goes on (PostgreSQL would
/// otherwise refuse every later statement of it, and a CSV import checks every line).
pub async fn save_staff(
    tx: &mut Tx,
    institution_id: i64,
    id: Option<i64>,
    form: &le_domain::care_billing::StaffForm,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let json = serde_json::to_string(form).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let lbnr = form.lbnr.trim();
    on_tx!(tx, conn => {
        let mut savepoint = sqlx::Connection::begin(&mut *conn).await?;
        let saved = match id {
            None => sqlx::query_scalar(
                "INSERT INTO care_staff (institution_id, form, lbnr, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(institution_id)
            .bind(&json)
            .bind(lbnr)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *savepoint)
            .await
            .map(Some),
            Some(id) => sqlx::query(
                "UPDATE care_staff SET form = $1, lbnr = $2, updated_at = $3 \
                 WHERE id = $4 AND institution_id = $5",
            )
            .bind(&json)
            .bind(lbnr)
            .bind(now)
            .bind(id)
            .bind(institution_id)
            .execute(&mut *savepoint)
            .await
            .map(|r| (r.rows_affected() == 1).then_some(id)),
        };
        match saved {
            Ok(saved) => {
                savepoint.commit().await?;
                Ok(saved)
            }
            Err(e) => {
                savepoint.rollback().await?;
                Err(e)
            }
        }
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub ik: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    pub sha256: String,
    pub der: Vec<u8>,
    pub imported_at: i64,
    pub imported_by: String,
}

const CERTIFICATE_COLUMNS: &str =
    "id, ik, subject, issuer, serial, not_before, not_after, sha256, der, imported_at, imported_by";

/// A recipient certificate to keep.
pub struct NewCertificate<'a> {
    pub ik: &'a str,
    pub subject: &'a str,
    pub issuer: &'a str,
    pub serial: &'a str,
    pub not_before: i64,
    pub not_after: i64,
    pub sha256: &'a str,
    pub der: &'a [u8],
}

/// Adds the certificates of one key list in one transaction; the ids of those that were new
/// (a known fingerprint is left as it is).
pub async fn add_certificates(
    db: &Database,
    certificates: &[NewCertificate<'_>],
    imported_by: &str,
    now: i64,
) -> sqlx::Result<Vec<i64>> {
    let mut tx = db.begin_write().await?;
    let mut added = Vec::new();
    for c in certificates {
        let id: Option<i64> = on_tx!(&mut tx, conn => sqlx::query_scalar(
            "INSERT INTO care_recipient_certificates (ik, subject, issuer, serial, not_before, \
             not_after, sha256, der, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT(sha256) DO NOTHING RETURNING id",
        )
        .bind(c.ik)
        .bind(c.subject)
        .bind(c.issuer)
        .bind(c.serial)
        .bind(c.not_before)
        .bind(c.not_after)
        .bind(c.sha256)
        .bind(c.der)
        .bind(now)
        .bind(imported_by)
        .fetch_optional(conn)
        .await)?;
        added.extend(id);
    }
    tx.commit().await?;
    Ok(added)
}

/// Every recipient certificate, newest expiry first.
pub async fn certificates(db: &Database) -> sqlx::Result<Vec<CertificateRow>> {
    // IKs are digits: their order is the same under every collation.
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM care_recipient_certificates \
         ORDER BY ik, not_after DESC, id DESC"
    )))
    .fetch_all(pool)
    .await)
}

/// The certificates of one recipient IK, the longest valid first.
pub async fn certificates_of(db: &Database, ik: &str) -> sqlx::Result<Vec<CertificateRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM care_recipient_certificates WHERE ik = $1 \
         ORDER BY not_after DESC, id DESC"
    )))
    .bind(ik)
    .fetch_all(pool)
    .await)
}
