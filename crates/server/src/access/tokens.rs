//! API tokens for hospital systems: created and revoked by the institution's admin, scoped,
//! audited; the `ApiClient` extractor authenticates machine requests by `Authorization: Bearer`.
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use le_domain::FieldError;
use le_domain::access::{TOKEN_NAME_MAX_CHARS, check_text};
use le_domain::api::access::{CreateTokenRequest, CreatedToken, TokenScope, TokenSummary};

use super::session::{Actor, AdminSession, ClientAddr};
use super::store::{self, InstitutionRow, NewToken, TokenRow};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::secrets;

/// Every token starts with this, so leaked tokens are easy to recognise (secret scanners).
pub const TOKEN_PREFIX: &str = "lep_";

/// `GET /api/v1/api-tokens`
pub async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<axum::Json<Vec<TokenSummary>>, AppError> {
    let rows = store::tokens_of_institution(&state.database, admin.institution.id).await?;
    Ok(axum::Json(rows.iter().map(TokenRow::summary).collect()))
}

/// `POST /api/v1/api-tokens`: the token is answered once and stored only as a hash.
pub async fn create(
    State(state): State<AppState>,
    admin: AdminSession,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> Result<(StatusCode, axum::Json<CreatedToken>), AppError> {
    let mut errors = Vec::new();
    if let Err(e) = check_text(&req.name, TOKEN_NAME_MAX_CHARS) {
        errors.push(e.for_field("name"));
    }
    let allowed = TokenScope::allowed_for(admin.kind());
    if req.scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            "required",
            "Bitte mindestens einen Zweck wählen.",
        ));
    } else if let Some(bad) = req.scopes.iter().find(|s| !allowed.contains(s)) {
        errors.push(FieldError::new(
            "scopes",
            "not_allowed",
            format!(
                "Der Zweck „{}“ ist für Ihre Einrichtung nicht vorgesehen.",
                bad.label()
            ),
        ));
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
    let id = store::insert_token(
        &state.database,
        &NewToken {
            institution_id: admin.institution.id,
            name: req.name.trim(),
            token_hash: &secrets::token_hash(&token),
            prefix: &prefix,
            scopes: &scopes.join(","),
            created_by: admin.user.id,
        },
        now,
    )
    .await?;
    audit_log::success(&admin.actor, "api_token_created")
        .target(format!("{} ({prefix}…)", req.name.trim()))
        .detail(format!("Zwecke: {}", scopes.join(", ")))
        .record(&state.database, now)
        .await;
    let row = store::token_by_id(&state.database, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
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
    let row = store::token_by_id(&state.database, id).await?;
    let Some(row) = row.filter(|r| r.institution_id == admin.institution.id) else {
        return Err(AppError::NotFound);
    };
    store::revoke_token(&state.database, id, now).await?;
    audit_log::success(&admin.actor, "api_token_revoked")
        .target(format!("{} ({}…)", row.name, row.prefix))
        .record(&state.database, now)
        .await;
    let row = store::token_by_id(&state.database, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
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
        let presented =
            store::unrevoked_token_by_hash(&state.database, &secrets::token_hash(token))
                .await?
                .ok_or_else(bad_token)?;
        // A token acts with its creator's authority: when the creator's access is deactivated
        // (someone left), their tokens stop too and a current admin issues new ones.
        if !presented.creator_active {
            return Err(AppError::Unauthorized {
                code: "token_creator_inactive",
                message: "Dieses API-Token gilt nicht mehr: Die Person, die es ausgestellt hat, \
                          ist nicht mehr aktiv. Bitte ein neues Token ausstellen lassen."
                    .to_owned(),
            });
        }
        let institution = store::institution_by_id(&state.database, presented.institution_id)
            .await?
            .ok_or_else(bad_token)?;
        let now = state.clock.now();
        store::mark_token_used(&state.database, presented.id, now).await?;
        let client = ClientAddr::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let token_id = presented.id;
        Ok(ApiClient {
            token_id,
            scopes: store::scopes_of(&presented.scopes),
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
