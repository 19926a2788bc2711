//! Kiosk mode as the whole app sees it: whether the server runs as a kiosk (asked once, only
//! where the app shell carries the demo marker), the idle timer and its visible countdown, and
//! the one way back to the start screen (reset, sign-out, start).
use le_domain::api::demo::DemoStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::contexts::session::Session;
use crate::routes::Route;

/// Milliseconds since the epoch (the browser's clock).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[derive(Debug, Clone, Copy)]
pub struct Kiosk {
    status: RwSignal<Option<DemoStatus>>,
    /// The last touch, click or key (ms).
    last_activity: RwSignal<f64>,
    /// Seconds left of the visible countdown, while it runs.
    countdown: RwSignal<Option<u64>>,
    /// A reset is under way.
    resetting: RwSignal<bool>,
}

impl Kiosk {
    /// Creates the context and asks the server (demo installations only) whether it is a kiosk.
    pub fn provide() -> Self {
        let kiosk = Kiosk {
            status: RwSignal::new(None),
            last_activity: RwSignal::new(now_ms()),
            countdown: RwSignal::new(None),
            resetting: RwSignal::new(false),
        };
        provide_context(kiosk);
        if api::demo::is_demo() {
            spawn_local(async move {
                if let Ok(status) = api::demo::status().await {
                    kiosk.status.set(status.filter(|s| s.kiosk));
                }
            });
        }
        kiosk
    }

    pub fn use_context() -> Self {
        expect_context()
    }

    /// Whether the app runs as a kiosk (tracked).
    pub fn active(&self) -> bool {
        self.status.with(Option::is_some)
    }

    /// Seconds left of the idle countdown, while it shows (tracked).
    pub fn countdown(&self) -> Option<u64> {
        self.countdown.get()
    }

    pub fn resetting(&self) -> bool {
        self.resetting.get()
    }

    /// Any touch or key: the visitor is still there.
    pub fn touch(&self) {
        self.last_activity.set(now_ms());
        if self.countdown.get_untracked().is_some() {
            self.countdown.set(None);
        }
    }
}

/// A non-secret marker (a cookie) that a visitor signed in on this kiosk since the last
/// reset: the return to the start then resets even when the session is gone (expired, or the
/// tab slept). The server decides by the visit cookie this browser got at sign-in (HttpOnly, so
/// the app cannot see it); the marker only spares a request that could not succeed.
/// Without cookies there is no visit cookie either: only a live session resets.
const VISIT_MARKER: super::LocalFlag = super::LocalFlag("le-portal-kiosk-besuch");

/// Whether a visit is waiting for its reset while nobody is signed in any more (its session
/// expired): the start screen then ends it first.
pub fn visit_left_open(session: Session) -> bool {
    session.info_untracked().is_none() && VISIT_MARKER.get()
}

/// The end of a visit: restores the demo data (when a visitor signed in since the last reset,
/// with a live session or not; the server ends every session), and shows the start screen.
pub fn back_to_start(
    kiosk: Kiosk,
    session: Session,
    navigate: impl Fn(&str, NavigateOptions) + 'static,
) {
    if kiosk.resetting.get_untracked() {
        return;
    }
    kiosk.resetting.set(true);
    kiosk.countdown.set(None);
    let visited = session.info_untracked().is_some() || VISIT_MARKER.get();
    let csrf = session.csrf();
    spawn_local(async move {
        if visited {
            // With a live session, or else this browser's visit cookie. A failed reset (say the
            // server restarted meanwhile, which restores the data anyway) still returns to the
            // start; staff reset with the PIN.
            let _ = api::demo::kiosk_reset(&csrf, None).await;
        }
        VISIT_MARKER.set(false);
        session.clear();
        kiosk.last_activity.set(now_ms());
        kiosk.resetting.set(false);
        navigate(
            &Route::Home.href(),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
}

/// Watches for idleness while the kiosk is away from its untouched start screen: after the idle
/// time a countdown shows; any touch or key cancels it; at zero the visit ends.
#[component]
pub fn IdleWatch() -> impl IntoView {
    let kiosk = Kiosk::use_context();
    let session = Session::use_context();
    let location = use_location();
    let navigate = use_navigate();
    // A sign-in on the kiosk opens a visit (the server set its cookie with the session's).
    Effect::new(move |_| {
        if session.info().is_some() {
            VISIT_MARKER.set(true);
        }
    });
    let touch = move || kiosk.touch();
    let handles = [
        window_event_listener(leptos::ev::pointerdown, move |_| touch()),
        window_event_listener(leptos::ev::keydown, move |_| touch()),
        window_event_listener(leptos::ev::touchstart, move |_| touch()),
        window_event_listener(leptos::ev::wheel, move |_| touch()),
    ];
    let tick = set_interval_with_handle(
        move || {
            let Some(status) = kiosk.status.get_untracked() else {
                return;
            };
            if kiosk.resetting.get_untracked() {
                return;
            }
            let away = session.info_untracked().is_some()
                || location.pathname.with_untracked(|p| p != "/");
            if !away {
                kiosk.countdown.set(None);
                return;
            }
            let idle = ((now_ms() - kiosk.last_activity.get_untracked()) / 1000.0).max(0.0);
            // Whole seconds; the clock never runs backwards here.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let idle = idle as u64;
            let end = status.idle_seconds + status.countdown_seconds;
            if idle >= end {
                back_to_start(kiosk, session, navigate.clone());
            } else if idle >= status.idle_seconds {
                kiosk.countdown.set(Some(end - idle));
            }
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        for handle in handles {
            handle.remove();
        }
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    move || {
        kiosk.countdown().map(|left| {
            view! {
                <aside aria-label="Rückkehr zum Start" class="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/70 p-4" data-testid="kiosk-countdown">
                    <div role="alertdialog" aria-modal="true" aria-labelledby="kiosk-countdown-title" aria-describedby="kiosk-countdown-text" class="max-w-md rounded-lg bg-white p-8 text-center shadow-xl">
                        <h2 id="kiosk-countdown-title" class="text-2xl font-bold text-blue-950">"Sind Sie noch da?"</h2>
                        <p id="kiosk-countdown-text" class="mt-3 text-lg text-slate-800" aria-live="polite">
                            {format!("Die Demo kehrt in {left} Sekunden zum Start zurück; Ihre Änderungen werden verworfen.")}
                        </p>
                        <p class="mt-2 text-5xl font-bold tabular-nums text-blue-900" aria-hidden="true">{left}</p>
                        <button type="button" class="mt-6 min-h-11 w-full rounded bg-blue-800 px-6 py-3 text-lg font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2" on:click=move |_| kiosk.touch()>
                            "Weiter ansehen"
                        </button>
                    </div>
                </aside>
            }
        })
    }
}
