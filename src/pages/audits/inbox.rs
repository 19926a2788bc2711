//! `/pruefverfahren`: the hospital's inbox of document requests (filters and sort in the URL),
//! with a strip of counts per deadline status and today's reminders (the MD starts at its cases;
//! `mod.rs` picks).
use le_domain::api::audits::{InboxItem, ReminderSettings};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::shared::DeadlineBadge;
use super::strip::Strip;
use crate::api::{self, access::encode};
use crate::components::form::{INPUT_CLASS, LABEL_CLASS, LINK_CLASS};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::dates;
use crate::routes::Route;

const STATUSES: [(&str, &str); 7] = [
    ("", "alle"),
    ("pending", "noch nicht geliefert"),
    ("open", "offen"),
    ("due_soon", "bald fällig"),
    ("late_window", "Frist überschritten (Nachfrist)"),
    ("overdue", "überfällig"),
    ("delivered", "geliefert"),
];
const SORTS: [(&str, &str); 2] = [("deadline", "nach Frist"), ("received", "nach Eingang")];

/// The filters as they stand in the URL.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    status: String,
    site: String,
    sort: String,
}

impl Filters {
    fn query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("status", &self.status),
            ("site", &self.site),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        parts.join("&")
    }
}

/// The hospital's inbox (the area's guard is around it).
#[component]
pub(super) fn InboxPage() -> impl IntoView {
    set_page_title("Anforderungen");
    let query = use_query_map();
    let navigate = use_navigate();
    let filters = Memo::new(move |_| {
        query.with(|q| Filters {
            status: q.get("status").unwrap_or_default(),
            site: q.get("site").unwrap_or_default().trim().to_owned(),
            sort: q.get("sort").unwrap_or_default(),
        })
    });
    let inbox = api::Load::new(move || {
        let q = filters.get().query();
        async move { api::audits::inbox(&q).await }
    });
    let dashboard = api::Load::new(api::audits::dashboard);

    let go = move |change: &dyn Fn(&mut Filters)| {
        let mut f = filters.get_untracked();
        change(&mut f);
        navigate(&Route::Audits.href_with(&f.query()), Default::default());
    };
    let go_status = go.clone();
    let go_site = go.clone();

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Anforderungen des Medizinischen Dienstes"</h1>
        <ReminderToggle />
        {move || match dashboard.get() {
            Some(Ok(d)) => view! { <Strip dashboard=d /> }.into_any(),
            _ => ().into_any(),
        }}
        <form class="mt-6 flex flex-wrap items-end gap-4" on:submit=|ev| ev.prevent_default()>
            <div>
                <label for="filter-status" class=LABEL_CLASS>"Status"</label>
                <select
                    id="filter-status"
                    class=INPUT_CLASS
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        go_status(&move |f| f.status = v.clone());
                    }
                >
                    {STATUSES
                        .iter()
                        .map(|(value, label)| {
                            view! { <option value=*value selected=move || filters.with(|f| f.status == *value)>{*label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="filter-site" class=LABEL_CLASS>"Standort"</label>
                <input
                    id="filter-site"
                    class=INPUT_CLASS
                    inputmode="numeric"
                    placeholder="z. B. 771234000"
                    prop:value=move || filters.with(|f| f.site.clone())
                    on:change=move |ev| {
                        // "771 234 000" finds the same site as "771234000".
                        let v = le_domain::numbers::normalize_number(&event_target_value(&ev)).into_owned();
                        go_site(&move |f| f.site = v.clone());
                    }
                />
            </div>
            <div>
                <label for="filter-sort" class=LABEL_CLASS>"Sortierung"</label>
                <select
                    id="filter-sort"
                    class=INPUT_CLASS
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        go(&move |f| f.sort = v.clone());
                    }
                >
                    {SORTS
                        .iter()
                        .map(|(value, label)| {
                            view! {
                                <option value=*value selected=move || filters.with(|f| f.sort == *value || (f.sort.is_empty() && *value == "deadline"))>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </form>
        <section class="mt-6" aria-labelledby="anforderungen">
            <h2 id="anforderungen" class="text-xl font-semibold text-slate-900">"Anforderungen"</h2>
            {move || match inbox.get() {
                None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-4 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(inbox)) if inbox.requests.is_empty() => view! {
                    <p class="mt-4 text-slate-700" data-testid="inbox-empty">"Keine Anforderungen für diese Auswahl."</p>
                }
                .into_any(),
                Some(Ok(inbox)) => view! {
                    <p class="mt-2 text-slate-700">{format!("Stand {}: {} Anforderungen", inbox.today, inbox.requests.len())}</p>
                    <ul class="mt-4 space-y-4" data-testid="inbox">
                        {inbox.requests.into_iter().map(|item| view! { <InboxEntry item=item /> }).collect_view()}
                    </ul>
                    {(!inbox.notices.is_empty()).then(|| view! {
                        <h2 class="mt-8 text-xl font-semibold text-slate-900">"Prüfanzeigen"</h2>
                        <ul class="mt-3 space-y-2">
                            {inbox.notices.into_iter().map(|n| view! {
                                <li class="rounded border border-slate-200 bg-white p-3">
                                    <span class="font-medium">{format!("{} · Aufnahme {}", n.kind_label, n.admission_number)}</span>
                                    <span class="text-slate-700">{format!(" · {}", dates::date(&n.created_at))}</span>
                                    <p class="mt-1 text-slate-800">{n.subject}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn InboxEntry(item: InboxItem) -> impl IntoView {
    let documents = item
        .documents
        .iter()
        .map(|d| d.label.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="inbox-item">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <a class=format!("{LINK_CLASS} text-lg") href={Route::AuditRequest { id: item.request_id }.href()}>
                    {format!("Aufnahme {} · Rechnung {}", item.admission_number, item.invoice_number)}
                </a>
                <DeadlineBadge deadline=item.deadline.clone() />
            </div>
            <p class="mt-1 text-sm text-slate-700">
                {format!(
                    "Standort {} · Kasse {} · eingegangen {} · {} hochgeladen, {} geliefert",
                    item.site_number.clone().unwrap_or_else(|| "–".to_owned()),
                    item.insurer_ik,
                    item.received_date,
                    item.pending_files,
                    item.submitted_files,
                )}
            </p>
            <p class="mt-2 text-slate-900">{item.subject.clone()}</p>
            <p class="mt-1 text-sm text-slate-800"><span class="font-semibold">"Angefordert: "</span>{documents}</p>
            <p class="mt-1 text-sm text-slate-800" data-testid="outstanding">
                {if item.deadline.status == le_domain::audits::DeadlineStatus::Delivered {
                    "Alle Unterlagen geliefert oder als nicht vorhanden erklärt.".to_owned()
                } else {
                    format!(
                        "{} ausstehend",
                        le_domain::text::count(item.outstanding_documents.unsigned_abs(), "Unterlage", "Unterlagen")
                    )
                }}
            </p>
            {(!item.free_text.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-800">{item.free_text.clone()}</p> })}
        </li>
    }
}

/// The signed-in user's e-mail reminders: on unless unsubscribed (per user).
#[component]
fn ReminderToggle() -> impl IntoView {
    let loaded = api::Load::new(api::audits::reminder_settings);
    // The answer of the last change, until the page loads the settings again.
    let saved = RwSignal::new(None::<ReminderSettings>);
    let message = RwSignal::new(None::<String>);
    let save = Mutation::new(
        |csrf, wanted: ReminderSettings| async move {
            api::audits::set_reminder_settings(&csrf, &wanted).await
        },
        move |answer| match answer {
            Ok(s) => {
                saved.set(Some(s));
                message.set(Some(if s.email_reminders {
                    "E-Mail-Erinnerungen sind eingeschaltet.".to_owned()
                } else {
                    "E-Mail-Erinnerungen sind abbestellt.".to_owned()
                }));
            }
            Err(failure) => message.set(Some(failure.message)),
        },
    );
    let settings = move || saved.get().or_else(|| loaded.get().and_then(Result::ok));
    move || {
        settings().map(|s| view! {
            <div class="mt-3 text-slate-900">
                <label class="inline-flex items-center gap-2">
                    <input
                        type="checkbox"
                        class="h-4 w-4"
                        prop:checked=s.email_reminders
                        disabled=move || save.pending()
                        on:change=move |ev| {
                            save.run(ReminderSettings {
                                email_reminders: event_target_checked(&ev),
                            });
                        }
                        data-testid="email-reminders"
                    />
                    "E-Mail-Erinnerungen an Fristen erhalten (eine Sammel-Mail, 14 und 3 Tage vor Fristende und bei Fristablauf)"
                </label>
                <p role="status" class="text-sm text-slate-700">{move || message.get()}</p>
            </div>
        })
    }
}
