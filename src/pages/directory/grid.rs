//! `/arztverzeichnis`: every physician of the hospital in a virtually scrolled grid with search,
//! filters kept in the URL, multi-select and keyboard navigation; bulk edits and CSV below.
use std::collections::HashSet;

use le_domain::access::Permission;
use le_domain::directory::PhysicianRecord;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use super::bulk::CsvPanel;
use super::common::{
    STATE_FILTERS, display_name, display_sites, has_site, is_active, perf_mark,
    perf_mark_after_frame, state_key,
};
use super::data::{DirectoryData, Physicians, TableState};
use crate::api::{Load, directory as api};
use crate::areas::{Area, LazyArea, is_loaded};
use crate::components::form::{BUTTON_SECONDARY, CARD_CLASS, LABEL_CLASS, LINK_CLASS};
use crate::contexts::session::Session;
use crate::dates::today;
use crate::routes::Route;

/// Height of one row in pixels (fixed, so that positions are arithmetic).
const ROW_HEIGHT: f64 = 40.0;
/// Height of the scroll container in pixels.
const VIEW_HEIGHT: f64 = 480.0;
/// Rows rendered above and below the visible ones.
const BUFFER: usize = 8;
/// Rows asked for first (`?limit=`): more than a screen with its buffer, shown while the whole
/// table loads.
const FIRST_ROWS: u32 = 100;

/// Pause in typing after which the search goes into the URL.
const SEARCH_URL_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

const SELECT_CLASS: &str = "mt-1 block rounded border border-slate-400 bg-white px-3 py-2 text-slate-900 focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-700";

#[component]
pub fn PhysicianGrid() -> impl IntoView {
    let session = Session::use_context();
    let can_edit = Memo::new(move |_| {
        session
            .info()
            .is_some_and(|i| i.role.allows(Permission::EditDirectory))
    });
    // The server sends the list in display order (by normalised last and first name, then id).
    // The first screen comes from a small request of its own: at 50,000 records the whole table
    // takes a while to arrive and decode.
    let physicians = Load::new(api::physician_table);
    let first_rows = Load::new(|| api::physician_table_start(FIRST_ROWS));
    let table = Physicians::new(physicians, first_rows);
    let sites = Load::new(api::sites);
    let table_state = Memo::new(move |_| table.table_state());
    let partial = Memo::new(move |_| matches!(table_state.get(), TableState::FirstRows { .. }));

    // The filters live in the URL (shareable, survive reloads); the input shows the URL's value.
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    // What was typed into the search box runs ahead of the URL: the URL follows after a pause in
    // typing (a navigation per keystroke would cost every keystroke a history write and a pass
    // over everything that reads the location).
    let typed = RwSignal::new(None::<String>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let url_q = Memo::new(move |_| param("q"));
    let q = Memo::new(move |_| typed.get().unwrap_or_else(|| url_q.get()));
    let site = Memo::new(move |_| param("standort"));
    let state = Memo::new(move |_| param("status"));
    let activity = Memo::new(move |_| param("taetigkeit"));
    let navigate = use_navigate();
    let set_param = move |key: &'static str, value: String| {
        let mut map = query.get_untracked();
        if value.is_empty() {
            map.remove(key);
        } else {
            map.replace(key, value);
        }
        let search = map.to_query_string();
        navigate(
            &Route::Directory.href_with(search.trim_start_matches('?')),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };

    // Drops a waiting write (also once the page is gone); whether one waited.
    let cancel_write = move || {
        pending
            .try_update_value(|p| p.take().map(|handle| handle.clear()))
            .flatten()
            .is_some()
    };
    // Once the URL's filters change (this page's own writes, or a move in the history), the URL
    // is what counts again.
    Effect::new(move |_| {
        query.track();
        cancel_write();
        typed.set(None);
    });
    // Writes what was typed into the URL now, when a write still waits: after the pause, and when
    // the search box loses the focus (to another filter, a link, a row), so that other filters
    // and coming back keep the search.
    let set_typed = set_param.clone();
    let write_typed = move || {
        if cancel_write()
            && let Some(text) = typed.get_untracked()
        {
            set_typed("q", text);
        }
    };
    on_cleanup(move || {
        cancel_write();
    });

    let filters_active = Memo::new(move |_| {
        !q.with(|q| q.trim().is_empty())
            || !site.with(String::is_empty)
            || !state.with(String::is_empty)
            || !activity.with(String::is_empty)
    });
    let search_text = Memo::new(move |_| {
        // Lower-cased once per load, not once per keystroke and row; built only once a search
        // needs it (warmed after the first rows are painted, see below).
        table.with_records(|all| {
            all.iter()
                .map(|r| {
                    format!(
                        "{} {} {} {}",
                        display_name(r),
                        r.form.birth_date.map(|d| d.to_german()).unwrap_or_default(),
                        r.form.anr.as_deref().unwrap_or_default(),
                        display_sites(r)
                    )
                    .to_lowercase()
                })
                .collect::<Vec<_>>()
        })
    });
    let today = today();
    let filtered = Memo::new(move |_| {
        // Filters need every record: with only the first rows there, nothing passes yet (the
        // page says that the list is loading).
        if partial.get() && filters_active.get() {
            return Vec::new();
        }
        let needle = q.get().trim().to_lowercase();
        let words: Vec<&str> = needle.split_whitespace().collect();
        let site = site.get();
        let state = state.get();
        let activity = activity.get();
        let passes = |r: &le_domain::directory::PhysicianRecord| {
            (site.is_empty() || has_site(r, &site))
                && (state.is_empty() || state_key(&r.request_state) == state)
                && match activity.as_str() {
                    "aktiv" => is_active(r, today),
                    "beendet" => !is_active(r, today),
                    _ => true,
                }
        };
        table.with_records(|all| {
            if words.is_empty() {
                (0..all.len()).filter(|&i| passes(&all[i])).collect()
            } else {
                search_text.with(|texts| {
                    (0..all.len())
                        .filter(|&i| words.iter().all(|w| texts[i].contains(w)) && passes(&all[i]))
                        .collect()
                })
            }
        })
    });
    // Builds the search texts in a task of its own once the first rows are painted, so that
    // neither the first rows nor the first keystroke wait for them.
    Effect::new(move |_| {
        if physicians.with(|p| matches!(p, Some(Ok(_)))) {
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        let _ = search_text.try_with_untracked(|_| ());
                    },
                    std::time::Duration::ZERO,
                );
            });
        }
    });
    let selected = RwSignal::new(HashSet::<i64>::new());
    let data = DirectoryData {
        sites,
        table,
        selected,
        filtered,
    };
    provide_context(data);

    let filtered_count = Memo::new(move |_| filtered.with(Vec::len));
    let selected_count = Memo::new(move |_| selected.with(HashSet::len));
    let select_all_filtered = move |_| {
        if partial.get_untracked() {
            return;
        }
        let ids: Vec<i64> = data.with_records_untracked(|all| {
            filtered.with_untracked(|f| f.iter().map(|&i| all[i].id).collect())
        });
        selected.update(|s| s.extend(ids));
    };

    // What the page shows: one value for the first rows and the whole table alike, so that the
    // grid stays in place (scroll position, focus) when the rest arrives.
    let shown = Memo::new(move |_| match table_state.get() {
        TableState::Loading => Shown::Loading,
        TableState::FirstRows { .. } if filters_active.get() => Shown::Loading,
        TableState::Failed(message) => Shown::Failed(message),
        TableState::FirstRows { .. } | TableState::Complete => Shown::Grid,
    });

    let site_options = move || {
        sites.with(|s| match s {
            Some(Ok(list)) => list
                .sites
                .iter()
                .map(|e| {
                    let number = e.site_number.to_string();
                    let label = format!("{} – {}", e.site_number, e.site_name);
                    let chosen = site.get() == number;
                    view! { <option value=number selected=chosen>{label}</option> }
                })
                .collect_view()
                .into_any(),
            _ => ().into_any(),
        })
    };

    let write_on_blur = write_typed.clone();
    let set_site = set_param.clone();
    let set_state = set_param.clone();
    let set_activity = set_param;

    view! {
        <div class="flex flex-wrap items-baseline justify-between gap-4">
            <h1 id="arztverzeichnis-titel" class="text-2xl font-bold text-blue-950">"Arztverzeichnis"</h1>
            <nav aria-label="Arztverzeichnis" class="flex gap-4">
                <Show when=move || can_edit.get()>
                    <a href=Route::DirectoryNew.href() class=LINK_CLASS>"Ärztin/Arzt anlegen"</a>
                </Show>
                <a href=Route::DirectoryClarifications.href() class=LINK_CLASS>"Klärungen"</a>
            </nav>
        </div>
        <div role="search" class="mt-4 flex flex-wrap items-end gap-4">
            <div class="w-full sm:w-auto">
                <label for="arzt-suche" class=LABEL_CLASS>"Suche"</label>
                <input
                    id="arzt-suche"
                    type="search"
                    class="mt-1 block w-full sm:w-96 rounded border border-slate-400 bg-white px-3 py-2 text-slate-900 focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-700"
                    placeholder="Name, Geburtsdatum, ANR, Standort"
                    prop:value=move || q.get()
                    on:input=move |ev| {
                        perf_mark("filter-start");
                        typed.set(Some(event_target_value(&ev)));
                        cancel_write();
                        let write = write_typed.clone();
                        let handle = set_timeout_with_handle(write, SEARCH_URL_DELAY);
                        pending.set_value(handle.ok());
                        perf_mark_after_frame("filter-painted");
                    }
                    on:blur=move |_| write_on_blur()
                />
            </div>
            <div>
                <label for="arzt-standort" class=LABEL_CLASS>"Standort"</label>
                <select
                    id="arzt-standort"
                    class=SELECT_CLASS
                    on:change=move |ev| set_site("standort", event_target_value(&ev))
                >
                    <option value="" selected=move || site.get().is_empty()>"alle"</option>
                    {site_options}
                </select>
            </div>
            <div>
                <label for="arzt-status" class=LABEL_CLASS>"Status"</label>
                <select
                    id="arzt-status"
                    class=SELECT_CLASS
                    on:change=move |ev| set_state("status", event_target_value(&ev))
                >
                    <option value="" selected=move || state.get().is_empty()>"alle"</option>
                    {STATE_FILTERS
                        .iter()
                        .map(|(key, label)| {
                            view! { <option value=*key selected=move || state.get() == *key>{*label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="arzt-taetigkeit" class=LABEL_CLASS>"Tätigkeit"</label>
                <select
                    id="arzt-taetigkeit"
                    class=SELECT_CLASS
                    on:change=move |ev| set_activity("taetigkeit", event_target_value(&ev))
                >
                    <option value="" selected=move || activity.get().is_empty()>"alle"</option>
                    <option value="aktiv" selected=move || activity.get() == "aktiv">"aktiv"</option>
                    <option value="beendet" selected=move || activity.get() == "beendet">"beendet"</option>
                </select>
            </div>
        </div>
        <div class="mt-4 flex flex-wrap items-center gap-4">
            <p role="status" data-testid="grid-counts">
                {move || match table_state.get() {
                    TableState::FirstRows { .. } if filters_active.get() => {
                        "Alle Einträge werden geladen …".to_owned()
                    }
                    TableState::FirstRows { total } => format!(
                        "Die ersten {} von {total} angezeigt, alle werden geladen …",
                        filtered_count.get()
                    ),
                    _ => format!("{} von {} angezeigt", filtered_count.get(), table.record_count()),
                }}
                ", "
                <span data-testid="selected-count">{move || selected_count.get()}</span>
                " ausgewählt"
            </p>
            <button
                type="button"
                class=BUTTON_SECONDARY
                disabled=move || partial.get()
                on:click=select_all_filtered
            >
                "Alle gefilterten auswählen"
            </button>
            <button
                type="button"
                class=BUTTON_SECONDARY
                disabled=move || selected_count.get() == 0
                on:click=move |_| selected.set(HashSet::new())
            >
                "Auswahl aufheben"
            </button>
        </div>
        {move || match shown.get() {
            Shown::Loading => view! { <p role="status" class="mt-4 text-slate-600">"Ärztinnen und Ärzte werden geladen …"</p> }.into_any(),
            Shown::Failed(message) => view! { <p role="alert" class="mt-4 text-red-800">{message}</p> }.into_any(),
            Shown::Grid => view! { <Grid data partial /> }.into_any(),
        }}
        <Show when=move || can_edit.get()>
            <BulkSection />
        </Show>
        <CsvPanel can_edit />
        <p class="mt-8">
            <button type="button" class=BUTTON_SECONDARY on:click=move |_| physicians.reload()>
                "Neu laden"
            </button>
        </p>
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Loading,
    Failed(String),
    Grid,
}

/// The bulk edit panel: its code is a chunk of its own, fetched once something is selected
/// (until then a line says what the panel is for); once there, it stays.
#[component]
fn BulkSection() -> impl IntoView {
    let data = expect_context::<DirectoryData>();
    let wanted = Memo::new(move |before: Option<&bool>| {
        before == Some(&true)
            || is_loaded(Area::DirectoryBulk)
            || data.selected.with(|s| !s.is_empty())
    });
    move || {
        if wanted.get() {
            view! { <LazyArea area=Area::DirectoryBulk /> }.into_any()
        } else {
            view! {
                <section class=format!("mt-8 {CARD_CLASS}") aria-labelledby="sammel-titel">
                    <h2 id="sammel-titel" class="text-lg font-semibold text-blue-950">"Sammeländerung"</h2>
                    <p class="mt-1 text-slate-700">
                        "Wählen Sie in der Tabelle Ärztinnen und Ärzte aus, um sie gemeinsam zu ändern: Tätigkeit an einem Standort beenden, Standort hinzufügen oder ein Feld setzen."
                    </p>
                </section>
            }
            .into_any()
        }
    }
}

/// The virtually scrolled table: only the visible rows (plus a buffer) exist in the page;
/// `partial` while it holds only the first rows (busy for assistive technology).
#[component]
fn Grid(data: DirectoryData, partial: Memo<bool>) -> impl IntoView {
    let DirectoryData {
        selected, filtered, ..
    } = data;
    let scroll_top = RwSignal::new(0.0f64);
    let active = RwSignal::new(0usize);
    let anchor = RwSignal::new(None::<usize>);
    let container = NodeRef::<leptos::html::Div>::new();
    let total = Memo::new(move |_| filtered.with(Vec::len));
    // A filter change puts other records under the positions: a range anchor no longer means
    // anything, and the row that takes Tab must still exist.
    Effect::new(move |_| {
        filtered.track();
        anchor.set(None);
        let len = total.get_untracked();
        if active.get_untracked() >= len {
            active.set(len.saturating_sub(1));
        }
    });
    let window = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_HEIGHT) as usize;
        let visible = (VIEW_HEIGHT / ROW_HEIGHT).ceil() as usize;
        let start = first.saturating_sub(BUFFER);
        let end = (first + visible + BUFFER).min(total.get());
        (start, end.max(start))
    });
    // Positions (in the filtered list) of the rendered rows. A row's element stays with its
    // position and shows whichever record is there: a filter keystroke updates the texts of the
    // rows on screen instead of building new ones (building a row costs far more than updating it).
    let positions = move || {
        let (start, end) = window.get();
        start..end
    };
    let id_at = move |pos: usize| -> Option<i64> {
        data.with_records_untracked(|all| {
            filtered.with_untracked(|f| f.get(pos).map(|&i| all[i].id))
        })
    };
    let toggle = move |pos: usize, shift: bool| {
        let Some(id) = id_at(pos) else { return };
        match (shift, anchor.get_untracked()) {
            (true, Some(from)) => {
                let (a, b) = if from <= pos {
                    (from, pos)
                } else {
                    (pos, from)
                };
                let ids: Vec<i64> = data.with_records_untracked(|all| {
                    filtered.with_untracked(|f| {
                        f[a..=b.min(f.len() - 1)]
                            .iter()
                            .map(|&i| all[i].id)
                            .collect()
                    })
                });
                selected.update(|s| s.extend(ids));
            }
            _ => selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            }),
        }
        anchor.set(Some(pos));
        active.set(pos);
    };
    let focus_row = move |pos: usize| {
        active.set(pos);
        if let Some(el) = container.get_untracked() {
            let top = pos as f64 * ROW_HEIGHT;
            let current = el.scroll_top() as f64;
            if top < current {
                el.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > current + VIEW_HEIGHT {
                el.set_scroll_top((top + ROW_HEIGHT - VIEW_HEIGHT) as i32);
            }
            scroll_top.set(el.scroll_top() as f64);
        }
        if let Some(id) = id_at(pos) {
            // Focus at once when the row is rendered (the next key goes to it), else after the
            // render that brings it in.
            let element_id = format!("arzt-zeile-{id}");
            if document().get_element_by_id(&element_id).is_some() {
                crate::components::form::focus_by_id(&element_id);
            } else {
                crate::components::form::focus_soon(element_id);
            }
        }
    };
    let navigate = use_navigate();
    let on_key = move |ev: web_sys::KeyboardEvent, pos: usize, id: i64| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            if pos + 1 < total.get_untracked() {
                focus_row(pos + 1);
            }
        }
        "ArrowUp" => {
            ev.prevent_default();
            if pos > 0 {
                focus_row(pos - 1);
            }
        }
        "Home" => {
            ev.prevent_default();
            focus_row(0);
        }
        "End" => {
            ev.prevent_default();
            focus_row(total.get_untracked().saturating_sub(1));
        }
        " " => {
            ev.prevent_default();
            toggle(pos, ev.shift_key());
        }
        "Enter" => {
            ev.prevent_default();
            navigate(&Route::DirectoryPhysician { id }.href(), Default::default());
        }
        _ => {}
    };

    view! {
        // On a phone the columns keep their width and the grid scrolls sideways in its frame.
        <div class="relative mt-4 overflow-x-auto rounded border border-slate-300 bg-white">
        <div
            role="grid"
            aria-labelledby="arztverzeichnis-titel"
            aria-multiselectable="true"
            aria-busy=move || partial.get().to_string()
            aria-rowcount=move || total.get() + 1
            class="min-w-[48rem]"
        >
            <div role="rowgroup" class="border-b border-slate-300 bg-slate-100 pr-4 font-semibold text-slate-900">
                <div role="row" aria-rowindex="1" class="grid grid-cols-[3rem_2fr_1fr_1fr_2fr_2fr] items-center" style:height=format!("{ROW_HEIGHT}px")>
                    <div role="columnheader" class="px-2"><span class="sr-only">"Auswahl"</span></div>
                    <div role="columnheader" class="px-2">"Name"</div>
                    <div role="columnheader" class="px-2">"Geburtsdatum"</div>
                    <div role="columnheader" class="px-2">"ANR"</div>
                    <div role="columnheader" class="px-2">"Standorte (Ende)"</div>
                    <div role="columnheader" class="px-2">"Status"</div>
                </div>
            </div>
            <div
                node_ref=container
                data-testid="physician-grid"
                class="relative overflow-y-auto"
                style:height=format!("{VIEW_HEIGHT}px")
                on:scroll=move |ev| {
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                        scroll_top.set(el.scroll_top() as f64);
                    }
                }
            >
                <div role="rowgroup" class="relative" style:height=move || format!("{}px", total.get() as f64 * ROW_HEIGHT)>
                    <For
                        each=positions
                        key=|pos| *pos
                        children=move |pos| {
                            let on_key = on_key.clone();
                            let row = Memo::new(move |_| {
                                data.with_records(|all| {
                                    filtered.with(|f| f.get(pos).map(|&i| RowText::of(&all[i])))
                                })
                            });
                            let text = move |f: fn(&RowText) -> String| {
                                move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
                            };
                            let id = move || row.with(|r| r.as_ref().map_or(0, |r| r.id));
                            let is_selected = Memo::new(move |_| {
                                let id = id();
                                selected.with(|s| s.contains(&id))
                            });
                            view! {
                                <div
                                    role="row"
                                    id=move || format!("arzt-zeile-{}", id())
                                    data-testid="physician-row"
                                    data-id=id
                                    aria-rowindex=pos + 2
                                    aria-selected=move || is_selected.get().to_string()
                                    tabindex=move || if active.get() == pos { "0" } else { "-1" }
                                    class="absolute left-0 right-0 grid cursor-pointer grid-cols-[3rem_2fr_1fr_1fr_2fr_2fr] items-center border-b border-slate-100 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-blue-700 aria-selected:bg-blue-100"
                                    style:top=format!("{}px", pos as f64 * ROW_HEIGHT)
                                    style:height=format!("{ROW_HEIGHT}px")
                                    on:keydown=move |ev| on_key(ev, pos, untrack(id))
                                    on:click=move |ev| {
                                        let target_is_link = ev
                                            .target()
                                            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                                            .is_some_and(|el| el.tag_name() == "A" || el.tag_name() == "INPUT");
                                        if !target_is_link {
                                            toggle(pos, ev.shift_key());
                                        }
                                    }
                                >
                                    <div role="gridcell" class="px-2">
                                        <input
                                            type="checkbox"
                                            tabindex="-1"
                                            class="h-4 w-4"
                                            aria-label=text(|r| format!("{} auswählen", r.name))
                                            prop:checked=move || is_selected.get()
                                            on:click=move |ev| {
                                                // No prevent_default: a cancelled click makes the
                                                // browser restore the old tick after this handler,
                                                // so the box would disagree with the selection.
                                                // The box shows the selection instead.
                                                toggle(pos, ev.shift_key());
                                                let input: web_sys::HtmlInputElement = event_target(&ev);
                                                input.set_checked(is_selected.get_untracked());
                                            }
                                        />
                                    </div>
                                    <div role="gridcell" class="truncate px-2">
                                        <a href=move || Route::DirectoryPhysician { id: id() }.href() tabindex="-1" class=LINK_CLASS>{text(|r| r.name.clone())}</a>
                                    </div>
                                    <div role="gridcell" class="truncate px-2">{text(|r| r.birth.clone())}</div>
                                    <div role="gridcell" class="truncate px-2 font-mono">{text(|r| r.anr.clone())}</div>
                                    <div role="gridcell" class="truncate px-2" title=text(|r| r.sites.clone())>{text(|r| r.sites.clone())}</div>
                                    <div role="gridcell" class="truncate px-2">{text(|r| r.status.to_owned())}</div>
                                </div>
                            }
                        }
                    />
                </div>
            </div>
        </div>
        </div>
        <p class="mt-1 text-sm text-slate-600">
            "Pfeiltasten wechseln die Zeile, Leertaste wählt aus, Eingabe öffnet; Umschalt+Klick wählt einen Bereich."
        </p>
    }
}

/// What a grid row shows of a record.
#[derive(Debug, Clone, PartialEq)]
struct RowText {
    id: i64,
    name: String,
    birth: String,
    anr: String,
    sites: String,
    status: &'static str,
}

impl RowText {
    fn of(record: &PhysicianRecord) -> RowText {
        RowText {
            id: record.id,
            name: display_name(record),
            birth: record
                .form
                .birth_date
                .map(|d| d.to_german())
                .unwrap_or_default(),
            anr: record.form.anr.clone().unwrap_or_default(),
            sites: display_sites(record),
            status: record.request_state.label(),
        }
    }
}
