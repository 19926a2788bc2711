//! The signed-in session as the whole app sees it, and recovery codes waiting to be shown once.
use le_domain::api::access::{SessionInfo, SessionStage, StepResult};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::routes::Route;

/// What the app knows about the session cookie (which JavaScript cannot read).
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// Asking the server.
    Checking,
    SignedOut,
    /// Boxed: much larger than the other states.
    SignedIn(Box<SessionInfo>),
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    state: RwSignal<SessionState>,
    /// Codes of a finished set-up step, until the user confirms having stored them.
    recovery_codes: RwSignal<Option<Vec<String>>>,
    /// After signing in with a recovery code: how many codes are left (until dismissed).
    recovery_codes_remaining: RwSignal<Option<u32>>,
}

impl Session {
    /// Creates the session context and asks the server whether a session exists.
    pub fn provide() -> Self {
        let probe = SIGN_IN_HINT.get();
        let session = Session {
            state: RwSignal::new(if probe {
                SessionState::Checking
            } else {
                SessionState::SignedOut
            }),
            recovery_codes: RwSignal::new(None),
            recovery_codes_remaining: RwSignal::new(None),
        };
        provide_context(session);
        // Any API call that finds the session gone ends it here, once for the whole app.
        api::on_session_expired(move || session.expire());
        // Without the hint there is no session to ask about: a 401 would only add noise.
        if probe {
            spawn_local(async move {
                match api::access::session().await {
                    Ok(info) => session.set(info),
                    Err(_) => session.expire(),
                }
            });
        }
        session
    }

    pub fn use_context() -> Self {
        expect_context()
    }

    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// The session, when signed in (tracked).
    pub fn info(&self) -> Option<SessionInfo> {
        match self.state.get() {
            SessionState::SignedIn(info) => Some(*info),
            _ => None,
        }
    }

    /// The session, when signed in (untracked: event handlers and timers).
    pub fn info_untracked(&self) -> Option<SessionInfo> {
        self.state.with_untracked(|s| match s {
            SessionState::SignedIn(info) => Some((**info).clone()),
            _ => None,
        })
    }

    /// The CSRF token for mutating requests (empty when signed out; the server then refuses).
    pub fn csrf(&self) -> String {
        self.state.with_untracked(|s| match s {
            SessionState::SignedIn(info) => info.csrf_token.clone(),
            _ => String::new(),
        })
    }

    pub fn set(&self, info: SessionInfo) {
        SIGN_IN_HINT.set(true);
        self.state.set(SessionState::SignedIn(Box::new(info)));
    }

    pub fn clear(&self) {
        SIGN_IN_HINT.set(false);
        self.recovery_codes.set(None);
        self.recovery_codes_remaining.set(None);
        self.state.set(SessionState::SignedOut);
    }

    /// Takes the answer of a sign-in step: keeps its recovery codes for the one-time page
    /// (before the session, so that guards see them), then stores the session.
    pub fn accept_step(&self, step: StepResult) {
        if let Some(codes) = step.recovery_codes.filter(|c| !c.is_empty()) {
            self.recovery_codes.set(Some(codes));
        }
        if step.recovery_codes_remaining.is_some() {
            self.recovery_codes_remaining
                .set(step.recovery_codes_remaining);
        }
        self.set(step.session);
    }

    /// Codes left after a sign-in with a recovery code (tracked); `None` otherwise.
    pub fn recovery_codes_remaining(&self) -> Option<u32> {
        self.recovery_codes_remaining.get()
    }

    /// The user has read the notice about the used recovery code (or made new codes).
    pub fn dismiss_recovery_notice(&self) {
        self.recovery_codes_remaining.set(None);
    }

    /// Recovery codes waiting to be shown (tracked).
    pub fn recovery_codes(&self) -> Option<Vec<String>> {
        self.recovery_codes.get()
    }

    pub fn has_recovery_codes(&self) -> bool {
        self.recovery_codes.with(Option::is_some)
    }

    /// The user confirmed having stored the codes: forget them.
    pub fn forget_recovery_codes(&self) {
        self.recovery_codes.set(None);
    }

    /// The server says the session is gone: forget it (once), so the guards send the user to
    /// the sign-in page. The API client calls this for every call; pages need not.
    fn expire(&self) {
        if self
            .state
            .try_with_untracked(|s| !matches!(s, SessionState::SignedOut))
            .unwrap_or(false)
        {
            self.clear();
        }
    }

    /// Where a signed-in user has to go next once set-up is complete: `requested` (the page the
    /// sign-in was asked for), else the page where the role's work starts ([`Route::start_of`]).
    pub fn next_path(&self, requested: Option<&str>) -> String {
        // The first sign-in shows freshly issued recovery codes first.
        if self.recovery_codes.with_untracked(Option::is_some) {
            return Route::RecoveryCodes.href();
        }
        self.state.with_untracked(|s| match s {
            SessionState::SignedIn(info) => match stage_route(info.stage) {
                Some(route) => route.href(),
                None => requested.map_or_else(|| Route::start_of(info.role).href(), str::to_owned),
            },
            _ => Route::SignIn.href(),
        })
    }
}

/// The page of an unfinished set-up step; `None` once set-up is complete.
pub fn stage_route(stage: SessionStage) -> Option<Route> {
    match stage {
        SessionStage::EnrolTotp => Some(Route::EnrolTotp),
        SessionStage::SetPassword => Some(Route::SetPassword),
        SessionStage::Full => None,
    }
}

/// A non-secret marker (a cookie) that this browser signed in; only then does the app ask
/// the server for the session on start.
/// Without cookies there is no session to ask about either.
const SIGN_IN_HINT: super::LocalFlag = super::LocalFlag("le-portal-angemeldet");
