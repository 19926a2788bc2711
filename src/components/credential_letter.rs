//! The printable credential letter of an approved registration: address block, user name,
//! one-time password, and the TOTP key as QR code and in groups of four. Shown once.
use le_domain::access::group_by_four;
use le_domain::api::access::CredentialLetter;
use leptos::prelude::*;
use totp_rs::{Builder, Secret};

use crate::components::data::{DefList, row};
use crate::components::form::{BUTTON_PRIMARY, BUTTON_SECONDARY};
use crate::components::qr_code::QrCodeImage;
use crate::components::recovery_codes::print;

/// The otpauth URI of the letter's key: totp-rs checks the key and the label and encodes them;
/// the defaults are spelled out because some authenticator apps expect them.
pub fn otpauth_uri(letter: &CredentialLetter) -> Option<String> {
    let secret = Secret::try_from_base32(letter.totp_secret.trim()).ok()?;
    let totp = Builder::new()
        .with_secret(secret)
        .with_issuer(Some(letter.totp_issuer.as_str()))
        .with_account_name(letter.totp_account.as_str())
        .build()
        .ok()?;
    let uri = totp.to_url().ok()?;
    Some(format!("{uri}&algorithm=SHA1&digits=6&period=30"))
}

/// How to sign in for the first time (static text, from the portal's access guide).
const INSTRUCTIONS: &str = "<h3 class=\"font-semibold\">So melden Sie sich zum ersten Mal an</h3>\
<ol class=\"mt-2 list-decimal space-y-1 pl-5\">\
<li>Installieren Sie eine Authenticator-App: FreeOTP (für Smartphones im App Store und bei Google Play), \
WinAuth (für Windows-PCs) oder jede andere App für zeitbasierte Einmal-Kennwörter (TOTP).</li>\
<li>Scannen Sie den QR-Code mit der App oder geben Sie den Schlüssel von Hand ein (zeitbasiert, SHA1, 6 Stellen, 30 Sekunden).</li>\
<li>Melden Sie sich unter der oben genannten Adresse mit Benutzername, Einmal-Passwort und dem aktuellen Code aus der App an.</li>\
<li>Wählen Sie ein eigenes Passwort und bewahren Sie die angezeigten Wiederherstellungscodes sicher auf.</li>\
</ol>";

const CLOSING: &str = "<p class=\"mt-6\">Bewahren Sie dieses Schreiben bis zur ersten Anmeldung sicher auf und \
vernichten Sie es danach. Möglicherweise benötigen Sie für die Einrichtung die Hilfe Ihrer IT.</p>\
<p class=\"mt-6\">Mit freundlichen Grüßen</p><p class=\"mt-1\">Ihr Medizinischer Dienst</p>";

#[component]
pub fn CredentialLetterView(letter: CredentialLetter, on_close: Callback<()>) -> impl IntoView {
    let uri = otpauth_uri(&letter);
    let portal = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let key = group_by_four(&letter.totp_secret, ' ');
    view! {
        <div class="mb-6 space-y-4 rounded border border-amber-400 bg-amber-50 p-4 text-amber-950 print:hidden">
            <p class="font-semibold">
                "Dieses Schreiben wird nur einmal angezeigt. Drucken Sie es jetzt aus und senden Sie es per Post an die Einrichtung."
            </p>
            <p>"Das Einmal-Passwort und der Schlüssel werden nicht gespeichert und können später nur neu ausgestellt werden."</p>
            <div class="flex flex-wrap gap-3">
                <button id="brief-drucken" type="button" class=BUTTON_PRIMARY on:click=move |_| print()>"Drucken"</button>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_close.run(())>
                    "Schließen und zur Liste"
                </button>
            </div>
        </div>
        <article
            aria-labelledby="brief-betreff"
            data-testid="credential-letter"
            class="mx-auto max-w-3xl bg-white p-10 text-slate-900 shadow-sm print:max-w-none print:p-0 print:shadow-none"
        >
            <p class="text-xs text-slate-600">"LE-Portal · Medizinischer Dienst · Registrierungsstelle"</p>
            <address class="mt-4 not-italic leading-relaxed">
                {letter.institution_name.clone()}<br />
                {format!("z. Hd. {}", letter.recipient_name)}<br />
                {letter.street.clone()}<br />
                {format!("{} {}", letter.postal_code, letter.city)}
            </address>
            <p class="mt-8 text-right">{format!("Datum: {}", crate::format::date(&letter.issued_at))}</p>
            <h2 id="brief-betreff" class="mt-6 text-lg font-bold">
                "Ihre Zugangsdaten zum Leistungserbringerportal (LE-Portal)"
            </h2>
            <p class="mt-4">{format!("Guten Tag {},", letter.recipient_name)}</p>
            <p class="mt-2">
                {format!("die Registrierung der Einrichtung „{}“ wurde geprüft und freigegeben. ", letter.institution_name)}
                "Mit den folgenden Zugangsdaten melden Sie sich als primärer Benutzer (Administration) an und legen danach weitere Benutzer an."
            </p>
            <DefList
                class="mt-6 rounded border border-slate-400 p-4 [&_dd]:font-mono [&_dd]:text-lg"
                rows=vec![
                    row("Adresse", format!("{portal}/anmelden")),
                    ("Benutzername", letter.username.clone(), Some("letter-username")),
                    ("Einmal-Passwort", letter.one_time_password.clone(), Some("letter-otp")),
                    ("Schlüssel für die Authenticator-App", key, Some("letter-secret")),
                ]
            />
            <div class="mt-6 flex flex-wrap items-start gap-6">
                {match uri {
                    Some(uri) => view! {
                        <QrCodeImage data=uri label="QR-Code zum Einrichten der Authenticator-App" />
                    }
                    .into_any(),
                    None => view! {
                        <p class="font-medium text-red-800">
                            "Der Schlüssel ist unvollständig; bitte die Zugangsdaten neu ausstellen."
                        </p>
                    }
                    .into_any(),
                }}
                <div class="min-w-0 flex-1" inner_html=INSTRUCTIONS></div>
            </div>
            <div inner_html=CLOSING></div>
        </article>
    }
}
