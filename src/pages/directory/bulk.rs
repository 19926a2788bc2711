//! Bulk edits of the selected physicians (preview computed in the browser with the domain's
//! rules, one atomic apply, undo) and the HR CSV exchange (export of the filtered list, import
//! with a dry run first).
use le_domain::api::directory::{
    BulkProgress, BulkRequest, HrImportReport, HrImportRequest, VersionedId,
};
use le_domain::directory::{
    BulkAction, BulkOutcome, Date, OutcomeKind, SettableField, bulk_outcome, bulk_outcome_kind,
    check_bulk_selection, thousands,
};
use le_domain::numbers::SiteNumber;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::common::{display_name, hospital_sites_of, perf_mark, perf_mark_after_frame};
use super::data::DirectoryData;
use crate::api::{ApiFailure, directory as api};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, FileInput, INPUT_CLASS, LABEL_CLASS, LINK_CLASS,
    Notice,
};
use crate::components::mutation::Mutation;
use crate::dates::today;

/// Preview rows shown before "Alle anzeigen".
const PREVIEW_ROWS: usize = 100;
/// Rows of the server's rejections listed after a refused apply.
const REJECTED_ROWS: usize = 100;
/// How often a running apply or undo is asked for its progress.
const PROGRESS_POLL: std::time::Duration = std::time::Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    EndSite,
    AddSite,
    SetField,
}

fn parse_site(value: &str) -> Result<SiteNumber, String> {
    SiteNumber::parse(value).map_err(|_| "Bitte wählen Sie einen Standort.".to_owned())
}

fn parse_date(value: &str, what: &str) -> Result<Date, String> {
    crate::dates::parse_input(value).ok_or_else(|| format!("Bitte geben Sie {what} an."))
}

/// A fresh key under which the server reports the progress of one apply or undo.
fn progress_key() -> String {
    format!(
        "b{:x}{:x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 4_294_967_296.0) as u64
    )
}

/// Asks for the progress under `key` every [`PROGRESS_POLL`] while `running` holds it.
fn poll_progress(
    key: String,
    running: StoredValue<Option<String>>,
    shown: RwSignal<Option<BulkProgress>>,
) {
    // The page may be gone by the time the timer or the answer arrives (its values disposed):
    // then polling stops quietly.
    let still_running = move |key: &str| running.try_get_value().flatten().as_deref() == Some(key);
    set_timeout(
        move || {
            if !still_running(&key) {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(p) = api::bulk_progress(&key).await
                    && p.running
                    && still_running(&key)
                {
                    let _ = shown.try_set(Some(p));
                }
                poll_progress(key, running, shown);
            });
        },
        PROGRESS_POLL,
    );
}

/// What the server refused, in words: the message of every field that is not one record's, and
/// the records it rejected (`items[{id}]`) with their reasons.
fn split_failure(failure: &ApiFailure) -> (String, Vec<String>) {
    let (records, general): (Vec<_>, Vec<_>) = failure
        .fields
        .iter()
        .partition(|f| f.field.starts_with("items["));
    let mut message = if general.is_empty() {
        failure.message.clone()
    } else {
        general
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if !records.is_empty() {
        message = format!(
            "Nichts wurde geändert: der Server lehnt {} der ausgewählten Einträge ab (Gründe unten).",
            thousands(records.len())
        );
    }
    (message, records.iter().map(|f| f.message.clone()).collect())
}

#[component]
pub fn BulkPanel() -> impl IntoView {
    let data = expect_context::<DirectoryData>();
    let today = today();
    let kind = RwSignal::new(Kind::EndSite);
    let end_date = RwSignal::new(today.end_of_month().to_iso());
    let end_site = RwSignal::new(String::new());
    let add_site = RwSignal::new(String::new());
    let add_start = RwSignal::new(today.to_iso());
    let add_end = RwSignal::new(String::new());
    let field = RwSignal::new(SettableField::ALL[0]);
    let field_value = RwSignal::new(String::new());
    let show_preview = RwSignal::new(false);
    let show_all = RwSignal::new(false);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let rejected = RwSignal::new(Vec::<String>::new());
    let last_operation = RwSignal::new(None::<i64>);
    let progress = RwSignal::new(None::<BulkProgress>);
    let running = StoredValue::new(None::<String>);

    let site_entries = Memo::new(move |_| {
        data.sites.with(|s| match s {
            Some(Ok(list)) => list.sites.clone(),
            _ => Vec::new(),
        })
    });
    // The write rules' view of the sites (with validity, and those the directory removed, where
    // assignments can still be ended): the same list the server checks against.
    let hospital_sites = Memo::new(move |_| {
        data.sites.with(|s| match s {
            Some(Ok(list)) => hospital_sites_of(list),
            _ => Vec::new(),
        })
    });

    let action = Memo::new(move |_| -> Result<BulkAction, String> {
        Ok(match kind.get() {
            Kind::EndSite => BulkAction::EndSiteAssignment {
                site_number: end_site.with(|s| {
                    if s.is_empty() {
                        Ok(None)
                    } else {
                        parse_site(s).map(Some)
                    }
                })?,
                end: parse_date(&end_date.get(), "das Enddatum")?,
            },
            Kind::AddSite => BulkAction::AddSiteAssignment {
                site_number: parse_site(&add_site.get())?,
                start: parse_date(&add_start.get(), "den Beginn")?,
                end: add_end.with(|e| {
                    if e.trim().is_empty() {
                        Ok(None)
                    } else {
                        parse_date(e, "das Ende").map(Some)
                    }
                })?,
            },
            Kind::SetField => BulkAction::SetField {
                field: field.get(),
                value: field_value.get(),
            },
        })
    });
    // Positions of the selected records in the loaded list (in display order): the records
    // themselves stay where they are, however many are selected.
    let chosen = Memo::new(move |_| -> Vec<usize> {
        data.selected.with(|sel| {
            data.with_records(|all| {
                all.iter()
                    .enumerate()
                    .filter(|(_, r)| sel.contains(&r.id))
                    .map(|(i, _)| i)
                    .collect()
            })
        })
    });
    let selected_count = Memo::new(move |_| data.selected.with(|s| s.len()));
    let selection_error = Memo::new(move |_| {
        check_bulk_selection(selected_count.get())
            .err()
            .map(|e| e.message)
    });
    // The outcome of every selected record, without the texts of its changes (at 50,000
    // records writing them out cost more than the rules): the texts are written for the rows
    // shown only.
    let preview = Memo::new(move |_| -> Option<Vec<OutcomeKind>> {
        if !show_preview.get() {
            return None;
        }
        let Ok(action) = action.get() else {
            return None;
        };
        hospital_sites.with(|sites| {
            data.with_records(|all| {
                chosen.with(|c| {
                    Some(
                        c.iter()
                            .map(|&i| bulk_outcome_kind(&all[i].form, &action, today, sites))
                            .collect(),
                    )
                })
            })
        })
    });
    let counts = Memo::new(move |_| {
        preview.with(|p| {
            p.as_ref().map(|kinds| {
                let mut c = (0, 0, 0);
                for kind in kinds {
                    match kind {
                        OutcomeKind::Changed => c.0 += 1,
                        OutcomeKind::Unchanged => c.1 += 1,
                        OutcomeKind::Rejected => c.2 += 1,
                    }
                }
                c
            })
        })
    });
    // The whole outcome of the selected records, in their order (for the server's comparison).
    let outcomes = move || -> Option<Vec<BulkOutcome>> {
        let action = action.get_untracked().ok()?;
        hospital_sites.with_untracked(|sites| {
            data.with_records_untracked(|all| {
                chosen.with_untracked(|c| {
                    Some(
                        c.iter()
                            .map(|&i| bulk_outcome(&all[i].form, &action, today, sites))
                            .collect(),
                    )
                })
            })
        })
    };
    let chosen_items = move || -> Vec<VersionedId> {
        data.with_records_untracked(|all| {
            chosen.with_untracked(|c| {
                c.iter()
                    .map(|&i| VersionedId {
                        id: all[i].id,
                        version: all[i].version,
                    })
                    .collect()
            })
        })
    };
    // Marks an apply or undo as running under a fresh key and starts asking for its progress.
    let start_running = move || -> String {
        let key = progress_key();
        running.set_value(Some(key.clone()));
        progress.set(None);
        notice.set(None);
        rejected.set(Vec::new());
        poll_progress(key.clone(), running, progress);
        key
    };
    let stop_running = move || {
        running.set_value(None);
        progress.set(None);
    };
    // The server's refusal in words, next to the records it names (the mutation has already
    // shown its message; this one says more).
    let fail = move |failure: ApiFailure| {
        let (message, records) = split_failure(&failure);
        notice.set(Some(Err(message)));
        rejected.set(records);
    };

    let apply_call = Mutation::with_notice(
        notice,
        |csrf, (request, key): (BulkRequest, String)| async move {
            api::bulk_apply(&csrf, &request, &key).await
        },
        move |answer| {
            stop_running();
            match answer {
                Ok(applied) => {
                    last_operation.set(Some(applied.operation_id));
                    show_preview.set(false);
                    notice.set(Some(Ok(format!(
                        "Übernommen: {} geändert, {} unverändert.",
                        thousands(applied.changed),
                        thousands(applied.unchanged)
                    ))));
                    data.reload();
                }
                Err(failure) => fail(failure),
            }
        },
    );
    let undo_call = Mutation::with_notice(
        notice,
        |csrf, (operation, key): (i64, String)| async move {
            api::bulk_undo(&csrf, operation, &key).await
        },
        move |answer| {
            stop_running();
            match answer {
                Ok(undone) => {
                    last_operation.set(None);
                    notice.set(Some(Ok(format!(
                        "Rückgängig gemacht: {} wiederhergestellt.",
                        thousands(undone.restored)
                    ))));
                    data.reload();
                }
                Err(failure) => fail(failure),
            }
        },
    );
    let busy = move || apply_call.pending() || undo_call.pending();
    let apply = move |_| {
        let Ok(action) = action.get_untracked() else {
            return;
        };
        if apply_call.running() || undo_call.running() {
            return;
        }
        let items = chosen_items();
        let key = start_running();
        apply_call.run((BulkRequest { items, action }, key));
    };
    let undo = move |_| {
        let Some(operation) = last_operation.get_untracked() else {
            return;
        };
        if apply_call.running() || undo_call.running() {
            return;
        }
        let key = start_running();
        undo_call.run((operation, key));
    };
    // The server runs the same rules; comparing catches records changed by someone else since
    // the list was loaded.
    let server_check = RwSignal::new(None::<String>);
    // A comparison speaks of the preview it was made for: a change of the action, the
    // selection or the loaded records drops it.
    Effect::new(move |_| {
        action.track();
        chosen.track();
        show_preview.track();
        data.with_records(|_| ());
        server_check.set(None);
    });
    let check_call = Mutation::new(
        |csrf, request: BulkRequest| async move { api::bulk_preview(&csrf, &request).await },
        move |answer| {
            server_check.set(Some(match answer {
                Ok(server) => {
                    let local = preview.with_untracked(Option::is_some).then(outcomes).flatten();
                    let differing = match local {
                        Some(local) => server
                            .items
                            .iter()
                            .zip(&local)
                            .filter(|(s, l)| s.outcome != **l)
                            .count(),
                        None => server.items.len(),
                    };
                    if differing == 0 {
                        "Der Server bestätigt die Vorschau.".to_owned()
                    } else {
                        format!("Der Server sieht bei {differing} Datensätzen ein anderes Ergebnis – bitte die Liste neu laden.")
                    }
                }
                Err(failure) => split_failure(&failure).0,
            }));
        },
    );
    let check_with_server = move |_| {
        let Ok(action) = action.get_untracked() else {
            return;
        };
        let items = chosen_items();
        if check_call.run(BulkRequest { items, action }) {
            server_check.set(Some("Wird mit dem Server abgeglichen …".to_owned()));
        }
    };

    let site_options = move || {
        site_entries
            .get()
            .into_iter()
            .map(|e| {
                let label = format!("{} – {}", e.site_number, e.site_name);
                view! { <option value=e.site_number.to_string()>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="sammel-titel" data-testid="bulk-panel">
            <h2 id="sammel-titel" class="text-lg font-semibold text-blue-950">"Sammeländerung"</h2>
            <p class="mt-1 text-slate-700" id="bulk-auswahl">
                {move || format!("{} ausgewählt.", thousands(selected_count.get()))}
            </p>
            <p role="alert" class="mt-1 text-sm font-medium text-red-800 empty:hidden" data-testid="bulk-selection-error">
                {move || (selected_count.get() > 0).then(|| selection_error.get()).flatten()}
            </p>
            <fieldset class="mt-4">
                <legend class=LABEL_CLASS>"Aktion"</legend>
                <div class="mt-2 flex flex-wrap gap-6">
                    {[
                        (Kind::EndSite, "bulk-ende", "Tätigkeit an Standort beenden zum …"),
                        (Kind::AddSite, "bulk-hinzu", "Standort hinzufügen"),
                        (Kind::SetField, "bulk-feld", "Feld setzen"),
                    ]
                        .into_iter()
                        .map(|(k, id, label)| view! {
                            <label for=id class="flex items-center gap-2">
                                <input id=id type="radio" name="bulk-aktion" prop:checked=move || kind.get() == k
                                    on:change=move |_| kind.set(k) />
                                {label}
                            </label>
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <div class="mt-4 flex flex-wrap items-end gap-4">
                {move || match kind.get() {
                    Kind::EndSite => view! {
                        <div>
                            <label for="bulk-ende-datum" class=LABEL_CLASS>"Ende zum"</label>
                            <input id="bulk-ende-datum" type="date" class=INPUT_CLASS prop:value=move || end_date.get()
                                on:input=move |ev| end_date.set(event_target_value(&ev)) />
                        </div>
                        <div>
                            <label for="bulk-ende-standort" class=LABEL_CLASS>"Standort"</label>
                            <select id="bulk-ende-standort" class=INPUT_CLASS on:change=move |ev| end_site.set(event_target_value(&ev))>
                                <option value="">"alle Standorte"</option>
                                {site_options}
                            </select>
                        </div>
                    }.into_any(),
                    Kind::AddSite => view! {
                        <div>
                            <label for="bulk-hinzu-standort" class=LABEL_CLASS>"Standort"</label>
                            <select id="bulk-hinzu-standort" class=INPUT_CLASS on:change=move |ev| add_site.set(event_target_value(&ev))>
                                <option value="">"– bitte wählen –"</option>
                                {site_options}
                            </select>
                        </div>
                        <div>
                            <label for="bulk-hinzu-beginn" class=LABEL_CLASS>"Beginn"</label>
                            <input id="bulk-hinzu-beginn" type="date" class=INPUT_CLASS prop:value=move || add_start.get()
                                on:input=move |ev| add_start.set(event_target_value(&ev)) />
                        </div>
                        <div>
                            <label for="bulk-hinzu-ende" class=LABEL_CLASS>"Ende (optional)"</label>
                            <input id="bulk-hinzu-ende" type="date" class=INPUT_CLASS prop:value=move || add_end.get()
                                on:input=move |ev| add_end.set(event_target_value(&ev)) />
                        </div>
                    }.into_any(),
                    Kind::SetField => view! {
                        <div>
                            <label for="bulk-feld-name" class=LABEL_CLASS>"Feld"</label>
                            <select id="bulk-feld-name" class=INPUT_CLASS on:change=move |ev| {
                                let key = event_target_value(&ev);
                                if let Some(f) = SettableField::ALL.into_iter().find(|f| f.key() == key) {
                                    field.set(f);
                                }
                            }>
                                {SettableField::ALL.into_iter().map(|f| view! {
                                    <option value=f.key() selected=move || field.get() == f>{f.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="bulk-feld-wert" class=LABEL_CLASS>"Wert"</label>
                            <input id="bulk-feld-wert" type="text" class=INPUT_CLASS prop:value=move || field_value.get()
                                aria-describedby="bulk-feld-hinweis"
                                on:input=move |ev| field_value.set(event_target_value(&ev)) />
                            <p id="bulk-feld-hinweis" class="mt-1 text-sm text-slate-600">"ja/nein, TT.MM.JJJJ oder Text"</p>
                        </div>
                    }.into_any(),
                }}
            </div>
            <p role="alert" class="mt-2 text-sm font-medium text-red-800 empty:hidden">
                {move || action.get().err()}
            </p>
            <div class="mt-4 flex flex-wrap gap-4">
                <button type="button" class=BUTTON_SECONDARY
                    disabled=move || selection_error.with(Option::is_some) || action.with(Result::is_err)
                    on:click=move |_| {
                        perf_mark("preview-start");
                        // A shown preview already follows every change of the action, the
                        // selection and the list: setting the flag again would only make the
                        // memo run the rules for every selected record once more (50,000 at a
                        // large hospital) and compare the same outcomes.
                        if !show_preview.get_untracked() {
                            show_preview.set(true);
                        }
                        perf_mark_after_frame("preview-ready");
                    }>
                    "Vorschau"
                </button>
                <button type="button" class=BUTTON_PRIMARY
                    disabled=move || busy() || selection_error.with(Option::is_some) || preview.with(Option::is_none) || counts.get().is_some_and(|c| c.0 == 0)
                    aria-describedby="bulk-auswahl"
                    on:click=apply>
                    "Übernehmen"
                </button>
                <button type="button" class=BUTTON_SECONDARY
                    disabled=move || preview.with(Option::is_none)
                    on:click=check_with_server>
                    "Mit dem Server abgleichen"
                </button>
                <Show when=move || last_operation.get().is_some()>
                    <button type="button" class=BUTTON_SECONDARY disabled=busy on:click=undo>
                        "Rückgängig machen"
                    </button>
                </Show>
            </div>
            <p role="status" class="mt-2 empty:hidden">{move || server_check.get()}</p>
            <Show when=busy>
                <div class="mt-4" data-testid="bulk-progress">
                    <progress class="w-full max-w-xl" aria-label="Fortschritt der Sammeländerung"
                        max=move || progress.get().map_or(1, |p| p.total.max(1))
                        value=move || progress.get().map(|p| p.done)
                    ></progress>
                    <p role="status" class="text-sm text-slate-700">
                        {move || match progress.get() {
                            Some(p) => format!("{} von {} gespeichert …", thousands(p.done), thousands(p.total)),
                            None => "Wird übertragen und geprüft …".to_owned(),
                        }}
                    </p>
                </div>
            </Show>
            <div class="mt-4"><Notice message=notice /></div>
            <Show when=move || rejected.with(|r| !r.is_empty())>
                <div class="mt-2">
                    <h3 class="font-semibold text-red-900">"Vom Server abgelehnt"</h3>
                    <ul class="mt-1 list-disc pl-6 text-red-900" data-testid="bulk-rejected">
                        {move || rejected.with(|r| r.iter().take(REJECTED_ROWS).map(|m| view! { <li>{m.clone()}</li> }).collect_view())}
                    </ul>
                    {move || rejected.with(|r| (r.len() > REJECTED_ROWS).then(|| format!("… und {} weitere.", thousands(r.len() - REJECTED_ROWS))))}
                </div>
            </Show>
            {move || counts.get().map(|(changed, unchanged, rejected)| view! {
                <p class="mt-4 font-medium" data-testid="preview-counts">
                    {format!(
                        "{} {} geändert, {} unverändert, {} mit Fehlern",
                        thousands(changed),
                        le_domain::text::pick(changed as u64, "wird", "werden"),
                        thousands(unchanged),
                        thousands(rejected)
                    )}
                </p>
            })}
            {move || preview.with(|preview| preview.as_ref().zip(action.get().ok()).map(|(kinds, action)| {
                // Thousands of table rows would take long to build: the first ones show at
                // once, the rest on request. Records with errors come first (they need
                // attention), then the changed ones, then the unchanged ones, each in list order.
                let limit = if show_all.get() { usize::MAX } else { PREVIEW_ROWS };
                let hidden = kinds.len().saturating_sub(limit);
                let shown: Vec<usize> = [OutcomeKind::Rejected, OutcomeKind::Changed, OutcomeKind::Unchanged]
                    .into_iter()
                    .flat_map(|wanted| kinds.iter().enumerate().filter(move |(_, k)| **k == wanted).map(|(n, _)| n))
                    .take(limit)
                    .collect();
                let names = site_entries.get();
                let site_name = |number: &str| {
                    names.iter().find(|e| e.site_number.as_str() == number).map(|e| e.site_name.clone())
                };
                // (name, summary, details) of the shown rows, read in place.
                let rows: Vec<(String, String, String)> = hospital_sites.with(|sites| data.with_records(|all| chosen.with(|c| {
                    shown.iter().map(|&n| {
                        let form = &all[c[n]].form;
                        let outcome = bulk_outcome(form, &action, today, sites);
                        let label = |path: &str| form.field_label(path, &site_name);
                        let details = match &outcome {
                            BulkOutcome::Changed { changes } => changes.iter()
                                .map(|c| change_text(&label(&c.field), &c.before, &c.after))
                                .collect::<Vec<_>>().join("; "),
                            BulkOutcome::Unchanged => String::new(),
                            BulkOutcome::Rejected { errors } => errors.iter()
                                .map(|e| format!("{}: {}", label(&e.field), e.message))
                                .collect::<Vec<_>>().join("; "),
                        };
                        (display_name(&all[c[n]]), outcome.summary(), details)
                    }).collect()
                })));
                view! {
                    <div class="relative mt-2 max-h-96 overflow-y-auto" tabindex="0" role="region" aria-label="Vorschau der Sammeländerung">
                        <table class="w-full text-left" data-testid="bulk-preview">
                            <thead><tr>
                                <th scope="col" class="pr-4">"Name"</th>
                                <th scope="col" class="pr-4">"Ergebnis"</th>
                                <th scope="col">"Einzelheiten"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(name, summary, details)| {
                                    view! {
                                        <tr class="border-t border-slate-200" data-testid="preview-row">
                                            <td class="pr-4">{name}</td>
                                            <td class="pr-4">{summary}</td>
                                            <td>{details}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(hidden > 0).then(|| view! {
                        <button type="button" class=format!("mt-2 {BUTTON_SECONDARY}") on:click=move |_| show_all.set(true)>
                            {format!("Alle anzeigen ({hidden} weitere)")}
                        </button>
                    })}
                }
            }))}
        </section>
    }
}

/// One change for people: "Standort 773687000 – Kinderklinik: Ende offen → 31.12.2026",
/// "Datum der Promotion: – → 01.02.2012" (a label naming a part already ends in its colon form).
fn change_text(label: &str, before: &str, after: &str) -> String {
    if label.contains(": ") {
        format!("{label} {before} → {after}")
    } else {
        format!("{label}: {before} → {after}")
    }
}

/// Reads a chosen file as text.
async fn file_text(file: web_sys::File) -> Option<String> {
    let promise = file.text();
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
}

#[component]
pub fn CsvPanel(can_edit: Memo<bool>) -> impl IntoView {
    let data = expect_context::<DirectoryData>();
    // Without a filter the export asks for everything (no list of 50,000 ids in the link).
    let export_href = Memo::new(move |_| {
        data.with_records(|all| {
            data.filtered.with(|f| {
                if f.len() == all.len() {
                    api::export_url(None)
                } else {
                    let ids: Vec<i64> = f.iter().map(|&i| all[i].id).collect();
                    api::export_url(Some(&ids))
                }
            })
        })
    });
    let csv = RwSignal::new(None::<String>);
    let report = RwSignal::new(None::<HrImportReport>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let import = Mutation::with_notice(
        notice,
        |csrf, request: HrImportRequest| async move { api::hr_import(&csrf, &request).await },
        move |answer| {
            if let Ok(r) = answer {
                if r.applied {
                    notice.set(Some(Ok("Import ausgeführt.".to_owned())));
                    data.reload();
                }
                report.set(Some(r));
            }
        },
    );
    let run = move |dry_run: bool| {
        let Some(text) = csv.get_untracked() else {
            return;
        };
        notice.set(None);
        import.run(HrImportRequest { csv: text, dry_run });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        report.set(None);
        csv.set(None);
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                // The page may be gone once the file is read: then nothing is shown.
                match file_text(file).await {
                    Some(text) => {
                        if csv.try_set(Some(text)).is_none() {
                            run(true);
                        }
                    }
                    None => {
                        let _ = notice.try_set(Some(Err(
                            "Die Datei konnte nicht gelesen werden.".to_owned()
                        )));
                    }
                }
            });
        }
    };

    view! {
        <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="csv-titel">
            <h2 id="csv-titel" class="text-lg font-semibold text-blue-950">"CSV-Austausch mit der Personalabteilung"</h2>
            <p class="mt-2">
                <a href=move || export_href.get() download="arztverzeichnis.csv" class=LINK_CLASS data-testid="csv-export">
                    "Gefilterte Liste als CSV exportieren"
                </a>
            </p>
            <Show when=move || can_edit.get()>
                <div class="mt-4">
                    <label for="csv-import" class=LABEL_CLASS>"CSV-Datei importieren (zuerst Probelauf)"</label>
                    <FileInput id="csv-import" accept=".csv,text/csv" on_change=Callback::new(on_file) />
                </div>
            </Show>
            <div class="mt-4"><Notice message=notice /></div>
            {move || report.get().map(|r| {
                let applied = r.applied;
                let count = |o: le_domain::api::directory::RowOutcome| r.rows.iter().filter(|row| row.outcome == o).count();
                use le_domain::api::directory::RowOutcome as O;
                let summary = format!(
                    "{}: {} neu, {} geändert, {} unverändert, {} Fehler",
                    if applied { "Ergebnis" } else { "Probelauf" },
                    count(O::Create), count(O::Update), count(O::Unchanged), count(O::Error)
                );
                let has_errors = count(O::Error) > 0;
                view! {
                    <p class="mt-4 font-medium" data-testid="import-summary">{summary}</p>
                    <div class="relative mt-2 max-h-96 overflow-y-auto" tabindex="0" role="region" aria-label="Importbericht">
                        <table class="w-full text-left" data-testid="import-report">
                            <thead><tr>
                                <th scope="col" class="pr-4">"Zeile"</th>
                                <th scope="col" class="pr-4">"Name"</th>
                                <th scope="col" class="pr-4">"Ergebnis"</th>
                                <th scope="col">"Fehler"</th>
                            </tr></thead>
                            <tbody>
                                {r.rows.into_iter().map(|row| view! {
                                    <tr class="border-t border-slate-200" data-testid="import-row">
                                        <td class="pr-4">{row.line}</td>
                                        <td class="pr-4">{row.name}</td>
                                        <td class="pr-4">{row.outcome.label()}</td>
                                        <td>{row.errors.into_iter().map(|e| format!("{}: {}", le_domain::directory::PhysicianForm::default().field_label(&e.field, &|_| None), e.message)).collect::<Vec<_>>().join("; ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(!applied && !has_errors).then(|| view! {
                        <button type="button" class=format!("mt-4 {BUTTON_PRIMARY}") disabled=move || import.pending()
                            on:click=move |_| run(false)>
                            "Import ausführen"
                        </button>
                    })}
                }
            })}
        </section>
    }
}
