//! Import of the care service's PKCS#12 file into this browser: checked with its password here,
//! then kept (still password-protected) in IndexedDB. It is never uploaded.
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::crypto::{self, CryptoError};
use super::keystore::{self, StoredKey};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, FileInput, HINT_CLASS, Notice, TextField,
};
use le_domain::api::demo::{DEMO_CARE_KEY_FILE_NAME as DEMO_KEY_FILE_NAME, DEMO_CARE_KEY_PASSWORD};

#[component]
pub fn SigningKeyPage() -> impl IntoView {
    let stored = RwSignal::new(None::<Option<StoredKey>>);
    let file = RwSignal::new(None::<web_sys::File>);
    let password = RwSignal::new(String::new());
    let password_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(None::<&'static str>);
    spawn_local(async move {
        let _ = stored.try_set(Some(keystore::load().await.unwrap_or(None)));
    });
    let on_file = Callback::new(move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        file.set(input.files().and_then(|f| f.get(0)));
    });
    // Checks `bytes` with `pass` in the sealing chunk, keeps the file in IndexedDB and says so.
    let keep = move |bytes: Vec<u8>, file_name: String, pass: String| {
        busy.set(Some(crypto::LOADING));
        spawn_local(async move {
            let result = async {
                let crypto = crypto::load().await?;
                busy.set(Some("Die Datei wird geprüft …"));
                let info =
                    (crypto.check_key)(&bytes, &pass, keystore::now_seconds()).map_err(|e| {
                        if let CryptoError::WrongPassword(m) = &e {
                            password_error.set(Some(m.clone()));
                        }
                        e.message().to_owned()
                    })?;
                let key = StoredKey {
                    file_name,
                    subject: info.subject,
                    ik: info.ik,
                    valid_until: info.valid_until,
                    bytes,
                };
                keystore::save(&key).await?;
                Ok::<StoredKey, String>(key)
            }
            .await;
            busy.set(None);
            match result {
                Ok(key) => {
                    notice.set(Some(Ok(format!(
                        "Schlüssel von „{}“ ist in diesem Browser gespeichert (gültig bis {}). Das Passwort wird bei jeder Lieferung erneut abgefragt.",
                        key.subject, key.valid_until
                    ))));
                    stored.set(Some(Some(key)));
                    password.set(String::new());
                }
                Err(e) => notice.set(Some(Err(e))),
            }
        });
    };
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        password_error.set(None);
        let Some(picked) = file.get_untracked() else {
            notice.set(Some(Err(
                "Bitte die PKCS#12-Datei (.p12 oder .pfx) wählen.".into(),
            )));
            return;
        };
        spawn_local(async move {
            match keystore::file_bytes(&picked).await {
                Ok(bytes) => keep(bytes, picked.name(), password.get_untracked()),
                Err(e) => notice.set(Some(Err(e))),
            }
        });
    };
    // Demo mode: the demo care service's key, fetched from the server and kept like a file.
    let use_demo_key = move |_| {
        notice.set(None);
        password_error.set(None);
        spawn_local(async move {
            match crate::api::demo::care_key().await {
                Ok(bytes) => keep(
                    bytes,
                    DEMO_KEY_FILE_NAME.to_owned(),
                    DEMO_CARE_KEY_PASSWORD.to_owned(),
                ),
                Err(e) => notice.set(Some(Err(e.message))),
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            match keystore::remove().await {
                Ok(()) => {
                    stored.set(Some(None));
                    notice.set(Some(Ok(
                        "Der Schlüssel wurde aus diesem Browser entfernt.".into()
                    )));
                }
                Err(e) => notice.set(Some(Err(e))),
            }
        });
    };
    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Signaturschlüssel"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Der private Schlüssel des Pflegedienstes bleibt in diesem Browser: Die PKCS#12-Datei wird hier mit ihrem Passwort geprüft und passwortgeschützt im Browser gespeichert. Sie wird nie an den Server übertragen; das Passwort wird nicht gespeichert."
        </p>
        <Show when=crate::api::demo::is_demo>
            <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="demo-schluessel-titel">
                <h2 id="demo-schluessel-titel" class="text-lg font-semibold">"Demo: Schlüssel des Demo-Pflegedienstes"</h2>
                <p class="mt-2 text-slate-700">
                    {format!("In dieser Demo gibt es einen Signaturschlüssel des Pflegedienstes Sonnenschein; er signiert nur Demo-Lieferungen. Passwort: {DEMO_CARE_KEY_PASSWORD}")}
                </p>
                <button type="button" class=format!("mt-3 {BUTTON_PRIMARY}") on:click=use_demo_key disabled=move || busy.get().is_some()>
                    "Demo-Schlüssel in diesem Browser speichern"
                </button>
            </section>
        </Show>
        <section class=format!("mt-6 {CARD_CLASS}") aria-labelledby="gespeichert-titel">
            <h2 id="gespeichert-titel" class="text-lg font-semibold">"In diesem Browser"</h2>
            {move || match stored.get() {
                None => view! { <p class="mt-2 text-slate-700">"Wird gelesen …"</p> }.into_any(),
                Some(None) => view! { <p class="mt-2 text-slate-700" data-testid="key-status">"Kein Schlüssel gespeichert."</p> }.into_any(),
                Some(Some(key)) => view! {
                    <p class="mt-2 text-slate-900" data-testid="key-status">
                        {format!("{} – {} (IK {}), gültig bis {}", key.file_name, key.subject, key.ik, key.valid_until)}
                    </p>
                    <button type="button" class=format!("mt-3 {BUTTON_SECONDARY}") on:click=remove>"Schlüssel entfernen"</button>
                }
                .into_any(),
            }}
        </section>
        <form class=format!("mt-6 space-y-4 {CARD_CLASS}") on:submit=import aria-labelledby="import-titel">
            <h2 id="import-titel" class="text-lg font-semibold">"PKCS#12-Datei einlesen"</h2>
            <div>
                <label for="p12-datei" class="block text-sm font-semibold text-slate-900">"PKCS#12-Datei (.p12, .pfx)"</label>
                <p id="p12-hinweis" class=HINT_CLASS>"Die Datei mit Schlüssel und Zertifikat vom ITSG Trust Center."</p>
                <FileInput id="p12-datei" accept=".p12,.pfx,application/x-pkcs12" describedby="p12-hinweis" on_change=on_file testid="p12-file" />
            </div>
            <TextField id="p12-passwort" label="Passwort der Datei" value=password error=password_error input_type="password" autocomplete="off" />
            <button type="submit" class=BUTTON_PRIMARY disabled=move || busy.get().is_some()>"Prüfen und im Browser speichern"</button>
            <p role="status" class="text-slate-700 empty:hidden">{move || busy.get()}</p>
            <Notice message=notice />
        </form>
    }
}
