//! The deadline strip shown above the hospital's inbox and the MD's case list: counts per
//! deadline status, today's reminders, expiring certificates.
use le_domain::api::audits::Dashboard;
use leptos::prelude::*;

use super::shared::status_class;
use crate::components::form::LINK_CLASS;
use crate::routes::Route;

/// Counts per deadline status and the reminders due today.
#[component]
pub(crate) fn Strip(dashboard: Dashboard) -> impl IntoView {
    view! {
        <section aria-labelledby="lage" class="mt-4">
            <h2 id="lage" class="sr-only">"Fristenlage"</h2>
            <ul class="flex flex-wrap gap-3" data-testid="dashboard">
                {dashboard
                    .counts
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li class=format!("rounded border px-3 py-2 {}", status_class(c.status))>
                                // The space keeps "1 offen" apart for screen readers.
                                <span class="text-2xl font-bold">{c.count}</span>
                                " "
                                <span class="ml-1 text-sm font-medium">{c.label}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(dashboard.expiring_certificates > 0).then(|| view! {
                <p class="mt-3 text-amber-950">
                    <a class=LINK_CLASS href=Route::AuditStructure.href()>
                        {format!(
                            "{} der Strukturprüfung {} bald ab oder {} abgelaufen.",
                            le_domain::text::count(dashboard.expiring_certificates.unsigned_abs(), "Bescheinigung", "Bescheinigungen"),
                            le_domain::text::pick(dashboard.expiring_certificates.unsigned_abs(), "läuft", "laufen"),
                            le_domain::text::pick(dashboard.expiring_certificates.unsigned_abs(), "ist", "sind"),
                        )}
                    </a>
                </p>
            })}
            {(!dashboard.reminders.is_empty()).then(|| view! {
                <div class="mt-4 rounded border border-amber-600 bg-amber-50 p-3" data-testid="reminders">
                    <h3 class="font-semibold text-amber-950">"Erinnerungen für heute"</h3>
                    <ul class="mt-1 list-disc pl-6 text-amber-950">
                        {dashboard.reminders.into_iter().map(|r| view! {
                            <li>
                                <a class=LINK_CLASS href={Route::AuditRequest { id: r.request_id }.href()}>
                                    {format!("Aufnahme {}", r.admission_number)}
                                </a>
                                {format!(": {}", r.message)}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}
