//! App-wide state provided as Leptos contexts.
pub mod session;
