//! Document requests: the MD asks for named documents with a deadline; the hospital's inbox and
//! dashboard show every request with its deadline as of today (the server's clock).
use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use le_domain::FieldError;
use le_domain::ValidationError;
use le_domain::api::audits::{
    Dashboard, DocumentRequest, Inbox, InboxItem, InboxNotice, Reminder, RequestForm, StatusCount,
};
use le_domain::audits::{
    CertificateStatus, DEFAULT_DEADLINE_WEEKS, DeadlineStatus, DocumentKind, certificate_status,
};
use serde::Deserialize;

use super::caller::{AuditCaller, MdCaller, Scope};
use super::store::{
    self, REQUEST_SELECT, RequestRow, actor_name, deadline_info, notice_kind, parse_date,
    requested, scope_sql,
};
use super::uploads::record;
use crate::AppState;
use crate::clock::rfc3339;
use crate::directory::caller::today;
use crate::error::AppError;
use crate::extract::ApiJson;

/// Longest deadline the MD can set.
const MAX_DEADLINE_WEEKS: i32 = 52;

fn field(name: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: name.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// `POST /api/v1/audits/cases/{id}/requests` (MD)
pub async fn create(
    State(state): State<AppState>,
    md: MdCaller,
    Path(case_id): Path<i64>,
    ApiJson(form): ApiJson<RequestForm>,
) -> Result<(StatusCode, axum::Json<DocumentRequest>), AppError> {
    let case = store::visible_case(&state.db, Scope::All, case_id).await?;
    case.require_open()?;
    let today = today(&state);
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let documents: Vec<DocumentKind> = form
        .documents
        .iter()
        .copied()
        .filter(|d| seen.insert(*d))
        .collect();
    let free_text = form.free_text.trim();
    if documents.is_empty() && free_text.is_empty() {
        errors.push(field(
            "documents",
            "required",
            "Bitte mindestens eine Unterlage auswählen oder im Freitext benennen.",
        ));
    }
    if documents.contains(&DocumentKind::Other) && free_text.is_empty() {
        errors.push(field(
            "free_text",
            "required",
            "Bitte die sonstigen Unterlagen im Freitext benennen.",
        ));
    }
    if free_text.chars().count() > 2000 {
        errors.push(ValidationError::TooLong { max: 2000 }.for_field("free_text"));
    }
    let received = form.received_date.unwrap_or(today);
    if received > today {
        errors.push(
            ValidationError::DateInFuture {
                subject: "Der Eingang der Anforderung",
                date: received.to_german(),
            }
            .for_field("received_date"),
        );
    }
    let weeks = form.deadline_weeks.unwrap_or(DEFAULT_DEADLINE_WEEKS);
    if !(1..=MAX_DEADLINE_WEEKS).contains(&weeks) {
        errors.push(field(
            "deadline_weeks",
            "out_of_range",
            format!("Die Frist muss zwischen 1 und {MAX_DEADLINE_WEEKS} Wochen liegen."),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let documents_json =
        serde_json::to_string(&documents).map_err(|e| AppError::internal("json", e))?;
    let id = sqlx::query(
        "INSERT INTO audit_requests (case_id, documents, free_text, received_date, deadline_weeks, \
         created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(&documents_json)
    .bind(free_text)
    .bind(received.to_iso())
    .bind(weeks)
    .bind(actor_name(&md.actor))
    .bind(now)
    .execute(&state.db)
    .await?
    .last_insert_rowid();
    let row: RequestRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT} WHERE r.id = ?"
    )))
    .bind(id)
    .fetch_one(&state.db)
    .await?;
    let api = store::request_api(&state.db, &row, today, true).await?;
    record(
        &state,
        &md.actor,
        "audit_request_created",
        format!("Prüffall {case_id}, Anforderung {id}"),
        Some(format!(
            "Eingang {}, Frist {}",
            received.to_german(),
            api.deadline.due.to_german()
        )),
    )
    .await;
    Ok((StatusCode::CREATED, axum::Json(api)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// A `DeadlineStatus` (`open`, `due_soon`, `late_window`, `overdue`, `delivered`) or
    /// `pending` (everything not yet delivered).
    pub status: Option<String>,
    pub site: Option<String>,
    /// `deadline` (earliest first, the default) or `received` (newest first).
    pub sort: Option<String>,
}

enum StatusFilter {
    Any,
    Pending,
    Is(DeadlineStatus),
}

fn status_filter(s: Option<&str>) -> Result<StatusFilter, AppError> {
    Ok(match s.unwrap_or("") {
        "" | "all" => StatusFilter::Any,
        "pending" => StatusFilter::Pending,
        "open" => StatusFilter::Is(DeadlineStatus::Open),
        "due_soon" => StatusFilter::Is(DeadlineStatus::DueSoon),
        "late_window" => StatusFilter::Is(DeadlineStatus::LateWindow),
        "overdue" => StatusFilter::Is(DeadlineStatus::Overdue),
        "delivered" => StatusFilter::Is(DeadlineStatus::Delivered),
        _ => {
            return Err(AppError::Validation(vec![field(
                "status",
                "invalid_value",
                "Unbekannter Fristenstatus.",
            )]));
        }
    })
}

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
);

struct InboxRow {
    request_id: i64,
    case_id: i64,
    hospital_ik: String,
    site_number: Option<String>,
    admission_number: String,
    invoice_number: String,
    insurer_ik: String,
    subject: String,
    documents: Vec<DocumentKind>,
    free_text: String,
    received_date: String,
    deadline_weeks: i64,
    delivered_at: Option<i64>,
    pending_files: i64,
    submitted_files: i64,
}

/// One notice: id, case id, admission number, site, kind, subject, created at.
type NoticeTuple = (i64, i64, String, Option<String>, String, String, i64);

/// Requests (and, if wanted, notices) of the caller's open cases, optionally of one site, in ONE
/// row: sqlx's SQLite driver hands every row across threads on its own, which dominated the cost
/// of this most frequent list; SQLite aggregates the rows to JSON instead.
async fn inbox_data(
    state: &AppState,
    scope: Scope<'_>,
    site: Option<&str>,
    with_notices: bool,
) -> Result<(Vec<InboxRow>, Vec<NoticeTuple>), AppError> {
    let (scope_where, binds) = scope_sql(scope, "c.hospital_ik");
    let site_where = if site.is_some() {
        " AND c.site_number = ?"
    } else {
        ""
    };
    let requests = format!(
        "SELECT json_group_array(json_array(r.id, r.case_id, c.hospital_ik, c.site_number, \
         c.admission_number, c.invoice_number, c.insurer_ik, c.subject, json(r.documents), r.free_text, \
         r.received_date, r.deadline_weeks, r.delivered_at, \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NULL), \
         (SELECT COUNT(*) FROM audit_files f WHERE f.request_id = r.id AND f.delivery_id IS NOT NULL))) \
         FROM audit_requests r JOIN audit_cases c ON c.id = r.case_id \
         WHERE c.closed_at IS NULL{scope_where}{site_where}"
    );
    let notices = if with_notices {
        format!(
            "SELECT json_group_array(json_array(id, case_id, admission_number, site_number, kind, subject, created_at)) \
             FROM (SELECT n.id, n.case_id, c.admission_number, c.site_number, n.kind, n.subject, n.created_at \
             FROM audit_notices n JOIN audit_cases c ON c.id = n.case_id \
             WHERE c.closed_at IS NULL{scope_where}{site_where} ORDER BY n.created_at DESC, n.id DESC LIMIT 500)"
        )
    } else {
        "SELECT '[]'".to_owned()
    };
    let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
        "SELECT ({requests}), ({notices})"
    )));
    for _ in 0..if with_notices { 2 } else { 1 } {
        for b in &binds {
            q = q.bind(b.clone());
        }
        if let Some(site) = site {
            q = q.bind(site.to_owned());
        }
    }
    let (requests, notices) = q.fetch_one(&state.db).await?;
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
        })
        .collect();
    Ok((rows, notices))
}

/// `GET /api/v1/audits/inbox?status=&site=&sort=deadline|received`
#[utoipa::path(
    get,
    path = "/audits/inbox",
    operation_id = "audits.requests.inbox",
    tag = "Prüfverfahren",
    summary = "Unterlagenanforderungen und Prüfanzeigen des Krankenhauses, mit Frist",
    params(InboxFilter),
    responses((status = 200, description = "Die Anforderungen, nach Frist sortiert.", body = le_domain::api::audits::Inbox), (status = 422, description = "Unbekannter Filterwert.", body = le_domain::ApiErrorBody))
)]
pub async fn inbox(
    State(state): State<AppState>,
    caller: AuditCaller,
    Query(filter): Query<InboxFilter>,
) -> Result<axum::Json<Inbox>, AppError> {
    let wanted = status_filter(filter.status.as_deref())?;
    let by_received = match filter.sort.as_deref().unwrap_or("deadline") {
        "" | "deadline" => false,
        "received" => true,
        _ => {
            return Err(AppError::Validation(vec![field(
                "sort",
                "invalid_value",
                "Sortierung nach „deadline“ oder „received“.",
            )]));
        }
    };
    let site = filter
        .site
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let today = today(&state);
    let (rows, notices) = inbox_data(&state, caller.scope(), site, true).await?;
    let mut requests = Vec::with_capacity(rows.len());
    for r in rows {
        let weeks = i32::try_from(r.deadline_weeks).unwrap_or(DEFAULT_DEADLINE_WEEKS);
        let received = parse_date(&r.received_date)?;
        let deadline = deadline_info(received, weeks, today, r.delivered_at.is_some());
        let keep = match wanted {
            StatusFilter::Any => true,
            StatusFilter::Pending => deadline.status != DeadlineStatus::Delivered,
            StatusFilter::Is(s) => deadline.status == s,
        };
        if !keep {
            continue;
        }
        requests.push(InboxItem {
            request_id: r.request_id,
            case_id: r.case_id,
            hospital_ik: r.hospital_ik,
            site_number: r.site_number,
            admission_number: r.admission_number,
            invoice_number: r.invoice_number,
            insurer_ik: r.insurer_ik,
            subject: r.subject,
            documents: requested(&r.documents),
            free_text: r.free_text,
            received_date: received,
            deadline,
            pending_files: r.pending_files,
            submitted_files: r.submitted_files,
        });
    }
    if by_received {
        requests.sort_by(|a, b| {
            b.received_date
                .cmp(&a.received_date)
                .then(b.request_id.cmp(&a.request_id))
        });
    } else {
        // Delivered requests last: their deadline no longer matters.
        requests.sort_by(|a, b| {
            let done = |i: &InboxItem| i.deadline.status == DeadlineStatus::Delivered;
            done(a)
                .cmp(&done(b))
                .then(a.deadline.due.cmp(&b.deadline.due))
                .then(a.request_id.cmp(&b.request_id))
        });
    }
    let notices = notices
        .into_iter()
        .map(
            |(id, case_id, admission_number, site_number, kind, subject, created_at)| {
                let kind = notice_kind(&kind);
                InboxNotice {
                    id,
                    case_id,
                    admission_number,
                    site_number,
                    kind,
                    kind_label: kind.label().to_owned(),
                    subject,
                    created_at: rfc3339(created_at),
                }
            },
        )
        .collect();
    Ok(axum::Json(Inbox {
        today,
        requests,
        notices,
    }))
}

/// `GET /api/v1/audits/dashboard`: deadline risk over the requests of open cases, today's
/// reminders, and certificates about to expire.
#[utoipa::path(
    get,
    path = "/audits/dashboard",
    operation_id = "audits.requests.dashboard",
    tag = "Prüfverfahren",
    summary = "Fristenübersicht der offenen Anforderungen und fällige Erinnerungen",
    responses((status = 200, description = "Die Übersicht.", body = le_domain::api::audits::Dashboard))
)]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: AuditCaller,
) -> Result<axum::Json<Dashboard>, AppError> {
    let today = today(&state);
    let (rows, _) = inbox_data(&state, caller.scope(), None, false).await?;
    let order = [
        DeadlineStatus::Open,
        DeadlineStatus::DueSoon,
        DeadlineStatus::LateWindow,
        DeadlineStatus::Overdue,
        DeadlineStatus::Delivered,
    ];
    let mut counts: Vec<StatusCount> = order
        .iter()
        .map(|s| StatusCount {
            status: *s,
            label: s.label().to_owned(),
            count: 0,
        })
        .collect();
    let mut reminders = Vec::new();
    for r in &rows {
        let weeks = i32::try_from(r.deadline_weeks).unwrap_or(DEFAULT_DEADLINE_WEEKS);
        let d = deadline_info(
            parse_date(&r.received_date)?,
            weeks,
            today,
            r.delivered_at.is_some(),
        );
        if let Some(c) = counts.iter_mut().find(|c| c.status == d.status) {
            c.count += 1;
        }
        if d.reminder {
            reminders.push(Reminder {
                request_id: r.request_id,
                case_id: r.case_id,
                admission_number: r.admission_number.clone(),
                due: d.due,
                days_left: d.days_left,
                message: format!(
                    "Unterlagen zum Fall {} müssen bis {} beim MD sein ({}).",
                    r.admission_number,
                    d.due.to_german(),
                    d.days_left_text
                ),
            });
        }
    }
    reminders.sort_by_key(|r| (r.due, r.request_id));
    let (scope_where, binds) = scope_sql(caller.scope(), "s.hospital_ik");
    let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
        "SELECT s.valid_from, s.valid_until FROM structure_audits s \
         WHERE s.state = 'certified'{scope_where}"
    )));
    for b in binds {
        q = q.bind(b);
    }
    let mut expiring = 0;
    for (from, until) in q.fetch_all(&state.db).await? {
        let status = certificate_status(parse_date(&from)?, parse_date(&until)?, today);
        if matches!(
            status,
            CertificateStatus::ExpiresSoon | CertificateStatus::Expired
        ) {
            expiring += 1;
        }
    }
    Ok(axum::Json(Dashboard {
        today,
        counts,
        reminders,
        expiring_certificates: expiring,
    }))
}
