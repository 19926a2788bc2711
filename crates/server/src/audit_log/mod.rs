//! The audit log: who did what, when, for which institution, from where, with which outcome.
//! Every area writes through one short call per outcome
//! (`audit_log::success(&actor, "user_created").target(name).record(&state.database, now).await`);
//! reading is scoped by the caller's institution. The SQL is in `store`.
/// The SQL of the log: append an entry, read a filtered page, redact details.
mod store;

pub use store::redact_audits_details;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use le_domain::api::access::{AuditOutcome, AuditPage};
use serde::Deserialize;

use crate::AppState;
use crate::access::session::{Actor, AdminSession};
use crate::clock::{parse_time, parse_time_until};
use crate::db::Database;
use crate::error::AppError;

/// Longest text kept in one field of an entry; longer input (a megabyte typed as a user name) is
/// cut and marked.
pub const MAX_FIELD_CHARS: usize = 500;

fn capped(text: Option<&str>) -> Option<String> {
    text.map(|t| {
        if t.chars().count() <= MAX_FIELD_CHARS {
            t.to_owned()
        } else {
            let mut cut: String = t.chars().take(MAX_FIELD_CHARS).collect();
            cut.push('…');
            cut
        }
    })
}

/// One entry being built: start with [`success`], [`failure`] or [`denied`], add a target and a
/// detail, then [`Entry::record`].
#[must_use = "an audit entry is only written by `record`"]
pub struct Entry<'a> {
    actor: &'a Actor,
    action: &'a str,
    target: Option<String>,
    outcome: AuditOutcome,
    detail: Option<String>,
}

/// An action that was carried out.
pub fn success<'a>(actor: &'a Actor, action: &'a str) -> Entry<'a> {
    entry(actor, action, AuditOutcome::Success)
}

/// An action that was tried and failed (wrong code, invalid input).
pub fn failure<'a>(actor: &'a Actor, action: &'a str) -> Entry<'a> {
    entry(actor, action, AuditOutcome::Failure)
}

/// An action refused for lack of rights.
pub fn denied<'a>(actor: &'a Actor, action: &'a str) -> Entry<'a> {
    entry(actor, action, AuditOutcome::Denied)
}

/// An entry whose outcome is decided at run time.
pub fn entry<'a>(actor: &'a Actor, action: &'a str, outcome: AuditOutcome) -> Entry<'a> {
    Entry {
        actor,
        action,
        target: None,
        outcome,
        detail: None,
    }
}

impl Entry<'_> {
    /// What the action was done to (a user name, "Anfrage 17", …).
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn target_opt(mut self, target: Option<String>) -> Self {
        self.target = target;
        self
    }

    /// Anything else worth keeping (never a secret).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn detail_opt(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    /// Writes the entry. A failure to audit is logged loudly but does not undo the action it
    /// follows.
    pub async fn record(self, db: &Database, now: i64) {
        let actor = capped(self.actor.name.as_deref());
        let target = capped(self.target.as_deref());
        let client = capped(Some(self.actor.client_addr.as_str())).unwrap_or_default();
        let detail = capped(self.detail.as_deref());
        let row = store::NewEntry {
            at: now,
            actor_user_id: self.actor.user_id,
            actor: actor.as_deref(),
            institution_id: self.actor.institution_id,
            institution_ik: self.actor.institution_ik.as_deref(),
            action: self.action,
            target: target.as_deref(),
            client_addr: &client,
            outcome: self.outcome,
            detail: detail.as_deref(),
        };
        if let Err(err) = store::insert(db, &row).await {
            tracing::error!(%err, action = self.action, "could not write the audit log");
        }
    }
}

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new()
        .route("/audit-log", get(list))
        .route("/audit-log.csv", get(export_csv))
}

/// The query string of the log's list and export.
#[derive(Debug, Default, Deserialize)]
struct LogQuery {
    action: Option<String>,
    outcome: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Checks the query and limits it to what the caller may see: md_admin sees everything, any
/// other admin only their own institution.
fn checked_filter(session: &AdminSession, q: &LogQuery) -> Result<store::Filter, AppError> {
    let mut filter = store::Filter {
        institution_id: (!session.may(le_domain::access::Permission::ReadEveryInstitutionsLog))
            .then_some(session.institution.id),
        ..store::Filter::default()
    };
    let like = |name: &str, value: &Option<String>| -> Result<Option<String>, AppError> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => {
                le_domain::access::check_search_term(v).map_err(|e| AppError::field(name, &e))?;
                Ok(Some(le_domain::access::escape_like(v)))
            }
        }
    };
    filter.action_like = like("action", &q.action)?;
    filter.actor_like = like("actor", &q.actor)?;
    if let Some(outcome) = q.outcome.as_deref().filter(|s| !s.is_empty()) {
        filter.outcome = Some(
            store::outcome_from(outcome)
                .ok_or_else(|| format_error("outcome", "Unbekanntes Ergebnis."))?,
        );
    }
    if let Some(from) = q.from.as_deref().filter(|s| !s.is_empty()) {
        filter.from = Some(
            parse_time(from)
                .ok_or_else(|| format_error("from", "Datum im Format JJJJ-MM-TT erwartet."))?,
        );
    }
    if let Some(to) = q.to.as_deref().filter(|s| !s.is_empty()) {
        // A plain date means "up to the end of that (Berlin) day".
        filter.until = Some(
            parse_time_until(to)
                .ok_or_else(|| format_error("to", "Datum im Format JJJJ-MM-TT erwartet."))?,
        );
    }
    Ok(filter)
}

fn format_error(field: &str, message: &str) -> AppError {
    AppError::Validation(vec![le_domain::FieldError::new(field, "format", message)])
}

/// `GET /api/v1/audit-log`
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    Query(query): Query<LogQuery>,
) -> Result<axum::Json<AuditPage>, AppError> {
    let filter = checked_filter(&session, &query)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let offset = query.offset.unwrap_or(0).max(0);
    let (entries, total) = store::page(&state.database, &filter, limit, offset).await?;
    Ok(axum::Json(AuditPage { entries, total }))
}

/// `GET /api/v1/audit-log.csv`: the filtered log as CSV (`;`, UTF-8 with BOM, for Excel).
async fn export_csv(
    State(state): State<AppState>,
    session: AdminSession,
    Query(query): Query<LogQuery>,
) -> Result<impl IntoResponse, AppError> {
    let filter = checked_filter(&session, &query)?;
    let (entries, _) = store::page(&state.database, &filter, 100_000, 0).await?;
    // The domain's writer: the same dialect and formula neutralisation as every other export
    // (user names typed at a failed sign-in end up here, unauthenticated).
    let rows = entries.into_iter().map(|e| {
        vec![
            e.at,
            e.actor.unwrap_or_default(),
            e.institution_ik.unwrap_or_default(),
            e.action,
            e.target.unwrap_or_default(),
            e.client_addr.unwrap_or_default(),
            store::outcome_str(e.outcome).to_owned(),
            e.detail.unwrap_or_default(),
        ]
    });
    let body = le_domain::spreadsheet::write_table(
        &[
            "Zeitpunkt",
            "Benutzer",
            "IK",
            "Aktion",
            "Ziel",
            "Adresse",
            "Ergebnis",
            "Details",
        ],
        rows,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"protokoll.csv\"",
            ),
        ],
        body,
    ))
}
