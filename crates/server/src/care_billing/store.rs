//! Storage of the care billing area: set-ups, branches, transfer numbers and deliveries. The only
//! module of the area that talks to the database.
use le_domain::api::care_billing::{Branch, SetupRequest};
use sqlx::{Sqlite, Transaction};

use crate::db::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SetupRow {
    pub region: String,
    pub billing_centre_ik: Option<String>,
    pub sender_email: String,
}

pub async fn setup_of(db: &Db, institution_id: i64) -> sqlx::Result<Option<SetupRow>> {
    sqlx::query_as(
        "SELECT region, billing_centre_ik, sender_email FROM care_setups WHERE institution_id = ?",
    )
    .bind(institution_id)
    .fetch_optional(db)
    .await
}

pub async fn save_setup(
    db: &Db,
    institution_id: i64,
    req: &SetupRequest,
    now: i64,
) -> sqlx::Result<()> {
    let centre = req
        .billing_centre_ik
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    sqlx::query(
        "INSERT INTO care_setups (institution_id, region, billing_centre_ik, sender_email, updated_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT(institution_id) DO UPDATE SET region = excluded.region, \
         billing_centre_ik = excluded.billing_centre_ik, sender_email = excluded.sender_email, \
         updated_at = excluded.updated_at",
    )
    .bind(institution_id)
    .bind(req.region.trim())
    .bind(centre)
    .bind(req.sender_email.trim())
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn branches_of(db: &Db, institution_id: i64) -> sqlx::Result<Vec<Branch>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, ik, name FROM care_branches WHERE institution_id = ? ORDER BY name, id",
    )
    .bind(institution_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, ik, name)| Branch { id, ik, name })
        .collect())
}

/// Adds a branch; `Ok(None)` when the institution already has one with this IK.
pub async fn add_branch(
    db: &Db,
    institution_id: i64,
    ik: &str,
    name: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let result = sqlx::query(
        "INSERT INTO care_branches (institution_id, ik, name, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(institution_id)
    .bind(ik)
    .bind(name)
    .bind(now)
    .execute(db)
    .await;
    match result {
        Ok(r) => Ok(Some(r.last_insert_rowid())),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn remove_branch(db: &Db, institution_id: i64, id: i64) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM care_branches WHERE id = ? AND institution_id = ?")
        .bind(id)
        .bind(institution_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The next transfer number from `sender` to `recipient` (1–999, then 1 again), counted inside
/// the caller's write transaction: numbers are never given twice and never skipped.
pub async fn next_transfer_number(
    tx: &mut Transaction<'static, Sqlite>,
    sender: &str,
    recipient: &str,
) -> sqlx::Result<u16> {
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO care_transfer_numbers (sender_ik, recipient_ik, last_number) VALUES (?, ?, 1) \
         ON CONFLICT(sender_ik, recipient_ik) DO UPDATE SET \
         last_number = CASE WHEN last_number >= 999 THEN 1 ELSE last_number + 1 END \
         RETURNING last_number",
    )
    .bind(sender)
    .bind(recipient)
    .fetch_one(&mut **tx)
    .await?;
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

pub async fn insert_delivery(
    tx: &mut Transaction<'static, Sqlite>,
    d: &NewDelivery<'_>,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO care_deliveries (institution_id, branch_ik, sender_ik, recipient_ik, region, kind, \
         month, procedure, transfer_number, correction_of, order_file, stored_name, payload_size, \
         transfer_size, sha256, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    .execute(&mut **tx)
    .await
    .map(|r| r.last_insert_rowid())
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
    db: &Db,
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
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM care_deliveries WHERE institution_id = ?1 \
         AND (?2 IS NULL OR month = ?2) AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR procedure = ?4) \
         AND (?5 IS NULL OR (?5 = 'error') = (error_number IS NOT NULL)) \
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    )))
    .bind(institution_id)
    .bind(blank(&filter.month))
    .bind(blank(&filter.kind))
    .bind(blank(&filter.procedure))
    .bind(state)
    .fetch_all(db)
    .await
}

/// One delivery, only if it belongs to `institution_id`.
pub async fn delivery(db: &Db, institution_id: i64, id: i64) -> sqlx::Result<Option<DeliveryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM care_deliveries WHERE id = ? AND institution_id = ?"
    )))
    .bind(id)
    .bind(institution_id)
    .fetch_optional(db)
    .await
}

pub async fn record_error_return(
    db: &Db,
    institution_id: i64,
    id: i64,
    error_number: u32,
    error_action: u32,
    note: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE care_deliveries SET error_number = ?, error_action = ?, error_note = ?, error_at = ? \
         WHERE id = ? AND institution_id = ?",
    )
    .bind(i64::from(error_number))
    .bind(i64::from(error_action))
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(institution_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Records that the delivery was mailed; false if it already was (one mail per delivery).
pub async fn mark_sent(
    db: &Db,
    institution_id: i64,
    id: i64,
    to: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE care_deliveries SET sent_at = ?, sent_to = ? WHERE id = ? AND institution_id = ? \
         AND sent_at IS NULL",
    )
    .bind(now)
    .bind(to)
    .bind(id)
    .bind(institution_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Staff of a care service, by name.
pub async fn staff_of(
    db: &Db,
    institution_id: i64,
) -> Result<Vec<(i64, le_domain::care_billing::StaffForm)>, crate::error::AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, form FROM care_staff WHERE institution_id = ? ORDER BY json_extract(form, '$.last_name'), id",
    )
    .bind(institution_id)
    .fetch_all(db)
    .await?;
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
/// A regular LBNR given twice is a unique-constraint error (the caller turns it into a 422).
pub async fn save_staff(
    tx: &mut Transaction<'static, Sqlite>,
    institution_id: i64,
    id: Option<i64>,
    form: &le_domain::care_billing::StaffForm,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let json = serde_json::to_string(form).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let lbnr = form.lbnr.trim();
    match id {
        None => sqlx::query(
            "INSERT INTO care_staff (institution_id, form, lbnr, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(institution_id)
        .bind(&json)
        .bind(lbnr)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map(|r| Some(r.last_insert_rowid())),
        Some(id) => sqlx::query(
            "UPDATE care_staff SET form = ?, lbnr = ?, updated_at = ? WHERE id = ? AND institution_id = ?",
        )
        .bind(&json)
        .bind(lbnr)
        .bind(now)
        .bind(id)
        .bind(institution_id)
        .execute(&mut **tx)
        .await
        .map(|r| (r.rows_affected() == 1).then_some(id)),
    }
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
    db: &Db,
    certificates: &[NewCertificate<'_>],
    imported_by: &str,
    now: i64,
) -> sqlx::Result<Vec<i64>> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut added = Vec::new();
    for c in certificates {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO care_recipient_certificates (ik, subject, issuer, serial, not_before, \
             not_after, sha256, der, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
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
        .fetch_optional(&mut *tx)
        .await?;
        added.extend(id);
    }
    tx.commit().await?;
    Ok(added)
}

/// Every recipient certificate, newest expiry first.
pub async fn certificates(db: &Db) -> sqlx::Result<Vec<CertificateRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM care_recipient_certificates \
         ORDER BY ik, not_after DESC, id DESC"
    )))
    .fetch_all(db)
    .await
}

/// The certificates of one recipient IK, the longest valid first.
pub async fn certificates_of(db: &Db, ik: &str) -> sqlx::Result<Vec<CertificateRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM care_recipient_certificates WHERE ik = ? \
         ORDER BY not_after DESC, id DESC"
    )))
    .bind(ik)
    .fetch_all(db)
    .await
}
