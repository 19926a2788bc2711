//! API tokens for hospital systems: created and revoked by the institution's admin, scoped,
//! audited; the `ApiClient` extractor authenticates machine requests by `Authorization: Bearer`.
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use le_domain::FieldError;
use le_domain::access::check_text;
use le_domain::api::access::{CreateTokenRequest, CreatedToken, TokenScope, TokenSummary};

use super::session::{Actor, AdminSession, ClientAddr};
use super::store::{self, InstitutionRow};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::secrets;

/// Every token starts with this, so leaked tokens are easy to recognise (secret scanners).
pub const TOKEN_PREFIX: &str = "lep_";

#[derive(Debug, Clone, sqlx::FromRow)]
struct TokenRow {
    id: i64,
    institution_id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_by_name: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    creator_active: bool,
}

fn scopes_of(s: &str) -> Vec<TokenScope> {
    s.split(',').filter_map(TokenScope::from_wire).collect()
}

impl TokenRow {
    fn summary(&self) -> TokenSummary {
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

/// `GET /api/v1/api-tokens`
pub async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<axum::Json<Vec<TokenSummary>>, AppError> {
    let rows: Vec<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.institution_id = ? ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC"
    )))
    .bind(admin.institution.id)
    .fetch_all(&state.db)
    .await?;
    Ok(axum::Json(rows.iter().map(TokenRow::summary).collect()))
}

/// `POST /api/v1/api-tokens`: the token is answered once and stored only as a hash.
pub async fn create(
    State(state): State<AppState>,
    admin: AdminSession,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> Result<(StatusCode, axum::Json<CreatedToken>), AppError> {
    let mut errors = Vec::new();
    if let Err(e) = check_text(&req.name, 100) {
        errors.push(e.for_field("name"));
    }
    let allowed = TokenScope::allowed_for(admin.kind());
    if req.scopes.is_empty() {
        errors.push(FieldError {
            field: "scopes".to_owned(),
            code: "required".to_owned(),
            message: "Bitte mindestens einen Zweck wählen.".to_owned(),
        });
    } else if let Some(bad) = req.scopes.iter().find(|s| !allowed.contains(s)) {
        errors.push(FieldError {
            field: "scopes".to_owned(),
            code: "not_allowed".to_owned(),
            message: format!(
                "Der Zweck „{}“ ist für Ihre Einrichtung nicht vorgesehen.",
                bad.label()
            ),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut scopes: Vec<&str> = req.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let token = format!("{TOKEN_PREFIX}{}", secrets::token());
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let now = state.clock.now();
    let id = sqlx::query(
        "INSERT INTO api_tokens (institution_id, name, token_hash, prefix, scopes, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(admin.institution.id)
    .bind(req.name.trim())
    .bind(secrets::token_hash(&token))
    .bind(&prefix)
    .bind(scopes.join(","))
    .bind(admin.user.id)
    .bind(now)
    .execute(&state.db)
    .await?
    .last_insert_rowid();
    audit_log::success(&admin.actor, "api_token_created")
        .target(format!("{} ({prefix}…)", req.name.trim()))
        .detail(format!("Zwecke: {}", scopes.join(", ")))
        .record(&state.db, now)
        .await;
    let row: TokenRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.id = ?"
    )))
    .bind(id)
    .fetch_one(&state.db)
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedToken {
            token,
            summary: row.summary(),
        }),
    ))
}

/// `DELETE /api/v1/api-tokens/{id}`: revokes at once; other institutions' tokens are "not found".
pub async fn revoke(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(id): Path<i64>,
) -> Result<axum::Json<TokenSummary>, AppError> {
    let now = state.clock.now();
    let row: Option<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.id = ?"
    )))
    .bind(id)
    .fetch_optional(&state.db)
    .await?;
    let Some(row) = row.filter(|r| r.institution_id == admin.institution.id) else {
        return Err(AppError::NotFound);
    };
    sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&state.db)
        .await?;
    audit_log::success(&admin.actor, "api_token_revoked")
        .target(format!("{} ({}…)", row.name, row.prefix))
        .record(&state.db, now)
        .await;
    let row: TokenRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TOKEN_SELECT} WHERE t.id = ?"
    )))
    .bind(id)
    .fetch_one(&state.db)
    .await?;
    Ok(axum::Json(row.summary()))
}

/// A machine client authenticated by an API token of an institution.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub token_id: i64,
    pub scopes: Vec<TokenScope>,
    pub institution: InstitutionRow,
    pub actor: Actor,
}

impl ApiClient {
    /// Err(403) unless the token carries `scope`.
    pub fn require(&self, scope: TokenScope) -> Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                code: "scope",
                message: format!("Dieses API-Token gilt nicht für: {}.", scope.label()),
            })
        }
    }
}

fn bad_token() -> AppError {
    AppError::Unauthorized {
        code: "invalid_token",
        message: "API-Token fehlt, ist ungültig oder widerrufen.".to_owned(),
    }
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or_else(bad_token)?;
        let row: Option<(i64, i64, String, bool)> = sqlx::query_as(
            "SELECT t.id, t.institution_id, t.scopes, u.active FROM api_tokens t \
             JOIN users u ON u.id = t.created_by WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        )
        .bind(secrets::token_hash(token))
        .fetch_optional(&state.db)
        .await?;
        let (token_id, institution_id, scopes, creator_active) = row.ok_or_else(bad_token)?;
        // A token acts with its creator's authority: when the creator's access is deactivated
        // (someone left), their tokens stop too and a current admin issues new ones.
        if !creator_active {
            return Err(AppError::Unauthorized {
                code: "token_creator_inactive",
                message: "Dieses API-Token gilt nicht mehr: Die Person, die es ausgestellt hat, \
                          ist nicht mehr aktiv. Bitte ein neues Token ausstellen lassen."
                    .to_owned(),
            });
        }
        let institution = store::institution_by_id(&state.db, institution_id)
            .await?
            .ok_or_else(bad_token)?;
        let now = state.clock.now();
        // "Last used" needs minute precision: a KIS sending many requests writes once a minute.
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2 \
             AND (last_used_at IS NULL OR last_used_at <= ?1 - 60)",
        )
        .bind(now)
        .bind(token_id)
        .execute(&state.db)
        .await?;
        let client = ClientAddr::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        Ok(ApiClient {
            token_id,
            scopes: scopes_of(&scopes),
            actor: Actor {
                user_id: None,
                name: Some(format!("API-Token {token_id}")),
                institution_id: Some(institution.id),
                institution_ik: Some(institution.ik.clone()),
                client_addr: client.0,
            },
            institution,
        })
    }
}
