//! MD admin page "Registrierungen": registrations by state, the uploaded agreement, approval
//! (which shows the credential letter once), rejection with a reason, and re-issuing letters.
use le_domain::api::access::{
    CredentialLetter, RegistrationState, RegistrationSummary, RejectRequest,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::confirm::ConfirmAction;
use crate::components::credential_letter::CredentialLetterView;
use crate::components::data::{DefList, row};
use crate::components::form::{
    BUTTON_DANGER, BUTTON_PRIMARY, BUTTON_SECONDARY, ERROR_CLASS, INPUT_CLASS, LABEL_CLASS,
    LINK_CLASS, Notice, focus_by_id, focus_soon,
};
use crate::components::guard::{RequireSession, is_md_admin};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::format;
use crate::routes::Route;

/// The filter tabs: (query value, state, label).
const TABS: [(&str, RegistrationState, &str); 4] = [
    ("offen", RegistrationState::Pending, "In Prüfung"),
    ("freigegeben", RegistrationState::Approved, "Freigegeben"),
    ("abgelehnt", RegistrationState::Rejected, "Abgelehnt"),
    ("abgelaufen", RegistrationState::Expired, "Abgelaufen"),
];

/// Which row has its rejection form open.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Reject(i64),
}

/// A decision on one registration.
#[derive(Debug, Clone)]
enum Decision {
    Approve(RegistrationSummary),
    Reissue(RegistrationSummary),
    Reject(RegistrationSummary, String),
}

impl Decision {
    fn id(&self) -> i64 {
        match self {
            Decision::Approve(r) | Decision::Reissue(r) | Decision::Reject(r, _) => r.id,
        }
    }
}

/// What a decision answered, with the message to show.
enum Decided {
    /// Boxed: much larger than the other answer.
    Letter(Box<CredentialLetter>, String),
    Rejected(String),
}

#[component]
pub fn AdminRegistrations() -> impl IntoView {
    set_page_title("Registrierungen");
    view! {
        <RequireSession allowed=is_md_admin>
            <Registrations />
        </RequireSession>
    }
}

#[component]
fn Registrations() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| {
        let wanted = query.read().get("status").unwrap_or_default();
        TABS.iter()
            .find(|(q, _, _)| *q == wanted)
            .map_or(RegistrationState::Pending, |(_, s, _)| *s)
    });
    let list = api::Load::new(move || {
        let state = state.get();
        async move { api::access::admin_registrations(state).await }
    });
    let letter = RwSignal::new(None::<CredentialLetter>);
    let open = RwSignal::new(None::<Open>);
    let notice = RwSignal::new(None::<Result<String, String>>);

    let show_letter = move |l: CredentialLetter| {
        letter.set(Some(l));
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
        focus_soon("brief-drucken".to_owned());
    };
    let decide = Mutation::with_notice(
        notice,
        |csrf, decision: Decision| async move {
            Ok(match decision {
                Decision::Approve(r) => {
                    // The card enables approval of a shared Haupt-IK only after the explicit
                    // decision.
                    let request = le_domain::api::access::ApproveRequest {
                        confirm_shared_main_ik: !r.same_main_ik.is_empty(),
                    };
                    let letter = api::access::approve_registration(&csrf, r.id, &request).await?;
                    Decided::Letter(
                        Box::new(letter),
                        format!(
                            "„{}“ ist freigegeben. Das Zugangsschreiben wird angezeigt.",
                            r.name
                        ),
                    )
                }
                Decision::Reissue(r) => {
                    let letter = api::access::reissue_letter(&csrf, r.id).await?;
                    Decided::Letter(
                        Box::new(letter),
                        format!(
                            "Neue Zugangsdaten für „{}“ ausgestellt. Das Zugangsschreiben wird angezeigt.",
                            r.name
                        ),
                    )
                }
                Decision::Reject(r, reason) => {
                    api::access::reject_registration(&csrf, r.id, &RejectRequest { reason })
                        .await?;
                    Decided::Rejected(format!("Die Registrierung von „{}“ ist abgelehnt.", r.name))
                }
            })
        },
        move |answer| match answer {
            Ok(Decided::Letter(l, message)) => {
                notice.set(Some(Ok(message)));
                show_letter(*l);
            }
            Ok(Decided::Rejected(message)) => {
                open.set(None);
                notice.set(Some(Ok(message)));
                list.reload();
                focus_by_id("registrierungen");
            }
            Err(_) => {}
        },
    );
    let busy = Signal::derive(move || decide.running_input(Decision::id));
    let approve = move |r: RegistrationSummary| {
        let progress = format!("„{}“ wird freigegeben …", r.name);
        decide.run_with(&progress, Decision::Approve(r));
    };
    let reissue = move |r: RegistrationSummary| {
        decide.run(Decision::Reissue(r));
    };
    let reject = move |r: RegistrationSummary, reason: String| {
        decide.run(Decision::Reject(r, reason));
    };

    let close_letter = Callback::new(move |()| {
        letter.set(None);
        list.reload();
        focus_soon("registrierungen".to_owned());
    });

    move || {
        match letter.get() {
        Some(l) => view! {
            <h1 class="mb-4 text-2xl font-bold text-blue-950 print:hidden">"Zugangsschreiben"</h1>
            <div class="print:hidden"><Notice message=notice /></div>
            <CredentialLetterView letter=l on_close=close_letter />
        }
        .into_any(),
        None => view! {
            <h1 id="registrierungen" tabindex="-1" class="text-2xl font-bold text-blue-950 focus:outline-none">"Registrierungen"</h1>
            <p class="mt-2 max-w-3xl text-slate-700">
                "Prüfen Sie die Angaben und die unterschriebene Nutzungsvereinbarung, bevor Sie eine Einrichtung freigeben. "
                "Mit der Freigabe entstehen die Einrichtung und ihr primärer Benutzer; das Zugangsschreiben wird einmal angezeigt."
            </p>
            <nav aria-label="Stand der Registrierungen" class="mt-6 border-b border-slate-300">
                <ul class="flex flex-wrap gap-1">
                    {TABS
                        .iter()
                        .map(|(q, s, label)| {
                            let s = *s;
                            view! {
                                <li>
                                    <a
                                        href=Route::AdminRegistrations.href_with(&format!("status={q}"))
                                        aria-current=move || (state.get() == s).then_some("page")
                                        class="-mb-px block rounded-t border border-transparent px-4 py-2 font-medium text-slate-700 hover:text-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 aria-[current=page]:border-slate-300 aria-[current=page]:border-b-white aria-[current=page]:bg-white aria-[current=page]:text-blue-900"
                                    >
                                        {*label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <div class="mt-4"><Notice message=notice /></div>
            {move || match list.get() {
                None => view! { <p role="status" class="mt-6 text-slate-600">"Wird geladen …"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p role="alert" class="mt-6 font-medium text-red-800">{failure.message}</p> }.into_any()
                }
                Some(Ok(rows)) if rows.is_empty() => view! {
                    <p class="mt-6 text-slate-700">
                        {format!("Keine Registrierungen „{}“.", TABS.iter().find(|t| t.1 == state.get_untracked()).map_or("", |t| t.2))}
                    </p>
                }
                .into_any(),
                Some(Ok(rows)) => view! {
                    <ul class="mt-6 space-y-4" data-testid="registration-list">
                        {rows
                            .into_iter()
                            .map(|r| view! {
                                <RegistrationCard
                                    registration=r
                                    open=open
                                    busy=busy
                                    on_approve=Callback::new(approve)
                                    on_reject=Callback::new(move |(r, reason)| reject(r, reason))
                                    on_reissue=Callback::new(reissue)
                                />
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        }
        .into_any(),
    }
    }
}

#[component]
fn RegistrationCard(
    registration: RegistrationSummary,
    open: RwSignal<Option<Open>>,
    busy: Signal<Option<i64>>,
    on_approve: Callback<RegistrationSummary>,
    on_reject: Callback<(RegistrationSummary, String)>,
    on_reissue: Callback<RegistrationSummary>,
) -> impl IntoView {
    let r = registration;
    let id = r.id;
    let heading_id = format!("registrierung-{id}");
    let is_busy = move || busy.get() == Some(id);
    let address = format!("{}, {} {}", r.street, r.postal_code, r.city);
    let ik = match &r.main_ik {
        Some(main) if *main != r.ik => format!("{} (Haupt-IK {main})", r.ik),
        _ => r.ik.clone(),
    };
    let mut rows = vec![
        row("Vorgangsnummer", r.reference.clone()),
        row("Art", r.kind.label()),
        row("IK", ik),
        row("Anschrift", address),
        row(
            "Primärer Benutzer",
            format!(
                "{} ({}), Benutzername {}",
                r.admin_name, r.admin_email, r.admin_username
            ),
        ),
        row("Eingegangen am", format::date_time(&r.submitted_at)),
    ];
    if let Some(at) = &r.decided_at {
        rows.push(row("Entschieden am", format::date_time(at)));
    }
    if let Some(reason) = &r.reject_reason {
        rows.push(row("Grund der Ablehnung", reason.clone()));
    }
    let actions = match r.state {
        RegistrationState::Pending => {
            let for_approve = r.clone();
            let for_reject = r.clone();
            let shared = !r.same_main_ik.is_empty();
            // A second institution under a Haupt-IK needs an explicit decision.
            let decided = RwSignal::new(!shared);
            let shared_id = format!("gemeinsame-haupt-ik-{id}");
            let shared_note = shared.then(|| {
                let main_ik = r.main_ik.clone().unwrap_or_else(|| r.ik.clone());
                let users = r
                    .same_main_ik
                    .iter()
                    .map(|i| format!("{} (IK {})", i.name, i.ik))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <div role="note" class="mb-3 rounded border border-amber-600 bg-amber-50 p-3 text-amber-950" data-testid="shared-main-ik">
                        <p>{format!("Die Haupt-IK {main_ik} wird bereits genutzt von: {users}.")}</p>
                        <p class="mt-1">"Nach der Freigabe sieht diese Einrichtung die Daten der Haupt-IK erst, wenn die bestehende Einrichtung den Zugriff bestätigt."</p>
                        <div class="mt-2 flex items-center gap-2">
                            <input id=shared_id.clone() type="checkbox" class="h-4 w-4"
                                prop:checked=move || decided.get()
                                on:change=move |ev| decided.set(event_target_checked(&ev)) />
                            <label for=shared_id.clone()>"Geprüft: als weitere Einrichtung unter dieser Haupt-IK freigeben"</label>
                        </div>
                    </div>
                }
            });
            view! {
                {shared_note}
                <div class="flex flex-wrap gap-3">
                    <button
                        type="button"
                        class=BUTTON_PRIMARY
                        aria-busy=move || is_busy().to_string()
                        aria-label=format!("Freigeben: {}", r.name)
                        disabled=move || !decided.get()
                        on:click=move |_| on_approve.run(for_approve.clone())
                    >
                        "Freigeben"
                    </button>
                    <button
                        id=format!("ablehnen-{id}")
                        type="button"
                        class=BUTTON_SECONDARY
                        aria-expanded=move || (open.get() == Some(Open::Reject(id))).to_string()
                        on:click=move |_| {
                            open.set(Some(Open::Reject(id)));
                            focus_soon(format!("grund-{id}"));
                        }
                        aria-label=format!("Ablehnen: {}", r.name)
                    >
                        "Ablehnen"
                    </button>
                </div>
                <Show when=move || open.get() == Some(Open::Reject(id))>
                    <RejectForm registration=for_reject.clone() open=open on_reject=on_reject />
                </Show>
            }
            .into_any()
        }
        RegistrationState::Approved => {
            let for_reissue = r.clone();
            view! {
                <ConfirmAction
                    id=format!("neu-ausstellen-{id}")
                    label="Zugangsdaten neu ausstellen"
                    context=r.name.clone()
                    question="Das bisherige Einmal-Passwort und der bisherige Schlüssel der Authenticator-App werden sofort ungültig. Der primäre Benutzer muss die App mit dem neuen Schreiben neu einrichten. Fortfahren?"
                    confirm_label="Ja, neu ausstellen"
                    busy=Signal::derive(is_busy)
                    on_confirm=Callback::new(move |()| on_reissue.run(for_reissue.clone()))
                />
            }
            .into_any()
        }
        RegistrationState::Rejected | RegistrationState::Expired => ().into_any(),
    };
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h2 id=heading_id class="text-lg font-semibold text-slate-900">{r.name.clone()}</h2>
            <DefList rows=rows class="mt-3" />
            <p class="mt-2">
                <a href=api::access::agreement_url(id) target="_blank" rel="noopener" class=LINK_CLASS>
                    "Vereinbarung ansehen"
                    <span class="sr-only">{format!(" von {}", r.name)}</span>
                </a>
                <span class="text-sm text-slate-600">
                    {format!(" ({}, {}, öffnet in neuem Tab)", r.agreement_file_name, format::file_size(r.agreement_size))}
                </span>
            </p>
            <div class="mt-4 space-y-3">{actions}</div>
        </li>
    }
}

/// The reason for a rejection (required; the applicant sees it on the status page).
#[component]
fn RejectForm(
    registration: RegistrationSummary,
    open: RwSignal<Option<Open>>,
    on_reject: Callback<(RegistrationSummary, String)>,
) -> impl IntoView {
    let id = registration.id;
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let error = Memo::new(move |_| {
        (tried.get() && reason.read().trim().is_empty()).then_some(
            "Bitte einen Grund angeben; die Einrichtung sieht ihn beim Stand der Registrierung.",
        )
    });
    let field = format!("grund-{id}");
    let error_id = format!("grund-{id}-fehler");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            focus_by_id(&format!("grund-{id}"));
            return;
        }
        on_reject.run((registration.clone(), text));
    };
    view! {
        <form class="space-y-3 rounded border border-slate-300 bg-slate-50 p-4" novalidate on:submit=submit>
            <label for=field.clone() class=LABEL_CLASS>"Grund der Ablehnung"</label>
            <textarea
                id=field
                rows="3"
                class=INPUT_CLASS
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))
            ></textarea>
            <p id=error_id class=ERROR_CLASS>{move || error.get()}</p>
            <div class="flex flex-wrap gap-3">
                <button type="submit" class=BUTTON_DANGER>"Ablehnung senden"</button>
                <button
                    type="button"
                    class=BUTTON_SECONDARY
                    on:click=move |_| {
                        open.set(None);
                        focus_soon(format!("ablehnen-{id}"));
                    }
                >
                    "Abbrechen"
                </button>
            </div>
        </form>
    }
}
