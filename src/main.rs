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
    // The start-up runs in tasks of its own, so that none blocks the page for long: this one
    // instantiates the module, the next mounts the shell, the one after builds the page (see
    // app.rs). In between the browser paints and answers input.
    leptos::prelude::set_timeout(
        || {
            // The font warm-up of index.html has done its work.
            if let Some(warm_up) = leptos::prelude::document().get_element_by_id("schriften") {
                warm_up.remove();
            }
            leptos::mount::mount_to_body(app::App);
        },
        std::time::Duration::ZERO,
    );
}
