//! Form building blocks: labelled inputs tied to their hint and error (aria-describedby,
//! aria-invalid), "touched" tracking, server field errors, focus helpers and shared classes.
use le_domain::FieldError;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub const INPUT_CLASS: &str = "mt-1 block w-full max-w-md rounded border border-slate-400 bg-white px-3 py-2 text-slate-900 focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-700 aria-[invalid=true]:border-red-700 aria-[invalid=true]:bg-red-50";
pub const LABEL_CLASS: &str = "block text-sm font-semibold text-slate-900";
pub const HINT_CLASS: &str = "mt-1 text-sm text-slate-600";
pub const ERROR_CLASS: &str = "mt-1 text-sm font-medium text-red-800 empty:hidden";
pub const BUTTON_PRIMARY: &str = "rounded bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:bg-slate-400";
pub const BUTTON_SECONDARY: &str = "rounded border border-blue-800 bg-white px-4 py-2 font-semibold text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:border-slate-400 disabled:text-slate-500";
pub const BUTTON_DANGER: &str = "rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-700 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:bg-slate-400";
pub const LINK_CLASS: &str = "rounded font-medium text-blue-800 underline hover:text-blue-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700";
pub const CARD_CLASS: &str = "rounded-lg border border-slate-200 bg-white p-6 shadow-sm";

/// The one field-error mechanism of the app: [`Touched`] decides when a field's local error
/// (the domain's verdict) shows, [`ServerErrors`] holds a 422 answer's errors while the field
/// still holds the rejected value. Field names are the request's JSON keys or paths
/// (`sites[0].end`).
///
/// Which fields have been left once (blur), and whether the form was submitted: errors of a
/// field show from then on, and follow every keystroke.
#[derive(Debug, Clone, Copy)]
pub struct Touched {
    fields: RwSignal<Vec<String>>,
    submitted: RwSignal<bool>,
}

impl Touched {
    pub fn new() -> Self {
        Touched {
            fields: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
        }
    }

    pub fn touch(&self, field: &str) {
        if !self.fields.with_untracked(|f| f.iter().any(|t| t == field)) {
            self.fields.update(|f| f.push(field.to_owned()));
        }
    }

    pub fn submit(&self) {
        self.submitted.set(true);
    }

    /// Whether errors of `field` are shown (tracked).
    pub fn shows(&self, field: &str) -> bool {
        self.submitted.get() || self.fields.with(|f| f.iter().any(|t| t == field))
    }

    /// The message for `field` among a form's local errors (e.g. a memo of the domain's
    /// `validate`), once the field shows errors (tracked).
    pub fn message_in(&self, errors: &[FieldError], field: &str) -> Option<String> {
        if self.shows(field) {
            field_message(errors, field)
        } else {
            None
        }
    }

    pub fn reset(&self) {
        self.fields.set(Vec::new());
        self.submitted.set(false);
    }
}

/// The first message for `field` in a list of field errors.
pub fn field_message(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// Field errors from a 422 answer, each remembered with the value it was about: an error
/// disappears as soon as the field no longer holds that value.
#[derive(Debug, Clone, Copy)]
pub struct ServerErrors {
    errors: RwSignal<Vec<(FieldError, String)>>,
}

impl ServerErrors {
    pub fn new() -> Self {
        ServerErrors {
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// Stores the errors of an answer; `value_of` gives the submitted value of a field.
    pub fn set(&self, fields: Vec<FieldError>, value_of: impl Fn(&str) -> String) {
        self.errors.set(
            fields
                .into_iter()
                .map(|e| {
                    let value = value_of(&e.field);
                    (e, value)
                })
                .collect(),
        );
    }

    pub fn clear(&self) {
        self.errors.set(Vec::new());
    }

    /// The first of `order` (the form's fields, top to bottom) that has an error (untracked),
    /// for the focus after a rejected submit.
    pub fn first_in(&self, order: &[&'static str]) -> Option<&'static str> {
        self.errors.with_untracked(|errors| {
            order
                .iter()
                .find(|f| errors.iter().any(|(e, _)| e.field == **f))
                .copied()
        })
    }

    /// The server's message for `field` while it still holds `current` (tracked).
    pub fn message(&self, field: &str, current: &str) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|(e, value)| e.field == field && value == current)
                .map(|(e, _)| e.message.clone())
        })
    }
}

/// A labelled single-line input with optional hint, live error and positive feedback.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// The message to show (already filtered by "touched"); `None` = valid or not yet shown.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    /// Confirmation shown while the value is valid (e.g. what an IK means).
    #[prop(optional, into)]
    ok: Option<Signal<Option<String>>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] mono: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(optional)] testid: Option<&'static str>,
    /// A neutral note that follows the typing (e.g. how many digits are still missing).
    #[prop(optional, into)]
    progress: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hinweis");
    let error_id = format!("{id}-fehler");
    let ok_id = format!("{id}-ok");
    let progress_id = format!("{id}-stand");
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(hint_id.clone());
    }
    described.push(error_id.clone());
    if progress.is_some() {
        described.push(progress_id.clone());
    }
    if ok.is_some() {
        described.push(ok_id.clone());
    }
    let class = if mono {
        format!("{INPUT_CLASS} font-mono tracking-wider")
    } else {
        INPUT_CLASS.to_owned()
    };
    view! {
        <div>
            <label for=id class=LABEL_CLASS>
                {label}
                {required.then_some(view! { <span class="font-normal text-slate-600">" (Pflichtfeld)"</span> })}
            </label>
            {hint.map(|h| view! { <p id=hint_id class=HINT_CLASS>{h}</p> })}
            <input
                id=id
                name=id
                type=input_type
                class=class
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck="false"
                data-testid=testid
                aria-required=required.then_some("true")
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described.join(" ")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        cb.run(());
                    }
                }
            />
            <p id=error_id class=ERROR_CLASS>
                {move || error.get()}
            </p>
            {progress.map(|progress| {
                view! {
                    <p id=progress_id class="mt-1 text-sm text-slate-600 empty:hidden" data-testid="number-progress">
                        {move || progress.get()}
                    </p>
                }
            })}
            {ok.map(|ok| {
                view! {
                    <p id=ok_id class="mt-1 text-sm font-medium text-green-800 empty:hidden">
                        {move || ok.get().map(|m| format!("✓ {m}"))}
                    </p>
                }
            })}
        </div>
    }
}

/// A native file input as the registration shows it (a visible button-like part and a frame).
pub const FILE_INPUT_CLASS: &str = "mt-1 block w-full max-w-md rounded border border-slate-400 bg-white text-sm text-slate-900 file:mr-3 file:border-0 file:bg-blue-50 file:px-3 file:py-2 file:font-semibold file:text-blue-900 focus:outline-none focus:ring-2 focus:ring-blue-700 aria-[invalid=true]:border-red-700";

/// A native file input styled like the registration's, naming the chosen files below it (the
/// handler may clear the input to start the upload; the names stay).
#[component]
pub fn FileInput(
    #[prop(into)] id: String,
    accept: &'static str,
    #[prop(optional)] multiple: bool,
    #[prop(optional)] on_change: Option<Callback<leptos::ev::Event>>,
    /// Ids of hints describing the input (the chosen files are added).
    #[prop(optional)]
    describedby: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let chosen_id = format!("{id}-gewaehlt");
    let described = match describedby {
        Some(hints) => format!("{hints} {chosen_id}"),
        None => chosen_id.clone(),
    };
    view! {
        <input
            id=id
            type="file"
            accept=accept
            multiple=multiple
            class=FILE_INPUT_CLASS
            aria-describedby=described
            data-testid=testid
            on:change=move |ev| {
                let input: web_sys::HtmlInputElement = event_target(&ev);
                let names: Vec<String> = input
                    .files()
                    .map(|files| {
                        (0..files.length())
                            .filter_map(|i| files.get(i))
                            .map(|f| format!("{} ({})", f.name(), crate::format::file_size(f.size() as i64)))
                            .collect()
                    })
                    .unwrap_or_default();
                chosen.set(if names.is_empty() {
                    String::new()
                } else {
                    format!("Gewählt: {}", names.join(", "))
                });
                if let Some(cb) = on_change {
                    cb.run(ev);
                }
            }
        />
        <p id=chosen_id class="mt-1 text-sm text-slate-700 empty:hidden" data-testid="chosen-files">{move || chosen.get()}</p>
    }
}

/// A message about a whole form or action: `role=status` for progress and success, `role=alert`
/// for failures. Both live regions are always in the page, so that changes are announced.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<Result<String, String>>>) -> impl IntoView {
    let text = move |ok: bool| {
        message.with(|m| match m {
            Some(Ok(t)) if ok => Some(t.clone()),
            Some(Err(t)) if !ok => Some(t.clone()),
            _ => None,
        })
    };
    view! {
        <p role="status" class="rounded border border-green-700 bg-green-50 p-3 font-medium text-green-900 empty:hidden">
            {move || text(true)}
        </p>
        <p role="alert" class="rounded border border-red-700 bg-red-50 p-3 font-medium text-red-900 empty:hidden">
            {move || text(false)}
        </p>
    }
}

/// Moves the keyboard focus to the element with `id` (if it exists).
pub fn focus_by_id(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Focuses `id` once the pending render has happened (for elements that are about to appear).
pub fn focus_soon(id: String) {
    request_animation_frame(move || focus_by_id(&id));
}

/// The live error of a 9-digit number field, the same on every form: from the first character
/// on, except that a partly typed number (digits only, grouping allowed) waits for the field to
/// be left; [`number_progress`] says meanwhile how far it is. `error` is the rule's verdict.
pub fn number_error(
    touched: Touched,
    field: &str,
    value: &str,
    error: Option<String>,
) -> Option<String> {
    if touched.shows(field) {
        return error;
    }
    if value.trim().is_empty() || le_domain::numbers::incomplete_number(value, 9).is_some() {
        None
    } else {
        error
    }
}

/// The neutral progress note of a number field while no error shows ("3 von 9 Ziffern …").
pub fn number_progress(value: &str, error_shown: bool) -> Option<String> {
    if error_shown {
        None
    } else {
        le_domain::numbers::incomplete_hint(value)
    }
}

/// Shows a local error once the field counts as touched.
pub fn shown(touched: Touched, field: &str, error: Option<String>) -> Option<String> {
    if touched.shows(field) { error } else { None }
}
