//! LE-Portal single-page app: entry point (mounts the app into <body>).
mod api;
mod app;
mod areas;
mod components;
mod contexts;
mod dates;
mod format;
mod pages;
mod routes;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
