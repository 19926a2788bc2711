//! Who calls the directory: a signed-in person of a hospital (editor or reader), the directory
//! office, or a hospital's HR system with an API token. Every endpoint starts from this.
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use le_domain::access::{InstitutionKind, Permission};
use le_domain::api::access::TokenScope;
use le_domain::directory::HospitalSite;
use le_domain::{Ik, SiteNumber};

use super::store;
use crate::AppState;
use crate::access::session::{Actor, FullSession};
use crate::access::tokens::ApiClient;
use crate::error::AppError;

/// A hospital acting on its own physicians (through a person or its HR system).
#[derive(Debug, Clone)]
pub struct HospitalCaller {
    pub main_ik: Ik,
    pub hospital_name: String,
    /// The sites listed in the national directory now (new assignments go only there).
    pub allowed_sites: Vec<SiteNumber>,
    /// Every site of the Haupt-IK with its validity, also those the directory removed.
    pub sites: Vec<HospitalSite>,
    pub can_edit: bool,
    pub actor: Actor,
}

/// The directory office (Geschäftsstelle).
#[derive(Debug, Clone)]
pub struct OfficeCaller {
    pub actor: Actor,
}

fn not_hospital() -> AppError {
    AppError::Forbidden {
        code: "forbidden",
        message: "Das Arztverzeichnis ist den Krankenhäusern vorbehalten.".to_owned(),
    }
}

impl FromRequestParts<AppState> for HospitalCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (institution, can_edit, actor) = if parts.headers.contains_key(header::AUTHORIZATION) {
            let client = ApiClient::from_request_parts(parts, state).await?;
            client.require(TokenScope::Directory)?;
            (client.institution, true, client.actor)
        } else {
            let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
            let role = session.role();
            if !role.allows(Permission::ViewDirectory) {
                return Err(AppError::forbidden());
            }
            let can_edit = role.allows(Permission::EditDirectory);
            (session.institution.clone(), can_edit, session.actor.clone())
        };
        if institution.kind() != InstitutionKind::Hospital {
            return Err(not_hospital());
        }
        if !institution.main_ik_granted() {
            return Err(AppError::Forbidden {
                code: "main_ik_unconfirmed",
                message: format!(
                    "Die Haupt-IK {} wird bereits von einer anderen Einrichtung genutzt. Deren Administration muss Ihren Zugriff auf diese Daten erst bestätigen.",
                    institution.effective_main_ik()
                ),
            });
        }
        let main_ik_text = institution
            .main_ik
            .clone()
            .unwrap_or_else(|| institution.ik.clone());
        let main_ik = Ik::parse(&main_ik_text).map_err(|e| AppError::internal("main_ik", e))?;
        let sites = store::hospital_sites(&state.database, main_ik.as_str()).await?;
        let allowed_sites = sites
            .iter()
            .filter(|s| s.in_directory)
            .map(|s| s.site_number.clone())
            .collect();
        Ok(HospitalCaller {
            main_ik,
            hospital_name: institution.name.clone(),
            allowed_sites,
            sites,
            can_edit,
            actor,
        })
    }
}

/// A hospital caller who may change records (editors, admins, HR systems): checked before the
/// request body is read, so a reader is refused as such whatever the body.
#[derive(Debug, Clone)]
pub struct HospitalEditor(pub HospitalCaller);

impl FromRequestParts<AppState> for HospitalEditor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = HospitalCaller::from_request_parts(parts, state).await?;
        caller.require_edit()?;
        Ok(HospitalEditor(caller))
    }
}

impl HospitalCaller {
    pub fn require_edit(&self) -> Result<(), AppError> {
        if self.can_edit {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for OfficeCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
        if session.kind() != InstitutionKind::DirectoryOffice
            || !session.role().allows(Permission::WorkInDirectoryOffice)
        {
            return Err(AppError::forbidden());
        }
        Ok(OfficeCaller {
            actor: session.actor.clone(),
        })
    }
}
