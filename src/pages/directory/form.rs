//! `/arztverzeichnis/neu` and `/arztverzeichnis/{id}`: the physician form with live validation
//! (the domain's rules, as the server runs them), saving with optimistic concurrency and the
//! ANR request with its outcome.
use le_domain::FieldError;
use le_domain::access::Permission;
use le_domain::api::directory::{SiteList, UpdatePhysicianRequest};
use le_domain::directory::{
    Date, PhysicianForm, PhysicianRecord, RequestState, Sex, SiteAssignment, SpecialtyCatalog,
    SpecialtyEntry,
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::common::hospital_sites_of;
use crate::api::{ApiFailure, Load, directory as api};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, ERROR_CLASS, INPUT_CLASS, LABEL_CLASS,
    LINK_CLASS, Notice, ServerErrors, Touched, field_message, focus_soon,
};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::contexts::session::Session;
use crate::dates::{parse_input, today};
use crate::routes::Route;

/// The form's field errors through the app's one mechanism ([`Touched`], [`ServerErrors`]): a
/// local rule error shows once the field was left or the form submitted (number fields answer
/// while typing, like everywhere else), a server error while the field still holds the value
/// the server refused. Looked up by the field's path (`sites[0].end`).
#[derive(Clone, Copy)]
struct Errors {
    local: Memo<Vec<FieldError>>,
    touched: Touched,
    server: ServerErrors,
    form: RwSignal<PhysicianForm>,
}

impl Errors {
    fn message(&self, path: &str) -> Option<String> {
        self.message_for(path, None)
    }

    /// `number`: the current value of a number field. It is checked live: a partly typed number
    /// only gets the neutral progress hint until the field is left, anything else its error.
    fn message_for(&self, path: &str, number: Option<&str>) -> Option<String> {
        let live = number.is_some_and(|v| {
            !v.trim().is_empty() && le_domain::numbers::incomplete_number(v, 9).is_none()
        });
        let local = if live {
            self.local.with(|errors| field_message(errors, path))
        } else {
            self.local
                .with(|errors| self.touched.message_in(errors, path))
        };
        local.or_else(|| {
            let current = self.form.with(|f| field_value(f, path));
            self.server.message(path, &current)
        })
    }

    /// Sets the errors of a refused save (each with the value it refers to).
    fn refused(&self, fields: Vec<FieldError>) {
        let form = self.form.get_untracked();
        self.server.set(fields, |path| field_value(&form, path));
    }
}

/// The value a field path holds, as text (what a server error refers to); "sites" stands for
/// the whole list of assignments.
fn field_value(form: &PhysicianForm, path: &str) -> String {
    let date = |d: Option<Date>| date_value(d);
    match path {
        "anr" => form.anr.clone().unwrap_or_default(),
        "sex" => form.sex.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        "doctoral_title" => form.doctoral_title.to_string(),
        "last_name" => form.last_name.clone(),
        "first_name" => form.first_name.clone(),
        "birth_date" => date(form.birth_date),
        "state_exam_date" => date(form.state_exam_date),
        "licence_date" => date(form.licence_date),
        "doctorate_date" => date(form.doctorate_date),
        "all_sites" | "sites" => format!("{}/{}", form.all_sites, form.sites.len()),
        "all_sites_start" => date(form.all_sites_start),
        "all_sites_end" => date(form.all_sites_end),
        other => {
            // `list[i].part`
            let Some((list, rest)) = other.split_once('[') else {
                return String::new();
            };
            let Some((index, part)) = rest.split_once("].") else {
                return String::new();
            };
            let i: usize = index.parse().unwrap_or(usize::MAX);
            match (list, part) {
                ("sites", "site_number") => form.sites.get(i).map(|s| s.site_number.clone()),
                ("sites", "start") => form.sites.get(i).map(|s| date(s.start)),
                ("sites", "end") => form.sites.get(i).map(|s| date(s.end)),
                ("specialties", "code") => form.specialties.get(i).map(|s| s.code.clone()),
                ("specialties", "date") => form.specialties.get(i).map(|s| date(s.date)),
                _ => None,
            }
            .unwrap_or_default()
        }
    }
}

/// The element id of a field path: `sites[0].end` → `arzt-sites-0-end`.
fn field_id(path: &str) -> String {
    let mut id = String::from("arzt-");
    for c in path.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

fn date_value(date: Option<Date>) -> String {
    date.map(Date::to_iso).unwrap_or_default()
}

/// A labelled input bound to one field of the form.
#[component]
fn Input(
    errors: Errors,
    path: String,
    label: String,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(default = "text")] kind: &'static str,
    /// Whether the field must be filled (may change, e.g. with a ticked box).
    #[prop(optional, into)]
    required: Signal<bool>,
    #[prop(optional)] disabled: Signal<bool>,
    /// A 9-digit number: checked while typing, with a neutral hint until it is complete.
    #[prop(optional)]
    number: bool,
) -> impl IntoView {
    let id = field_id(&path);
    let error_id = format!("{id}-fehler");
    let progress_id = format!("{id}-stand");
    let message = {
        let path = path.clone();
        Memo::new(move |_| {
            if number {
                value.with(|v| errors.message_for(&path, Some(v)))
            } else {
                errors.message(&path)
            }
        })
    };
    let progress = Memo::new(move |_| {
        if number && message.with(Option::is_none) {
            value.with(|v| le_domain::numbers::incomplete_hint(v))
        } else {
            None
        }
    });
    let path_blur = path.clone();
    view! {
        <div>
            <label for=id.clone() class=LABEL_CLASS>
                {label}
                {move || required.get().then_some(view! { <span class="font-normal text-slate-600">" (Pflichtfeld)"</span> })}
            </label>
            <input
                id=id
                type=kind
                class=if number { format!("{INPUT_CLASS} font-mono tracking-wider") } else { INPUT_CLASS.to_owned() }
                inputmode=number.then_some("numeric")
                autocomplete="off"
                aria-required=move || required.get().then_some("true")
                aria-describedby=if number { format!("{error_id} {progress_id}") } else { error_id.clone() }
                aria-invalid=move || message.with(Option::is_some).to_string()
                prop:value=move || value.get()
                disabled=move || disabled.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| errors.touched.touch(&path_blur)
            />
            <p id=error_id class=ERROR_CLASS>{move || message.get()}</p>
            {number.then(|| view! {
                <p id=progress_id class="mt-1 text-sm text-slate-600 empty:hidden" data-testid="number-progress">{move || progress.get()}</p>
            })}
        </div>
    }
}

/// A labelled select bound to one field; `options` are (value, label).
#[component]
fn Select(
    errors: Errors,
    path: String,
    label: String,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    options: Signal<Vec<(String, String)>>,
    #[prop(optional)] disabled: Signal<bool>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = field_id(&path);
    let error_id = format!("{id}-fehler");
    let message = {
        let path = path.clone();
        Memo::new(move |_| errors.message(&path))
    };
    view! {
        <div>
            <label for=id.clone() class=LABEL_CLASS>
                {label}
                {required.then_some(view! { <span class="font-normal text-slate-600">" (Pflichtfeld)"</span> })}
            </label>
            <select
                id=id
                class=INPUT_CLASS
                aria-describedby=error_id.clone()
                aria-invalid=move || message.with(Option::is_some).to_string()
                disabled=move || disabled.get()
                on:change=move |ev| {
                    errors.touched.touch(&path);
                    on_change.run(event_target_value(&ev));
                }
            >
                // The selection is a property of each option, kept in step with the value: a
                // record loaded after the first render (or options arriving later) shows as stored.
                <option value="" prop:selected=move || value.with(String::is_empty)>"– bitte wählen –"</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let option = v.clone();
                            view! { <option value=v prop:selected=move || value.with(|current| *current == option)>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p id=error_id class=ERROR_CLASS>{move || message.get()}</p>
        </div>
    }
}

#[component]
pub fn PhysicianEditor(id: Option<i64>) -> impl IntoView {
    set_page_title(if id.is_some() {
        "Ärztin/Arzt bearbeiten"
    } else {
        "Ärztin/Arzt anlegen"
    });
    let session = Session::use_context();
    let can_edit = Memo::new(move |_| {
        session
            .info()
            .is_some_and(|i| i.role.allows(Permission::EditDirectory))
    });
    let read_only = Signal::derive(move || !can_edit.get());
    let today = today();
    let form = RwSignal::new(PhysicianForm::default());
    let version = RwSignal::new(None::<i64>);
    let request_state = RwSignal::new(RequestState::NotRequested);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let conflict = RwSignal::new(false);
    let anr_outcome = RwSignal::new(None::<RequestState>);
    let query = use_query_map();
    if query.with_untracked(|q| q.get("gespeichert").is_some()) {
        notice.set(Some(Ok("Gespeichert.".to_owned())));
    }

    let sites: Load<SiteList> = Load::new(api::sites);
    let site_list = Memo::new(move |_| {
        sites.with(|s| match s {
            Some(Ok(list)) => list.sites.clone(),
            _ => Vec::new(),
        })
    });
    // The hospital's sites with their validity, removed ones too: an assignment kept from the
    // saved record may stay at a removed site (and be ended there), a new one may not.
    let hospital_sites = Memo::new(move |_| {
        sites.with(|s| match s {
            Some(Ok(list)) => hospital_sites_of(list),
            _ => Vec::new(),
        })
    });
    let saved = RwSignal::new(PhysicianForm::default());

    let errors = Errors {
        local: Memo::new(move |_| {
            form.with(|f| {
                saved.with(|s| hospital_sites.with(|h| f.validate_change(id.map(|_| s), today, h)))
            })
        }),
        touched: Touched::new(),
        server: ServerErrors::new(),
        form,
    };

    let anr_locked = RwSignal::new(false);
    let adopt = move |record: PhysicianRecord| {
        anr_locked.set(record.anr().is_some());
        saved.set(record.form.clone());
        form.set(record.form);
        version.set(Some(record.version));
        request_state.set(record.request_state);
    };
    // The stored record (none for a new one); "load the current state" after a conflict
    // reloads it.
    let record: Load<PhysicianRecord> = Load::new(move || async move {
        match id {
            Some(id) => api::physician(id).await,
            None => Err(ApiFailure::none()),
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = record.with(|r| r.cloned()) {
            adopt(loaded);
        }
    });
    let loading = move || id.is_some() && record.with(|r| r.is_none());
    let load_failure = move || {
        record.with(|r| match r {
            Some(Err(failure)) if id.is_some() => Some(failure.message.clone()),
            _ => None,
        })
    };

    let navigate = use_navigate();
    let save_call = Mutation::with_notice(
        notice,
        |csrf, (current, body): (Option<(i64, i64)>, PhysicianForm)| async move {
            match current {
                Some((id, version)) => {
                    let request = UpdatePhysicianRequest {
                        version,
                        form: body,
                    };
                    api::update_physician(&csrf, id, &request).await
                }
                None => api::create_physician(&csrf, &body).await,
            }
        },
        move |answer| match answer {
            Ok(saved_record) => {
                errors.server.clear();
                if id.is_none() {
                    navigate(
                        &Route::DirectoryPhysician {
                            id: saved_record.id,
                        }
                        .href_with("gespeichert=1"),
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                } else {
                    adopt(saved_record);
                    notice.set(Some(Ok("Gespeichert.".to_owned())));
                }
            }
            Err(failure) => {
                if failure.code == "version_conflict" {
                    conflict.set(true);
                }
                if let Some(first) = failure.fields.first() {
                    focus_soon(field_id(&first.field));
                }
                errors.refused(failure.fields);
            }
        },
    );
    let save = move || {
        errors.touched.submit();
        notice.set(None);
        conflict.set(false);
        let first_error = errors
            .local
            .with_untracked(|e| e.first().map(|e| e.field.clone()));
        if let Some(field) = first_error {
            notice.set(Some(Err(
                "Bitte korrigieren Sie die markierten Angaben.".to_owned()
            )));
            focus_soon(field_id(&field));
            return;
        }
        let current = id.zip(version.get_untracked());
        save_call.run((current, form.get_untracked()));
    };

    let request_call = Mutation::with_notice(
        notice,
        |csrf, id: i64| async move { api::request_anr(&csrf, id).await },
        move |answer| match answer {
            Ok(updated) => {
                anr_outcome.set(Some(updated.request_state.clone()));
                adopt(updated);
            }
            Err(failure) => errors.refused(failure.fields),
        },
    );
    let request = move || {
        if let Some(id) = id {
            notice.set(None);
            request_call.run(id);
        }
    };
    let busy = move || save_call.pending() || request_call.pending();

    // The registry reads the stored record: unsaved edits must be saved first.
    let dirty = Memo::new(move |_| form.with(|f| saved.with(|s| f != s)));
    let may_request = Memo::new(move |_| {
        !dirty.get()
            && !request_state.with(|s| matches!(s, RequestState::Issued | RequestState::Matched))
    });
    let anr_disabled = Signal::derive(move || read_only.get() || anr_locked.get());

    // Field bindings: each reads its part of the form and writes it back.
    let text = move |get: fn(&PhysicianForm) -> String| Signal::derive(move || form.with(get));
    let date = move |get: fn(&PhysicianForm) -> Option<Date>| {
        Signal::derive(move || form.with(|f| date_value(get(f))))
    };
    let set_date = move |set: fn(&mut PhysicianForm, Option<Date>)| {
        Callback::new(move |v: String| form.update(|f| set(f, parse_input(&v))))
    };

    let sex_options = Signal::derive(|| {
        Sex::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect::<Vec<_>>()
    });
    let specialty_options = Signal::derive(|| {
        SpecialtyCatalog::builtin()
            .entries()
            .iter()
            .map(|s| (s.code.clone(), format!("{} – {}", s.code, s.label)))
            .collect::<Vec<_>>()
    });
    let site_options = Signal::derive(move || {
        site_list.with(|s| {
            s.iter()
                .map(|e| {
                    (
                        e.site_number.to_string(),
                        format!("{} – {}", e.site_number, e.site_name),
                    )
                })
                .collect::<Vec<_>>()
        })
    });

    let specialty_count = Memo::new(move |_| form.with(|f| f.specialties.len()));
    let site_count = Memo::new(move |_| form.with(|f| f.sites.len()));
    let periods = Memo::new(move |_| form.with(|f| f.activity_periods()));
    let sites_error = Memo::new(move |_| errors.message("sites"));

    let heading = if id.is_some() {
        "Ärztin/Arzt bearbeiten"
    } else {
        "Ärztin/Arzt anlegen"
    };

    view! {
        <p><a href=Route::Directory.href() class=LINK_CLASS>"← Zurück zum Arztverzeichnis"</a></p>
        <h1 class="mt-2 text-2xl font-bold text-blue-950">{heading}</h1>
        {move || load_failure().map(|m| view! { <p role="alert" class="mt-4 text-red-800">{m}</p> })}
        <Show when=loading>
            <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p>
        </Show>
        <form
            novalidate
            class="mt-4 space-y-6"
            data-testid="physician-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }
        >
            <section class=CARD_CLASS aria-labelledby="arzt-person">
                <h2 id="arzt-person" class="text-lg font-semibold text-blue-950">"Person"</h2>
                <div class="mt-4 grid gap-4 md:grid-cols-2">
                    <Input errors path="anr".into() label="Arztnummer (ANR, falls bekannt)".into() number=true
                        value=text(|f| f.anr.clone().unwrap_or_default())
                        on_input=Callback::new(move |v: String| form.update(|f| f.anr = if v.trim().is_empty() { None } else { Some(v) }))
                        disabled=anr_disabled />
                    <Select errors path="sex".into() label="Geschlecht".into() required=true
                        value=text(|f| f.sex.map(|s| s.as_str().to_owned()).unwrap_or_default())
                        on_change=Callback::new(move |v: String| form.update(|f| f.sex = Sex::ALL.into_iter().find(|s| s.as_str() == v)))
                        options=sex_options disabled=read_only />
                    <Input errors path="last_name".into() label="Nachname".into() required=true
                        value=text(|f| f.last_name.clone())
                        on_input=Callback::new(move |v: String| form.update(|f| f.last_name = v))
                        disabled=read_only />
                    <Input errors path="first_name".into() label="Vorname".into() required=true
                        value=text(|f| f.first_name.clone())
                        on_input=Callback::new(move |v: String| form.update(|f| f.first_name = v))
                        disabled=read_only />
                    <div class="flex items-center gap-2 md:col-span-2">
                        <input id="arzt-doctoral_title" type="checkbox" class="h-4 w-4"
                            prop:checked=move || form.with(|f| f.doctoral_title)
                            disabled=move || read_only.get()
                            on:change=move |ev| form.update(|f| f.doctoral_title = event_target_checked(&ev)) />
                        <label for="arzt-doctoral_title" class=LABEL_CLASS>"Dr.-Titel laut Personalausweis"</label>
                    </div>
                    <Input errors path="birth_date".into() label="Geburtsdatum".into() kind="date" required=true
                        value=date(|f| f.birth_date) on_input=set_date(|f, d| f.birth_date = d) disabled=read_only />
                    <Input errors path="state_exam_date".into() label="Datum des Staatsexamens".into() kind="date" required=true
                        value=date(|f| f.state_exam_date) on_input=set_date(|f, d| f.state_exam_date = d) disabled=read_only />
                    <Input errors path="licence_date".into() label="Datum der Approbation".into() kind="date" required=true
                        value=date(|f| f.licence_date) on_input=set_date(|f, d| f.licence_date = d) disabled=read_only />
                    <Input errors path="doctorate_date".into() label="Datum der Promotion".into() kind="date"
                        required=Signal::derive(move || form.with(|f| f.doctoral_title))
                        value=date(|f| f.doctorate_date) on_input=set_date(|f, d| f.doctorate_date = d) disabled=read_only />
                </div>
            </section>

            <section class=CARD_CLASS aria-labelledby="arzt-fachgebiete">
                <h2 id="arzt-fachgebiete" class="text-lg font-semibold text-blue-950">"Fachgebiete"</h2>
                <ul class="mt-4 space-y-4">
                    <For each=move || 0..specialty_count.get() key=|i| *i let:i>
                        <li class="grid items-end gap-4 md:grid-cols-[2fr_1fr_auto]" data-testid="specialty-row">
                            <Select errors path=format!("specialties[{i}].code") label=format!("Fachgebiet {}", i + 1)
                                value=Signal::derive(move || form.with(|f| f.specialties.get(i).map(|s| s.code.clone()).unwrap_or_default()))
                                on_change=Callback::new(move |v: String| form.update(|f| if let Some(s) = f.specialties.get_mut(i) { s.code = v }))
                                options=specialty_options disabled=read_only />
                            <Input errors path=format!("specialties[{i}].date") label=format!("Anerkannt am (Fachgebiet {})", i + 1) kind="date"
                                value=Signal::derive(move || form.with(|f| date_value(f.specialties.get(i).and_then(|s| s.date))))
                                on_input=Callback::new(move |v: String| form.update(|f| if let Some(s) = f.specialties.get_mut(i) { s.date = parse_input(&v) }))
                                disabled=read_only />
                            <button type="button" class=BUTTON_SECONDARY disabled=move || read_only.get()
                                on:click=move |_| form.update(|f| { if i < f.specialties.len() { f.specialties.remove(i); } })>
                                {format!("Fachgebiet {} entfernen", i + 1)}
                            </button>
                        </li>
                    </For>
                </ul>
                <button type="button" class=format!("mt-4 {BUTTON_SECONDARY}") disabled=move || read_only.get()
                    on:click=move |_| {
                        form.update(|f| f.specialties.push(SpecialtyEntry::default()));
                        focus_soon(field_id(&format!("specialties[{}].code", specialty_count.get_untracked().saturating_sub(1))));
                    }>
                    "Fachgebiet hinzufügen"
                </button>
            </section>

            <section class=CARD_CLASS aria-labelledby="arzt-standorte">
                <h2 id="arzt-standorte" class="text-lg font-semibold text-blue-950">"Tätigkeit an Standorten"</h2>
                <div class="mt-4 flex items-center gap-2">
                    <input id="arzt-all_sites" type="checkbox" class="h-4 w-4"
                        prop:checked=move || form.with(|f| f.all_sites)
                        disabled=move || read_only.get()
                        on:change=move |ev| form.update(|f| f.all_sites = event_target_checked(&ev)) />
                    <label for="arzt-all_sites" class=LABEL_CLASS>"an allen Standorten dieses Krankenhauses"</label>
                </div>
                // "All sites" is an assignment with a period like any other.
                <Show when=move || form.with(|f| f.all_sites)>
                    <div class="mt-4 grid gap-4 md:grid-cols-2">
                        <Input errors path="all_sites_start".into() label="Beginn (alle Standorte)".into() kind="date" required=true
                            value=date(|f| f.all_sites_start) on_input=set_date(|f, d| f.all_sites_start = d) disabled=read_only />
                        <Input errors path="all_sites_end".into() label="Ende (alle Standorte)".into() kind="date"
                            value=date(|f| f.all_sites_end) on_input=set_date(|f, d| f.all_sites_end = d) disabled=read_only />
                    </div>
                </Show>
                <p id="arzt-sites" tabindex="-1" class=ERROR_CLASS>{move || sites_error.get()}</p>
                <ul class="mt-4 space-y-4">
                    <For each=move || 0..site_count.get() key=|i| *i let:i>
                        <li class="grid items-end gap-4 md:grid-cols-[2fr_1fr_1fr_auto]" data-testid="site-row">
                            <Select errors path=format!("sites[{i}].site_number") label=format!("Standort {}", i + 1)
                                value=Signal::derive(move || form.with(|f| f.sites.get(i).map(|s| s.site_number.clone()).unwrap_or_default()))
                                on_change=Callback::new(move |v: String| form.update(|f| if let Some(s) = f.sites.get_mut(i) { s.site_number = v }))
                                options=site_options disabled=read_only />
                            <Input errors path=format!("sites[{i}].start") label=format!("Beginn (Standort {})", i + 1) kind="date"
                                value=Signal::derive(move || form.with(|f| date_value(f.sites.get(i).and_then(|s| s.start))))
                                on_input=Callback::new(move |v: String| form.update(|f| if let Some(s) = f.sites.get_mut(i) { s.start = parse_input(&v) }))
                                disabled=read_only />
                            <Input errors path=format!("sites[{i}].end") label=format!("Ende (Standort {})", i + 1) kind="date"
                                value=Signal::derive(move || form.with(|f| date_value(f.sites.get(i).and_then(|s| s.end))))
                                on_input=Callback::new(move |v: String| form.update(|f| if let Some(s) = f.sites.get_mut(i) { s.end = parse_input(&v) }))
                                disabled=read_only />
                            <button type="button" class=BUTTON_SECONDARY disabled=move || read_only.get()
                                on:click=move |_| form.update(|f| { if i < f.sites.len() { f.sites.remove(i); } })>
                                {format!("Standort {} entfernen", i + 1)}
                            </button>
                        </li>
                    </For>
                </ul>
                <button type="button" class=format!("mt-4 {BUTTON_SECONDARY}") disabled=move || read_only.get()
                    on:click=move |_| {
                        form.update(|f| f.sites.push(SiteAssignment::default()));
                        focus_soon(field_id(&format!("sites[{}].site_number", site_count.get_untracked().saturating_sub(1))));
                    }>
                    "Standort hinzufügen"
                </button>
                <h3 class="mt-6 font-semibold text-slate-900">"Tätigkeitszeiträume (berechnet)"</h3>
                <ul class="mt-2 list-disc pl-6" data-testid="activity-periods">
                    {move || {
                        let list = periods.get();
                        if list.is_empty() {
                            view! { <li>"keine"</li> }.into_any()
                        } else {
                            list.into_iter()
                                .map(|p| {
                                    let end = p.end.map(Date::to_german).unwrap_or_else(|| "offen".to_owned());
                                    view! { <li>{format!("{} – {end}", p.start.to_german())}</li> }
                                })
                                .collect_view()
                                .into_any()
                        }
                    }}
                </ul>
            </section>

            <Notice message=notice />
            <Show when=move || conflict.get()>
                <p role="alert" class="rounded border border-amber-600 bg-amber-50 p-3 text-amber-950">
                    "Dieser Datensatz wurde inzwischen von jemand anderem geändert. "
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| { conflict.set(false); notice.set(None); record.reload(); }>
                        "Aktuellen Stand laden (Ihre Änderungen gehen verloren)"
                    </button>
                </p>
            </Show>
            <Show when=move || can_edit.get()>
                <div class="flex flex-wrap gap-4">
                    <button type="submit" class=BUTTON_PRIMARY disabled=busy>"Speichern"</button>
                    {id.map(|_| {
                                                view! {
                            <button type="button" class=BUTTON_SECONDARY
                                disabled=move || busy() || !may_request.get()
                                aria-describedby="arzt-antrag-hinweis"
                                on:click=move |_| request()>
                                "Arztnummer beantragen"
                            </button>
                            <p id="arzt-antrag-hinweis" class="self-center text-sm text-slate-600">
                                {move || if dirty.get() {
                                    "Bitte speichern Sie zuerst Ihre Änderungen."
                                } else if may_request.get() {
                                    ""
                                } else {
                                    "Die Arztnummer ist bereits vergeben oder zugeordnet."
                                }}
                            </p>
                        }
                    })}
                </div>
            </Show>
        </form>
        <section class="mt-6" aria-labelledby="arzt-antrag">
            <h2 id="arzt-antrag" class="text-lg font-semibold text-blue-950">"Arztnummer"</h2>
            <p data-testid="request-state">
                "Status: " {move || request_state.with(|s| s.label())}
                // The stored number, not what is being typed above.
                {move || saved.with(|f| f.anr_input().map(|a| format!(" – ANR {a}")))}
            </p>
            <div role="status" data-testid="anr-outcome">
                {move || anr_outcome.get().map(|outcome| outcome_view(outcome, saved.with(|f| f.anr_input().unwrap_or_default().to_owned())))}
            </div>
        </section>
    }
}

/// The answer of the registry to an ANR request, with both values side by side on a mismatch.
fn outcome_view(outcome: RequestState, anr: String) -> AnyView {
    match outcome {
        RequestState::Issued => view! {
            <p class="mt-2 rounded border border-green-700 bg-green-50 p-3 text-green-900">
                "Neue Arztnummer vergeben: " <strong class="font-mono">{anr}</strong>
            </p>
        }
        .into_any(),
        RequestState::Matched => view! {
            <p class="mt-2 rounded border border-green-700 bg-green-50 p-3 text-green-900">
                "Vorhandene Arztnummer zugeordnet: " <strong class="font-mono">{anr}</strong>
            </p>
        }
        .into_any(),
        RequestState::Mismatch { differences } => view! {
            <div class="mt-2 rounded border border-amber-600 bg-amber-50 p-3 text-amber-950">
                <p>"Das Register kennt die Person mit abweichenden Angaben. Die Geschäftsstelle klärt den Fall."</p>
                <table class="mt-2 text-left" data-testid="mismatch">
                    <caption class="sr-only">"Abweichende Angaben"</caption>
                    <thead><tr>
                        <th scope="col" class="pr-6">"Angabe"</th>
                        <th scope="col" class="pr-6">"Krankenhaus"</th>
                        <th scope="col">"Register"</th>
                    </tr></thead>
                    <tbody>
                        {differences.into_iter().map(|d| view! {
                            <tr>
                                <th scope="row" class="pr-6 font-medium">{d.field.label()}</th>
                                <td class="pr-6">{d.directory_value}</td>
                                <td>{d.registry_value.unwrap_or_else(|| "weicht ab".to_owned())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="mt-2"><a href=Route::DirectoryClarifications.href() class=LINK_CLASS>"Zu den Klärungen"</a></p>
            </div>
        }
        .into_any(),
        other => view! { <p class="mt-2">{other.label()}</p> }.into_any(),
    }
}
