//! Storage of the audit exchange: rows of cases, notices, requests, files and deliveries, and
//! their conversion to the API types (deadlines computed for "today" on every read).
use le_domain::api::audits::{
    CaseState, CaseSummary, DeadlineInfo, Delivery, DocumentRequest, DocumentStatus, Notice,
    NoticeKind, RequestedDocument, StoredFile,
};
use le_domain::audits::{
    DocumentKind, DocumentState, Lateness, days_left_phrase, deadline, land_of_hospital_ik,
    reminder_due, request_complete, tracked_documents,
};
use le_domain::directory::{Date, Land};

use super::caller::Scope;
use crate::clock::rfc3339;
use crate::db::{Database, Tx};
use crate::error::AppError;
use crate::{on_db, on_tx};

/// Days after closing when a case is purged, on the day of `closed_at`.
pub fn purge_on(closed_at: i64, retention_days: u32) -> Date {
    date_of(closed_at).add_days(i32::try_from(retention_days).unwrap_or(i32::MAX))
}

/// The legal (Berlin) calendar day of a Unix time.
pub fn date_of(unix: i64) -> Date {
    le_domain::calendar::berlin_date(unix)
}

pub fn parse_date(s: &str) -> Result<Date, AppError> {
    Date::parse_iso(s).map_err(|e| AppError::internal("stored date", e))
}

/// The deadline of a request as the API shows it on `today` (`complete`: no document
/// outstanding; `land`: the hospital's Land, whose holidays move the end).
pub fn deadline_info(
    received: Date,
    weeks: i32,
    land: Option<Land>,
    today: Date,
    complete: bool,
) -> DeadlineInfo {
    let d = deadline(received, weeks, land, today, complete);
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

/// `column IN ($first, …)` for a hospital scope (nothing for the MD), with its binds (bound as
/// arguments `first`, `first + 1`, …).
pub fn scope_sql(scope: Scope<'_>, column: &str, first: usize) -> (String, Vec<String>) {
    match scope {
        Scope::All => (String::new(), Vec::new()),
        Scope::Hospital(iks) => {
            let marks = (0..iks.len().max(1))
                .map(|i| format!("${}", first + i))
                .collect::<Vec<_>>()
                .join(", ");
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
pub async fn visible_case(db: &Database, scope: Scope<'_>, id: i64) -> Result<CaseRow, AppError> {
    let sql = format!("{} WHERE c.id = $1", case_select());
    let row: Option<CaseRow> = on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
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
    /// When the request became complete (no document outstanding).
    pub delivered_at: Option<i64>,
    /// The IK the case is addressed to (its Land's holidays count).
    pub hospital_ik: String,
}

pub const REQUEST_SELECT: &str = "SELECT r.id, r.case_id, r.documents, r.free_text, r.received_date, \
    r.deadline_weeks, r.created_by, r.created_at, r.delivered_at, \
    (SELECT rc.hospital_ik FROM audit_cases rc WHERE rc.id = r.case_id) AS hospital_ik \
    FROM audit_requests r";

impl RequestRow {
    pub fn weeks(&self) -> i32 {
        i32::try_from(self.deadline_weeks).unwrap_or(le_domain::audits::DEFAULT_DEADLINE_WEEKS)
    }

    pub fn received(&self) -> Result<Date, AppError> {
        parse_date(&self.received_date)
    }

    pub fn land(&self) -> Option<Land> {
        land_of_hospital_ik(&self.hospital_ik)
    }

    pub fn deadline(&self, today: Date) -> Result<DeadlineInfo, AppError> {
        Ok(deadline_info(
            self.received()?,
            self.weeks(),
            self.land(),
            today,
            self.delivered_at.is_some(),
        ))
    }

    /// The documents tracked one by one.
    pub fn tracked(&self) -> Result<Vec<DocumentKind>, AppError> {
        Ok(tracked_documents(&documents_of(&self.documents)?))
    }
}

/// The request `id` with its case, if the caller may see the case; 404 otherwise.
pub async fn visible_request(
    db: &Database,
    scope: Scope<'_>,
    id: i64,
) -> Result<(RequestRow, CaseRow), AppError> {
    let row = request_row(db, id).await?;
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
    pub document: Option<String>,
}

pub const FILE_SELECT: &str = "SELECT f.id, f.request_id, f.delivery_id, f.file_name, f.stored_name, \
    f.size, f.sha256, f.uploaded_at, f.uploaded_by, f.document FROM audit_files f";

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
            document: self.document.as_deref().and_then(DocumentKind::from_wire),
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
            document: None,
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
    pub lateness: String,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
}

pub const DELIVERY_SELECT: &str = "SELECT d.id, d.request_id, d.submitted_at, d.submitted_by, \
    d.in_time, d.lateness, d.acknowledged_at, d.acknowledged_by FROM audit_deliveries d";

impl DeliveryRow {
    pub fn lateness(&self) -> Lateness {
        Lateness::from_wire(&self.lateness).unwrap_or(if self.in_time {
            Lateness::InTime
        } else {
            Lateness::LateWindow
        })
    }

    pub fn api(&self, files: &[FileRow]) -> Delivery {
        let lateness = self.lateness();
        Delivery {
            id: self.id,
            request_id: self.request_id,
            submitted_at: rfc3339(self.submitted_at),
            submitted_by: self.submitted_by.clone(),
            in_time: self.in_time,
            lateness,
            lateness_label: lateness.label().to_owned(),
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

pub async fn files_of_delivery(db: &Database, delivery_id: i64) -> Result<Vec<FileRow>, AppError> {
    let sql = format!("{FILE_SELECT} WHERE f.delivery_id = $1 ORDER BY f.id");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(delivery_id)
        .fetch_all(pool)
        .await)?)
}

/// A request with its files and deliveries; the MD never sees files not yet submitted.
pub async fn request_api(
    db: &Database,
    r: &RequestRow,
    today: Date,
    md: bool,
) -> Result<DocumentRequest, AppError> {
    let files_sql = format!("{FILE_SELECT} WHERE f.request_id = $1 ORDER BY f.id");
    let deliveries_sql = format!("{DELIVERY_SELECT} WHERE d.request_id = $1 ORDER BY d.id");
    let (files, deliveries): (Vec<FileRow>, Vec<DeliveryRow>) = on_db!(db, pool => {
        let files = sqlx::query_as(sqlx::AssertSqlSafe(files_sql))
            .bind(r.id)
            .fetch_all(pool)
            .await?;
        let deliveries = sqlx::query_as(sqlx::AssertSqlSafe(deliveries_sql))
            .bind(r.id)
            .fetch_all(pool)
            .await?;
        (files, deliveries)
    });
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
        complete: r.delivered_at.is_some(),
        document_states: document_states(db, r).await?,
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
    tx: &mut Tx,
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
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO audit_notices (case_id, kind, subject, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(case_id)
    .bind(kind)
    .bind(subject)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await)?)
}

/// The name an actor is shown with in the exchange (user name or "API-Token n").
pub fn actor_name(actor: &crate::access::session::Actor) -> String {
    actor.name.clone().unwrap_or_else(|| "unbekannt".to_owned())
}

/// A requested document declared unavailable.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnavailableRow {
    pub document: String,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: i64,
}

/// The state of every tracked document of a request: delivered once a submitted file names it
/// (a file from before documents were tracked names all of them), unavailable when declared.
pub async fn document_states(
    db: &Database,
    r: &RequestRow,
) -> Result<Vec<DocumentStatus>, AppError> {
    let (delivered, unavailable): (Vec<DeliveredRow>, Vec<UnavailableRow>) = on_db!(db, pool => {
        let delivered = sqlx::query_as(DELIVERED_SQL)
            .bind(r.id)
            .fetch_all(pool)
            .await?;
        let unavailable = sqlx::query_as(UNAVAILABLE_SQL)
            .bind(r.id)
            .fetch_all(pool)
            .await?;
        (delivered, unavailable)
    });
    states_of(r, &delivered, &unavailable)
}

/// [`document_states`] inside the write transaction `tx`.
pub async fn document_states_in(
    tx: &mut Tx,
    r: &RequestRow,
) -> Result<Vec<DocumentStatus>, AppError> {
    let (delivered, unavailable): (Vec<DeliveredRow>, Vec<UnavailableRow>) = on_tx!(tx, conn => {
        let delivered = sqlx::query_as(DELIVERED_SQL)
            .bind(r.id)
            .fetch_all(&mut *conn)
            .await?;
        let unavailable = sqlx::query_as(UNAVAILABLE_SQL)
            .bind(r.id)
            .fetch_all(&mut *conn)
            .await?;
        (delivered, unavailable)
    });
    states_of(r, &delivered, &unavailable)
}

/// A submitted file of a request: the document it is for (none: from before documents were
/// tracked), when and by whom its delivery was submitted.
type DeliveredRow = (Option<String>, i64, String);

/// Binds: request. Every submitted file, earliest delivery first (the first row of a document
/// is the one that delivered it).
const DELIVERED_SQL: &str = "SELECT f.document, d.submitted_at, d.submitted_by FROM audit_files f \
    JOIN audit_deliveries d ON d.id = f.delivery_id WHERE f.request_id = $1 \
    ORDER BY d.submitted_at, d.id";

/// Binds: request.
const UNAVAILABLE_SQL: &str = "SELECT document, reason, declared_by, declared_at \
    FROM audit_unavailable_documents WHERE request_id = $1";

fn states_of(
    r: &RequestRow,
    delivered: &[DeliveredRow],
    unavailable: &[UnavailableRow],
) -> Result<Vec<DocumentStatus>, AppError> {
    Ok(r.tracked()?
        .into_iter()
        .map(|kind| {
            let wire = kind.wire();
            let by_file = delivered
                .iter()
                .filter(|(doc, ..)| doc.as_deref().is_none_or(|d| d == wire))
                .min_by_key(|(_, at, _)| *at);
            let declared = unavailable.iter().find(|u| u.document == wire);
            let (state, reason, at, by) = match (by_file, declared) {
                (Some((_, at, by)), _) => {
                    (DocumentState::Delivered, None, Some(*at), Some(by.clone()))
                }
                (None, Some(u)) => (
                    DocumentState::Unavailable,
                    Some(u.reason.clone()),
                    Some(u.declared_at),
                    Some(u.declared_by.clone()),
                ),
                (None, None) => (DocumentState::Outstanding, None, None, None),
            };
            DocumentStatus {
                kind,
                label: kind.label().to_owned(),
                state,
                state_label: state.label().to_owned(),
                reason,
                settled_at: at.map(rfc3339),
                settled_by: by,
            }
        })
        .collect())
}

/// Marks the request complete (at `now`) once no document is outstanding; answers whether it
/// is complete. Runs in the caller's transaction with the change that settled a document.
pub async fn settle_completion(tx: &mut Tx, request_id: i64, now: i64) -> Result<bool, AppError> {
    let sql = format!("{REQUEST_SELECT} WHERE r.id = $1");
    let row: RequestRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_one(conn)
        .await)?;
    let states = document_states_in(tx, &row).await?;
    let complete = request_complete(&states.iter().map(|s| s.state).collect::<Vec<_>>());
    if complete {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE audit_requests SET delivered_at = COALESCE(delivered_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(request_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    }
    Ok(complete)
}

/// Stores a new request; answers its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_request(
    tx: &mut Tx,
    case_id: i64,
    documents: &[DocumentKind],
    free_text: &str,
    received: Date,
    weeks: i32,
    by: &str,
    now: i64,
) -> Result<i64, AppError> {
    let documents_json =
        serde_json::to_string(documents).map_err(|e| AppError::internal("json", e))?;
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO audit_requests (case_id, documents, free_text, received_date, deadline_weeks, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(&documents_json)
    .bind(free_text)
    .bind(received.to_iso())
    .bind(i64::from(weeks))
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await)?)
}

/// Where a received file belongs: an expert report of a case, an evidence file of a structure
/// audit, or a requested document of a request.
#[derive(Debug, Clone, Copy)]
pub enum FileOwner {
    Report {
        case_id: i64,
    },
    Evidence {
        structure_id: i64,
    },
    Request {
        request_id: i64,
        document: DocumentKind,
    },
}

impl FileOwner {
    /// The requested document a request's file is for.
    pub fn document(self) -> Option<DocumentKind> {
        match self {
            FileOwner::Request { document, .. } => Some(document),
            _ => None,
        }
    }
}

/// A received file, stored in `files_dir` as `stored_name`.
pub struct NewFile<'a> {
    pub owner: FileOwner,
    pub file_name: &'a str,
    pub stored_name: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub uploaded_at: i64,
    pub uploaded_by: &'a str,
}

/// Inserts the row of a received file (a request's file is not yet submitted); answers its id.
pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>) -> Result<i64, AppError> {
    let (sql, owner_id, document) = match f.owner {
        FileOwner::Report { case_id } => (INSERT_REPORT, case_id, None),
        FileOwner::Evidence { structure_id } => (INSERT_EVIDENCE, structure_id, None),
        FileOwner::Request {
            request_id,
            document,
        } => (INSERT_REQUEST_FILE, request_id, Some(document)),
    };
    Ok(on_tx!(tx, conn => {
        let mut query = sqlx::query_scalar(sql)
            .bind(owner_id)
            .bind(f.file_name)
            .bind(f.stored_name)
            .bind(f.size)
            .bind(f.sha256)
            .bind(f.uploaded_at)
            .bind(f.uploaded_by);
        if let Some(d) = document {
            query = query.bind(d.wire());
        }
        query.fetch_one(conn).await
    })?)
}

/// The request `id` (no scope check: callers check the case).
pub async fn request_row(db: &Database, id: i64) -> Result<RequestRow, AppError> {
    let sql = format!("{REQUEST_SELECT} WHERE r.id = $1");
    let row: Option<RequestRow> = on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.ok_or(AppError::NotFound)
}

/// Binds: request, name, stored name, size, SHA-256, time, uploader, document.
const INSERT_REQUEST_FILE: &str = "INSERT INTO audit_files (request_id, file_name, stored_name, \
    size, sha256, uploaded_at, uploaded_by, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
    RETURNING id";

/// Makes the files of a request not yet submitted one delivery (in `tx`); `None` when there are
/// none.
pub async fn insert_delivery(
    tx: &mut Tx,
    request_id: i64,
    now: i64,
    by: &str,
    lateness: Lateness,
) -> Result<Option<i64>, AppError> {
    Ok(on_tx!(tx, conn => {
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_files WHERE request_id = $1 AND delivery_id IS NULL",
        )
        .bind(request_id)
        .fetch_one(&mut *conn)
        .await?;
        if pending == 0 {
            None
        } else {
            let delivery_id: i64 = sqlx::query_scalar(
                "INSERT INTO audit_deliveries (request_id, submitted_at, submitted_by, in_time, \
                 lateness) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(request_id)
            .bind(now)
            .bind(by)
            .bind(lateness == Lateness::InTime)
            .bind(lateness.wire())
            .fetch_one(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE audit_files SET delivery_id = $1 WHERE request_id = $2 AND delivery_id IS NULL",
            )
            .bind(delivery_id)
            .bind(request_id)
            .execute(&mut *conn)
            .await?;
            Some(delivery_id)
        }
    }))
}

pub async fn delivery_row(db: &Database, id: i64) -> Result<Option<DeliveryRow>, AppError> {
    let sql = format!("{DELIVERY_SELECT} WHERE d.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn acknowledge_delivery(
    tx: &mut Tx,
    id: i64,
    now: i64,
    by: &str,
) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE audit_deliveries SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn insert_unavailable(
    tx: &mut Tx,
    request_id: i64,
    document: DocumentKind,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO audit_unavailable_documents (request_id, document, reason, declared_by, \
         declared_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(request_id)
    .bind(document.wire())
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Whether the case is still open (inside `tx`: it may have closed while bytes arrived).
pub async fn case_open_in(tx: &mut Tx, case_id: i64) -> Result<bool, AppError> {
    let open: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM audit_cases WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(case_id)
    .fetch_optional(conn)
    .await)?;
    Ok(open.is_some())
}

pub async fn file_row(db: &Database, id: i64) -> Result<Option<FileRow>, AppError> {
    let sql = format!("{FILE_SELECT} WHERE f.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// Deletes a file not yet submitted; answers whether one was deleted.
pub async fn delete_pending_file(db: &Database, id: i64) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let deleted = on_tx!(&mut tx, conn => sqlx::query(
        "DELETE FROM audit_files WHERE id = $1 AND delivery_id IS NULL",
    )
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(deleted > 0)
}

/// Takes (or renews) the lease of job `name` for `holder` unless another holder's lease is
/// still running; answers whether `holder` has it now.
pub async fn take_lease(
    db: &Database,
    name: &str,
    holder: &str,
    now: i64,
    seconds: i64,
) -> Result<bool, AppError> {
    let taken = on_db!(db, pool => sqlx::query(
        "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder",
    )
    .bind(name)
    .bind(holder)
    .bind(now + seconds)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(taken == 1)
}

/// Gives the lease up (only the holder can).
pub async fn release_lease(db: &Database, name: &str, holder: &str) -> Result<(), AppError> {
    on_db!(db, pool => sqlx::query("UPDATE job_leases SET expires_at = 0 WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// An incomplete request of an open case (a possible reminder).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderCandidate {
    pub request_id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub admission_number: String,
    pub received_date: String,
    pub deadline_weeks: i64,
}

pub async fn reminder_candidates(db: &Database) -> Result<Vec<ReminderCandidate>, AppError> {
    let sql = format!(
        "SELECT r.id AS request_id, c.hospital_ik, {HOSPITAL_NAME} AS hospital_name, \
         c.admission_number, r.received_date, r.deadline_weeks \
         FROM audit_requests r JOIN audit_cases c ON c.id = r.case_id \
         WHERE r.delivered_at IS NULL AND c.closed_at IS NULL \
         ORDER BY r.received_date, r.id"
    );
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await)?)
}

/// A user who gets the reminders of a hospital.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderRecipient {
    pub user_id: i64,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// The active users of the audit roles (administration, Medizincontrolling) of the hospitals
/// that see cases addressed to `hospital_ik` (its own IK, or its Haupt-IK once granted), without
/// those who unsubscribed.
pub async fn reminder_recipients(
    db: &Database,
    hospital_ik: &str,
) -> Result<Vec<ReminderRecipient>, AppError> {
    Ok(on_db!(db, pool => sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.first_name, u.last_name, u.email \
         FROM users u JOIN institutions i ON i.id = u.institution_id \
         WHERE u.active = TRUE AND u.role IN ('admin', 'audit_clerk') AND i.kind = 'hospital' \
         AND (i.ik = $1 OR (i.main_ik = $1 AND i.main_ik_access = 'granted')) \
         AND u.email <> '' \
         AND NOT EXISTS (SELECT 1 FROM audit_reminder_optouts o WHERE o.user_id = u.id) \
         ORDER BY u.id",
    )
    .bind(hospital_ik)
    .fetch_all(pool)
    .await)?)
}

/// Claims reminders (request, point) for `user_id`: answers those not claimed before.
pub async fn claim_reminders(
    db: &Database,
    user_id: i64,
    keys: &[(i64, String)],
    now: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    let mut tx = db.begin_write().await?;
    let mut claimed = Vec::new();
    for (request_id, point) in keys {
        let n = on_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO audit_reminders_sent (request_id, point, user_id, sent_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(request_id)
        .bind(point)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 1 {
            claimed.push((*request_id, point.clone()));
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Releases claims whose mail could not be sent.
pub async fn release_reminders(
    db: &Database,
    user_id: i64,
    keys: &[(i64, String)],
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    for (request_id, point) in keys {
        on_tx!(&mut tx, conn => sqlx::query(
            "DELETE FROM audit_reminders_sent WHERE request_id = $1 AND point = $2 AND user_id = $3",
        )
        .bind(request_id)
        .bind(point)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn opted_out(db: &Database, user_id: i64) -> Result<bool, AppError> {
    let row: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT user_id FROM audit_reminder_optouts WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.is_some())
}

pub async fn set_opt_out(db: &Database, user_id: i64, out: bool, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    if out {
        on_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO audit_reminder_optouts (user_id, opted_out_at) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    } else {
        on_tx!(&mut tx, conn => sqlx::query("DELETE FROM audit_reminder_optouts WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    tx.commit().await?;
    Ok(())
}

/// True when a hospital with this IK (or this Haupt-IK) uses the portal.
pub async fn hospital_registered(db: &Database, ik: &str) -> Result<bool, AppError> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM institutions WHERE kind = 'hospital' AND (ik = $1 OR main_ik = $1)",
    )
    .bind(ik)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// The Haupt-IK of the hospital addressed as `ik` (its own IK when it has none).
pub async fn main_ik_of(db: &Database, ik: &str) -> Result<Option<String>, AppError> {
    Ok(on_db!(db, pool => sqlx::query_scalar(
        "SELECT COALESCE(main_ik, ik) FROM institutions WHERE kind = 'hospital' \
         AND (ik = $1 OR main_ik = $1) ORDER BY ik = $1 DESC LIMIT 1",
    )
    .bind(ik)
    .fetch_optional(pool)
    .await)?)
}

/// A new case (with its first notice inserted separately).
pub struct NewCase<'a> {
    pub hospital_ik: &'a str,
    pub site_number: Option<&'a str>,
    pub admission_number: &'a str,
    pub invoice_number: &'a str,
    pub admission_date: Date,
    pub discharge_date: Date,
    pub insurer_ik: &'a str,
    pub subject: &'a str,
    pub created_by: &'a str,
    pub created_at: i64,
}

pub async fn insert_case(tx: &mut Tx, c: &NewCase<'_>) -> Result<i64, AppError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO audit_cases (hospital_ik, site_number, admission_number, invoice_number, \
         admission_date, discharge_date, insurer_ik, subject, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(c.hospital_ik)
    .bind(c.site_number)
    .bind(c.admission_number)
    .bind(c.invoice_number)
    .bind(c.admission_date.to_iso())
    .bind(c.discharge_date.to_iso())
    .bind(c.insurer_ik)
    .bind(c.subject)
    .bind(c.created_by)
    .bind(c.created_at)
    .fetch_one(conn)
    .await)?)
}

/// The cases in `scope` (with `state_where`, a fixed SQL condition on `c`), and their requests
/// not yet complete.
pub async fn cases_with_open_requests(
    db: &Database,
    scope: Scope<'_>,
    state_where: &'static str,
) -> Result<(Vec<CaseRow>, Vec<RequestRow>), AppError> {
    let (scope_where, binds) = scope_sql(scope, "c.hospital_ik", 1);
    let cases_sql = format!(
        "{} WHERE 1 = 1{scope_where}{state_where} ORDER BY c.closed_at IS NOT NULL, c.created_at DESC, c.id DESC",
        case_select()
    );
    let requests_sql = format!(
        "{REQUEST_SELECT} JOIN audit_cases c ON c.id = r.case_id WHERE r.delivered_at IS NULL{scope_where}"
    );
    Ok(on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(cases_sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        let cases = q.fetch_all(pool).await?;
        let mut rq = sqlx::query_as::<_, RequestRow>(sqlx::AssertSqlSafe(requests_sql));
        for b in &binds {
            rq = rq.bind(b.clone());
        }
        (cases, rq.fetch_all(pool).await?)
    }))
}

const NOTICE_SELECT: &str =
    "SELECT id, case_id, kind, subject, created_by, created_at FROM audit_notices";

pub async fn notices_of(db: &Database, case_id: i64) -> Result<Vec<NoticeRow>, AppError> {
    let sql = format!("{NOTICE_SELECT} WHERE case_id = $1 ORDER BY id");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn notice_row(db: &Database, id: i64) -> Result<NoticeRow, AppError> {
    let sql = format!("{NOTICE_SELECT} WHERE id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(pool)
        .await)?)
}

pub async fn requests_of(db: &Database, case_id: i64) -> Result<Vec<RequestRow>, AppError> {
    let sql = format!("{REQUEST_SELECT} WHERE r.case_id = $1 ORDER BY r.id");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

const REPORT_SELECT: &str = "SELECT id, case_id AS owner_id, file_name, stored_name, size, \
    sha256, uploaded_at, uploaded_by FROM audit_reports";

pub async fn reports_of(db: &Database, case_id: i64) -> Result<Vec<DocumentRow>, AppError> {
    let sql = format!("{REPORT_SELECT} WHERE case_id = $1 ORDER BY id");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

/// Closes an open case (the retention period starts). A write transaction: an upload that
/// checked the case open in its own transaction finishes before (PostgreSQL serialises the two as
/// SQLite's single writer does).
pub async fn close_case(db: &Database, id: i64, now: i64, by: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE audit_cases SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: Option<String>,
    pub date: String,
    pub note: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub struct InspectionCaseLink {
    pub inspection_id: i64,
    pub case_id: i64,
    pub admission_number: String,
    pub invoice_number: String,
}

/// The inspections in `scope` (by date) and the cases on them.
pub async fn inspections_in(
    db: &Database,
    scope: Scope<'_>,
) -> Result<(Vec<InspectionRow>, Vec<InspectionCaseLink>), AppError> {
    let (scope_where, binds) = scope_sql(scope, "c.hospital_ik", 1);
    let rows_sql = format!(
        "SELECT c.id, c.hospital_ik, {HOSPITAL_NAME} AS hospital_name, c.site_number, c.date, c.note, \
         c.created_by, c.created_at FROM audit_inspections c WHERE 1 = 1{scope_where} ORDER BY c.date, c.id"
    );
    let links_sql = format!(
        "SELECT l.inspection_id, l.case_id, a.admission_number, a.invoice_number \
         FROM audit_inspection_cases l JOIN audit_inspections c ON c.id = l.inspection_id \
         JOIN audit_cases a ON a.id = l.case_id WHERE 1 = 1{scope_where} ORDER BY a.admission_number"
    );
    Ok(on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(rows_sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        let rows = q.fetch_all(pool).await?;
        let mut lq = sqlx::query_as::<_, InspectionCaseLink>(sqlx::AssertSqlSafe(links_sql));
        for b in &binds {
            lq = lq.bind(b.clone());
        }
        (rows, lq.fetch_all(pool).await?)
    }))
}

/// Whether `case_id` is an open case addressed to `hospital_ik`.
pub async fn open_case_of(
    db: &Database,
    case_id: i64,
    hospital_ik: &str,
) -> Result<bool, AppError> {
    let ok: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM audit_cases WHERE id = $1 AND hospital_ik = $2 AND closed_at IS NULL",
    )
    .bind(case_id)
    .bind(hospital_ik)
    .fetch_optional(pool)
    .await)?;
    Ok(ok.is_some())
}

/// Stores an inspection with its cases; answers its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_inspection(
    tx: &mut Tx,
    hospital_ik: &str,
    site_number: Option<&str>,
    date: Date,
    note: &str,
    by: &str,
    now: i64,
    case_ids: &[i64],
) -> Result<i64, AppError> {
    Ok(on_tx!(tx, conn => {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_inspections (hospital_ik, site_number, date, note, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(hospital_ik)
        .bind(site_number)
        .bind(date.to_iso())
        .bind(note)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for case_id in case_ids {
            sqlx::query(
                "INSERT INTO audit_inspection_cases (inspection_id, case_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
        }
        id
    }))
}

pub async fn report_row(db: &Database, id: i64) -> Result<Option<DocumentRow>, AppError> {
    let sql = format!("{REPORT_SELECT} WHERE id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// Binds: case, name, stored name, size, SHA-256, time, uploader.
const INSERT_REPORT: &str = "INSERT INTO audit_reports (case_id, file_name, stored_name, size, \
    sha256, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
/// Binds: structure audit, name, stored name, size, SHA-256, time, uploader.
const INSERT_EVIDENCE: &str = "INSERT INTO structure_evidence (structure_id, file_name, \
    stored_name, size, sha256, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
    RETURNING id";

const EVIDENCE_SELECT: &str = "SELECT id, structure_id AS owner_id, file_name, stored_name, size, \
    sha256, uploaded_at, uploaded_by FROM structure_evidence";

#[derive(sqlx::FromRow)]
pub struct StructureRow {
    pub id: i64,
    pub hospital_ik: String,
    pub hospital_name: String,
    pub site_number: String,
    pub ops_code: String,
    pub note: String,
    pub state: String,
    pub applied_by: String,
    pub applied_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub reject_reason: Option<String>,
}

fn structure_select() -> String {
    format!(
        "SELECT c.id, c.hospital_ik, {HOSPITAL_NAME} AS hospital_name, c.site_number, c.ops_code, \
         c.note, c.state, c.applied_by, c.applied_at, c.decided_by, c.decided_at, c.valid_from, \
         c.valid_until, c.reject_reason FROM structure_audits c"
    )
}

pub async fn structure_row(db: &Database, id: i64) -> Result<Option<StructureRow>, AppError> {
    let sql = format!("{} WHERE c.id = $1", structure_select());
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// The applications in `scope`, newest first.
pub async fn structure_rows(
    db: &Database,
    scope: Scope<'_>,
) -> Result<Vec<StructureRow>, AppError> {
    let (scope_where, binds) = scope_sql(scope, "c.hospital_ik", 1);
    let sql = format!(
        "{} WHERE 1 = 1{scope_where} ORDER BY c.applied_at DESC, c.id DESC",
        structure_select()
    );
    Ok(on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, StructureRow>(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(pool).await
    })?)
}

pub async fn evidence_of(db: &Database, structure_id: i64) -> Result<Vec<DocumentRow>, AppError> {
    let sql = format!("{EVIDENCE_SELECT} WHERE structure_id = $1 ORDER BY id");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(structure_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn evidence_row(db: &Database, id: i64) -> Result<Option<DocumentRow>, AppError> {
    let sql = format!("{EVIDENCE_SELECT} WHERE id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn evidence_count(db: &Database, structure_id: i64) -> Result<i64, AppError> {
    Ok(on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM structure_evidence WHERE structure_id = $1",
    )
    .bind(structure_id)
    .fetch_one(pool)
    .await)?)
}

/// A new application; answers its id.
pub async fn insert_structure_application(
    tx: &mut Tx,
    hospital_ik: &str,
    site_number: &str,
    ops_code: &str,
    note: &str,
    by: &str,
    now: i64,
) -> Result<i64, AppError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO structure_audits (hospital_ik, site_number, ops_code, note, applied_by, \
         applied_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(hospital_ik)
    .bind(site_number)
    .bind(ops_code)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await)?)
}

pub async fn certify_structure(
    tx: &mut Tx,
    id: i64,
    by: &str,
    now: i64,
    valid_from: Date,
    valid_until: Date,
) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE structure_audits SET state = 'certified', decided_by = $1, decided_at = $2, \
         valid_from = $3, valid_until = $4 WHERE id = $5 AND state = 'applied'",
    )
    .bind(by)
    .bind(now)
    .bind(valid_from.to_iso())
    .bind(valid_until.to_iso())
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn reject_structure(
    db: &Database,
    id: i64,
    by: &str,
    now: i64,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE structure_audits SET state = 'rejected', decided_by = $1, decided_at = $2, \
         reject_reason = $3 WHERE id = $4 AND state = 'applied'",
    )
    .bind(by)
    .bind(now)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    tx.commit().await?;
    Ok(())
}

// ---- Inbox and dashboard aggregates ----

/// One request of the inbox as SQLite's `json_array` lists it.
type InboxTuple = (
    i64,               // request id
    i64,               // case id
    String,            // hospital IK
    Option<String>,    // site
    String,            // admission number
    String,            // invoice number
    String,            // insurer IK
    String,            // subject
    Vec<DocumentKind>, // documents
    String,            // free text
    String,            // received date
    i64,               // deadline weeks
    Option<i64>,       // delivered at
    i64,               // files not yet submitted
    i64,               // files submitted
    // Documents with a submitted file ("*": a file for all), documents declared unavailable.
    (Vec<String>, Vec<String>),
);

pub struct InboxRow {
    pub request_id: i64,
    pub case_id: i64,
    pub hospital_ik: String,
    pub site_number: Option<String>,
    pub admission_number: String,
    pub invoice_number: String,
    pub insurer_ik: String,
    pub subject: String,
    pub documents: Vec<DocumentKind>,
    pub free_text: String,
    pub received_date: String,
    pub deadline_weeks: i64,
    pub delivered_at: Option<i64>,
    pub pending_files: i64,
    pub submitted_files: i64,
    pub delivered_documents: Vec<String>,
    pub unavailable_documents: Vec<String>,
}

impl InboxRow {
    /// Requested documents neither delivered nor declared unavailable.
    pub fn outstanding(&self) -> i64 {
        if self.delivered_documents.iter().any(|d| d == "*") {
            return 0;
        }
        let n = tracked_documents(&self.documents)
            .into_iter()
            .filter(|k| {
                let w = k.wire();
                !self.delivered_documents.iter().any(|d| d == w)
                    && !self.unavailable_documents.iter().any(|d| d == w)
            })
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    pub fn deadline(&self, today: Date) -> Result<DeadlineInfo, AppError> {
        let weeks =
            i32::try_from(self.deadline_weeks).unwrap_or(le_domain::audits::DEFAULT_DEADLINE_WEEKS);
        Ok(deadline_info(
            parse_date(&self.received_date)?,
            weeks,
            land_of_hospital_ik(&self.hospital_ik),
            today,
            self.delivered_at.is_some(),
        ))
    }
}

/// One notice: id, case id, admission number, site, kind, subject, created at.
pub type NoticeTuple = (i64, i64, String, Option<String>, String, String, i64);

/// The inbox query in SQLite's dialect (JSON1); `filter` is the condition on the case `c`.
fn inbox_sql_sqlite(filter: &str, with_notices: bool) -> String {
    let requests = format!(
        "SELECT json_group_array(json_array(r.id, r.case_id, c.hospital_ik, c.site_number, \
         c.admission_number, c.invoice_number, c.insurer_ik, c.subject, json(r.documents), r.free_text, \
         r.received_date, r.deadline_weeks, r.delivered_at, \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NULL), \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NOT NULL), \
         json_array(json((SELECT json_group_array(DISTINCT COALESCE(f.document, '*')) FROM audit_files f \
               WHERE f.request_id = r.id AND f.delivery_id IS NOT NULL)), \
         json((SELECT json_group_array(u.document) FROM audit_unavailable_documents u \
               WHERE u.request_id = r.id))))) \
         FROM audit_requests r JOIN audit_cases c ON c.id = r.case_id WHERE {filter}"
    );
    let notices = if with_notices {
        format!(
            "SELECT json_group_array(json_array(id, case_id, admission_number, site_number, kind, subject, created_at)) \
             FROM (SELECT n.id, n.case_id, c.admission_number, c.site_number, n.kind, n.subject, n.created_at \
             FROM audit_notices n JOIN audit_cases c ON c.id = n.case_id \
             WHERE {filter} ORDER BY n.created_at DESC, n.id DESC LIMIT 500)"
        )
    } else {
        "SELECT CAST('[]' AS TEXT)".to_owned()
    };
    format!("SELECT ({requests}), ({notices})")
}

/// The inbox query in PostgreSQL's dialect (`json_agg`, which answers NULL for no rows where
/// SQLite's `json_group_array` answers `[]`); the same JSON as [`inbox_sql_sqlite`].
fn inbox_sql_postgres(filter: &str, with_notices: bool) -> String {
    let requests = format!(
        "SELECT CAST(COALESCE(json_agg(json_build_array(r.id, r.case_id, c.hospital_ik, c.site_number, \
         c.admission_number, c.invoice_number, c.insurer_ik, c.subject, CAST(r.documents AS json), \
         r.free_text, r.received_date, r.deadline_weeks, r.delivered_at, \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NULL), \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NOT NULL), \
         json_build_array(\
           COALESCE((SELECT json_agg(DISTINCT COALESCE(f.document, '*')) FROM audit_files f \
                     WHERE f.request_id = r.id AND f.delivery_id IS NOT NULL), CAST('[]' AS json)), \
           COALESCE((SELECT json_agg(u.document) FROM audit_unavailable_documents u \
                     WHERE u.request_id = r.id), CAST('[]' AS json))))), \
         CAST('[]' AS json)) AS TEXT) \
         FROM audit_requests r JOIN audit_cases c ON c.id = r.case_id WHERE {filter}"
    );
    let notices = if with_notices {
        format!(
            "SELECT CAST(COALESCE(json_agg(json_build_array(id, case_id, admission_number, site_number, \
             kind, subject, created_at)), CAST('[]' AS json)) AS TEXT) \
             FROM (SELECT n.id, n.case_id, c.admission_number, c.site_number, n.kind, n.subject, n.created_at \
             FROM audit_notices n JOIN audit_cases c ON c.id = n.case_id \
             WHERE {filter} ORDER BY n.created_at DESC, n.id DESC LIMIT 500) latest"
        )
    } else {
        "SELECT CAST('[]' AS TEXT)".to_owned()
    };
    format!("SELECT ({requests}), ({notices})")
}

/// Requests (and, if wanted, notices) of the caller's open cases, optionally of one site, in ONE
/// row: sqlx's SQLite driver hands every row across threads on its own, which dominated the cost
/// of this most frequent list; the database aggregates the rows to JSON instead (SQLite's JSON1,
/// PostgreSQL's `json_agg`, the same JSON shape).
pub async fn inbox_data(
    db: &Database,
    scope: Scope<'_>,
    site: Option<&str>,
    with_notices: bool,
) -> Result<(Vec<InboxRow>, Vec<NoticeTuple>), AppError> {
    let (scope_where, mut binds) = scope_sql(scope, "c.hospital_ik", 1);
    let site_where = match site {
        Some(site) => {
            binds.push(site.to_owned());
            format!(" AND c.site_number = ${}", binds.len())
        }
        None => String::new(),
    };
    let filter = format!("c.closed_at IS NULL{scope_where}{site_where}");
    let sql = match db {
        Database::Sqlite(_) => inbox_sql_sqlite(&filter, with_notices),
        Database::Postgres(_) => inbox_sql_postgres(&filter, with_notices),
    };
    let (requests, notices): (String, String) = on_db!(db, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        q.fetch_one(pool).await
    })?;
    let json_err = |e: serde_json::Error| AppError::internal("inbox JSON", e);
    let tuples: Vec<InboxTuple> = serde_json::from_str(&requests).map_err(json_err)?;
    let mut notices: Vec<NoticeTuple> = serde_json::from_str(&notices).map_err(json_err)?;
    notices.sort_by(|a, b| b.6.cmp(&a.6).then(b.0.cmp(&a.0)));
    let rows = tuples
        .into_iter()
        .map(|t| InboxRow {
            request_id: t.0,
            case_id: t.1,
            hospital_ik: t.2,
            site_number: t.3,
            admission_number: t.4,
            invoice_number: t.5,
            insurer_ik: t.6,
            subject: t.7,
            documents: t.8,
            free_text: t.9,
            received_date: t.10,
            deadline_weeks: t.11,
            delivered_at: t.12,
            pending_files: t.13,
            submitted_files: t.14,
            delivered_documents: t.15.0,
            unavailable_documents: t.15.1,
        })
        .collect();
    Ok((rows, notices))
}

/// Validity periods (from, until) of the certified structure audits in `scope`.
pub async fn certified_periods(
    db: &Database,
    scope: Scope<'_>,
) -> Result<Vec<(String, String)>, AppError> {
    let (scope_where, binds) = scope_sql(scope, "s.hospital_ik", 1);
    let sql = format!(
        "SELECT s.valid_from, s.valid_until FROM structure_audits s \
         WHERE s.state = 'certified'{scope_where}"
    );
    Ok(on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(pool).await
    })?)
}

// ---- Retention ----

/// Ids of the cases closed at or before `cutoff` (Unix seconds), oldest id first.
pub async fn closed_before(db: &Database, cutoff: i64) -> Result<Vec<i64>, AppError> {
    Ok(on_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM audit_cases WHERE closed_at IS NOT NULL AND closed_at <= $1 ORDER BY id",
    )
    .bind(cutoff)
    .fetch_all(pool)
    .await)?)
}

/// Stored names of every file of case `id`: the requests' files and the expert reports.
pub async fn stored_names_of_case(tx: &mut Tx, id: i64) -> Result<Vec<String>, AppError> {
    let (mut stored, reports): (Vec<String>, Vec<String>) = on_tx!(tx, conn => {
        let files = sqlx::query_scalar(
            "SELECT f.stored_name FROM audit_files f JOIN audit_requests r ON r.id = f.request_id \
             WHERE r.case_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let reports = sqlx::query_scalar("SELECT stored_name FROM audit_reports WHERE case_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        (files, reports)
    });
    stored.extend(reports);
    Ok(stored)
}

/// Ids of the requests of case `id` and of their deliveries.
pub async fn request_and_delivery_ids(
    tx: &mut Tx,
    id: i64,
) -> Result<(Vec<i64>, Vec<i64>), AppError> {
    Ok(on_tx!(tx, conn => {
        let request_ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM audit_requests WHERE case_id = $1")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
        let delivery_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT d.id FROM audit_deliveries d JOIN audit_requests r ON r.id = d.request_id \
             WHERE r.case_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        (request_ids, delivery_ids)
    }))
}

/// Deletes case `id`; the schema cascades to its notices, requests, deliveries, files, reports
/// and inspection links.
pub async fn delete_case(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM audit_cases WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}
