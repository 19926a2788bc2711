//! What each role sees in the navigation: the work areas it uses (the SPA fetches their code
//! after sign-in) and the entries of the account and administration menu (the SPA's menu and
//! the guards of those pages). Both follow the one role matrix, [`Role::allows`]: the navigation
//! shows what the server permits.
use crate::access::{Permission, Role};

/// The work areas behind the sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkArea {
    /// Arztverzeichnis: hospitals' staff and the directory office.
    Directory,
    /// Prüfverfahren: the Medizinischer Dienst and hospitals.
    Audits,
    /// Verwaltung: the administrators of an institution.
    Administration,
}

impl WorkArea {
    pub const ALL: [WorkArea; 3] = [
        WorkArea::Directory,
        WorkArea::Audits,
        WorkArea::Administration,
    ];

    /// Whether users with `role` work in this area.
    pub fn open_to(self, role: Role) -> bool {
        match self {
            WorkArea::Directory => {
                role.allows(Permission::ViewDirectory)
                    || role.allows(Permission::WorkInDirectoryOffice)
            }
            WorkArea::Audits => {
                role.allows(Permission::AuditAsMd) || role.allows(Permission::ViewHospitalAudits)
            }
            WorkArea::Administration => role.allows(Permission::AdministerInstitution),
        }
    }

    /// The areas a role works in, in menu order.
    pub fn for_role(role: Role) -> impl Iterator<Item = WorkArea> {
        WorkArea::ALL.into_iter().filter(move |a| a.open_to(role))
    }
}

/// The entries of the account and administration menu, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MenuEntry {
    /// Registrations of institutions: decided by the Medizinischer Dienst's administrators.
    Registrations,
    /// The institution's users.
    Users,
    /// Tokens for the institution's own systems.
    ApiTokens,
    /// The institution's audit log.
    AuditLog,
    /// Recipient certificates of care billing: imported by the Medizinischer Dienst's
    /// administrators (the operator).
    CareCertificates,
    /// The own account: everybody.
    Account,
}

impl MenuEntry {
    pub const ALL: [MenuEntry; 6] = [
        MenuEntry::Registrations,
        MenuEntry::Users,
        MenuEntry::ApiTokens,
        MenuEntry::AuditLog,
        MenuEntry::CareCertificates,
        MenuEntry::Account,
    ];

    /// Whether users with `role` see the entry (and may open its page).
    pub fn open_to(self, role: Role) -> bool {
        match self {
            MenuEntry::Registrations | MenuEntry::CareCertificates => {
                role.allows(Permission::DecideRegistrations)
            }
            MenuEntry::Users | MenuEntry::ApiTokens | MenuEntry::AuditLog => {
                role.allows(Permission::AdministerInstitution)
            }
            MenuEntry::Account => true,
        }
    }

    /// The entries a role sees, in menu order.
    pub fn for_role(role: Role) -> impl Iterator<Item = MenuEntry> {
        MenuEntry::ALL.into_iter().filter(move |e| e.open_to(role))
    }
}

/// The sub-menu of the audits area (Prüfverfahren), in menu order; every entry is open to
/// everyone who works in the area ([`WorkArea::Audits`]), the pages then show what the role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditsMenuEntry {
    /// The start page: the MD's overview of its cases, the hospital's inbox of requests.
    Start,
    /// Audit cases.
    Cases,
    /// Structure audits (applications and certificates).
    StructureAudits,
    /// Announced on-site inspections.
    Inspections,
}

impl AuditsMenuEntry {
    pub const ALL: [AuditsMenuEntry; 4] = [
        AuditsMenuEntry::Start,
        AuditsMenuEntry::Cases,
        AuditsMenuEntry::StructureAudits,
        AuditsMenuEntry::Inspections,
    ];

    /// Whether users with `role` see the entry (and may open its page).
    pub fn open_to(self, role: Role) -> bool {
        WorkArea::Audits.open_to(role)
    }

    /// The entry's label for `role` (the start page is the MD's overview, the hospital's requests).
    pub fn label(self, role: Role) -> &'static str {
        match self {
            AuditsMenuEntry::Start if role.allows(Permission::AuditAsMd) => "Übersicht",
            AuditsMenuEntry::Start => "Anforderungen",
            AuditsMenuEntry::Cases => "Fälle",
            AuditsMenuEntry::StructureAudits => "Strukturprüfungen",
            AuditsMenuEntry::Inspections => "Begehungen",
        }
    }

    /// The entries a role sees, in menu order.
    pub fn for_role(role: Role) -> impl Iterator<Item = AuditsMenuEntry> {
        AuditsMenuEntry::ALL
            .into_iter()
            .filter(move |e| e.open_to(role))
    }
}

#[cfg(test)]
mod tests {
    use super::{AuditsMenuEntry, MenuEntry, WorkArea};
    use crate::access::Role;

    #[test]
    fn areas_by_role() {
        let areas = |role| WorkArea::for_role(role).collect::<Vec<_>>();
        use WorkArea::*;
        assert_eq!(areas(Role::MdAdmin), [Audits, Administration]);
        assert_eq!(areas(Role::MdAuditor), [Audits]);
        assert_eq!(areas(Role::Admin), [Directory, Audits, Administration]);
        assert_eq!(areas(Role::AuditClerk), [Audits]);
        assert_eq!(areas(Role::DirectoryEditor), [Directory]);
        assert_eq!(areas(Role::Viewer), [Directory, Audits]);
        assert_eq!(areas(Role::BillingClerk), []);
        assert_eq!(areas(Role::OfficeClerk), [Directory]);
    }

    #[test]
    fn menu_by_role() {
        let menu = |role| MenuEntry::for_role(role).collect::<Vec<_>>();
        use MenuEntry::*;
        assert_eq!(
            menu(Role::MdAdmin),
            [
                Registrations,
                Users,
                ApiTokens,
                AuditLog,
                CareCertificates,
                Account
            ]
        );
        assert_eq!(menu(Role::Admin), [Users, ApiTokens, AuditLog, Account]);
        for role in [
            Role::MdAuditor,
            Role::AuditClerk,
            Role::DirectoryEditor,
            Role::Viewer,
            Role::BillingClerk,
            Role::OfficeClerk,
        ] {
            assert_eq!(menu(role), [Account], "{role:?}");
        }
    }

    #[test]
    fn audits_menu_by_role() {
        let menu = |role| {
            AuditsMenuEntry::for_role(role)
                .map(|e| e.label(role))
                .collect::<Vec<_>>()
        };
        let md = ["Übersicht", "Fälle", "Strukturprüfungen", "Begehungen"];
        let hospital = ["Anforderungen", "Fälle", "Strukturprüfungen", "Begehungen"];
        assert_eq!(menu(Role::MdAdmin), md);
        assert_eq!(menu(Role::MdAuditor), md);
        for role in [Role::Admin, Role::AuditClerk, Role::Viewer] {
            assert_eq!(menu(role), hospital, "{role:?}");
        }
        for role in [Role::DirectoryEditor, Role::BillingClerk, Role::OfficeClerk] {
            assert_eq!(menu(role), Vec::<&str>::new(), "{role:?}");
        }
    }
}

/// The page where a role's work starts: where every sign-in lands (the sign-in page and a
/// kiosk tile alike) unless the sign-in page was opened with a page to return to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartPage {
    /// The MD administration: registrations to decide.
    Registrations,
    /// An institution's administration: its users (administrators of hospitals, care services
    /// and the office, whose work spans several areas, start by managing who works in them).
    Users,
    /// The audits area's start (the MD's overview of its cases, a hospital's inbox of requests).
    Audits,
    /// The hospital's physician directory.
    Directory,
    /// The directory office's work list (clarifications first).
    DirectoryOffice,
    /// Care billing: deliveries.
    CareBilling,
    /// The own account: for a role without any work area (none today).
    Account,
}

impl StartPage {
    /// Where `role` starts, by the one role matrix.
    pub fn for_role(role: Role) -> StartPage {
        if role.allows(Permission::DecideRegistrations) {
            StartPage::Registrations
        } else if role.is_admin() {
            StartPage::Users
        } else if role.allows(Permission::AuditAsMd) {
            StartPage::Audits
        } else if role.allows(Permission::WorkInDirectoryOffice) {
            StartPage::DirectoryOffice
        } else if role.allows(Permission::UseCareBilling) {
            StartPage::CareBilling
        } else if role.allows(Permission::EditDirectory) {
            StartPage::Directory
        } else if role.allows(Permission::ViewHospitalAudits) {
            StartPage::Audits
        } else {
            StartPage::Account
        }
    }

    /// Whether users with `role` may open the page (and see it in their navigation).
    pub fn open_to(self, role: Role) -> bool {
        match self {
            StartPage::Registrations => MenuEntry::Registrations.open_to(role),
            StartPage::Users => MenuEntry::Users.open_to(role),
            StartPage::Audits => WorkArea::Audits.open_to(role),
            StartPage::Directory => role.allows(Permission::ViewDirectory),
            StartPage::DirectoryOffice => role.allows(Permission::WorkInDirectoryOffice),
            StartPage::CareBilling => role.allows(Permission::UseCareBilling),
            StartPage::Account => MenuEntry::Account.open_to(role),
        }
    }
}

#[cfg(test)]
mod start_page_tests {
    use super::*;

    #[test]
    fn every_role_starts_where_its_work_is() {
        let start = StartPage::for_role;
        assert_eq!(start(Role::MdAdmin), StartPage::Registrations);
        assert_eq!(start(Role::MdAuditor), StartPage::Audits);
        assert_eq!(start(Role::Admin), StartPage::Users);
        assert_eq!(start(Role::AuditClerk), StartPage::Audits);
        assert_eq!(start(Role::DirectoryEditor), StartPage::Directory);
        assert_eq!(start(Role::Viewer), StartPage::Audits);
        assert_eq!(start(Role::BillingClerk), StartPage::CareBilling);
        assert_eq!(start(Role::OfficeClerk), StartPage::DirectoryOffice);
    }

    #[test]
    fn no_role_starts_on_a_page_it_may_not_open_nor_on_the_account_page() {
        for role in Role::ALL {
            let page = StartPage::for_role(role);
            assert!(page.open_to(role), "{role:?} starts at {page:?}");
            assert_ne!(page, StartPage::Account, "{role:?}");
        }
    }
}
