//! The audit log: who did what, when, for which institution, from where, with which outcome.
//! Every area writes through `record`; reading is scoped by the caller's institution.
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use le_domain::api::access::{AuditEntry, AuditOutcome, AuditPage};
use serde::Deserialize;

use crate::AppState;
use crate::access::session::{Actor, AdminSession};
use crate::clock::{parse_time, rfc3339};
use crate::db::Db;
use crate::error::AppError;

/// One event to record.
pub struct Event<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub target: Option<String>,
    pub outcome: AuditOutcome,
    pub detail: Option<String>,
}

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

/// Writes one entry. A failure to audit is logged loudly but does not undo the action it follows.
pub async fn record(db: &Db, now: i64, event: Event<'_>) {
    let outcome = outcome_str(event.outcome);
    let result = sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor, institution_id, institution_ik, action, \
         target, client_addr, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(now)
    .bind(event.actor.user_id)
    .bind(capped(event.actor.name.as_deref()))
    .bind(event.actor.institution_id)
    .bind(event.actor.institution_ik.as_deref())
    .bind(event.action)
    .bind(capped(event.target.as_deref()))
    .bind(capped(Some(event.actor.client_addr.as_str())))
    .bind(outcome)
    .bind(capped(event.detail.as_deref()))
    .execute(db)
    .await;
    if let Err(err) = result {
        tracing::error!(%err, action = event.action, "could not write the audit log");
    }
}

fn outcome_str(o: AuditOutcome) -> &'static str {
    match o {
        AuditOutcome::Success => "success",
        AuditOutcome::Failure => "failure",
        AuditOutcome::Denied => "denied",
    }
}

fn outcome_from(s: &str) -> AuditOutcome {
    match s {
        "success" => AuditOutcome::Success,
        "denied" => AuditOutcome::Denied,
        _ => AuditOutcome::Failure,
    }
}

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new()
        .route("/audit-log", get(list))
        .route("/audit-log.csv", get(export_csv))
}

#[derive(Debug, Default, Deserialize)]
struct Filter {
    action: Option<String>,
    outcome: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// SQL WHERE clause and binds for a filter, always limited to what the caller may see.
struct Where {
    sql: String,
    binds: Vec<Bind>,
}

enum Bind {
    Int(i64),
    Text(String),
}

fn build_where(session: &AdminSession, filter: &Filter) -> Result<Where, AppError> {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    // md_admin sees everything; any other admin only their own institution.
    if !session.is_md_admin() {
        sql.push_str(" AND institution_id = ?");
        binds.push(Bind::Int(session.institution.id));
    }
    for (name, value) in [("action", &filter.action), ("actor", &filter.actor)] {
        if let Some(v) = value {
            le_domain::access::check_search_term(v).map_err(|e| AppError::field(name, &e))?;
        }
    }
    if let Some(action) = filter.action.as_deref().filter(|s| !s.trim().is_empty()) {
        sql.push_str(" AND action LIKE ? ESCAPE '\\'");
        binds.push(Bind::Text(format!(
            "%{}%",
            le_domain::access::escape_like(action.trim())
        )));
    }
    if let Some(outcome) = filter.outcome.as_deref().filter(|s| !s.is_empty()) {
        if !["success", "failure", "denied"].contains(&outcome) {
            return Err(field_error("outcome", "Unbekanntes Ergebnis."));
        }
        sql.push_str(" AND outcome = ?");
        binds.push(Bind::Text(outcome.to_owned()));
    }
    if let Some(actor) = filter.actor.as_deref().filter(|s| !s.trim().is_empty()) {
        sql.push_str(" AND actor LIKE ? ESCAPE '\\'");
        binds.push(Bind::Text(format!(
            "%{}%",
            le_domain::access::escape_like(actor.trim())
        )));
    }
    if let Some(from) = filter.from.as_deref().filter(|s| !s.is_empty()) {
        let t = parse_time(from)
            .ok_or_else(|| field_error("from", "Datum im Format JJJJ-MM-TT erwartet."))?;
        sql.push_str(" AND at >= ?");
        binds.push(Bind::Int(t));
    }
    if let Some(to) = filter.to.as_deref().filter(|s| !s.is_empty()) {
        let t = parse_time(to)
            .ok_or_else(|| field_error("to", "Datum im Format JJJJ-MM-TT erwartet."))?;
        // A plain date means "up to the end of that day".
        let end = if to.len() == 10 { t + 86_400 } else { t + 1 };
        sql.push_str(" AND at < ?");
        binds.push(Bind::Int(end));
    }
    Ok(Where { sql, binds })
}

fn field_error(field: &str, message: &str) -> AppError {
    AppError::Validation(vec![le_domain::FieldError {
        field: field.to_owned(),
        code: "format".to_owned(),
        message: message.to_owned(),
    }])
}

type Row = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

async fn fetch(
    db: &Db,
    w: &Where,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditEntry>, i64), AppError> {
    let sql = format!(
        "SELECT id, at, actor, institution_ik, action, target, client_addr, outcome, detail \
         FROM audit_log{} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
        w.sql
    );
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_log{}",
        w.sql
    )));
    for b in &w.binds {
        match b {
            Bind::Int(i) => {
                q = q.bind(*i);
                count = count.bind(*i);
            }
            Bind::Text(t) => {
                q = q.bind(t.clone());
                count = count.bind(t.clone());
            }
        }
    }
    let rows = q.bind(limit).bind(offset).fetch_all(db).await?;
    let total = count.fetch_one(db).await?;
    let entries = rows
        .into_iter()
        .map(
            |(id, at, actor, institution_ik, action, target, client_addr, outcome, detail)| {
                AuditEntry {
                    id,
                    at: rfc3339(at),
                    actor,
                    institution_ik,
                    action,
                    target,
                    client_addr,
                    outcome: outcome_from(&outcome),
                    detail,
                }
            },
        )
        .collect();
    Ok((entries, total))
}

/// `GET /api/v1/audit-log`
async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    Query(filter): Query<Filter>,
) -> Result<axum::Json<AuditPage>, AppError> {
    let w = build_where(&session, &filter)?;
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let offset = filter.offset.unwrap_or(0).max(0);
    let (entries, total) = fetch(&state.db, &w, limit, offset).await?;
    Ok(axum::Json(AuditPage { entries, total }))
}

/// `GET /api/v1/audit-log.csv`: the filtered log as CSV (`;`, UTF-8 with BOM, for Excel).
async fn export_csv(
    State(state): State<AppState>,
    session: AdminSession,
    Query(filter): Query<Filter>,
) -> Result<impl IntoResponse, AppError> {
    let w = build_where(&session, &filter)?;
    let (entries, _) = fetch(&state.db, &w, 100_000, 0).await?;
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
            outcome_str(e.outcome).to_owned(),
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
