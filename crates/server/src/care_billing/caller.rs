//! Who calls the care billing area: a care service's admin or billing clerk, or its billing
//! software with an API token of scope `care_billing`.
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use le_domain::access::{InstitutionKind, Permission};
use le_domain::api::access::TokenScope;

use crate::AppState;
use crate::access::session::{Actor, FullSession};
use crate::access::store::InstitutionRow;
use crate::access::tokens::ApiClient;
use crate::error::AppError;

/// A care service acting on its own billing.
#[derive(Debug, Clone)]
pub struct CareCaller {
    pub institution: InstitutionRow,
    /// Admins change the set-up; clerks and billing software deliver.
    pub is_admin: bool,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for CareCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (institution, is_admin, actor) = if parts.headers.contains_key(header::AUTHORIZATION) {
            let client = ApiClient::from_request_parts(parts, state).await?;
            client.require(TokenScope::CareBilling)?;
            (client.institution, false, client.actor)
        } else {
            let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
            let role = session.role();
            if !role.allows(Permission::UseCareBilling) {
                return Err(AppError::forbidden());
            }
            let is_admin = role.allows(Permission::ConfigureCareBilling);
            (session.institution.clone(), is_admin, session.actor.clone())
        };
        if institution.kind() != InstitutionKind::CareService {
            return Err(AppError::Forbidden {
                code: "forbidden",
                message: "Die Pflegeabrechnung ist den Pflegediensten vorbehalten.".to_owned(),
            });
        }
        Ok(CareCaller {
            institution,
            is_admin,
            actor,
        })
    }
}

/// A care service's admin (set-up changes): checked before the body is read.
#[derive(Debug, Clone)]
pub struct CareAdmin(pub CareCaller);

impl FromRequestParts<AppState> for CareAdmin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = CareCaller::from_request_parts(parts, state).await?;
        if !caller.is_admin {
            return Err(AppError::Forbidden {
                code: "forbidden",
                message: "Die Einrichtung ändert die Administration des Pflegedienstes.".to_owned(),
            });
        }
        Ok(CareAdmin(caller))
    }
}
