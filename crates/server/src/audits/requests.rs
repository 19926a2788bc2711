//! Document requests: the MD asks for named documents with a deadline; the hospital's inbox and
//! dashboard show every request with its deadline as of today (the server's clock).
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use le_domain::FieldError;
use le_domain::api::audits::{
    Dashboard, DocumentRequest, Inbox, InboxItem, InboxNotice, Reminder, RequestForm, StatusCount,
};
use le_domain::audits::{
    CertificateStatus, DEFAULT_DEADLINE_WEEKS, DeadlineStatus, DocumentKind, certificate_status,
};
use serde::Deserialize;

use super::caller::{AuditCaller, MdCaller, Scope};
use super::store::{self, actor_name, notice_kind, parse_date, requested};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::ApiJson;

/// `POST /api/v1/audits/cases/{id}/requests` (MD). The rules are the domain's
/// (`RequestForm::validate`); a deadline longer than the statutory one is an agreed extension
/// and says so in the audit log.
pub async fn create(
    State(state): State<AppState>,
    md: MdCaller,
    Path(case_id): Path<i64>,
    ApiJson(form): ApiJson<RequestForm>,
) -> Result<(StatusCode, axum::Json<DocumentRequest>), AppError> {
    let case = store::visible_case(&state.database, Scope::All, case_id).await?;
    case.require_open()?;
    let today = today(&state);
    let errors = form.validate(today, store::date_of(case.created_at));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut documents: Vec<DocumentKind> = Vec::new();
    for d in &form.documents {
        if !documents.contains(d) {
            documents.push(*d);
        }
    }
    let received = form.received_date.unwrap_or(today);
    let weeks = form.deadline_weeks.unwrap_or(DEFAULT_DEADLINE_WEEKS);
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let id = store::insert_request(
        &mut tx,
        case_id,
        &documents,
        form.free_text.trim(),
        received,
        weeks,
        &actor_name(&md.actor),
        now,
    )
    .await?;
    tx.commit().await?;
    let row = store::request_row(&state.database, id).await?;
    let api = store::request_api(&state.database, &row, today, true).await?;
    let extension = if weeks > DEFAULT_DEADLINE_WEEKS {
        format!(", verlängerte Frist ({weeks} statt {DEFAULT_DEADLINE_WEEKS} Wochen, vereinbart)")
    } else {
        String::new()
    };
    audit_log::success(&md.actor, "audit_request_created")
        .target(format!("Prüffall {case_id}, Anforderung {id}"))
        .detail(format!(
            "Eingang {}, Frist {}{extension}",
            received.to_german(),
            api.deadline.due.to_german()
        ))
        .record(&state.database, state.clock.now())
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
            return Err(AppError::Validation(vec![FieldError::new(
                "status",
                "invalid_value",
                "Unbekannter Fristenstatus.",
            )]));
        }
    })
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
            return Err(AppError::Validation(vec![FieldError::new(
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
    let (rows, notices) = store::inbox_data(&state.database, caller.scope(), site, true).await?;
    let mut requests = Vec::with_capacity(rows.len());
    for r in rows {
        let received = parse_date(&r.received_date)?;
        let deadline = r.deadline(today)?;
        let outstanding_documents = r.outstanding();
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
            outstanding_documents,
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
    let (rows, _) = store::inbox_data(&state.database, caller.scope(), None, false).await?;
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
        let d = r.deadline(today)?;
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
    let mut expiring = 0;
    for (from, until) in store::certified_periods(&state.database, caller.scope()).await? {
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
