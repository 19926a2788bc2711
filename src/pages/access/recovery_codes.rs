//! First sign-in step "Wiederherstellungscodes": the codes of the finished set-up, shown once.
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::components::page_title::set_page_title;
use crate::components::recovery_codes::RecoveryCodes;
use crate::contexts::session::Session;

#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    set_page_title("Wiederherstellungscodes");
    let session = Session::use_context();
    let navigate = use_navigate();
    let codes = Memo::new(move |_| session.recovery_codes());
    // Nothing (more) to show: on to the next step or the portal.
    Effect::new(move |_| {
        if codes.with(Option::is_none) {
            navigate(
                &session.next_path(None),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let username = move || untrack(move || session.info().map(|i| i.username).unwrap_or_default());
    move || {
        codes.get().map(|codes| {
            view! {
                <h1 class="text-2xl font-bold text-blue-950">"Ihre Wiederherstellungscodes"</h1>
                <div class="mt-4">
                    <RecoveryCodes
                        codes=codes
                        username=username()
                        on_continue=Callback::new(move |()| session.forget_recovery_codes())
                    />
                </div>
            }
        })
    }
}
