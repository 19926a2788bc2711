//! Public page "Nummernprüfung": live check of ANR, IK, site number and LBNR in wasm (domain
//! crate), and the same check asked of the server to show that both agree.
use le_domain::NumberKind;
use le_domain::api::validate::{
    NumberInfo, ValidateItem, ValidateRequest, ValidateResult, check_number,
};
use leptos::prelude::*;

use crate::api;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;

/// The server's answer for one (kind, value) pair.
#[derive(Debug, Clone, PartialEq)]
enum ServerCheck {
    Idle,
    Pending,
    Answered(ValidateResult),
    Failed(String),
}

#[component]
pub fn NumberCheck() -> impl IntoView {
    set_page_title("Nummernprüfung");
    let kind = RwSignal::new(NumberKind::Ik);
    let value = RwSignal::new(String::new());
    // The live result is derived: it can never disagree with the input.
    let local = Memo::new(move |_| check_number(kind.get(), &value.get()));
    let is_empty = Memo::new(move |_| value.read().trim().is_empty());
    // A number still being typed gets a neutral hint, not a red verdict.
    let incomplete = Memo::new(move |_| le_domain::numbers::incomplete_hint(&value.read()));
    let server = RwSignal::new(ServerCheck::Idle);

    // A server answer only counts for the input it was asked about.
    let server_view = move || match server.get() {
        ServerCheck::Answered(ref r) if r.kind != kind.get() || r.value != value.get() => {
            ServerCheck::Idle
        }
        other => other,
    };

    let check = Mutation::new(
        |_, item: ValidateItem| async move {
            api::validate(&ValidateRequest { items: vec![item] }).await
        },
        move |answer| {
            server.set(match answer {
                Ok(mut response) if response.results.len() == 1 => {
                    response.results.pop().map_or_else(
                        || ServerCheck::Failed("Leere Antwort des Servers.".to_owned()),
                        ServerCheck::Answered,
                    )
                }
                Ok(_) => ServerCheck::Failed("Unerwartete Antwort des Servers.".to_owned()),
                Err(failure) => ServerCheck::Failed(failure.message),
            });
        },
    );
    let ask_server = move || {
        let item = ValidateItem {
            kind: kind.get_untracked(),
            value: value.get_untracked(),
        };
        if check.run(item) {
            server.set(ServerCheck::Pending);
        }
    };

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Nummernprüfung"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Prüfen Sie eine Arztnummer, ein Institutionskennzeichen, eine Standortnummer oder eine Beschäftigtennummer. "
            "Das Ergebnis erscheint schon während der Eingabe; dieselben Regeln gelten auf dem Server."
        </p>
        <form
            class="mt-6 max-w-3xl space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
            on:submit=move |ev| {
                ev.prevent_default();
                ask_server();
            }
        >
            <fieldset>
                <legend class="text-sm font-semibold text-slate-900">"Art der Nummer"</legend>
                <div class="mt-2 flex flex-wrap gap-x-6 gap-y-2">
                    {NumberKind::ALL
                        .into_iter()
                        .map(|k| {
                            let id = format!("art-{}", k.as_str());
                            view! {
                                <div class="flex items-center gap-2">
                                    <input
                                        type="radio"
                                        name="art"
                                        id=id.clone()
                                        value=k.as_str()
                                        class="h-4 w-4 accent-blue-800"
                                        prop:checked=move || kind.get() == k
                                        on:change=move |_| kind.set(k)
                                    />
                                    <label for=id class="text-slate-800">{k.label()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <div>
                <label for="nummer" class="block text-sm font-semibold text-slate-900">"Nummer"</label>
                <input
                    id="nummer"
                    name="nummer"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    spellcheck="false"
                    class="mt-1 block w-full max-w-xs rounded border border-slate-400 px-3 py-2 font-mono text-lg tracking-widest focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-700 aria-[invalid=true]:border-red-700"
                    aria-describedby="nummer-ergebnis"
                    aria-invalid=move || (!is_empty.get() && incomplete.read().is_none() && !local.read().valid).to_string()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <DigitBoxes value=value result=local />
            </div>
            <div id="nummer-ergebnis" role="status" aria-live="polite" data-testid="local-result">
                <Show
                    when=move || !is_empty.get()
                    fallback=move || {
                        view! {
                            <p class="text-slate-600">
                                {move || format!("Bitte {} eingeben.", kind.get().with_indefinite_article())}
                            </p>
                        }
                    }
                >
                    {move || match incomplete.get() {
                        Some(hint) => view! { <p class="text-slate-700" data-testid="number-progress">{hint}</p> }.into_any(),
                        None => view! { <LocalResult result=local /> }.into_any(),
                    }}
                </Show>
            </div>
            <div class="flex flex-wrap items-center gap-4 border-t border-slate-200 pt-4">
                <button
                    type="submit"
                    class="rounded bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2 disabled:bg-slate-400"
                    // Not disabled while the server answers: a disabled button would drop the focus.
                    disabled=move || is_empty.get()
                    aria-busy=move || (server.get() == ServerCheck::Pending).to_string()
                >
                    "Vom Server prüfen lassen"
                </button>
                <div role="status" aria-live="polite" data-testid="server-result" class="min-w-0 flex-1">
                    {move || server_answer(server_view(), local.get())}
                </div>
            </div>
        </form>
    }
}

/// The verdict of the server next to the browser's own.
fn server_answer(check: ServerCheck, local: ValidateResult) -> Option<AnyView> {
    let view = match check {
        ServerCheck::Idle => return None,
        ServerCheck::Pending => view! { <p class="text-slate-600">"Server prüft …"</p> }.into_any(),
        ServerCheck::Failed(message) => {
            view! { <p class="font-medium text-red-800">{message}</p> }.into_any()
        }
        ServerCheck::Answered(remote) => {
            let verdict = if remote.valid { "gültig" } else { "ungültig" };
            let detail = remote
                .errors
                .first()
                .map(|e| format!(" – {}", e.message.trim_end_matches('.')))
                .unwrap_or_default();
            if remote == local {
                view! {
                    <p class="font-medium text-green-800">
                        {format!("Server: {verdict}{detail}. Browser und Server stimmen überein.")}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p class="font-medium text-red-800">
                        {format!("Server: {verdict}{detail}. Abweichung zwischen Browser und Server!")}
                    </p>
                }
                .into_any()
            }
        }
    };
    Some(view)
}

/// The typed characters, one box each; the one an error points at is marked.
#[component]
fn DigitBoxes(value: RwSignal<String>, result: Memo<ValidateResult>) -> impl IntoView {
    let marked = move || result.read().errors.first().and_then(|e| e.position);
    view! {
        <div class="mt-2 flex gap-1" aria-hidden="true" data-testid="digit-boxes">
            {move || {
                let marked = marked();
                // The digits as checked (grouping dropped), so that positions line up.
                le_domain::numbers::normalize_number(&value.get())
                    .chars()
                    .take(12)
                    .enumerate()
                    .map(|(i, c)| {
                        let wrong = marked == Some(i + 1);
                        let class = if wrong {
                            "flex h-9 w-7 items-center justify-center rounded border-2 border-red-700 bg-red-50 font-mono font-bold text-red-800"
                        } else {
                            "flex h-9 w-7 items-center justify-center rounded border border-slate-300 bg-slate-50 font-mono text-slate-800"
                        };
                        view! { <span class=class data-wrong=wrong.to_string()>{c.to_string()}</span> }
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// Verdict, errors and the meaning of the parts, for a non-empty input.
#[component]
fn LocalResult(result: Memo<ValidateResult>) -> impl IntoView {
    move || {
        let r = result.get();
        if r.valid {
            let rows = r.info.map(info_rows).unwrap_or_default();
            view! {
                <div class="rounded border border-green-700 bg-green-50 p-4">
                    <p class="font-semibold text-green-900">"✓ Gültig"</p>
                    <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                        {rows
                            .into_iter()
                            .map(|(term, detail)| {
                                view! {
                                    <dt class="font-medium text-slate-700">{term}</dt>
                                    <dd class="text-slate-900">{detail}</dd>
                                }
                            })
                            .collect_view()}
                    </dl>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="rounded border border-red-700 bg-red-50 p-4">
                    <p class="font-semibold text-red-900">"✗ Ungültig"</p>
                    <ul class="mt-1 list-disc pl-5 text-red-900">
                        {r
                            .errors
                            .into_iter()
                            .map(|e| view! { <li data-code=e.code>{e.message}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        }
    }
}

/// What the parts of a valid number mean, as (term, detail) rows.
fn info_rows(info: NumberInfo) -> Vec<(&'static str, String)> {
    match info {
        NumberInfo::Anr(a) => {
            let mut rows = vec![
                ("Lebenslange Arztnummer (Stellen 1–6)", a.lifelong_id),
                ("Prüfziffer (Stelle 7)", a.check_digit.to_string()),
                ("Fachgruppe (Stellen 8–9)", a.specialty_group),
            ];
            if let Some(p) = a.pseudo {
                rows.push(("Pseudonummer", p.label().to_owned()));
            }
            rows
        }
        NumberInfo::Ik(i) => vec![
            (
                "Klassifikation (Stellen 1–2)",
                labelled(i.classification, i.classification_label),
            ),
            (
                "Regionalbereich (Stellen 3–4)",
                labelled(i.region, i.region_label),
            ),
            ("Seriennummer (Stellen 5–8)", i.serial),
            ("Prüfziffer (Stelle 9)", i.check_digit.to_string()),
        ],
        NumberInfo::Site(s) => {
            let mut rows = vec![
                ("Art", s.site_kind.label().to_owned()),
                ("Standortkennung (Stellen 3–6)", s.site_id),
                ("Standort", s.parent_site),
            ];
            if let Some(unit) = s.unit_type {
                rows.push(("Ambulanzart (Stellen 8–9)", unit));
            }
            rows
        }
        NumberInfo::Lbnr(l) => {
            let mut rows = vec![("Bedeutung", l.description)];
            if let Some(until) = l.substitute_valid_until {
                rows.push(("Ersatznummer zulässig bis", german_date(&until)));
            }
            rows
        }
    }
}

fn labelled(code: String, label: Option<String>) -> String {
    match label {
        Some(label) => format!("{code} – {label}"),
        None => code,
    }
}

/// "2023-09-30" → "30.09.2023"
fn german_date(iso: &str) -> String {
    let mut parts = iso.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}.{m}.{y}"),
        _ => iso.to_owned(),
    }
}
