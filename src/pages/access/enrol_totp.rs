//! First sign-in step "Authenticator-App einrichten": a new key from the server, shown as QR code
//! (drawn in the browser) and as text, confirmed with a first code from the app.
use le_domain::access::{
    DEVICE_NAME_MAX_CHARS, SecondFactor, check_text, group_by_four, parse_second_factor,
};
use le_domain::api::access::{SessionStage, TotpActivateRequest, TotpEnrolment};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::data::{DefList, row};
use crate::components::form::{
    BUTTON_PRIMARY, BUTTON_SECONDARY, CARD_CLASS, Notice, ServerErrors, TextField, Touched,
    focus_by_id, shown,
};
use crate::components::guard::RequireSession;
use crate::components::mutation::Mutation;
use crate::components::page_title::set_page_title;
use crate::components::qr_code::QrCodeImage;
use crate::contexts::session::Session;

#[component]
pub fn EnrolTotp() -> impl IntoView {
    set_page_title("Authenticator-App einrichten");
    view! {
        <RequireSession stage=SessionStage::EnrolTotp>
            <EnrolTotpSteps />
        </RequireSession>
    }
}

#[component]
fn EnrolTotpSteps() -> impl IntoView {
    let session = Session::use_context();
    // A new key each time the page opens (the session's token is read untracked: no reloads).
    let enrolment = api::Load::<TotpEnrolment>::new(move || {
        let csrf = session.csrf();
        async move { api::access::totp_begin(&csrf).await }
    });

    view! {
        <h1 class="text-2xl font-bold text-blue-950">"Authenticator-App einrichten"</h1>
        <p class="mt-2 max-w-3xl text-slate-700">
            "Ihr Zugang wird zusätzlich zum Passwort mit einem zweiten Faktor geschützt: einem Code, "
            "den eine App auf Ihrem Smartphone oder PC alle 30 Sekunden neu erzeugt."
        </p>
        {move || match enrolment.get() {
            None => view! { <p role="status" class="mt-6 text-slate-600">"Schlüssel wird erzeugt …"</p> }.into_any(),
            Some(Err(api::ApiFailure { message, .. })) => view! {
                <p role="alert" class="mt-6 max-w-3xl rounded border border-red-700 bg-red-50 p-4 font-medium text-red-900">
                    {message}
                </p>
            }
            .into_any(),
            Some(Ok(e)) => view! { <Steps enrolment=e /> }.into_any(),
        }}
    }
}

#[component]
fn Steps(enrolment: TotpEnrolment) -> impl IntoView {
    let session = Session::use_context();
    let secret = enrolment.secret.clone();
    let copied = RwSignal::new(None::<Result<String, String>>);
    let copy = move |_| {
        let secret = secret.clone();
        spawn_local(async move {
            copied.set(Some(match copy_text(&secret).await {
                Ok(()) => Ok("Schlüssel kopiert.".to_owned()),
                Err(()) => Err(
                    "Kopieren ist hier nicht möglich; bitte den Schlüssel abschreiben.".to_owned(),
                ),
            }));
        });
    };

    let device = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let touched = Touched::new();
    let server = ServerErrors::new();
    let notice = RwSignal::new(None::<Result<String, String>>);
    let activate = Mutation::with_notice(
        notice,
        |csrf, request: TotpActivateRequest| async move {
            api::access::totp_activate(&csrf, &request).await
        },
        move |answer| match answer {
            // The guard moves on to the next step once the session changes.
            Ok(step) => {
                notice.set(Some(Ok(
                    "Die Authenticator-App ist eingerichtet.".to_owned()
                )));
                session.accept_step(step);
            }
            Err(failure) => {
                let sent = move |field: &str| match field {
                    "code" => code.get_untracked(),
                    "device_name" => device.get_untracked(),
                    _ => String::new(),
                };
                server.set(failure.fields, sent);
                focus_by_id("code");
            }
        },
    );
    let device_error = Memo::new(move |_| {
        check_text(&device.read(), DEVICE_NAME_MAX_CHARS)
            .err()
            .map(|e| e.message())
    });
    let code_error = Memo::new(move |_| match parse_second_factor(&code.read()) {
        Some(SecondFactor::Totp(_)) => None,
        _ => Some("Bitte den 6-stelligen Code eingeben, den die App jetzt anzeigt.".to_owned()),
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if activate.running() {
            return;
        }
        touched.submit();
        if let Some((id, _)) = [
            ("device_name", device_error.get_untracked()),
            ("code", code_error.get_untracked()),
        ]
        .into_iter()
        .find(|(_, e)| e.is_some())
        {
            notice.set(Some(Err(
                "Bitte die markierten Felder korrigieren.".to_owned()
            )));
            focus_by_id(id);
            return;
        }
        let (raw_code, raw_device) = (code.get_untracked(), device.get_untracked());
        let request = TotpActivateRequest {
            code: raw_code.split_whitespace().collect(),
            device_name: raw_device.trim().to_owned(),
        };
        activate.run_with("Code wird geprüft …", request);
    };
    let touch = move |field: &'static str| Callback::new(move |()| touched.touch(field));

    view! {
        <ol class="mt-6 max-w-3xl space-y-6">
            <li class=CARD_CLASS>
                <h2 class="text-lg font-semibold text-slate-900">"1. App installieren"</h2>
                <p class="mt-2 text-slate-700">
                    "Zum Beispiel FreeOTP (für Smartphones im App Store und bei Google Play) oder WinAuth (für Windows-PCs). "
                    "Jede App für zeitbasierte Einmal-Kennwörter (TOTP) ist geeignet."
                </p>
            </li>
            <li class=CARD_CLASS>
                <h2 class="text-lg font-semibold text-slate-900">"2. QR-Code scannen oder Schlüssel eingeben"</h2>
                <div class="mt-3 flex flex-wrap items-start gap-6">
                    <QrCodeImage data=enrolment.otpauth_uri.clone() label="QR-Code zum Einrichten der Authenticator-App" />
                    <div class="min-w-0 flex-1 space-y-3">
                        <p class="text-slate-700">"Ohne Kamera geben Sie in der App diesen Schlüssel von Hand ein:"</p>
                        <p class="font-mono text-xl tracking-wider text-slate-900" data-testid="enrol-secret">
                            {group_by_four(&enrolment.secret, ' ')}
                        </p>
                        <button type="button" class=BUTTON_SECONDARY on:click=copy>"Schlüssel kopieren"</button>
                        <Notice message=copied />
                        <DefList
                            class="text-sm"
                            rows=vec![
                                row("Konto", enrolment.account.clone()),
                                row("Aussteller", enrolment.issuer.clone()),
                                row("Verfahren", "zeitbasiert (TOTP), SHA1, 6 Stellen, 30 Sekunden"),
                            ]
                        />
                    </div>
                </div>
            </li>
            <li class=CARD_CLASS>
                <h2 class="text-lg font-semibold text-slate-900">"3. Mit dem ersten Code bestätigen"</h2>
                <form class="mt-3 space-y-4" novalidate on:submit=submit>
                    <TextField
                        id="device_name"
                        label="Name des Geräts"
                        required=true
                        value=device
                        error=Signal::derive(move || {
                            shown(touched, "device_name", device_error.get())
                                .or_else(|| server.message("device_name", &device.read()))
                        })
                        hint="Damit Sie und Ihre Administration das Gerät wiedererkennen, z. B. „Diensthandy“."
                        on_blur=touch("device_name")
                    />
                    <TextField
                        id="code"
                        label="Code aus der App"
                        required=true
                        value=code
                        error=Signal::derive(move || {
                            shown(touched, "code", code_error.get())
                                .or_else(|| server.message("code", &code.read()))
                        })
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        mono=true
                        on_blur=touch("code")
                    />
                    <button type="submit" class=BUTTON_PRIMARY aria-busy=move || activate.pending().to_string()>
                        "Aktivieren"
                    </button>
                    <Notice message=notice />
                </form>
            </li>
        </ol>
    }
}

/// Writes `text` to the clipboard (Clipboard API; needs a secure context).
async fn copy_text(text: &str) -> Result<(), ()> {
    let clipboard = web_sys::window().ok_or(())?.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}
