//! The care service's set-up: region (routing row), billing centre, sender address, branches.
use le_domain::access::Permission;
use le_domain::api::care_billing::{CareSetup, NewBranch, SetupRequest};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, Load};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, ERROR_CLASS, INPUT_CLASS, LABEL_CLASS, Notice,
    TextField,
};
use crate::components::mutation::Mutation;
use crate::contexts::session::Session;

#[component]
pub fn SetupPage() -> impl IntoView {
    let session = Session::use_context();
    let is_admin = move || {
        session
            .info()
            .is_some_and(|i| i.role.allows(Permission::ConfigureCareBilling))
    };
    let loaded = Load::new(api::care_billing::setup);
    let setup = loaded.latest();
    let region = RwSignal::new(String::new());
    let centre = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    // The form takes the stored values once, when they first arrive (a reload after adding a
    // branch keeps what the user is typing).
    let filled = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(s)) = loaded.get()
            && !filled.get_value()
        {
            filled.set_value(true);
            region.set(s.region.clone().unwrap_or_default());
            centre.set(s.billing_centre_ik.clone().unwrap_or_default());
            email.set(s.sender_email.clone());
        }
    });
    let request = Memo::new(move |_| SetupRequest {
        region: region.get(),
        billing_centre_ik: Some(centre.get()),
        sender_email: email.get(),
    });
    let shown = RwSignal::new(false);
    let err = move |f: &'static str| {
        Signal::derive(move || {
            if !shown.get() {
                return None;
            }
            request.with(|r| {
                r.validate()
                    .into_iter()
                    .find(|e| e.field == f)
                    .map(|e| e.message)
            })
        })
    };
    let notice = RwSignal::new(None::<Result<String, String>>);
    let saving = Mutation::with_notice(
        notice,
        |csrf, req: SetupRequest| async move { api::care_billing::save_setup(&csrf, &req).await },
        move |answer| {
            if answer.is_ok() {
                notice.set(Some(Ok("Die Einrichtung ist gespeichert.".into())));
                loaded.reload();
            }
        },
    );
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        shown.set(true);
        if !request.get_untracked().validate().is_empty() {
            return;
        }
        saving.run(request.get_untracked());
    };
    let branch_ik = RwSignal::new(String::new());
    let branch_name = RwSignal::new(String::new());
    let branch_shown = RwSignal::new(false);
    let branch_req = Memo::new(move |_| NewBranch {
        ik: branch_ik.get(),
        name: branch_name.get(),
    });
    let branch_err = move |f: &'static str| {
        Signal::derive(move || {
            if !(branch_shown.get() || f == "ik" && branch_ik.with(|v| v.trim().len() >= 9)) {
                return None;
            }
            branch_req.with(|r| {
                r.validate()
                    .into_iter()
                    .find(|e| e.field == f)
                    .map(|e| e.message)
            })
        })
    };
    let adding = Mutation::with_notice(
        notice,
        |csrf, req: NewBranch| async move { api::care_billing::add_branch(&csrf, &req).await },
        move |answer: Result<CareSetup, ApiFailure>| match answer {
            Ok(_) => {
                branch_ik.set(String::new());
                branch_name.set(String::new());
                branch_shown.set(false);
                notice.set(Some(Ok("Betriebsstätte eingetragen.".into())));
                loaded.reload();
            }
            Err(e) => {
                if let Some(field) = e.fields.first() {
                    notice.set(Some(Err(field.message.clone())));
                }
            }
        },
    );
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        branch_shown.set(true);
        if !branch_req.get_untracked().validate().is_empty() {
            return;
        }
        adding.run(branch_req.get_untracked());
    };
    let removing = Mutation::with_notice(
        notice,
        |csrf, id: i64| async move { api::care_billing::remove_branch(&csrf, id).await },
        move |answer| {
            if answer.is_ok() {
                loaded.reload();
            }
        },
    );
    let remove = move |id: i64| {
        removing.run(id);
    };
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Einrichtung"</h1>
        <Notice message=notice />
        {move || match setup.get() {
            None => view! { <p role="status">"Wird geladen …"</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="text-red-800">{e.message}</p> }.into_any(),
            Some(Ok(s)) => view! {
                <form class=format!("mt-4 space-y-4 {CARD_CLASS}") on:submit=save aria-labelledby="weg-titel">
                    <h2 id="weg-titel" class="text-lg font-semibold">"Region und Absender"</h2>
                    <div>
                        <label for="region" class=LABEL_CLASS>"Region (bestimmt den Empfänger)"</label>
                        <select id="region" class=INPUT_CLASS aria-describedby="region-fehler" prop:value=move || region.get() on:change=move |ev| region.set(event_target_value(&ev)) disabled=move || !is_admin()>
                            <option value="">"bitte wählen"</option>
                            {s.regions.iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                        </select>
                        <p id="region-fehler" class=ERROR_CLASS>{move || err("region").get()}</p>
                    </div>
                    <TextField id="abrechnungszentrum" label="IK des Abrechnungszentrums (falls eines sendet)" value=centre error=err("billing_centre_ik") inputmode="numeric" mono=true />
                    <TextField id="absender-email" label="E-Mail-Adresse des Absenders" value=email error=err("sender_email") input_type="email" />
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || !is_admin() || saving.pending()>"Speichern"</button>
                </form>
                <section class=format!("mt-6 space-y-3 {CARD_CLASS}") aria-labelledby="bs-titel">
                    <h2 id="bs-titel" class="text-lg font-semibold">"Betriebsstätten"</h2>
                    <ul class="space-y-1" data-testid="branches">
                        {s.branches.iter().map(|b| {
                            let id = b.id;
                            view! {
                                <li class="flex flex-wrap items-center gap-3">
                                    <span>{format!("IK {} – {}", b.ik, b.name)}</span>
                                    <button type="button" class=BUTTON_SECONDARY disabled=move || !is_admin() || removing.pending() on:click=move |_| remove(id)
                                        aria-label=format!("Betriebsstätte {} entfernen", b.ik)>"Entfernen"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <form class="space-y-3" on:submit=add>
                        <TextField id="bs-ik" label="IK der Betriebsstätte" value=branch_ik error=branch_err("ik") inputmode="numeric" mono=true />
                        <TextField id="bs-name" label="Name" value=branch_name error=branch_err("name") />
                        <button type="submit" class=BUTTON_SECONDARY disabled=move || !is_admin() || adding.pending()>"Betriebsstätte hinzufügen"</button>
                    </form>
                </section>
            }.into_any(),
        }}
    }
}
