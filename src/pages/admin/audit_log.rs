//! Admin page "Protokoll": the audit log of the own institution with filters kept in the URL,
//! paging, and the same selection as CSV.
use le_domain::api::access::{AuditEntry, AuditOutcome};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::{self, access::encode};
use crate::components::data::TextTable;
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, INPUT_CLASS, LABEL_CLASS, LINK_CLASS,
};
use crate::components::guard::{RequireSession, is_admin};
use crate::components::page_title::set_page_title;
use crate::format;
use crate::routes::Route;

/// Entries per page.
const PAGE_SIZE: u64 = 50;
const OUTCOMES: [(&str, &str); 4] = [
    ("", "alle"),
    ("success", "erfolgreich"),
    ("failure", "fehlgeschlagen"),
    ("denied", "verweigert"),
];

/// The filters as they stand in the URL (the one source of truth).
#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    action: String,
    outcome: String,
    actor: String,
    from: String,
    to: String,
    offset: u64,
}

impl Filters {
    fn from_query(q: &ParamsMap) -> Self {
        let get = |k: &str| q.get(k).unwrap_or_default().trim().to_owned();
        Filters {
            action: get("action"),
            outcome: get("outcome"),
            actor: get("actor"),
            from: get("from"),
            to: get("to"),
            offset: get("offset").parse().unwrap_or(0),
        }
    }

    /// Encoded query string: the filters, plus limit and offset when `paged`.
    fn query(&self, paged: bool) -> String {
        let mut parts: Vec<String> = [
            ("action", &self.action),
            ("outcome", &self.outcome),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
        if paged {
            parts.push(format!("limit={PAGE_SIZE}"));
            parts.push(format!("offset={}", self.offset));
        }
        parts.join("&")
    }

    /// This page's own URL for the filters at `offset`.
    fn page_url(&self, offset: u64) -> String {
        let mut f = self.clone();
        f.offset = 0;
        let mut q = f.query(false);
        if offset > 0 {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!("offset={offset}"));
        }
        Route::AdminAuditLog.href_with(&q)
    }
}

#[component]
pub fn AdminAuditLog() -> impl IntoView {
    set_page_title("Protokoll");
    view! {
        <RequireSession allowed=is_admin>
            <AuditLog />
        </RequireSession>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(Filters::from_query));
    let page = api::Load::new(move || {
        let q = filters.get().query(true);
        async move { api::access::audit_log(&q).await }
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Protokoll"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Wer hat wann was getan: Anmeldungen, Freigaben, Änderungen an Benutzern. Die Filter stehen in der Adresse; "
            "Sie können eine Auswahl als Lesezeichen speichern."
        </p>
        // Rebuilt when the URL changes, so the inputs always show the filters in force.
        {move || view! { <FilterForm initial=filters.get() /> }}
        <div class="mt-4">
            <a
                href=move || api::access::audit_log_csv_url(&filters.get().query(false))
                download="protokoll.csv"
                class=LINK_CLASS
            >
                "Als CSV exportieren"
            </a>
        </div>
        <section class="mt-6">
            <h2 id="eintraege" class="text-xl font-semibold text-slate-900">"Einträge"</h2>
            {move || match page.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(p)) => {
                    let f = filters.get_untracked();
                    let total = u64::try_from(p.total).unwrap_or(0);
                    view! {
                        <p role="status" class="mt-2 text-slate-700" data-testid="audit-count">
                            {if total == 0 {
                                "Keine Einträge für diese Filter.".to_owned()
                            } else {
                                format!(
                                    "Einträge {}–{} von {total}",
                                    f.offset + 1,
                                    (f.offset + p.entries.len() as u64).min(total)
                                )
                            }}
                        </p>
                        {(!p.entries.is_empty()).then(|| view! {
                            <TextTable
                                labelled_by="eintraege"
                                columns=COLUMNS
                                rows=p.entries.into_iter().map(cells).collect()
                                testid="audit-table"
                            />
                        })}
                        <Paging filters=f total=total />
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn FilterForm(initial: Filters) -> impl IntoView {
    let navigate = use_navigate();
    let action = RwSignal::new(initial.action);
    let outcome = RwSignal::new(initial.outcome);
    let actor = RwSignal::new(initial.actor);
    let from = RwSignal::new(initial.from);
    let to = RwSignal::new(initial.to);
    let apply = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let f = Filters {
                action: action.get_untracked().trim().to_owned(),
                outcome: outcome.get_untracked(),
                actor: actor.get_untracked().trim().to_owned(),
                from: from.get_untracked(),
                to: to.get_untracked(),
                offset: 0,
            };
            navigate(&f.page_url(0), Default::default());
        }
    };
    let input = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      value: RwSignal<String>| {
        view! {
            <div>
                <label for=id class=LABEL_CLASS>{label}</label>
                <input
                    id=id
                    type=kind
                    class=INPUT_CLASS
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    view! {
        <form class="mt-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" role="search" aria-label="Protokoll filtern" on:submit=apply>
            <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {input("filter-aktion", "Aktion enthält", "text", action)}
                <div>
                    <label for="filter-ergebnis" class=LABEL_CLASS>"Ergebnis"</label>
                    <select
                        id="filter-ergebnis"
                        class=INPUT_CLASS
                        on:change=move |ev| outcome.set(event_target_value(&ev))
                    >
                        {OUTCOMES
                            .iter()
                            .map(|(v, label)| view! {
                                <option value=*v selected=move || outcome.get() == *v>{*label}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                {input("filter-akteur", "Benutzername", "text", actor)}
                {input("filter-von", "Von (Datum)", "date", from)}
                {input("filter-bis", "Bis (Datum)", "date", to)}
            </div>
            <div class="mt-4 flex flex-wrap gap-3">
                <button type="submit" class=BUTTON_PRIMARY>"Filtern"</button>
                <button
                    type="button"
                    class=BUTTON_SECONDARY
                    on:click=move |_| navigate(&Route::AdminAuditLog.href(), Default::default())
                >
                    "Filter zurücksetzen"
                </button>
            </div>
        </form>
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("Zeit", "whitespace-nowrap"),
    ("Benutzer", ""),
    ("IK", "font-mono"),
    ("Aktion", "font-mono"),
    ("Ziel", ""),
    ("Ergebnis", "font-medium"),
    ("Adresse", "font-mono"),
    ("Details", ""),
];

/// The cells of one entry, in the order of [`COLUMNS`].
fn cells(e: AuditEntry) -> Vec<String> {
    let outcome = match e.outcome {
        AuditOutcome::Success => "✓ erfolgreich",
        AuditOutcome::Failure => "✗ fehlgeschlagen",
        AuditOutcome::Denied => "✗ verweigert",
    };
    vec![
        format::date_time(&e.at),
        e.actor.unwrap_or_else(|| "–".to_owned()),
        e.institution_ik.unwrap_or_default(),
        e.action,
        e.target.unwrap_or_default(),
        outcome.to_owned(),
        e.client_addr.unwrap_or_default(),
        e.detail.unwrap_or_default(),
    ]
}

#[component]
fn Paging(filters: Filters, total: u64) -> impl IntoView {
    let previous =
        (filters.offset > 0).then(|| filters.page_url(filters.offset.saturating_sub(PAGE_SIZE)));
    let next =
        (filters.offset + PAGE_SIZE < total).then(|| filters.page_url(filters.offset + PAGE_SIZE));
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav aria-label="Seiten" class="mt-4 flex gap-4">
                {previous.map(|href| view! { <a href=href class=LINK_CLASS>"Vorherige Seite"</a> })}
                {next.map(|href| view! { <a href=href class=LINK_CLASS>"Nächste Seite"</a> })}
            </nav>
        }
    })
}
