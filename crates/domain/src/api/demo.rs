//! Demo (kiosk) mode: the seeded accounts with the code an authenticator app would show now.
use serde::{Deserialize, Serialize};

use crate::access::Role;

/// One demo account (`GET /api/v1/demo/accounts`; an empty list outside demo mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: String,
    pub institution: String,
    pub password: String,
    /// The code an authenticator app would show now.
    pub code: String,
    /// Seconds until the code changes.
    pub code_valid_for: i64,
}

/// How the demo runs (`GET /api/v1/demo/status`, demo mode only): plain demo or a kiosk with
/// its start screen and idle reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoStatus {
    /// Kiosk mode: role tiles, "Demo" banner, idle reset.
    pub kiosk: bool,
    /// Seconds without touch or key before the countdown starts.
    pub idle_seconds: u64,
    /// Seconds of the visible countdown before the reset.
    pub countdown_seconds: u64,
}

/// The password of the demo care service's signing key (`GET /api/v1/demo/care-key`, demo mode
/// only): public like the demo accounts' password, the key signs demo deliveries only.
pub const DEMO_CARE_KEY_PASSWORD: &str = "Demo-Pflege-2026";

/// The file name the demo care service's signing key is offered and kept under.
pub const DEMO_CARE_KEY_FILE_NAME: &str = "Pflegedienst-Sonnenschein-Demo.p12";

/// The visible countdown before a kiosk's idle reset, in seconds.
pub const KIOSK_COUNTDOWN_SECONDS: u64 = 20;

/// `POST /api/v1/kiosk/reset`: a visitor's end of session (no PIN: signs the session out) or
/// staff's reset on demand (with the PIN given at start-up).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskResetRequest {
    #[serde(default)]
    pub pin: Option<String>,
}

/// A role tile of the kiosk's start screen: the demo account it signs in as, what the tile
/// says, and one sentence on what that person does in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KioskTile {
    pub username: &'static str,
    pub title: &'static str,
    pub sentence: &'static str,
}

/// The kiosk's tiles, in screen order (the accounts are the demo seed's).
pub const KIOSK_TILES: [KioskTile; 6] = [
    KioskTile {
        username: "klinik.controlling",
        title: "Krankenhaus: Medizincontrolling",
        sentence: "Beantwortet Unterlagenanforderungen des Medizinischen Dienstes fristgerecht.",
    },
    KioskTile {
        username: "klinik.personal",
        title: "Krankenhaus: Personalabteilung",
        sentence: "Pflegt die Ärztinnen und Ärzte des Krankenhauses im Arztverzeichnis.",
    },
    KioskTile {
        username: "md.gutachter",
        title: "Medizinischer Dienst: Gutachter",
        sentence: "Prüft Krankenhausabrechnungen und fordert dafür Unterlagen an.",
    },
    KioskTile {
        username: "md.admin",
        title: "Medizinischer Dienst: Verwaltung",
        sentence: "Entscheidet über Registrierungen von Einrichtungen.",
    },
    KioskTile {
        username: "pflege.abrechnung",
        title: "Pflegedienst: Abrechnung",
        sentence: "Übermittelt die Abrechnung des Pflegedienstes verschlüsselt an die Pflegekassen.",
    },
    KioskTile {
        username: "gs.sachbearbeitung",
        title: "Geschäftsstelle Arztverzeichnis",
        sentence: "Klärt Unstimmigkeiten im bundesweiten Arztverzeichnis.",
    },
];
