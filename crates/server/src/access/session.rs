//! Sessions: the cookie, expiry (idle 30 min, absolute 12 h), CSRF token, and the extractors
//! that authorise a request by stage and role before any handler runs.
use std::net::SocketAddr;
use std::ops::Deref;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use le_domain::access::{InstitutionKind, Permission, Role};
use le_domain::api::access::{InstitutionInfo, SessionInfo, SessionStage};

use super::store::{self, InstitutionRow, UserRow};
use crate::AppState;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::secrets;

pub const COOKIE: &str = "le_session";
pub const IDLE_TIMEOUT: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT: i64 = 12 * 60 * 60;
/// Header every mutating API request must carry: a cross-site form cannot set it.
pub const REQUESTED_WITH: &str = "x-requested-with";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who acts, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: Option<String>,
    pub institution_id: Option<i64>,
    pub institution_ik: Option<String>,
    pub client_addr: String,
}

impl Actor {
    /// Someone not signed in (yet): known only by the name they typed, if any.
    pub fn anonymous(name: Option<String>, client: &ClientAddr) -> Self {
        Actor {
            name,
            client_addr: client.0.clone(),
            ..Actor::default()
        }
    }
}

/// The client's address: the socket peer, or behind trusted reverse proxies the address the
/// nearest trusted proxy saw (see [`forwarded_client`]). Always an IP address in text form.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            let forwarded: Vec<&str> = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if let Some(ip) = forwarded_client(&forwarded, state.config.proxy_hops) {
                return Ok(ClientAddr(ip.to_string()));
            }
        }
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|_| "unbekannt".to_owned());
        Ok(ClientAddr(peer))
    }
}

/// The client address from `X-Forwarded-For` headers behind `hops` trusted proxies: each proxy
/// appends the address it saw, so the entry `hops` places from the right is the one the
/// outermost trusted proxy appended; everything left of it is what the client sent and may be
/// forged. `None` when that entry is missing or not an IP address (then the peer counts).
pub fn forwarded_client(headers: &[&str], hops: u8) -> Option<std::net::IpAddr> {
    let entries: Vec<&str> = headers
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(usize::from(hops.max(1)))?;
    entries.get(index)?.parse().ok()
}

/// The stage a user is in, derived from their stored state.
pub fn stage_of(user: &UserRow) -> SessionStage {
    if user.totp_secret.is_none() {
        SessionStage::EnrolTotp
    } else if user.password_is_one_time {
        SessionStage::SetPassword
    } else {
        SessionStage::Full
    }
}

/// A valid session of an active user, in any stage.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub user: UserRow,
    pub institution: InstitutionRow,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    pub actor: Actor,
}

impl Session {
    pub fn stage(&self) -> SessionStage {
        stage_of(&self.user)
    }

    pub fn role(&self) -> Role {
        self.user.role()
    }

    /// Whether the user's role allows `permission` (the domain's role matrix).
    pub fn may(&self, permission: Permission) -> bool {
        self.role().allows(permission)
    }

    pub fn kind(&self) -> InstitutionKind {
        self.institution.kind()
    }

    /// What the SPA is told about the session.
    pub fn info(&self, now: i64) -> SessionInfo {
        session_info(
            &self.user,
            &self.institution,
            &self.csrf_token,
            now,
            self.absolute_expires_at,
        )
    }
}

pub fn session_info(
    user: &UserRow,
    institution: &InstitutionRow,
    csrf_token: &str,
    now: i64,
    absolute_expires_at: i64,
) -> SessionInfo {
    SessionInfo {
        user_id: user.id,
        username: user.username.clone(),
        display_name: format!("{} {}", user.first_name, user.last_name),
        role: user.role(),
        institution: InstitutionInfo {
            id: institution.id,
            ik: institution.ik.clone(),
            kind: institution.kind(),
            name: institution.name.clone(),
            main_ik: institution.main_ik.clone(),
        },
        stage: stage_of(user),
        csrf_token: csrf_token.to_owned(),
        idle_expires_at: rfc3339((now + IDLE_TIMEOUT).min(absolute_expires_at)),
        absolute_expires_at: rfc3339(absolute_expires_at),
    }
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_TIMEOUT}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("le_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn is_mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let token = cookie_value(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        let id_hash = secrets::token_hash(&token);
        let now = state.clock.now();
        let Some(row) = store::session_by_hash(&state.database, &id_hash).await? else {
            return Err(AppError::unauthenticated());
        };
        if now - row.last_seen_at > IDLE_TIMEOUT || now >= row.absolute_expires_at {
            store::delete_session(&state.database, &id_hash).await?;
            return Err(AppError::Unauthorized {
                code: "session_expired",
                message: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.".to_owned(),
            });
        }
        let user = store::user_by_id(&state.database, row.user_id)
            .await?
            .filter(|u| u.active)
            .ok_or_else(AppError::unauthenticated)?;
        let institution = store::institution_by_id(&state.database, user.institution_id)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        if is_mutating(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(row.csrf_token.as_str()) {
                return Err(AppError::Forbidden {
                    code: "csrf",
                    message: "Sicherheitsprüfung fehlgeschlagen. Bitte laden Sie die Seite neu."
                        .to_owned(),
                });
            }
        }
        // Keep writes rare: the idle clock only needs minute precision.
        if now - row.last_seen_at >= 60 {
            store::touch_session(&state.database, &id_hash, now).await?;
        }
        let client = ClientAddr::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let session = Session {
            actor: Actor {
                user_id: Some(user.id),
                name: Some(user.username.clone()),
                institution_id: Some(institution.id),
                institution_ik: Some(institution.ik.clone()),
                client_addr: client.0,
            },
            id_hash,
            csrf_token: row.csrf_token,
            last_seen_at: now,
            absolute_expires_at: row.absolute_expires_at,
            user,
            institution,
        };
        parts.extensions.insert(session.clone());
        Ok(session)
    }
}

/// A session whose user may change its own credentials (password, second factor, recovery
/// codes) and end its other sessions. Demo accounts may not: every visitor of a demo
/// installation shares them (403 `demo_account_locked`).
#[derive(Debug, Clone)]
pub struct Unlocked<S>(pub S);

impl AsRef<Session> for Session {
    fn as_ref(&self) -> &Session {
        self
    }
}

impl AsRef<Session> for FullSession {
    fn as_ref(&self) -> &Session {
        &self.0
    }
}

impl<S> FromRequestParts<AppState> for Unlocked<S>
where
    S: FromRequestParts<AppState, Rejection = AppError> + AsRef<Session> + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = S::from_request_parts(parts, state).await?;
        if session.as_ref().user.demo {
            return Err(crate::demo::credentials_locked());
        }
        Ok(Unlocked(session))
    }
}

/// A session that has finished set-up (second factor and own password).
#[derive(Debug, Clone)]
pub struct FullSession(pub Session);

impl Deref for FullSession {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl FromRequestParts<AppState> for FullSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.stage() != SessionStage::Full {
            return Err(AppError::Forbidden {
                code: "setup_required",
                message: "Bitte schließen Sie zuerst die Einrichtung Ihres Zugangs ab.".to_owned(),
            });
        }
        Ok(FullSession(session))
    }
}

/// An administrator of their institution (`admin` or `md_admin`).
#[derive(Debug, Clone)]
pub struct AdminSession(pub Session);

impl Deref for AdminSession {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
        if !session.may(Permission::AdministerInstitution) {
            return Err(AppError::forbidden());
        }
        Ok(AdminSession(session))
    }
}

/// The Medical Service's administrator (approves registrations).
#[derive(Debug, Clone)]
pub struct MdAdminSession(pub Session);

impl Deref for MdAdminSession {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl FromRequestParts<AppState> for MdAdminSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let FullSession(session) = FullSession::from_request_parts(parts, state).await?;
        if !session.may(Permission::DecideRegistrations) {
            return Err(AppError::forbidden());
        }
        Ok(MdAdminSession(session))
    }
}

/// Middleware: mutating API requests that carry cookies must also carry `X-Requested-With`,
/// which a cross-site form cannot set (sessions additionally check their CSRF token). Requests
/// without cookies have no ambient authority to abuse (machine clients, curl).
pub async fn require_requested_with(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if is_mutating(req.method())
        && req.headers().contains_key(header::COOKIE)
        && req.headers().get(REQUESTED_WITH).is_none()
    {
        return axum::response::IntoResponse::into_response(AppError::Forbidden {
            code: "csrf",
            message: "Anfragen, die etwas ändern, brauchen den Kopf X-Requested-With.".to_owned(),
        });
    }
    next.run(req).await
}

#[cfg(test)]
mod forwarded_tests {
    use super::forwarded_client;

    #[test]
    fn the_proxy_appended_entry_counts_not_what_the_client_sent() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().ok();
        assert_eq!(forwarded_client(&["1.2.3.4, 10.0.0.7"], 1), ip("10.0.0.7"));
        assert_eq!(
            forwarded_client(&["1.2.3.4", "10.0.0.7"], 1),
            ip("10.0.0.7")
        );
        assert_eq!(
            forwarded_client(&["1.2.3.4, 10.0.0.7, 10.0.0.1"], 2),
            ip("10.0.0.7")
        );
        assert_eq!(forwarded_client(&["2001:db8::1"], 1), ip("2001:db8::1"));
        assert_eq!(forwarded_client(&["1.2.3.4, not-an-ip<script>"], 1), None);
        assert_eq!(forwarded_client(&["10.0.0.7"], 2), None);
        assert_eq!(forwarded_client(&[], 1), None);
    }
}
