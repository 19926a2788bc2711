//! Clarifications between the hospital's data and the central registry: the hospital's inbox
//! (`/arztverzeichnis/klaerungen`, with document upload when the office asks for one) and the
//! shared display of a case with both values side by side.
use le_domain::api::directory::Clarification;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{Load, directory as api};
use crate::components::form::{
    BUTTON_PRIMARY, CARD_CLASS, FileInput, LABEL_CLASS, LINK_CLASS, Notice,
};
use crate::components::mutation::Mutation;
use crate::format;
use crate::routes::Route;

/// The differences of a case: field, the hospital's value, the registry's value.
pub fn differences_table(case: &Clarification) -> AnyView {
    let caption = format!("Abweichungen bei {}", case.physician_name);
    view! {
        <table class="mt-2 text-left" data-testid="differences">
            <caption class="sr-only">{caption}</caption>
            <thead><tr>
                <th scope="col" class="pr-6">"Angabe"</th>
                <th scope="col" class="pr-6">"Krankenhaus"</th>
                <th scope="col">"Register"</th>
            </tr></thead>
            <tbody>
                {case.differences.iter().map(|d| view! {
                    <tr class="border-t border-slate-200">
                        <th scope="row" class="pr-6 font-medium">{d.field.label()}</th>
                        <td class="pr-6">{d.directory_value.clone()}</td>
                        // The hospital sees only that the value differs, the office both values.
                        <td>{d.registry_value.clone().unwrap_or_else(|| "weicht ab".to_owned())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One line about where a case stands.
pub fn case_state(case: &Clarification) -> String {
    let accepted = match case.accepted {
        Some(le_domain::api::directory::AcceptedSide::Directory) => {
            " – Angaben des Krankenhauses übernommen"
        }
        Some(le_domain::api::directory::AcceptedSide::Registry) => {
            " – Angaben des Registers übernommen"
        }
        Some(le_domain::api::directory::AcceptedSide::DifferentPerson) => {
            " – andere Person, neue Arztnummer vergeben"
        }
        None => "",
    };
    format!(
        "{}{accepted} (seit {})",
        case.state.label(),
        format::date_time(&case.updated_at)
    )
}

#[component]
pub fn HospitalInbox() -> impl IntoView {
    let cases: Load<Vec<Clarification>> = Load::new(api::clarifications);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let send = Mutation::with_notice(
        notice,
        |csrf, (id, file): (i64, web_sys::File)| async move {
            api::upload_document(&csrf, id, &file).await
        },
        move |answer| {
            if answer.is_ok() {
                notice.set(Some(Ok("Dokumentkopie eingereicht.".to_owned())));
                cases.reload();
            }
        },
    );

    let upload = move |id: i64, input_id: String| {
        let file = document()
            .get_element_by_id(&input_id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        let Some(file) = file else {
            notice.set(Some(Err("Bitte wählen Sie eine PDF-Datei.".to_owned())));
            return;
        };
        send.run_with("Wird hochgeladen …", (id, file));
    };

    view! {
        <p><a href=Route::Directory.href() class=LINK_CLASS>"← Zurück zum Arztverzeichnis"</a></p>
        <h1 class="mt-2 text-2xl font-bold text-blue-950">"Klärungen"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Hier stehen die Fälle, in denen das Register eine Person mit anderen Angaben kennt. Die Geschäftsstelle entscheidet; fordert sie eine Dokumentkopie an, laden Sie diese hier hoch."
        </p>
        <div class="mt-4"><Notice message=notice /></div>
        {move || match cases.get() {
            None => view! { <p role="status" class="mt-4 text-slate-600">"Wird geladen …"</p> }.into_any(),
            Some(Err(failure)) => view! { <p role="alert" class="mt-4 text-red-800">{failure.message}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="mt-4">"Keine Klärungen."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="mt-4 space-y-4">
                    {list.into_iter().map(|case| {
                        let id = case.id;
                        let input_id = format!("klaerung-dokument-{id}");
                        let wants_document = matches!(case.state, le_domain::api::directory::ClarificationState::DocumentRequested);
                        view! {
                            <li class=CARD_CLASS data-testid="clarification">
                                <h2 class="text-lg font-semibold text-blue-950">
                                    <a href=Route::DirectoryPhysician { id: case.physician_id }.href() class=LINK_CLASS>{case.physician_name.clone()}</a>
                                </h2>
                                <p class="text-slate-700">{case_state(&case)}</p>
                                {differences_table(&case)}
                                {case.office_message.clone().map(|m| view! {
                                    <p class="mt-2"><strong>"Nachricht der Geschäftsstelle: "</strong>{m}</p>
                                })}
                                {wants_document.then(|| {
                                    let input = input_id.clone();
                                    view! {
                                        <div class="mt-4 flex flex-wrap items-end gap-4">
                                            <div>
                                                <label for=input_id.clone() class=LABEL_CLASS>"Dokumentkopie (PDF)"</label>
                                                <FileInput id=input_id accept="application/pdf,.pdf" />
                                            </div>
                                            <button type="button" class=BUTTON_PRIMARY on:click=move |_| upload(id, input.clone())
                                                aria-label=format!("Hochladen: Dokumentkopie zu {}", case.physician_name)>
                                                "Hochladen"
                                            </button>
                                        </div>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
