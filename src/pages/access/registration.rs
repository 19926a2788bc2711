//! Public page "Registrierung": how to get access, the three documents, and the registration
//! form of an institution with its primary user and the signed usage agreement (PDF upload).
use le_domain::Ik;
use le_domain::access::{InstitutionKind, RegistrationForm};
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::form::{
    BUTTON_PRIMARY, CARD_CLASS, ERROR_CLASS, HINT_CLASS, LABEL_CLASS, LINK_CLASS, Notice,
    ServerErrors, TextField, Touched, field_message, focus_by_id, number_error, number_progress,
    shown,
};
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::format::file_size;
use crate::routes::Route;

/// The fields in page order: (JSON key = element id). The first invalid one gets the focus.
const FIELD_ORDER: &[&str] = &[
    "kind",
    "ik",
    "name",
    "street",
    "postal_code",
    "city",
    "main_ik",
    "admin_first_name",
    "admin_last_name",
    "admin_email",
    "admin_username",
    "agreement",
];

/// The documents an institution reads, signs and uploads.
pub const DOCUMENTS: &[(&str, &str, &str)] = &[
    (
        "/public/dokumente/nutzungsbedingungen.pdf",
        "Nutzungsbedingungen",
        "Regeln für die Nutzung des LE-Portals",
    ),
    (
        "/public/dokumente/datenschutzerklaerung.pdf",
        "Datenschutzerklärung",
        "Welche Daten verarbeitet werden und wozu",
    ),
    (
        "/public/dokumente/nutzungsvereinbarung.pdf",
        "Nutzungsvereinbarung",
        "Ausfüllen, unterschreiben, stempeln, einscannen und unten hochladen",
    ),
];

/// The way to access (seed "Wie erhalte ich den Zugang"), as static list items.
const STEPS: &str = "<li>Laden Sie die Teilnahmedokumente herunter: Nutzungsbedingungen, Datenschutzerklärung und Nutzungsvereinbarung.</li>\
<li>Füllen Sie die Nutzungsvereinbarung aus, unterschreiben und stempeln Sie sie und scannen Sie sie als PDF ein.</li>\
<li>Geben Sie unten die Daten der Einrichtung und des primären Benutzers (Administration) ein und laden Sie die eingescannte Nutzungsvereinbarung hoch.</li>\
<li>Nach der Prüfung der Unterlagen durch den Medizinischen Dienst erhalten Sie die Zugangsdaten per Post.</li>\
<li>Mit dem Einmal-Passwort und dem QR-Code für die Zwei-Faktor-Authentifizierung melden Sie sich zum ersten Mal an.</li>\
<li>Danach legen Sie weitere Benutzer an.</li>";

/// What the browser knows about the chosen file.
#[derive(Debug, Clone, PartialEq)]
struct ChosenFile {
    name: String,
    size: f64,
    mime: String,
    /// Increases with every choice, so that a server error about the old file disappears.
    version: u32,
}

#[component]
pub fn Registration() -> impl IntoView {
    set_page_title("Registrierung");
    let navigate = use_navigate();

    let kind = RwSignal::new(None::<InstitutionKind>);
    let ik = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let street = RwSignal::new(String::new());
    let postal_code = RwSignal::new(String::new());
    let city = RwSignal::new(String::new());
    let main_ik = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let file = RwSignal::new(None::<ChosenFile>);
    let file_input = NodeRef::<Input>::new();

    let is_hospital = Memo::new(move |_| kind.get() == Some(InstitutionKind::Hospital));
    // The form as it would be sent: the Haupt-IK only for hospitals.
    let form = Memo::new(move |_| RegistrationForm {
        kind: kind.get(),
        ik: ik.get(),
        name: name.get(),
        street: street.get(),
        postal_code: postal_code.get(),
        city: city.get(),
        main_ik: if is_hospital.get() {
            main_ik.get()
        } else {
            String::new()
        },
        admin_first_name: first_name.get(),
        admin_last_name: last_name.get(),
        admin_email: email.get(),
        admin_username: username.get(),
    });
    // The same rules as on the server (domain crate), on every keystroke.
    let errors = Memo::new(move |_| form.with(RegistrationForm::validate));
    let file_error = Memo::new(move |_| file.with(|f| check_file(f.as_ref())));

    let touched = Touched::new();
    let server = ServerErrors::new();
    let notice = RwSignal::new(None::<Result<String, String>>);

    // The submitted value of a field, to tell whether a server error still applies.
    let value_of = move |field: &str| -> String {
        form.with(|f| match field {
            "kind" => f.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
            "ik" => f.ik.clone(),
            "name" => f.name.clone(),
            "street" => f.street.clone(),
            "postal_code" => f.postal_code.clone(),
            "city" => f.city.clone(),
            "main_ik" => f.main_ik.clone(),
            "admin_first_name" => f.admin_first_name.clone(),
            "admin_last_name" => f.admin_last_name.clone(),
            "admin_email" => f.admin_email.clone(),
            "admin_username" => f.admin_username.clone(),
            "agreement" => file.with(|c| {
                c.as_ref()
                    .map(|c| c.version.to_string())
                    .unwrap_or_default()
            }),
            _ => String::new(),
        })
    };
    let local_error = move |field: &'static str| -> Option<String> {
        if field == "agreement" {
            return file_error.get();
        }
        errors.with(|e| field_message(e, field))
    };
    // Local errors once touched; the server's while the field holds what was sent.
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            shown(touched, field, local_error(field))
                .or_else(|| server.message(field, &value_of(field)))
        })
    };
    // The IK fields check while typing, like every number field.
    let ik_error = move |field: &'static str, value: RwSignal<String>| {
        Signal::derive(move || {
            value
                .with(|v| number_error(touched, field, v, local_error(field)))
                .or_else(|| server.message(field, &value_of(field)))
        })
    };
    let ik_progress = move |field: &'static str, value: RwSignal<String>| {
        Signal::derive(move || {
            value.with(|v| number_progress(v, ik_error(field, value).with(Option::is_some)))
        })
    };
    let ik_ok = |value: RwSignal<String>| {
        Signal::derive(move || {
            value.with(|v| {
                Ik::parse(v)
                    .ok()
                    .map(|ik| format!("Gültig – {}", ik.info().description))
            })
        })
    };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));

    let on_file = move |ev: leptos::ev::Event| {
        touched.touch("agreement");
        let chosen = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let version = file.with_untracked(|f| f.as_ref().map_or(0, |f| f.version)) + 1;
        file.set(chosen.map(|f| ChosenFile {
            name: f.name(),
            size: f.size(),
            mime: f.type_(),
            version,
        }));
    };

    let send = Mutation::with_notice(
        notice,
        |_, (request, agreement): (RegistrationForm, web_sys::File)| async move {
            api::access::register(&request, &agreement).await
        },
        move |answer| match answer {
            Ok(created) => {
                navigate(
                    &Route::RegistrationStatus {
                        reference: Some(created.reference),
                    }
                    .href_with("neu=1"),
                    Default::default(),
                );
            }
            Err(failure) => {
                server.set(failure.fields, value_of);
                if let Some(first) = server.first_in(FIELD_ORDER) {
                    focus_field(first);
                }
            }
        },
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if send.running() {
            return;
        }
        touched.submit();
        server.clear();
        let invalid: Vec<&str> = FIELD_ORDER
            .iter()
            .copied()
            .filter(|f| local_error(f).is_some())
            .collect();
        if let Some(first) = invalid.first() {
            notice.set(Some(Err(format!(
                "Bitte {} korrigieren.",
                if invalid.len() == 1 {
                    "das markierte Feld".to_owned()
                } else {
                    format!("die {} markierten Felder", invalid.len())
                }
            ))));
            focus_field(first);
            return;
        }
        let Some(agreement) = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            focus_field("agreement");
            return;
        };
        send.run_with(
            "Registrierung wird gesendet …",
            (form.get_untracked(), agreement),
        );
    };

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Registrierung für das LE-Portal"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Krankenhäuser und Pflegedienste registrieren sich hier. Der Medizinische Dienst prüft die Unterlagen "
            "und sendet die Zugangsdaten des primären Benutzers (Administration) per Post."
        </p>
        <section aria-labelledby="schritte" class="mt-8 max-w-3xl">
            <h2 id="schritte" class="text-xl font-semibold text-slate-900">"So erhalten Sie den Zugang"</h2>
            <ol class="mt-3 list-decimal space-y-2 pl-6 text-slate-800" inner_html=STEPS></ol>
        </section>
        <section aria-labelledby="dokumente" class="mt-8 max-w-3xl">
            <h2 id="dokumente" class="text-xl font-semibold text-slate-900">"Teilnahmedokumente"</h2>
            <ul class="mt-3 space-y-2">
                {DOCUMENTS
                    .iter()
                    .map(|(href, title, text)| {
                        view! {
                            <li>
                                <a href=*href class=LINK_CLASS target="_blank" rel="noopener">
                                    {format!("{title} (PDF)")}
                                </a>
                                <span class="text-slate-700">{format!(" – {text}")}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <form class=format!("mt-8 max-w-3xl space-y-8 {CARD_CLASS}") novalidate on:submit=submit>
            <h2 class="text-xl font-semibold text-slate-900">"Registrierungsformular"</h2>
            <p class="text-sm text-slate-600">"Alle Felder sind Pflichtfelder."</p>
            <fieldset class="space-y-4">
                <legend class="text-lg font-semibold text-slate-900">"Einrichtung"</legend>
                <KindChoice kind=kind error=field_error("kind") />
                <TextField
                    id="ik"
                    label="Institutionskennzeichen (IK)"
                    value=ik
                    error=ik_error("ik", ik)
                    progress=ik_progress("ik", ik)
                    ok=ik_ok(ik)
                    hint="9 Ziffern (Leerzeichen oder Punkte zur Gliederung sind erlaubt); die Prüfziffer wird sofort geprüft."
                    inputmode="numeric"
                    mono=true
                    on_blur=touch("ik")
                />
                <TextField id="name" label="Name der Einrichtung" value=name error=field_error("name") autocomplete="organization" on_blur=touch("name") />
                <TextField id="street" label="Straße und Hausnummer" value=street error=field_error("street") autocomplete="street-address" on_blur=touch("street") />
                <div class="grid gap-4 sm:grid-cols-[10rem_1fr]">
                    <TextField id="postal_code" label="Postleitzahl" value=postal_code error=field_error("postal_code") autocomplete="postal-code" inputmode="numeric" on_blur=touch("postal_code") />
                    <TextField id="city" label="Ort" value=city error=field_error("city") autocomplete="address-level2" on_blur=touch("city") />
                </div>
                <Show when=move || is_hospital.get()>
                    <TextField
                        id="main_ik"
                        label="Haupt-IK des Krankenhauses"
                        value=main_ik
                        error=ik_error("main_ik", main_ik)
                        progress=ik_progress("main_ik", main_ik)
                        ok=ik_ok(main_ik)
                        hint="Das IK, unter dem das Krankenhaus mit allen Standorten abrechnet; es darf dem IK oben entsprechen."
                        inputmode="numeric"
                        mono=true
                        on_blur=touch("main_ik")
                    />
                </Show>
            </fieldset>
            <fieldset class="space-y-4">
                <legend class="text-lg font-semibold text-slate-900">"Primärer Benutzer (Administration)"</legend>
                <p class=HINT_CLASS>"Diese Person erhält die Zugangsdaten und legt später weitere Benutzer an."</p>
                <div class="grid gap-4 sm:grid-cols-2">
                    <TextField id="admin_first_name" label="Vorname" value=first_name error=field_error("admin_first_name") autocomplete="given-name" on_blur=touch("admin_first_name") />
                    <TextField id="admin_last_name" label="Nachname" value=last_name error=field_error("admin_last_name") autocomplete="family-name" on_blur=touch("admin_last_name") />
                </div>
                <TextField id="admin_email" label="E-Mail-Adresse" value=email error=field_error("admin_email") input_type="email" autocomplete="email" on_blur=touch("admin_email") />
                <TextField
                    id="admin_username"
                    label="Benutzername"
                    value=username
                    error=field_error("admin_username")
                    hint="3 bis 64 Zeichen: Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich, beginnend mit einem Buchstaben."
                    autocomplete="off"
                    on_blur=touch("admin_username")
                />
            </fieldset>
            <fieldset class="space-y-2">
                <legend class="text-lg font-semibold text-slate-900">"Unterschriebene Nutzungsvereinbarung"</legend>
                <label for="agreement" class=LABEL_CLASS>"Eingescannte Nutzungsvereinbarung (PDF)"</label>
                <p id="agreement-hinweis" class=HINT_CLASS>"Eine PDF-Datei, höchstens 10 MB."</p>
                <input
                    id="agreement"
                    name="agreement"
                    type="file"
                    accept=".pdf,application/pdf"
                    node_ref=file_input
                    class="mt-1 block w-full max-w-md rounded border border-slate-400 bg-white text-sm text-slate-900 file:mr-3 file:border-0 file:bg-blue-50 file:px-3 file:py-2 file:font-semibold file:text-blue-900 focus:outline-none focus:ring-2 focus:ring-blue-700 aria-[invalid=true]:border-red-700"
                    aria-describedby="agreement-hinweis agreement-fehler agreement-datei"
                    aria-invalid=move || field_error("agreement").with(Option::is_some).to_string()
                    on:change=on_file
                />
                <p id="agreement-datei" class="text-sm text-slate-700 empty:hidden">
                    {move || file.get().map(|f| format!("Gewählt: {} ({})", f.name, file_size(f.size as i64)))}
                </p>
                <p id="agreement-fehler" class=ERROR_CLASS>{move || field_error("agreement").get()}</p>
            </fieldset>
            <div class="space-y-4 border-t border-slate-200 pt-4">
                <button type="submit" class=BUTTON_PRIMARY aria-busy=move || send.pending().to_string()>
                    "Registrierung absenden"
                </button>
                <Notice message=notice />
            </div>
        </form>
        <p class="mt-6 max-w-3xl text-slate-700">
            "Sie haben sich bereits registriert? "
            <a href=Route::RegistrationStatus { reference: None }.href() class=LINK_CLASS>"Stand Ihrer Registrierung abfragen"</a>
        </p>
    }
}

/// The kind of institution: hospital or care service.
#[component]
fn KindChoice(
    kind: RwSignal<Option<InstitutionKind>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div
            role="radiogroup"
            aria-labelledby="kind-legende"
            aria-describedby="kind-fehler"
            aria-invalid=move || error.with(Option::is_some).to_string()
        >
            <p id="kind-legende" class=LABEL_CLASS>"Art der Einrichtung"</p>
            <div class="mt-2 flex flex-wrap gap-x-6 gap-y-2">
                {InstitutionKind::SELF_REGISTERING
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| {
                        // The first radio carries the id the error summary focuses.
                        let id = if i == 0 { "kind".to_owned() } else { format!("kind-{}", k.as_str()) };
                        view! {
                            <div class="flex items-center gap-2">
                                <input
                                    type="radio"
                                    name="kind"
                                    id=id.clone()
                                    value=k.as_str()
                                    class="h-4 w-4 accent-blue-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 focus-visible:ring-offset-2"
                                    prop:checked=move || kind.get() == Some(k)
                                    on:change=move |_| kind.set(Some(k))
                                />
                                <label for=id class="text-slate-800">{k.label()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <p id="kind-fehler" class=ERROR_CLASS>{move || error.get()}</p>
        </div>
    }
}

/// The browser-side check of the chosen agreement file.
fn check_file(file: Option<&ChosenFile>) -> Option<String> {
    let Some(f) = file else {
        return Some(
            "Bitte die unterschriebene Nutzungsvereinbarung als PDF-Datei auswählen.".to_owned(),
        );
    };
    let is_pdf = f.mime == "application/pdf" || f.name.to_lowercase().ends_with(".pdf");
    if !is_pdf {
        Some(format!(
            "„{}“ ist keine PDF-Datei. Bitte die eingescannte Vereinbarung als PDF hochladen.",
            f.name
        ))
    } else if f.size <= 0.0 {
        Some("Die Datei ist leer.".to_owned())
    } else if f.size > le_domain::access::MAX_AGREEMENT_BYTES as f64 {
        Some(format!(
            "Die Datei ist {} groß; erlaubt sind höchstens 10 MB.",
            file_size(f.size as i64)
        ))
    } else {
        None
    }
}

fn focus_field(field: &str) {
    focus_by_id(field);
}
