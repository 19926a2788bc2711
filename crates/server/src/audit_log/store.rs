//! The audit log's SQL: append an entry, and read a filtered page of entries.
use le_domain::api::access::{AuditEntry, AuditOutcome};

use crate::clock::rfc3339;
use crate::db::Db;

/// One entry as written.
pub struct NewEntry<'a> {
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor: Option<&'a str>,
    pub institution_id: Option<i64>,
    pub institution_ik: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub client_addr: &'a str,
    pub outcome: AuditOutcome,
    pub detail: Option<&'a str>,
}

pub async fn insert(db: &Db, e: &NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor, institution_id, institution_ik, action, \
         target, client_addr, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.at)
    .bind(e.actor_user_id)
    .bind(e.actor)
    .bind(e.institution_id)
    .bind(e.institution_ik)
    .bind(e.action)
    .bind(e.target)
    .bind(e.client_addr)
    .bind(outcome_str(e.outcome))
    .bind(e.detail)
    .execute(db)
    .await
    .map(|_| ())
}

pub fn outcome_str(o: AuditOutcome) -> &'static str {
    match o {
        AuditOutcome::Success => "success",
        AuditOutcome::Failure => "failure",
        AuditOutcome::Denied => "denied",
    }
}

pub fn outcome_from(s: &str) -> Option<AuditOutcome> {
    match s {
        "success" => Some(AuditOutcome::Success),
        "failure" => Some(AuditOutcome::Failure),
        "denied" => Some(AuditOutcome::Denied),
        _ => None,
    }
}

/// A checked filter: every part optional; `institution_id` limits what the caller may see.
#[derive(Debug, Default)]
pub struct Filter {
    pub institution_id: Option<i64>,
    /// Substring of the action (already LIKE-escaped by the caller's rule).
    pub action_like: Option<String>,
    pub outcome: Option<AuditOutcome>,
    pub actor_like: Option<String>,
    /// `at >= from`
    pub from: Option<i64>,
    /// `at < until`
    pub until: Option<i64>,
}

enum Bind {
    Int(i64),
    Text(String),
}

fn where_clause(f: &Filter) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    if let Some(id) = f.institution_id {
        sql.push_str(" AND institution_id = ?");
        binds.push(Bind::Int(id));
    }
    if let Some(action) = &f.action_like {
        sql.push_str(" AND action LIKE ? ESCAPE '\\'");
        binds.push(Bind::Text(format!("%{action}%")));
    }
    if let Some(outcome) = f.outcome {
        sql.push_str(" AND outcome = ?");
        binds.push(Bind::Text(outcome_str(outcome).to_owned()));
    }
    if let Some(actor) = &f.actor_like {
        sql.push_str(" AND actor LIKE ? ESCAPE '\\'");
        binds.push(Bind::Text(format!("%{actor}%")));
    }
    if let Some(from) = f.from {
        sql.push_str(" AND at >= ?");
        binds.push(Bind::Int(from));
    }
    if let Some(until) = f.until {
        sql.push_str(" AND at < ?");
        binds.push(Bind::Int(until));
    }
    (sql, binds)
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

/// A page of entries, newest first, and the count of all that match.
pub async fn page(
    db: &Db,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let (clause, binds) = where_clause(filter);
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "SELECT id, at, actor, institution_ik, action, target, client_addr, outcome, detail \
         FROM audit_log{clause} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?"
    )));
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_log{clause}"
    )));
    for b in &binds {
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
                    outcome: outcome_from(&outcome).unwrap_or(AuditOutcome::Failure),
                    detail,
                }
            },
        )
        .collect();
    Ok((entries, total))
}

/// Replaces the detail of the audit exchange's entries (`audit_…` actions) about `subject` (the
/// target itself or a target list starting with it) with `detail`.
pub async fn redact_audits_details(
    conn: &mut sqlx::SqliteConnection,
    subject: &str,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE audit_log SET detail = ?2 WHERE action LIKE 'audit\\_%' ESCAPE '\\' \
         AND (target = ?1 OR substr(target, 1, length(?1) + 1) = ?1 || ',')",
    )
    .bind(subject)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}
