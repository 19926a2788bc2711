//! The audit log's SQL: append an entry, and read a filtered page of entries.
use le_domain::api::access::{AuditEntry, AuditOutcome};

use crate::clock::rfc3339;
use crate::db::{Database, Tx};
use crate::{on_db, on_tx};

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

const INSERT: &str = "INSERT INTO audit_log (at, actor_user_id, actor, institution_id, \
     institution_ik, action, target, client_addr, outcome, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub async fn insert(db: &Database, e: &NewEntry<'_>) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query(INSERT)
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
        .execute(pool)
        .await
        .map(|_| ()))
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

/// The WHERE clause with `$1…` placeholders and its binds, in order.
fn where_clause(f: &Filter) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    let next = |sql: &mut String, binds: &mut Vec<Bind>, part: &str, bind: Bind| {
        binds.push(bind);
        sql.push_str(&part.replace('?', &format!("${}", binds.len())));
    };
    if let Some(id) = f.institution_id {
        next(
            &mut sql,
            &mut binds,
            " AND institution_id = ?",
            Bind::Int(id),
        );
    }
    if let Some(action) = &f.action_like {
        let like = Bind::Text(format!("%{action}%"));
        next(&mut sql, &mut binds, " AND action LIKE ? ESCAPE '\\'", like);
    }
    if let Some(outcome) = f.outcome {
        let text = Bind::Text(outcome_str(outcome).to_owned());
        next(&mut sql, &mut binds, " AND outcome = ?", text);
    }
    if let Some(actor) = &f.actor_like {
        let like = Bind::Text(format!("%{actor}%"));
        next(&mut sql, &mut binds, " AND actor LIKE ? ESCAPE '\\'", like);
    }
    if let Some(from) = f.from {
        next(&mut sql, &mut binds, " AND at >= ?", Bind::Int(from));
    }
    if let Some(until) = f.until {
        next(&mut sql, &mut binds, " AND at < ?", Bind::Int(until));
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
    db: &Database,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let (clause, binds) = where_clause(filter);
    let n = binds.len();
    let select = format!(
        "SELECT id, at, actor, institution_ik, action, target, client_addr, outcome, detail \
         FROM audit_log{clause} ORDER BY at DESC, id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let count = format!("SELECT COUNT(*) FROM audit_log{clause}");
    let (rows, total) = on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(select));
        let mut c = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count));
        for b in &binds {
            match b {
                Bind::Int(i) => {
                    q = q.bind(*i);
                    c = c.bind(*i);
                }
                Bind::Text(t) => {
                    q = q.bind(t.clone());
                    c = c.bind(t.clone());
                }
            }
        }
        (q.bind(limit).bind(offset).fetch_all(pool).await?, c.fetch_one(pool).await?)
    });
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
pub async fn redact_audits_details(tx: &mut Tx, subject: &str, detail: &str) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE audit_log SET detail = $2 WHERE action LIKE 'audit\\_%' ESCAPE '\\' \
         AND (target = $1 OR substr(target, 1, length($1) + 1) = $1 || ',')",
    )
    .bind(subject)
    .bind(detail)
    .execute(conn)
    .await
    .map(|_| ()))
}
