//! A new delivery: the payload file is picked here, checked as the user types (kind, month,
//! branch, the worker number of every service line — from the domain crate, as the server
//! checks), the routing shown, then signed and encrypted in this browser with the key kept
//! here; only the encrypted file goes to the server, which adds the order file.
use le_domain::api::care_billing::{DeliveryRequest, StaffMember};
use le_domain::care_billing::{
    DESCRIPTION_MAX_CHARS, KindCatalog, Procedure, RoutingTable, check_worker_number,
};
use le_domain::directory::Date;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::crypto::{self, CryptoError};
use super::keystore;
use crate::api::{self, ApiFailure, Load};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, ERROR_CLASS, FileInput, HINT_CLASS, INPUT_CLASS,
    LABEL_CLASS, Notice, TextField, Touched,
};
use crate::components::mutation::Mutation;
use crate::contexts::session::Session;
use crate::routes::Route;

/// One service line's worker: number and service date.
#[derive(Debug, Clone, Copy)]
struct Line {
    lbnr: RwSignal<String>,
    date: RwSignal<String>,
}

impl Line {
    fn new() -> Line {
        Line {
            lbnr: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
        }
    }
}

/// The error of a line's worker number for `kind` (the service date defaults to the month's
/// first day).
fn line_error(lbnr: &str, date: &str, kind: &str, month: &str) -> Option<String> {
    let service_date = Date::parse(date.trim())
        .ok()
        .or_else(|| le_domain::api::care_billing::month_start(month))?;
    check_worker_number(lbnr, kind, service_date)
        .err()
        .map(|e| e.message)
}

/// The current billing month ("2027-01"), of the Berlin day like every date of the app.
fn this_month() -> String {
    let today = crate::dates::today();
    format!("{:04}-{:02}", today.year(), today.month())
}

#[component]
pub fn NewDelivery() -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    let query = use_query_map();
    let correction_of = Memo::new(move |_| {
        query
            .read()
            .get("korrektur")
            .and_then(|v| v.parse::<i64>().ok())
    });
    let setup = Load::new(api::care_billing::setup);
    // The staff only name the worker numbers typed in; without them the form still works.
    let staff_list = Load::new(api::care_billing::staff);
    let staff = Memo::new(move |_| {
        staff_list.with(|answer| match answer {
            Some(Ok(list)) => list.clone(),
            _ => Vec::<StaffMember>::new(),
        })
    });
    let file = RwSignal::new(None::<web_sys::File>);
    let kind = RwSignal::new("01".to_owned());
    let branch = RwSignal::new(String::new());
    let month = RwSignal::new(this_month());
    let real = RwSignal::new(false);
    let gzip = RwSignal::new(true);
    let description = RwSignal::new(String::new());
    // A demo's visitors use the demo key, whose password is public: filled in for them.
    let password = RwSignal::new(if crate::api::demo::is_demo() {
        le_domain::api::demo::DEMO_CARE_KEY_PASSWORD.to_owned()
    } else {
        String::new()
    });
    let password_error = RwSignal::new(None::<String>);
    let lines = RwSignal::new(vec![Line::new()]);
    let touched = Touched::new();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(None::<&'static str>);

    let route = Memo::new(move |_| {
        setup.with(|s| {
            s.as_ref()
                .and_then(|s| s.as_ref().ok())
                .and_then(|s| s.region.clone())
                .and_then(|r| RoutingTable::builtin().route(&r).ok().cloned())
        })
    });
    let branches = Memo::new(move |_| {
        let mut all = vec![];
        if let Some(info) = session.info() {
            all.push((info.institution.ik.clone(), info.institution.name.clone()));
        }
        setup.with(|s| {
            if let Some(Ok(s)) = s {
                all.extend(s.branches.iter().map(|b| (b.ik.clone(), b.name.clone())));
            }
        });
        all.dedup_by(|a, b| a.0 == b.0);
        all
    });
    Effect::new(move |_| {
        if branch.with_untracked(String::is_empty)
            && let Some((ik, _)) = branches.get().first()
        {
            branch.set(ik.clone());
        }
    });
    // The request as it stands, and its field errors from the domain (as the server checks).
    let request = Memo::new(move |_| DeliveryRequest {
        branch_ik: branch.get(),
        kind: kind.get(),
        month: month.get(),
        procedure: if real.get() {
            Procedure::Real
        } else {
            Procedure::Test
        },
        payload_size: file.with(|f| f.as_ref().map(|f| f.size() as u64).unwrap_or(0)),
        compressed: gzip.get(),
        correction_of: correction_of.get(),
        description: description.get(),
    });
    let errors = Memo::new(move |_| {
        let insurer = route
            .get()
            .map(|r| r.care_insurer.as_str().to_owned())
            .unwrap_or_default();
        request.get().validate(&insurer)
    });
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            if !touched.shows(field) && field != "kind" && field != "month" {
                return None;
            }
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
            })
        })
    };
    let line_errors = Memo::new(move |_| {
        let (k, m) = (kind.get(), month.get());
        lines
            .get()
            .iter()
            .map(|l| line_error(&l.lbnr.get(), &l.date.get(), &k, &m))
            .collect::<Vec<_>>()
    });
    let paper_receipts = Memo::new(move |_| {
        let route = route.get()?;
        let k = kind.get();
        if k == "01" {
            return Some(format!("Abrechnungsstelle {}", route.billing_office));
        }
        KindCatalog::builtin()
            .accepted_by(route.care_insurer.as_str())
            .into_iter()
            .find(|a| a.kind == k)
            .map(|a| a.paper_receipts.clone())
    });
    let staff_name = move |lbnr: String| {
        staff.with(|s| {
            s.iter()
                .find(|m| !lbnr.trim().is_empty() && m.form.lbnr == lbnr.trim())
                .map(|m| format!("{} {}", m.form.first_name, m.form.last_name))
        })
    };

    let on_file = Callback::new(move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        file.set(input.files().and_then(|f| f.get(0)));
        touched.touch("payload_size");
    });

    // Fetch the recipient's certificate, read the stored key, seal in this browser, upload; the
    // steps show in the status line. Failures before the upload are the browser's own.
    let sealing = Mutation::with_notice(
        notice,
        move |csrf, (req, picked): (DeliveryRequest, web_sys::File)| async move {
            busy.set(Some("Zertifikat der Datenannahmestelle wird geholt …"));
            let recipient = api::care_billing::recipient_certificate().await?;
            let stored = keystore::load()
                .await
                .map_err(ApiFailure::local)?
                .ok_or_else(|| {
                    ApiFailure::local(
                    "In diesem Browser ist kein Signaturschlüssel gespeichert (siehe „Schlüssel“)."
                        .to_owned(),
                )
                })?;
            busy.set(Some(crypto::LOADING));
            let crypto = crypto::load().await.map_err(ApiFailure::local)?;
            busy.set(Some("Datei wird signiert und verschlüsselt …"));
            let payload = keystore::file_bytes(&picked)
                .await
                .map_err(ApiFailure::local)?;
            let sealed = (crypto.seal)(&crypto::SealInput {
                recipient_pem: &recipient.pem,
                pkcs12: &stored.bytes,
                password: &password.get_untracked(),
                payload: &payload,
                gzip: req.compressed,
                now: keystore::now_seconds(),
            })
            .map_err(|e| {
                if let CryptoError::WrongPassword(m) = &e {
                    password_error.set(Some(m.clone()));
                }
                ApiFailure::local(e.message().to_owned())
            })?;
            drop(payload);
            busy.set(Some("Verschlüsselte Datei wird hochgeladen …"));
            let mut req = req;
            req.payload_size = sealed.payload_size;
            api::care_billing::create_delivery(&csrf, &req, &sealed.bytes).await
        },
        move |answer: Result<le_domain::api::care_billing::Delivery, ApiFailure>| {
            busy.set(None);
            match answer {
                Ok(delivery) => navigate(
                    &Route::CareDelivery { id: delivery.id }.href(),
                    Default::default(),
                ),
                // Every field's message, as the form shows no server field errors itself.
                Err(e) if !e.fields.is_empty() => notice.set(Some(Err(e
                    .fields
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join(" ")))),
                Err(_) => {}
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.submit();
        notice.set(None);
        password_error.set(None);
        let Some(picked) = file.get_untracked() else {
            notice.set(Some(Err("Bitte die Abrechnungsdatei wählen.".into())));
            return;
        };
        if !errors.get_untracked().is_empty()
            || line_errors.get_untracked().iter().any(Option::is_some)
        {
            notice.set(Some(
                Err("Bitte die markierten Angaben berichtigen.".into()),
            ));
            return;
        }
        sealing.run((request.get_untracked(), picked));
    };
    // How much of the order file's description field is left, from the domain's limit.
    let description_left = Signal::derive(move || {
        let used = description.with(|d| d.chars().count());
        Some(match DESCRIPTION_MAX_CHARS.checked_sub(used) {
            Some(left) => format!("Noch {left} von {DESCRIPTION_MAX_CHARS} Zeichen frei."),
            None => format!(
                "{} Zeichen zu viel (höchstens {DESCRIPTION_MAX_CHARS}).",
                used - DESCRIPTION_MAX_CHARS
            ),
        })
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">
            {move || if correction_of.get().is_some() { "Korrekturlieferung" } else { "Neue Lieferung" }}
        </h1>
        {move || correction_of.get().map(|id| view! {
            <p class="mt-2 text-slate-700" data-testid="correction-of">{format!("Korrigiert die Lieferung {id}.")}</p>
        })}
        {move || match setup.get() {
            Some(Ok(s)) if s.region.is_none() => view! {
                <p role="alert" class="mt-4 rounded border border-amber-400 bg-amber-50 p-3 text-amber-950">
                    "Bitte zuerst unter „Einrichtung“ die Region wählen: Sie bestimmt den Empfänger."
                </p>
            }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="mt-4 text-red-800">{e.message}</p> }.into_any(),
            _ => ().into_any(),
        }}
        <form class="mt-6 space-y-6" on:submit=submit novalidate>
            <section class=format!("space-y-4 {CARD_CLASS}") aria-labelledby="datei-titel">
                <h2 id="datei-titel" class="text-lg font-semibold">"Abrechnungsdatei"</h2>
                <div>
                    <label for="nutzdaten" class=LABEL_CLASS>"Datei aus der Abrechnungssoftware"</label>
                    <p id="nutzdaten-hinweis" class=HINT_CLASS>"Die Datei wird nur in diesem Browser gelesen, signiert und verschlüsselt."</p>
                    <FileInput id="nutzdaten" accept="" describedby="nutzdaten-hinweis" on_change=on_file testid="payload-file" />
                    <p class=ERROR_CLASS>{move || error_of("payload_size").get()}</p>
                </div>
                <div>
                    <label for="leistungsart" class=LABEL_CLASS>"Leistungsart"</label>
                    <select id="leistungsart" class=INPUT_CLASS aria-describedby="leistungsart-fehler"
                        aria-invalid=move || error_of("kind").with(Option::is_some).to_string()
                        prop:value=move || kind.get()
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KindCatalog::builtin().kinds().iter().map(|k| view! {
                            <option value=k.code.clone()>{format!("{} {}", k.code, k.label)}</option>
                        }).collect_view()}
                    </select>
                    <p id="leistungsart-fehler" class=ERROR_CLASS data-testid="kind-error">{move || error_of("kind").get()}</p>
                </div>
                <div>
                    <label for="betriebsstaette" class=LABEL_CLASS>"Betriebsstätte (Absender-IK)"</label>
                    <select id="betriebsstaette" class=INPUT_CLASS prop:value=move || branch.get()
                        on:change=move |ev| branch.set(event_target_value(&ev))>
                        {move || branches.get().into_iter().map(|(ik, name)| view! {
                            <option value=ik.clone()>{format!("{ik} {name}")}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TextField id="monat" label="Abrechnungsmonat (JJJJ-MM)" value=month error=error_of("month") inputmode="numeric" />
                <fieldset>
                    <legend class=LABEL_CLASS>"Verfahren"</legend>
                    <div class="mt-1 flex flex-wrap gap-4">
                        <label class="flex items-center gap-2"><input type="radio" name="verfahren" prop:checked=move || !real.get() on:change=move |_| real.set(false) />"Testverfahren (TPFL0)"</label>
                        <label class="flex items-center gap-2"><input type="radio" name="verfahren" prop:checked=move || real.get() on:change=move |_| real.set(true) />"Echtverfahren (EPFL0)"</label>
                    </div>
                </fieldset>
                <label class="flex items-center gap-2">
                    <input type="checkbox" prop:checked=move || gzip.get() on:change=move |ev| gzip.set(event_target_checked(&ev)) />
                    "Vor dem Verschlüsseln komprimieren (gzip)"
                </label>
                <TextField id="beschreibung" label="Beschreibung" value=description error=error_of("description") progress=description_left on_blur=Callback::new(move |()| touched.touch("description")) />
            </section>

            <section class=format!("space-y-4 {CARD_CLASS}") aria-labelledby="lbnr-titel">
                <h2 id="lbnr-titel" class="text-lg font-semibold">"Pflegekräfte der Leistungszeilen"</h2>
                <p class=HINT_CLASS>"Je Leistungszeile die Beschäftigtennummer (LBNR) der Pflegekraft und das Leistungsdatum; ohne Datum gilt der Monatserste. Falsche Nummern werden sofort markiert."</p>
                {move || lines.get().into_iter().enumerate().map(|(i, line)| {
                    let lbnr_id = format!("lbnr-{i}");
                    let date_id = format!("datum-{i}");
                    let error_id = format!("lbnr-{i}-fehler");
                    let name_id = format!("lbnr-{i}-name");
                    // An empty number is marked once the form was submitted; a typed one at once.
                    let error = move || {
                        if line.lbnr.with(|v| v.trim().is_empty()) && !touched.shows("lines") {
                            return None;
                        }
                        line_errors.with(|e| e.get(i).cloned().flatten())
                    };
                    view! {
                        <div class="flex flex-wrap items-start gap-4">
                            <div>
                                <label for=lbnr_id.clone() class=LABEL_CLASS>{format!("LBNR Zeile {}", i + 1)}</label>
                                <input id=lbnr_id class=format!("{INPUT_CLASS} font-mono") inputmode="numeric" autocomplete="off"
                                    data-testid=format!("lbnr-{i}")
                                    aria-invalid=move || error().is_some().to_string()
                                    aria-describedby=format!("{error_id} {name_id}")
                                    prop:value=move || line.lbnr.get()
                                    on:input=move |ev| line.lbnr.set(event_target_value(&ev)) />
                                <p id=error_id class=ERROR_CLASS data-testid=format!("lbnr-{i}-error")>{error}</p>
                                <p id=name_id class="mt-1 text-sm text-green-800 empty:hidden">
                                    {move || if error().is_none() { staff_name(line.lbnr.get()).map(|n| format!("✓ {n}")) } else { None }}
                                </p>
                            </div>
                            <div>
                                <label for=date_id.clone() class=LABEL_CLASS>"Leistungsdatum"</label>
                                <input id=date_id type="date" class=INPUT_CLASS prop:value=move || line.date.get()
                                    on:input=move |ev| line.date.set(event_target_value(&ev)) />
                            </div>
                        </div>
                    }
                }).collect_view()}
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| lines.update(|l| l.push(Line::new()))>"Zeile hinzufügen"</button>
            </section>

            <section class=format!("space-y-2 {CARD_CLASS}") aria-labelledby="weg-titel" data-testid="routing">
                <h2 id="weg-titel" class="text-lg font-semibold">"Empfänger und Versandweg"</h2>
                {move || match route.get() {
                    None => view! { <p class="text-slate-700">"Noch keine Region gewählt."</p> }.into_any(),
                    Some(r) => view! {
                        <dl class="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
                            <dt class="font-medium text-slate-700">"Region"</dt><dd>{r.region.clone()}</dd>
                            <dt class="font-medium text-slate-700">"Datenannahmestelle"</dt>
                            <dd data-testid="acceptance-point">{format!("IK {} (physischer Empfänger), IK {} (logischer Empfänger)", r.physical_recipient.as_str(), r.logical_recipient.as_str())}</dd>
                            <dt class="font-medium text-slate-700">"Pflegekasse"</dt><dd>{format!("IK {}", r.care_insurer.as_str())}</dd>
                            <dt class="font-medium text-slate-700">"Kostenträger"</dt><dd>{format!("IK {}", r.cost_bearer.as_str())}</dd>
                            <dt class="font-medium text-slate-700">"Datenträger an"</dt>
                            <dd>{le_domain::care_billing::data_carrier_address(r.physical_recipient.as_str()).unwrap_or("–")}</dd>
                            <dt class="font-medium text-slate-700">"Papierbelege"</dt>
                            <dd data-testid="paper-receipts">{move || paper_receipts.get().unwrap_or_else(|| "–".into())}</dd>
                        </dl>
                    }.into_any(),
                }}
            </section>

            <section class=format!("space-y-4 {CARD_CLASS}") aria-labelledby="signatur-titel">
                <h2 id="signatur-titel" class="text-lg font-semibold">"Signieren und verschlüsseln"</h2>
                <TextField id="lieferung-passwort" label="Passwort des Signaturschlüssels" value=password error=password_error input_type="password" hint="Das Passwort der in diesem Browser gespeicherten PKCS#12-Datei; es verlässt den Browser nicht." />
                <button type="submit" class=BUTTON_PRIMARY disabled=move || sealing.pending()>"Signieren, verschlüsseln und hochladen"</button>
                <p role="status" class="text-slate-700 empty:hidden">{move || busy.get()}</p>
                <Notice message=notice />
            </section>
        </form>
    }
}
