//! App-wide state provided as Leptos contexts.
pub mod kiosk;
pub mod session;
