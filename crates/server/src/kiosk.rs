//! Kiosk mode (`--kiosk`, implies demo mode): the demo left running at a stand. After the demo
//! seed the database is snapshotted; a reset (a visitor's end of session, the idle timer, or
//! staff with the PIN) restores that snapshot and removes the files uploaded since. A reset is
//! global: one kiosk per server.
//!
//! Who may reset: staff with the PIN, or the browser of a visit. Every sign-in on a kiosk opens
//! a visit: besides the session cookie the browser gets an HttpOnly, `SameSite=Strict` visit
//! cookie (path `/api/v1/kiosk`, a random token the server keeps only as a hash, in memory) that
//! stays good until the next reset, whether or not the session still lives. So the screen's
//! return to the start resets the data also when the visitor's session expired meanwhile or the
//! tab slept through the idle time, while a browser that never signed in since the last reset
//! cannot reset (no open door: the same authority as a visitor's session, which anyone can get
//! with the public demo accounts, and it ends with the reset it allows).
//!
//! SQLite and the local file store only, by design (`check_config` refuses anything else): the
//! snapshot is SQLite's `VACUUM INTO`, the restore an `ATTACH` of that file (see [`store`]).
pub mod store;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use le_domain::api::demo::KioskResetRequest;

use crate::AppState;
use crate::access::session::{Actor, ClientAddr, Session, cookie_named};
use crate::config::Config;
use crate::error::AppError;
use crate::extract::ApiJson;

/// The snapshot of the seeded demo database, in the data directory.
const SNAPSHOT_FILE: &str = "kiosk-snapshot.db";
/// The files (relative paths) the data directory held when the snapshot was taken.
const MANIFEST_FILE: &str = "kiosk-files.txt";

/// The cookie of a visit (see the module's comment).
pub const VISIT_COOKIE: &str = "le_kiosk_visit";
/// Only the kiosk's endpoints see the visit cookie.
const VISIT_COOKIE_PATH: &str = "/api/v1/kiosk";
/// How long a browser keeps the visit cookie (a week: a tab may sleep long; the visit itself
/// ends with the next reset).
const VISIT_COOKIE_MAX_AGE: i64 = 7 * 24 * 60 * 60;
/// Open visits kept at most (sign-ins are throttled and need a fresh code each; this only bounds
/// the memory): when full, the oldest are forgotten first.
const MAX_OPEN_VISITS: usize = 10_000;

/// The visits since the last reset: hashes of their cookies' tokens, in the order they opened.
/// In memory: a kiosk is one process on its own data (a restart restores the snapshot and so
/// ends every visit, as a reset does).
#[derive(Debug, Clone, Default)]
pub struct Visits(Arc<Mutex<Vec<String>>>);

impl Visits {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A panic while holding the lock leaves a list that is still whole.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens a visit; returns the `Set-Cookie` that hands its token to the browser.
    pub fn open(&self, config: &Config) -> header::HeaderValue {
        let token = crate::secrets::token();
        {
            let mut open = self.lock();
            if open.len() >= MAX_OPEN_VISITS {
                open.remove(0);
            }
            open.push(crate::secrets::token_hash(&token));
        }
        let secure = if config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        header::HeaderValue::from_str(&format!(
            "{VISIT_COOKIE}={token}; Path={VISIT_COOKIE_PATH}; HttpOnly; SameSite=Strict; \
             Max-Age={VISIT_COOKIE_MAX_AGE}{secure}"
        ))
        .unwrap_or_else(|_| header::HeaderValue::from_static(""))
    }

    /// Whether the request comes from a browser with a visit opened since the last reset.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(token) = cookie_named(headers, VISIT_COOKIE) else {
            return false;
        };
        let hash = crate::secrets::token_hash(&token);
        self.lock().contains(&hash)
    }

    /// Ends every visit (at a reset).
    fn end_all(&self) {
        self.lock().clear();
    }
}

/// `Set-Cookie` that removes the visit cookie.
fn clear_visit_cookie() -> header::HeaderValue {
    header::HeaderValue::from_static(
        "le_kiosk_visit=; Path=/api/v1/kiosk; HttpOnly; SameSite=Strict; Max-Age=0",
    )
}

/// Why kiosk mode cannot run with this configuration (`None`: it can, or kiosk is off).
pub fn refusal(config: &Config) -> Option<&'static str> {
    if !config.kiosk {
        return None;
    }
    if crate::db::is_postgres_url(&config.database_url()) {
        return Some(
            "--kiosk refused: kiosk mode runs on SQLite only (its reset restores a SQLite \
             snapshot). Start it without --database-url on its own data directory.",
        );
    }
    if config.database_url.is_some() {
        return Some(
            "--kiosk refused: kiosk mode keeps its database in the data directory (no \
             --database-url).",
        );
    }
    if config.storage.s3_bucket.is_some() || config.storage.s3_endpoint.is_some() {
        return Some(
            "--kiosk refused: kiosk mode keeps uploads in the data directory (no object storage).",
        );
    }
    None
}

fn snapshot_path(config: &Config) -> PathBuf {
    config.data_dir.join(SNAPSHOT_FILE)
}

fn database_path(config: &Config) -> PathBuf {
    config.data_dir.join("le-portal.db")
}

/// At start-up, after the demo seed: takes the snapshot, or (a restart) restores the one taken
/// at the first start, so a server restart also clears the last visitor's changes.
pub async fn prepare(state: &AppState) -> Result<(), AppError> {
    let snapshot = snapshot_path(&state.config);
    if snapshot.is_file() {
        return reset(state).await;
    }
    let crate::db::Database::Sqlite(pool) = &state.database else {
        return Err(AppError::internal(
            "kiosk",
            "kiosk mode runs on SQLite only",
        ));
    };
    store::snapshot(pool, &snapshot).await?;
    crate::files::restrict_file(&snapshot).map_err(|e| AppError::internal("snapshot", e))?;
    let listed: Vec<String> = data_files(&state.config).into_iter().collect();
    let manifest = state.config.data_dir.join(MANIFEST_FILE);
    std::fs::write(&manifest, listed.join("\n"))
        .map_err(|e| AppError::internal("kiosk manifest", e))?;
    tracing::info!("kiosk snapshot taken");
    Ok(())
}

/// Restores the snapshot and removes files uploaded since. Every session ends (the snapshot has
/// none), and with it every visit.
pub async fn reset(state: &AppState) -> Result<(), AppError> {
    let started = std::time::Instant::now();
    store::restore(&database_path(&state.config), &snapshot_path(&state.config)).await?;
    state.kiosk_visits.end_all();
    let keep: BTreeSet<String> = std::fs::read_to_string(state.config.data_dir.join(MANIFEST_FILE))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut removed = 0;
    for file in data_files(&state.config) {
        if !keep.contains(&file) && std::fs::remove_file(state.config.data_dir.join(&file)).is_ok()
        {
            removed += 1;
        }
    }
    tracing::info!(
        removed_files = removed,
        ms = started.elapsed().as_millis(),
        "kiosk reset"
    );
    Ok(())
}

/// Every file under the data directory (relative paths) but the database's own and the kiosk's.
fn data_files(config: &Config) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.insert(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&config.data_dir, &config.data_dir, &mut out);
    out.retain(|name| {
        !name.starts_with("le-portal.db")
            && name != SNAPSHOT_FILE
            && name != MANIFEST_FILE
            && !name.ends_with(".key")
    });
    out
}

/// The kiosk's endpoint; none outside kiosk mode.
pub fn router(config: &Config) -> crate::routes::ApiRouter {
    let router = crate::routes::ApiRouter::new();
    if !config.kiosk {
        return router;
    }
    router.route("/kiosk/reset", post(reset_handler))
}

/// Compares two PINs without stopping at the first difference.
fn same_pin(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// `POST /api/v1/kiosk/reset`: with the staff PIN, or by a visitor ending the visit (no PIN:
/// the visitor's session, or, once that expired, the visit cookie of this browser). Restores
/// the seeded demo data; every session and visit ends, so the answer clears both cookies.
async fn reset_handler(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    session: Result<Session, AppError>,
    ApiJson(req): ApiJson<KioskResetRequest>,
) -> Result<(StatusCode, HeaderMap), AppError> {
    let actor = match (&req.pin, session) {
        (Some(pin), _) => {
            let anonymous = Actor::anonymous(Some("Kiosk-Personal".to_owned()), &client);
            let expected = state.config.kiosk_pin.as_ref().map(|p| p.0.as_str());
            if !expected.is_some_and(|expected| same_pin(pin.trim(), expected)) {
                crate::audit_log::denied(&anonymous, "kiosk_reset")
                    .detail("falsche PIN")
                    .record(&state.database, state.clock.now())
                    .await;
                return Err(AppError::Forbidden {
                    code: "wrong_pin",
                    message: "Die PIN stimmt nicht.".to_owned(),
                });
            }
            anonymous
        }
        (None, Ok(session)) => session.actor,
        (None, Err(_)) if state.kiosk_visits.admits(&headers) => {
            Actor::anonymous(Some("Kiosk-Besuch".to_owned()), &client)
        }
        (None, Err(_)) => {
            return Err(AppError::Forbidden {
                code: "pin_required",
                message: "Zurücksetzen ohne Anmeldung nur mit der PIN des Standpersonals."
                    .to_owned(),
            });
        }
    };
    reset(&state).await?;
    crate::audit_log::success(&actor, "kiosk_reset")
        .record(&state.database, state.clock.now())
        .await;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, crate::access::session::clear_cookie());
    headers.append(header::SET_COOKIE, clear_visit_cookie());
    Ok((StatusCode::NO_CONTENT, headers))
}
