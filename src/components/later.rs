//! Start-up in short tasks: what is not needed for the first paint is built in a task of its own.

use leptos::prelude::*;

/// Renders its children in a later task than the one that renders it (a zero timeout): the
/// browser paints what came first and answers input in between. For parts whose late arrival
/// moves nothing already shown (below the main content, or in space kept for them).
#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    set_timeout(move || ready.set(true), std::time::Duration::ZERO);
    // The children belong to this component's owner, not to the closure's: the page's owner
    // outlives its DOM by a moment (see app.rs), so a focused field that disappears with the
    // page still finds its callbacks when it fires `blur`. Built untracked: a signal read while
    // building must not rebuild them.
    let owner = Owner::current().unwrap_or_default();
    move || ready.get().then(|| owner.with(|| untrack(|| children())))
}
