//! API tokens of institutions: stored as hashes with their scopes, creator and last use.
use le_domain::api::access::{TokenScope, TokenSummary};

use crate::clock::rfc3339;
use crate::db::Database;
use crate::on_db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub creator_active: bool,
}

/// The scopes stored as a comma-separated list (unknown names are dropped).
pub fn scopes_of(stored: &str) -> Vec<TokenScope> {
    stored
        .split(',')
        .filter_map(TokenScope::from_wire)
        .collect()
}

impl TokenRow {
    pub fn summary(&self) -> TokenSummary {
        TokenSummary {
            id: self.id,
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            scopes: scopes_of(&self.scopes),
            created_by: self.created_by_name.clone(),
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
            creator_active: self.creator_active,
        }
    }
}

const TOKEN_SELECT: &str = "SELECT t.id, t.institution_id, t.name, t.prefix, t.scopes, \
    u.username AS created_by_name, t.created_at, t.last_used_at, t.revoked_at, \
    u.active AS creator_active \
    FROM api_tokens t JOIN users u ON u.id = t.created_by";

/// The institution's tokens: active ones first, newest first.
pub async fn tokens_of_institution(
    db: &Database,
    institution_id: i64,
) -> sqlx::Result<Vec<TokenRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.institution_id = $1 ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC"
    )))
    .bind(institution_id)
    .fetch_all(pool)
    .await)
}

pub async fn token_by_id(db: &Database, id: i64) -> sqlx::Result<Option<TokenRow>> {
    on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// A token as issued: only the hash of its secret is stored.
pub struct NewToken<'a> {
    pub institution_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    /// Comma-separated scope names.
    pub scopes: &'a str,
    pub created_by: i64,
}

/// Stores a new token; returns its id.
pub async fn insert_token(db: &Database, token: &NewToken<'_>, now: i64) -> sqlx::Result<i64> {
    on_db!(db, pool => sqlx::query_scalar(
        "INSERT INTO api_tokens (institution_id, name, token_hash, prefix, scopes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(token.institution_id)
    .bind(token.name)
    .bind(token.token_hash)
    .bind(token.prefix)
    .bind(token.scopes)
    .bind(token.created_by)
    .bind(now)
    .fetch_one(pool)
    .await)
}

/// Revokes a token (a revoked one keeps its first revocation time).
pub async fn revoke_token(db: &Database, id: i64, now: i64) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// What a request's bearer token stands for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PresentedToken {
    pub id: i64,
    pub institution_id: i64,
    pub scopes: String,
    pub creator_active: bool,
}

/// The unrevoked token with this hash, if any.
pub async fn unrevoked_token_by_hash(
    db: &Database,
    token_hash: &str,
) -> sqlx::Result<Option<PresentedToken>> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT t.id, t.institution_id, t.scopes, u.active AS creator_active FROM api_tokens t \
         JOIN users u ON u.id = t.created_by WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await)
}

/// Records a use of the token. "Last used" needs minute precision: a KIS sending many requests
/// writes once a minute.
pub async fn mark_token_used(db: &Database, id: i64, now: i64) -> sqlx::Result<()> {
    on_db!(db, pool => sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 \
         AND (last_used_at IS NULL OR last_used_at <= $1 - 60)",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))
}
