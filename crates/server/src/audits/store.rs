//! Storage of the audit exchange: rows of cases, notices, requests, files and deliveries, and
//! their conversion to the API types (deadlines computed for "today" on every read).
use le_domain::api::audits::{
    CaseState, CaseSummary, DeadlineInfo, Delivery, DocumentRequest, Notice, NoticeKind,
    RequestedDocument, StoredFile,
};
use le_domain::audits::{DocumentKind, days_left_phrase, deadline, reminder_due};
use le_domain::directory::Date;

use super::caller::Scope;
use crate::clock::rfc3339;
use crate::db::Db;
use crate::error::AppError;

/// Days after closing when a case is purged, on the day of `closed_at`.
pub fn purge_on(closed_at: i64, retention_days: u32) -> Date {
    date_of(closed_at).add_days(i32::try_from(retention_days).unwrap_or(i32::MAX))
}

/// The UTC calendar day of a Unix time.
pub fn date_of(unix: i64) -> Date {
    Date::from_ymd(1970, 1, 1)
        .unwrap_or(Date::MIN)
        .add_days(i32::try_from(unix.div_euclid(86_400)).unwrap_or(i32::MAX))
}

pub fn parse_date(s: &str) -> Result<Date, AppError> {
    Date::parse_iso(s).map_err(|e| AppError::internal("stored date", e))
}

/// The deadline of a request as the API shows it on `today`.
pub fn deadline_info(received: Date, weeks: i32, today: Date, delivered: bool) -> DeadlineInfo {
    let d = deadline(received, weeks, today, delivered);
    DeadlineInfo {
        due: d.due,
        late_until: d.late_until,
        days_left: d.days_left,
        days_left_text: days_left_phrase(d.days_left),
        status: d.status,
        status_label: d.status.label().to_owned(),
        reminder: reminder_due(&d),
    }
}

/// `column IN (?, …)` for a hospital scope (nothing for the MD), with its binds.
pub fn scope_sql(scope: Scope<'_>, column: &str) -> (String, Vec<String>) {
    match scope {
        Scope::All => (String::new(), Vec::new()),
        Scope::Hospital(iks) => {
            let marks = vec!["?"; iks.len().max(1)].join(", ");
            let binds = if iks.is_empty() {
                // No IK: match nothing.
                vec![String::new()]
            } else {
                iks.to_vec()
            };
            (format!(" AND {column} IN ({marks})"), binds)
        }
    }
}

pub fn documents_of(json: &str) -> Result<Vec<DocumentKind>, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::internal("stored documents", e))
}

pub fn requested(kinds: &[DocumentKind]) -> Vec<RequestedDocument> {
    kinds.iter().copied().map(RequestedDocument::of).collect()
}

/// Name of the hospital a case is addressed to (its own IK first, else a hospital of that Haupt-IK).
pub const HOSPITAL_NAME: &str = "COALESCE(\
    (SELECT i.name FROM institutions i WHERE i.kind = 'hospital' AND i.ik = c.hospital_ik LIMIT 1), \
    (SELECT i.name FROM institutions i WHERE i.kind = 'hospital' AND i.main_ik = c.hospital_ik ORDER BY i.id LIMIT 1), \
    c.hospital_ik)";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: Option<String>,
    pub admission_number: String,
    pub invoice_number: String,
    pub admission_date: String,
    pub discharge_date: String,
    pub insurer_ik: String,
    pub subject: String,
    pub created_by: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

pub fn case_select() -> String {
    format!(
        "SELECT c.id, c.hospital_ik, {HOSPITAL_NAME} AS hospital_name, c.site_number, \
         c.admission_number, c.invoice_number, c.admission_date, c.discharge_date, c.insurer_ik, \
         c.subject, c.created_by, c.created_at, c.closed_at FROM audit_cases c"
    )
}

impl CaseRow {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// 409 unless the case is open.
    pub fn require_open(&self) -> Result<(), AppError> {
        if self.is_open() {
            Ok(())
        } else {
            Err(AppError::Conflict {
                code: "case_closed",
                message: "Dieser Prüffall ist abgeschlossen.".to_owned(),
            })
        }
    }

    pub fn summary(
        &self,
        open_requests: &[&RequestRow],
        today: Date,
        retention_days: u32,
    ) -> Result<CaseSummary, AppError> {
        let mut next: Option<DeadlineInfo> = None;
        for r in open_requests {
            let d = r.deadline(today)?;
            if next.as_ref().is_none_or(|n| d.due < n.due) {
                next = Some(d);
            }
        }
        let state = if self.is_open() {
            CaseState::Open
        } else {
            CaseState::Closed
        };
        Ok(CaseSummary {
            id: self.id,
            hospital_ik: self.hospital_ik.clone(),
            hospital_name: self.hospital_name.clone(),
            site_number: self.site_number.clone(),
            admission_number: self.admission_number.clone(),
            invoice_number: self.invoice_number.clone(),
            admission_date: parse_date(&self.admission_date)?,
            discharge_date: parse_date(&self.discharge_date)?,
            insurer_ik: self.insurer_ik.clone(),
            subject: self.subject.clone(),
            state,
            state_label: state.label().to_owned(),
            created_at: rfc3339(self.created_at),
            closed_at: self.closed_at.map(rfc3339),
            purge_on: self.closed_at.map(|t| purge_on(t, retention_days)),
            open_requests: i64::try_from(open_requests.len()).unwrap_or(i64::MAX),
            next_deadline: next,
        })
    }
}

/// The case `id` if the caller may see it; 404 otherwise (others' cases do not exist for them).
pub async fn visible_case(db: &Db, scope: Scope<'_>, id: i64) -> Result<CaseRow, AppError> {
    let row: Option<CaseRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE c.id = ?",
        case_select()
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.filter(|c| scope.includes(&c.hospital_ik))
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub case_id: i64,
    pub documents: String,
    pub free_text: String,
    pub received_date: String,
    pub deadline_weeks: i64,
    pub created_by: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

pub const REQUEST_SELECT: &str = "SELECT r.id, r.case_id, r.documents, r.free_text, r.received_date, \
    r.deadline_weeks, r.created_by, r.created_at, r.delivered_at FROM audit_requests r";

impl RequestRow {
    pub fn weeks(&self) -> i32 {
        i32::try_from(self.deadline_weeks).unwrap_or(le_domain::audits::DEFAULT_DEADLINE_WEEKS)
    }

    pub fn received(&self) -> Result<Date, AppError> {
        parse_date(&self.received_date)
    }

    pub fn deadline(&self, today: Date) -> Result<DeadlineInfo, AppError> {
        Ok(deadline_info(
            self.received()?,
            self.weeks(),
            today,
            self.delivered_at.is_some(),
        ))
    }
}

/// The request `id` with its case, if the caller may see the case; 404 otherwise.
pub async fn visible_request(
    db: &Db,
    scope: Scope<'_>,
    id: i64,
) -> Result<(RequestRow, CaseRow), AppError> {
    let row: Option<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT} WHERE r.id = ?"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let case = visible_case(db, scope, row.case_id).await?;
    Ok((row, case))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub request_id: i64,
    pub delivery_id: Option<i64>,
    pub file_name: String,
    pub stored_name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: i64,
    pub uploaded_by: String,
}

pub const FILE_SELECT: &str = "SELECT f.id, f.request_id, f.delivery_id, f.file_name, f.stored_name, \
    f.size, f.sha256, f.uploaded_at, f.uploaded_by FROM audit_files f";

impl FileRow {
    pub fn api(&self) -> StoredFile {
        StoredFile {
            id: self.id,
            name: self.file_name.clone(),
            size: u64::try_from(self.size).unwrap_or(0),
            sha256: self.sha256.clone(),
            uploaded_at: rfc3339(self.uploaded_at),
            uploaded_by: self.uploaded_by.clone(),
            delivery_id: self.delivery_id,
        }
    }
}

/// A report or evidence file (same columns without request and delivery).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub owner_id: i64,
    pub file_name: String,
    pub stored_name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: i64,
    pub uploaded_by: String,
}

impl DocumentRow {
    pub fn api(&self) -> StoredFile {
        StoredFile {
            id: self.id,
            name: self.file_name.clone(),
            size: u64::try_from(self.size).unwrap_or(0),
            sha256: self.sha256.clone(),
            uploaded_at: rfc3339(self.uploaded_at),
            uploaded_by: self.uploaded_by.clone(),
            delivery_id: None,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub request_id: i64,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub in_time: bool,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
}

pub const DELIVERY_SELECT: &str = "SELECT d.id, d.request_id, d.submitted_at, d.submitted_by, \
    d.in_time, d.acknowledged_at, d.acknowledged_by FROM audit_deliveries d";

impl DeliveryRow {
    pub fn api(&self, files: &[FileRow]) -> Delivery {
        Delivery {
            id: self.id,
            request_id: self.request_id,
            submitted_at: rfc3339(self.submitted_at),
            submitted_by: self.submitted_by.clone(),
            in_time: self.in_time,
            files: files
                .iter()
                .filter(|f| f.delivery_id == Some(self.id))
                .map(FileRow::api)
                .collect(),
            acknowledged_at: self.acknowledged_at.map(rfc3339),
            acknowledged_by: self.acknowledged_by.clone(),
        }
    }
}

pub async fn files_of_delivery(db: &Db, delivery_id: i64) -> Result<Vec<FileRow>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{FILE_SELECT} WHERE f.delivery_id = ? ORDER BY f.id"
    )))
    .bind(delivery_id)
    .fetch_all(db)
    .await?)
}

/// A request with its files and deliveries; the MD never sees files not yet submitted.
pub async fn request_api(
    db: &Db,
    r: &RequestRow,
    today: Date,
    md: bool,
) -> Result<DocumentRequest, AppError> {
    let files: Vec<FileRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{FILE_SELECT} WHERE f.request_id = ? ORDER BY f.id"
    )))
    .bind(r.id)
    .fetch_all(db)
    .await?;
    let deliveries: Vec<DeliveryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DELIVERY_SELECT} WHERE d.request_id = ? ORDER BY d.id"
    )))
    .bind(r.id)
    .fetch_all(db)
    .await?;
    let pending_files = if md {
        Vec::new()
    } else {
        files
            .iter()
            .filter(|f| f.delivery_id.is_none())
            .map(FileRow::api)
            .collect()
    };
    Ok(DocumentRequest {
        id: r.id,
        case_id: r.case_id,
        documents: requested(&documents_of(&r.documents)?),
        free_text: r.free_text.clone(),
        received_date: r.received()?,
        deadline_weeks: r.weeks(),
        deadline: r.deadline(today)?,
        created_at: rfc3339(r.created_at),
        created_by: r.created_by.clone(),
        pending_files,
        deliveries: deliveries.iter().map(|d| d.api(&files)).collect(),
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub subject: String,
    pub created_by: String,
    pub created_at: i64,
}

pub fn notice_kind(s: &str) -> NoticeKind {
    if s == "initial" {
        NoticeKind::Initial
    } else {
        NoticeKind::Extension
    }
}

impl NoticeRow {
    pub fn api(&self) -> Notice {
        let kind = notice_kind(&self.kind);
        Notice {
            id: self.id,
            case_id: self.case_id,
            kind,
            kind_label: kind.label().to_owned(),
            subject: self.subject.clone(),
            created_at: rfc3339(self.created_at),
            created_by: self.created_by.clone(),
        }
    }
}

pub async fn insert_notice(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    case_id: i64,
    kind: NoticeKind,
    subject: &str,
    by: &str,
    now: i64,
) -> Result<i64, AppError> {
    let kind = match kind {
        NoticeKind::Initial => "initial",
        NoticeKind::Extension => "extension",
    };
    Ok(sqlx::query(
        "INSERT INTO audit_notices (case_id, kind, subject, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(kind)
    .bind(subject)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .last_insert_rowid())
}

/// The name an actor is shown with in the exchange (user name or "API-Token n").
pub fn actor_name(actor: &crate::access::session::Actor) -> String {
    actor.name.clone().unwrap_or_else(|| "unbekannt".to_owned())
}
