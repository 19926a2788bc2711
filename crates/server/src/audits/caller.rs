//! Who calls the audit exchange: a person of the Medical Service (any hospital's cases), a person
//! of a hospital (only its own cases; clerks and admins act, viewers read), or a hospital's KIS
//! with an API token of scope `audits`. Every endpoint starts from one of these extractors.
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use le_domain::access::{InstitutionKind, Permission};
use le_domain::api::access::TokenScope;

use crate::AppState;
use crate::access::session::{Actor, FullSession};
use crate::access::tokens::ApiClient;
use crate::error::AppError;

/// A user of the Medical Service (`md_auditor` or `md_admin`).
#[derive(Debug, Clone)]
pub struct MdCaller {
    pub actor: Actor,
}

/// A hospital acting on its own cases, through a person or its KIS (API token).
#[derive(Debug, Clone)]
pub struct HospitalAuditCaller {
    /// The IKs the hospital's cases are addressed to: its own IK and its Haupt-IK.
    pub iks: Vec<String>,
    pub hospital_name: String,
    /// Clerks, admins and machine clients act; viewers only read.
    pub can_act: bool,
    pub actor: Actor,
}

/// Either side, for what both may read.
#[derive(Debug, Clone)]
pub enum AuditCaller {
    Md(MdCaller),
    Hospital(HospitalAuditCaller),
}

/// Which cases a caller may see.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Hospital(&'a [String]),
}

impl Scope<'_> {
    pub fn includes(&self, hospital_ik: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Hospital(iks) => iks.iter().any(|ik| ik == hospital_ik),
        }
    }
}

fn md_only() -> AppError {
    AppError::Forbidden {
        code: "forbidden",
        message: "Das ist dem Medizinischen Dienst vorbehalten.".to_owned(),
    }
}

fn not_allowed() -> AppError {
    AppError::Forbidden {
        code: "forbidden",
        message: "Für Prüfverfahren fehlt Ihnen die Berechtigung.".to_owned(),
    }
}

impl HospitalAuditCaller {
    fn of(institution: &crate::access::store::InstitutionRow, can_act: bool, actor: Actor) -> Self {
        let mut iks = vec![institution.ik.clone()];
        // A Haupt-IK shared with an earlier institution counts only once that one confirmed.
        if let Some(main) = &institution.main_ik
            && main != &institution.ik
            && institution.main_ik_granted()
        {
            iks.push(main.clone());
        }
        HospitalAuditCaller {
            iks,
            hospital_name: institution.name.clone(),
            can_act,
            actor,
        }
    }

    /// Err(403) for readers.
    pub fn require_act(&self) -> Result<(), AppError> {
        if self.can_act {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                code: "read_only",
                message: "Mit Ihrer Rolle können Sie Prüfverfahren nur lesen.".to_owned(),
            })
        }
    }
}

impl AuditCaller {
    pub fn scope(&self) -> Scope<'_> {
        match self {
            AuditCaller::Md(_) => Scope::All,
            AuditCaller::Hospital(h) => Scope::Hospital(&h.iks),
        }
    }

    pub fn actor(&self) -> &Actor {
        match self {
            AuditCaller::Md(m) => &m.actor,
            AuditCaller::Hospital(h) => &h.actor,
        }
    }

    pub fn is_md(&self) -> bool {
        matches!(self, AuditCaller::Md(_))
    }
}

impl FromRequestParts<AppState> for AuditCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let client = ApiClient::from_request_parts(parts, state).await?;
            client.require(TokenScope::Audits)?;
            if client.institution.kind() != InstitutionKind::Hospital {
                return Err(not_allowed());
            }
            return Ok(AuditCaller::Hospital(HospitalAuditCaller::of(
                &client.institution,
                true,
                client.actor,
            )));
        }
        let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
        let role = session.role();
        match session.kind() {
            InstitutionKind::Md if role.allows(Permission::AuditAsMd) => {
                Ok(AuditCaller::Md(MdCaller {
                    actor: session.actor.clone(),
                }))
            }
            InstitutionKind::Hospital if role.allows(Permission::ViewHospitalAudits) => {
                Ok(AuditCaller::Hospital(HospitalAuditCaller::of(
                    &session.institution,
                    role.allows(Permission::ActInHospitalAudits),
                    session.actor.clone(),
                )))
            }
            _ => Err(not_allowed()),
        }
    }
}

impl FromRequestParts<AppState> for MdCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match AuditCaller::from_request_parts(parts, state).await? {
            AuditCaller::Md(md) => Ok(md),
            AuditCaller::Hospital(_) => Err(md_only()),
        }
    }
}

/// A hospital caller that may act (not a viewer): checked before the request body is read.
#[derive(Debug, Clone)]
pub struct ActingHospital(pub HospitalAuditCaller);

impl FromRequestParts<AppState> for ActingHospital {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = HospitalAuditCaller::from_request_parts(parts, state).await?;
        caller.require_act()?;
        Ok(ActingHospital(caller))
    }
}

impl FromRequestParts<AppState> for HospitalAuditCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match AuditCaller::from_request_parts(parts, state).await? {
            AuditCaller::Hospital(h) => Ok(h),
            AuditCaller::Md(_) => Err(AppError::Forbidden {
                code: "forbidden",
                message: "Das ist den Krankenhäusern vorbehalten.".to_owned(),
            }),
        }
    }
}
