//! The app: router and the routes of every area.
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::pages::{
    area::AreaPreview, contact::Contact, home::Home, not_found::NotFound, number_check::NumberCheck,
};

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/nummernpruefung") view=NumberCheck />
                    <Route path=path!("/kontakt") view=Contact />
                    <Route path=path!("/bereich/:area") view=AreaPreview />
                </Routes>
            </Shell>
        </Router>
    }
}
