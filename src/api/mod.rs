//! Typed client for the server's JSON API (same request/response types as the server).
pub mod access;
pub mod audits;
pub mod care_billing;
pub mod demo;
pub mod directory;

use gloo_net::http::{Request, RequestBuilder, Response};
use le_domain::api::validate::{ValidateRequest, ValidateResponse};
use le_domain::{ApiErrorBody, FieldError};
use serde::de::DeserializeOwned;

/// A failed API call, ready to show to people (German).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status; 0 when the server was not reached.
    pub status: u16,
    /// The server's machine-readable code (`validation_failed`, `sign_in_failed`, …).
    pub code: String,
    pub message: String,
    /// Field errors of a 422 answer (field = JSON key of the request).
    pub fields: Vec<FieldError>,
}

impl ApiFailure {
    fn network(err: impl std::fmt::Display) -> Self {
        ApiFailure {
            status: 0,
            code: "network".to_owned(),
            message: format!("Der Server ist nicht erreichbar ({err})."),
            fields: Vec::new(),
        }
    }

    /// No request was made (nothing to ask for).
    pub fn none() -> Self {
        ApiFailure {
            status: 0,
            code: "none".to_owned(),
            message: String::new(),
            fields: Vec::new(),
        }
    }

    /// The browser failed before any request was made (a picked file could not be read):
    /// `message` says what, in German.
    pub fn local(message: String) -> Self {
        ApiFailure {
            status: 0,
            code: "browser".to_owned(),
            message,
            fields: Vec::new(),
        }
    }

    /// The browser could not build the request (should not happen).
    fn browser() -> Self {
        ApiFailure {
            status: 0,
            code: "browser".to_owned(),
            message: "Der Browser konnte die Anfrage nicht zusammenstellen.".to_owned(),
            fields: Vec::new(),
        }
    }

    /// The session is gone (expired, signed out elsewhere): the user must sign in again. The
    /// sign-in's own refusals (wrong credentials, a code used twice) are answers, not expiry.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401 && !SIGN_IN_REFUSALS.contains(&self.code.as_str())
    }
}

/// The 401 codes of `POST /auth/sign-in` that answer the attempt itself.
pub const SIGN_IN_REFUSALS: &[&str] = &["sign_in_failed", "code_already_used"];

/// Header every mutating request carries (the server refuses cross-site form posts without it).
const REQUESTED_WITH: (&str, &str) = ("X-Requested-With", "le-portal");

/// A mutating request with the anti-CSRF headers (the token only when signed in).
fn mutating(builder: RequestBuilder, csrf: Option<&str>) -> RequestBuilder {
    let builder = builder.header(REQUESTED_WITH.0, REQUESTED_WITH.1);
    match csrf {
        Some(token) => builder.header("X-CSRF-Token", token),
        None => builder,
    }
}

thread_local! {
    /// Told when an answer says the session is gone (the session context registers itself).
    static ON_EXPIRED: std::cell::RefCell<Option<Box<dyn Fn()>>> =
        const { std::cell::RefCell::new(None) };
}

/// Registers what happens when any call finds the session gone (the session context forgets
/// it, so the guards send the user to the sign-in page). Pages need not check for it.
pub fn on_session_expired(handler: impl Fn() + 'static) {
    ON_EXPIRED.with_borrow_mut(|h| *h = Some(Box::new(handler)));
}

/// Sends a request and reads the error body of a failed answer; a gone session is reported
/// to the session context here, once for every call.
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiFailure> {
    let answer = send_unchecked(request).await;
    if let Err(failure) = &answer {
        observe_failure(failure);
    }
    answer
}

/// Tells the session context when a failure says the session is gone. Every call of this
/// client passes here; a request sent another way (the upload with progress) calls it itself.
pub fn observe_failure(failure: &ApiFailure) {
    if failure.is_unauthenticated() {
        ON_EXPIRED.with_borrow(|h| {
            if let Some(handler) = h {
                handler();
            }
        });
    }
}

async fn send_unchecked(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiFailure> {
    let response = request
        .map_err(ApiFailure::network)?
        .send()
        .await
        .map_err(ApiFailure::network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    Err(match response.json::<ApiErrorBody>().await {
        Ok(body) => ApiFailure {
            status,
            code: body.code,
            message: body.message,
            fields: body.fields,
        },
        Err(_) => ApiFailure {
            status,
            code: "unexpected".to_owned(),
            message: format!("Der Server antwortete mit Status {status}."),
            fields: Vec::new(),
        },
    })
}

/// Sends a request and decodes its JSON answer. Only the decoding is generic: the request's
/// state machine exists once in the wasm, not once per answer type.
async fn send_json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiFailure> {
    let text = send_text(request).await?;
    serde_json::from_str(&text).map_err(ApiFailure::network)
}

async fn send_text(request: Result<Request, gloo_net::Error>) -> Result<String, ApiFailure> {
    send(request)
        .await?
        .text()
        .await
        .map_err(ApiFailure::network)
}

/// Sends a request whose answer has no body (204).
async fn send_empty(request: Result<Request, gloo_net::Error>) -> Result<(), ApiFailure> {
    send(request).await.map(|_| ())
}

/// Data loaded from the API for a page: `fetch()` runs at once, again whenever the signals it
/// reads change, and on [`Load::reload`]. `None` while loading (a reload shows "Wird geladen …"
/// again); answers to outdated requests are dropped. A lighter stand-in for `LocalResource`
/// that keeps the app's "loading" state on reloads.
pub struct Load<T: 'static> {
    value: leptos::prelude::RwSignal<Option<Result<T, ApiFailure>>>,
    reloads: leptos::prelude::RwSignal<u32>,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Load<T> {}

impl<T: Send + Sync + 'static> Load<T> {
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: std::future::Future<Output = Result<T, ApiFailure>> + 'static,
    {
        use leptos::prelude::*;
        let load = Load {
            value: RwSignal::new(None),
            reloads: RwSignal::new(0),
        };
        load_into(load.value, move || {
            load.reloads.track();
            fetch()
        });
        load
    }

    /// The answer, `None` while loading (tracked).
    pub fn get(&self) -> Option<Result<T, ApiFailure>>
    where
        T: Clone,
    {
        leptos::prelude::Get::get(&self.value)
    }

    /// Reads the answer in place, `None` while loading (tracked): for answers too large to copy.
    pub fn with<R>(&self, f: impl FnOnce(Option<&Result<T, ApiFailure>>) -> R) -> R {
        leptos::prelude::With::with(&self.value, |v| f(v.as_ref()))
    }

    /// The answer as the page shows it: while a reload runs, the last answer stays (no flicker
    /// after each action, the focus and the widgets inside survive); `None` only before the
    /// first answer.
    pub fn latest(&self) -> leptos::prelude::Memo<Option<Result<T, ApiFailure>>>
    where
        T: Clone + PartialEq,
    {
        let load = *self;
        leptos::prelude::Memo::new(move |previous: Option<&Option<Result<T, ApiFailure>>>| {
            match load.get() {
                None => previous.cloned().flatten(),
                fresh => fresh,
            }
        })
    }

    /// Loads again (after a change the page made).
    pub fn reload(&self) {
        leptos::prelude::Update::update(&self.reloads, |n| *n += 1);
    }
}

/// Loads `fetch()` into a signal whenever the signals it read change (see [`Load`], which pages
/// use; this stays for the pages not yet ported).
pub fn load_into<T, Fut>(
    target: leptos::prelude::RwSignal<Option<Result<T, ApiFailure>>>,
    fetch: impl Fn() -> Fut + 'static,
) where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, ApiFailure>> + 'static,
{
    use leptos::prelude::*;
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let future = fetch();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        target.set(None);
        leptos::task::spawn_local(async move {
            let answer = future.await;
            if generation.try_get_value() == Some(mine) {
                // The page may be gone meanwhile: then nothing is shown.
                let _ = target.try_set(Some(answer));
            }
        });
    });
}

/// `POST /api/v1/validate`
pub async fn validate(request: &ValidateRequest) -> Result<ValidateResponse, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/validate"), None).json(request)).await
}
