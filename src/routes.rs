//! The app's paths in one table: every page as a [`Route`], read from a URL path
//! ([`Route::parse`]) and written into links ([`Route::href`]). `app.rs` dispatches on it; pages
//! link with it (`Route::AuditCase { id }.href()`), so no path is spelled twice.
use le_domain::access::Role;
use le_domain::nav::StartPage;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Every page of the app. Paths are German, as the users read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`
    Home,
    /// `/nummernpruefung`
    NumberCheck,
    /// `/kontakt`
    Contact,
    /// `/pflegeabrechnung`: the care billing area.
    CareBilling,
    /// The operator's recipient certificates of care billing.
    CareCertificates,
    /// `/pflegeabrechnung/neu` (a correction: `?korrektur={id}`)
    CareNew,
    /// `/pflegeabrechnung/einrichtung`
    CareSetup,
    /// `/pflegeabrechnung/personal`
    CareStaff,
    /// `/pflegeabrechnung/schluessel`: the signing key kept in this browser.
    CareKey,
    /// `/pflegeabrechnung/lieferung/{id}`
    CareDelivery { id: i64 },
    /// `/registrierung`
    Registration,
    /// `/registrierung/status` and `/registrierung/status/{reference}`
    RegistrationStatus { reference: Option<String> },
    /// `/anmelden`
    SignIn,
    /// `/anmelden/app-einrichten`
    EnrolTotp,
    /// `/anmelden/passwort`
    SetPassword,
    /// `/anmelden/wiederherstellungscodes`
    RecoveryCodes,
    /// `/konto`
    Account,
    /// `/verwaltung/registrierungen`
    AdminRegistrations,
    /// `/verwaltung/benutzer`
    AdminUsers,
    /// `/verwaltung/api-tokens`
    AdminApiTokens,
    /// `/verwaltung/protokoll`
    AdminAuditLog,
    /// `/arztverzeichnis`
    Directory,
    /// `/arztverzeichnis/neu`
    DirectoryNew,
    /// `/arztverzeichnis/{id}`
    DirectoryPhysician { id: i64 },
    /// `/arztverzeichnis/klaerungen`
    DirectoryClarifications,
    /// `/arztverzeichnis/geschaeftsstelle`
    DirectoryOffice,
    /// `/pruefverfahren`
    Audits,
    /// `/pruefverfahren/anforderung/{id}`
    AuditRequest { id: i64 },
    /// `/pruefverfahren/quittung/{id}`
    AuditReceipt { id: i64 },
    /// `/pruefverfahren/faelle`
    AuditCases,
    /// `/pruefverfahren/fall/{id}`
    AuditCase { id: i64 },
    /// `/pruefverfahren/strukturpruefungen`
    AuditStructure,
    /// `/pruefverfahren/begehungen`
    AuditInspections,
}

impl Route {
    /// The page a path shows; `None` for an unknown path (the "not found" page). A trailing
    /// slash is ignored.
    pub fn parse(path: &str) -> Option<Route> {
        let path = path.trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let id = |s: &str| s.parse::<i64>().ok();
        Some(match segments.as_slice() {
            [] => Route::Home,
            ["nummernpruefung"] => Route::NumberCheck,
            ["kontakt"] => Route::Contact,
            ["pflegeabrechnung"] => Route::CareBilling,
            ["pflegeabrechnung", "zertifikate"] => Route::CareCertificates,
            ["pflegeabrechnung", "neu"] => Route::CareNew,
            ["pflegeabrechnung", "einrichtung"] => Route::CareSetup,
            ["pflegeabrechnung", "personal"] => Route::CareStaff,
            ["pflegeabrechnung", "schluessel"] => Route::CareKey,
            ["pflegeabrechnung", "lieferung", n] => Route::CareDelivery { id: id(n)? },
            ["registrierung"] => Route::Registration,
            ["registrierung", "status"] => Route::RegistrationStatus { reference: None },
            ["registrierung", "status", reference] => Route::RegistrationStatus {
                reference: Some(decode(reference)),
            },
            ["anmelden"] => Route::SignIn,
            ["anmelden", "app-einrichten"] => Route::EnrolTotp,
            ["anmelden", "passwort"] => Route::SetPassword,
            ["anmelden", "wiederherstellungscodes"] => Route::RecoveryCodes,
            ["konto"] => Route::Account,
            ["verwaltung", "registrierungen"] => Route::AdminRegistrations,
            ["verwaltung", "benutzer"] => Route::AdminUsers,
            ["verwaltung", "api-tokens"] => Route::AdminApiTokens,
            ["verwaltung", "protokoll"] => Route::AdminAuditLog,
            ["arztverzeichnis"] => Route::Directory,
            ["arztverzeichnis", "neu"] => Route::DirectoryNew,
            ["arztverzeichnis", "klaerungen"] => Route::DirectoryClarifications,
            ["arztverzeichnis", "geschaeftsstelle"] => Route::DirectoryOffice,
            ["arztverzeichnis", n] => Route::DirectoryPhysician { id: id(n)? },
            ["pruefverfahren"] => Route::Audits,
            ["pruefverfahren", "anforderung", n] => Route::AuditRequest { id: id(n)? },
            ["pruefverfahren", "quittung", n] => Route::AuditReceipt { id: id(n)? },
            ["pruefverfahren", "faelle"] => Route::AuditCases,
            ["pruefverfahren", "fall", n] => Route::AuditCase { id: id(n)? },
            ["pruefverfahren", "strukturpruefungen"] => Route::AuditStructure,
            ["pruefverfahren", "begehungen"] => Route::AuditInspections,
            _ => return None,
        })
    }

    /// The path of the page, for links and navigation.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "/".to_owned(),
            Route::NumberCheck => "/nummernpruefung".to_owned(),
            Route::Contact => "/kontakt".to_owned(),
            Route::CareBilling => "/pflegeabrechnung".to_owned(),
            Route::CareCertificates => "/pflegeabrechnung/zertifikate".to_owned(),
            Route::CareNew => "/pflegeabrechnung/neu".to_owned(),
            Route::CareSetup => "/pflegeabrechnung/einrichtung".to_owned(),
            Route::CareStaff => "/pflegeabrechnung/personal".to_owned(),
            Route::CareKey => "/pflegeabrechnung/schluessel".to_owned(),
            Route::CareDelivery { id } => format!("/pflegeabrechnung/lieferung/{id}"),
            Route::Registration => "/registrierung".to_owned(),
            Route::RegistrationStatus { reference: None } => "/registrierung/status".to_owned(),
            Route::RegistrationStatus {
                reference: Some(reference),
            } => format!("/registrierung/status/{}", encode(reference)),
            Route::SignIn => "/anmelden".to_owned(),
            Route::EnrolTotp => "/anmelden/app-einrichten".to_owned(),
            Route::SetPassword => "/anmelden/passwort".to_owned(),
            Route::RecoveryCodes => "/anmelden/wiederherstellungscodes".to_owned(),
            Route::Account => "/konto".to_owned(),
            Route::AdminRegistrations => "/verwaltung/registrierungen".to_owned(),
            Route::AdminUsers => "/verwaltung/benutzer".to_owned(),
            Route::AdminApiTokens => "/verwaltung/api-tokens".to_owned(),
            Route::AdminAuditLog => "/verwaltung/protokoll".to_owned(),
            Route::Directory => "/arztverzeichnis".to_owned(),
            Route::DirectoryNew => "/arztverzeichnis/neu".to_owned(),
            Route::DirectoryPhysician { id } => format!("/arztverzeichnis/{id}"),
            Route::DirectoryClarifications => "/arztverzeichnis/klaerungen".to_owned(),
            Route::DirectoryOffice => "/arztverzeichnis/geschaeftsstelle".to_owned(),
            Route::Audits => "/pruefverfahren".to_owned(),
            Route::AuditRequest { id } => format!("/pruefverfahren/anforderung/{id}"),
            Route::AuditReceipt { id } => format!("/pruefverfahren/quittung/{id}"),
            Route::AuditCases => "/pruefverfahren/faelle".to_owned(),
            Route::AuditCase { id } => format!("/pruefverfahren/fall/{id}"),
            Route::AuditStructure => "/pruefverfahren/strukturpruefungen".to_owned(),
            Route::AuditInspections => "/pruefverfahren/begehungen".to_owned(),
        }
    }

    /// The page where `role`'s work starts (the domain's [`StartPage`]): where a sign-in lands.
    pub fn start_of(role: Role) -> Route {
        match StartPage::for_role(role) {
            StartPage::Registrations => Route::AdminRegistrations,
            StartPage::Users => Route::AdminUsers,
            StartPage::Audits => Route::Audits,
            StartPage::Directory => Route::Directory,
            StartPage::DirectoryOffice => Route::DirectoryOffice,
            StartPage::CareBilling => Route::CareBilling,
            StartPage::Account => Route::Account,
        }
    }

    /// The path with a query (`query` already encoded, without `?`; empty gives the path).
    pub fn href_with(&self, query: &str) -> String {
        if query.is_empty() {
            self.href()
        } else {
            format!("{}?{query}", self.href())
        }
    }

    /// The path with a `#fragment`.
    pub fn href_to(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.href())
    }
}

/// The route of the current location (tracked; `None` on an unknown path).
pub fn use_route() -> Memo<Option<Route>> {
    let location = use_location();
    Memo::new(move |_| location.pathname.with(|p| Route::parse(p)))
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reverses [`encode`] (an invalid escape stays as written).
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::Route;

    fn all() -> Vec<Route> {
        vec![
            Route::Home,
            Route::NumberCheck,
            Route::Contact,
            Route::CareBilling,
            Route::CareCertificates,
            Route::CareNew,
            Route::CareSetup,
            Route::CareStaff,
            Route::CareKey,
            Route::CareDelivery { id: 5 },
            Route::Registration,
            Route::RegistrationStatus { reference: None },
            Route::RegistrationStatus {
                reference: Some("R-2026 / 1ä".to_owned()),
            },
            Route::SignIn,
            Route::EnrolTotp,
            Route::SetPassword,
            Route::RecoveryCodes,
            Route::Account,
            Route::AdminRegistrations,
            Route::AdminUsers,
            Route::AdminApiTokens,
            Route::AdminAuditLog,
            Route::Directory,
            Route::DirectoryNew,
            Route::DirectoryPhysician { id: 42 },
            Route::DirectoryClarifications,
            Route::DirectoryOffice,
            Route::Audits,
            Route::AuditRequest { id: 7 },
            Route::AuditReceipt { id: 8 },
            Route::AuditCases,
            Route::AuditCase { id: 9 },
            Route::AuditStructure,
            Route::AuditInspections,
        ]
    }

    #[test]
    fn every_route_reads_back_from_its_path() {
        for route in all() {
            assert_eq!(
                Route::parse(&route.href()),
                Some(route.clone()),
                "{route:?}"
            );
            assert_eq!(
                Route::parse(&format!("{}/", route.href())),
                Some(route.clone()),
                "trailing slash: {route:?}"
            );
        }
    }

    #[test]
    fn unknown_paths_and_bad_ids_are_not_found() {
        for path in [
            "/gibt-es-nicht",
            "/bereich/pruefverfahren",
            "/bereich/arztverzeichnis",
            "/arztverzeichnis/abc",
            "/pruefverfahren/fall/x",
            "/pruefverfahren/fall",
            "/verwaltung",
            "/konto/mehr",
        ] {
            assert_eq!(Route::parse(path), None, "{path}");
        }
    }

    #[test]
    fn each_role_starts_on_its_work_page() {
        use le_domain::access::Role;
        let start = |role| Route::start_of(role).href();
        assert_eq!(start(Role::MdAdmin), "/verwaltung/registrierungen");
        assert_eq!(start(Role::MdAuditor), "/pruefverfahren");
        assert_eq!(start(Role::Admin), "/verwaltung/benutzer");
        assert_eq!(start(Role::AuditClerk), "/pruefverfahren");
        assert_eq!(start(Role::DirectoryEditor), "/arztverzeichnis");
        assert_eq!(start(Role::Viewer), "/pruefverfahren");
        assert_eq!(start(Role::BillingClerk), "/pflegeabrechnung");
        assert_eq!(
            start(Role::OfficeClerk),
            "/arztverzeichnis/geschaeftsstelle"
        );
    }

    #[test]
    fn links_keep_queries_and_fragments() {
        assert_eq!(
            Route::SignIn.href_with("abgemeldet=1"),
            "/anmelden?abgemeldet=1"
        );
        assert_eq!(Route::AdminAuditLog.href_with(""), "/verwaltung/protokoll");
        assert_eq!(Route::Account.href_to("codes"), "/konto#codes");
    }
}
