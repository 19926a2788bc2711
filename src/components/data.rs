//! Read-only displays built from data, so that every list and table of the app shares one
//! rendering (and one copy of its code in the wasm).
use leptos::prelude::*;

/// One term and its detail; `testid` marks the detail for the browser tests.
pub type Row = (&'static str, String, Option<&'static str>);

/// A term/detail list in two columns.
#[component]
pub fn DefList(rows: Vec<Row>, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <dl class=format!("grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 {class}")>
            {rows
                .into_iter()
                .map(|(term, detail, testid)| {
                    view! {
                        <dt class="font-medium text-slate-700">{term}</dt>
                        <dd class="min-w-0 break-words text-slate-900" data-testid=testid>{detail}</dd>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// A plain row without test id.
pub fn row(term: &'static str, detail: impl Into<String>) -> Row {
    (term, detail.into(), None)
}

/// A table of text cells; `columns` are (header, cell class). Scrolls sideways on narrow screens
/// (the scroll region is focusable, so keyboard users can scroll it too).
#[component]
pub fn TextTable(
    /// Id of the heading that names the table.
    labelled_by: &'static str,
    columns: &'static [(&'static str, &'static str)],
    rows: Vec<Vec<String>>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="relative mt-3 overflow-x-auto rounded border border-slate-200 bg-white" role="region" aria-labelledby=labelled_by tabindex="0">
            <table class="min-w-full text-left text-sm" data-testid=testid>
                <thead class="bg-slate-100 text-slate-800">
                    <tr>
                        {columns.iter().map(|(h, _)| view! { <th scope="col" class="px-3 py-2">{*h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|cells| {
                            view! {
                                <tr class="border-t border-slate-200">
                                    {cells
                                        .into_iter()
                                        .zip(columns.iter())
                                        .map(|(text, (_, class))| view! { <td class=format!("px-3 py-2 align-top {class}")>{text}</td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
