//! Access rules: institution kinds, roles, and the checks on registration and credential input.
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationError};
use crate::numbers::Ik;

/// What kind of institution a user belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// Medizinischer Dienst.
    Md,
    /// Krankenhaus (Haupt-IK with its sites).
    Hospital,
    /// Pflegedienst.
    CareService,
    /// Geschäftsstelle of the physician directory.
    DirectoryOffice,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 4] = [
        InstitutionKind::Md,
        InstitutionKind::Hospital,
        InstitutionKind::CareService,
        InstitutionKind::DirectoryOffice,
    ];
    /// Kinds that register themselves through the public form; the others are set up by operators.
    pub const SELF_REGISTERING: [InstitutionKind; 2] =
        [InstitutionKind::Hospital, InstitutionKind::CareService];

    pub fn label(self) -> &'static str {
        match self {
            InstitutionKind::Md => "Medizinischer Dienst",
            InstitutionKind::Hospital => "Krankenhaus",
            InstitutionKind::CareService => "Pflegedienst",
            InstitutionKind::DirectoryOffice => "Geschäftsstelle Arztverzeichnis",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Md => "md",
            InstitutionKind::Hospital => "hospital",
            InstitutionKind::CareService => "care_service",
            InstitutionKind::DirectoryOffice => "directory_office",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The roles users of this kind of institution can have; the first is its administrator.
    pub fn roles(self) -> &'static [Role] {
        match self {
            InstitutionKind::Md => &[Role::MdAdmin, Role::MdAuditor],
            InstitutionKind::Hospital => &[
                Role::Admin,
                Role::AuditClerk,
                Role::DirectoryEditor,
                Role::Viewer,
            ],
            InstitutionKind::CareService => &[Role::Admin, Role::BillingClerk],
            InstitutionKind::DirectoryOffice => &[Role::Admin, Role::OfficeClerk],
        }
    }

    /// Hospitals work under a Haupt-IK that several of them may share; an institution approved
    /// under one already in use sees its data only after the first one confirms.
    pub fn shares_main_ik(self) -> bool {
        self == InstitutionKind::Hospital
    }

    /// The role of the primary user created when the institution is approved.
    pub fn admin_role(self) -> Role {
        match self {
            InstitutionKind::Md => Role::MdAdmin,
            _ => Role::Admin,
        }
    }
}

/// A user's one role within their institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MdAdmin,
    MdAuditor,
    Admin,
    AuditClerk,
    DirectoryEditor,
    Viewer,
    BillingClerk,
    OfficeClerk,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::MdAdmin,
        Role::MdAuditor,
        Role::Admin,
        Role::AuditClerk,
        Role::DirectoryEditor,
        Role::Viewer,
        Role::BillingClerk,
        Role::OfficeClerk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::MdAdmin => "md_admin",
            Role::MdAuditor => "md_auditor",
            Role::Admin => "admin",
            Role::AuditClerk => "audit_clerk",
            Role::DirectoryEditor => "directory_editor",
            Role::Viewer => "viewer",
            Role::BillingClerk => "billing_clerk",
            Role::OfficeClerk => "office_clerk",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::MdAdmin => "Administration (MD)",
            Role::MdAuditor => "Gutachter/in (MD)",
            Role::Admin => "Administration",
            Role::AuditClerk => "Medizincontrolling",
            Role::DirectoryEditor => "Personalabteilung (Arztverzeichnis)",
            Role::Viewer => "Nur lesen",
            Role::BillingClerk => "Abrechnung",
            Role::OfficeClerk => "Sachbearbeitung Geschäftsstelle",
        }
    }

    /// Whether this role may do `permission`. The one role matrix of the portal: the server
    /// authorises every request with it, the SPA shows only what it allows. Whether the area
    /// belongs to the caller's kind of institution is checked separately (by the kind).
    pub fn allows(self, permission: Permission) -> bool {
        use Role as R;
        match permission {
            Permission::AdministerInstitution => matches!(self, R::MdAdmin | R::Admin),
            Permission::DecideRegistrations
            | Permission::ReadEveryInstitutionsLog
            | Permission::ManageRecipientCertificates => self == R::MdAdmin,
            Permission::AuditAsMd => matches!(self, R::MdAdmin | R::MdAuditor),
            Permission::ViewHospitalAudits => matches!(self, R::Admin | R::AuditClerk | R::Viewer),
            Permission::ActInHospitalAudits => matches!(self, R::Admin | R::AuditClerk),
            Permission::ViewDirectory => matches!(self, R::Admin | R::DirectoryEditor | R::Viewer),
            Permission::EditDirectory => matches!(self, R::Admin | R::DirectoryEditor),
            Permission::WorkInDirectoryOffice => matches!(self, R::Admin | R::OfficeClerk),
            Permission::UseCareBilling => matches!(self, R::Admin | R::BillingClerk),
            Permission::ConfigureCareBilling => self == R::Admin,
        }
    }

    /// Administrators manage the users of their own institution (short for
    /// `allows(Permission::AdministerInstitution)`).
    pub fn is_admin(self) -> bool {
        self.allows(Permission::AdministerInstitution)
    }
}

/// Something only some roles may do (see [`Role::allows`], the one role matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Manage the users and API tokens of the own institution, read its audit log and confirm
    /// access to a shared Haupt-IK.
    AdministerInstitution,
    /// Review, approve and reject registrations (the Medizinischer Dienst's administration).
    DecideRegistrations,
    /// Read the audit log of every institution, not only the own one.
    ReadEveryInstitutionsLog,
    /// Work on audits for the Medizinischer Dienst (cases, requests, reports, inspections).
    AuditAsMd,
    /// See a hospital's audit cases, requests and deadlines.
    ViewHospitalAudits,
    /// Act in a hospital's audits: upload, deliver, apply for structure audits.
    ActInHospitalAudits,
    /// Open the hospital's physician directory.
    ViewDirectory,
    /// Change the hospital's physician records.
    EditDirectory,
    /// Work in the directory office (sites, registry, clarifications).
    WorkInDirectoryOffice,
    /// Deliver care billing of a care service.
    UseCareBilling,
    /// Change a care service's billing set-up.
    ConfigureCareBilling,
    /// Import and list the data acceptance offices' certificates (the operator's administrator).
    ManageRecipientCertificates,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::AdministerInstitution,
        Permission::DecideRegistrations,
        Permission::ReadEveryInstitutionsLog,
        Permission::AuditAsMd,
        Permission::ViewHospitalAudits,
        Permission::ActInHospitalAudits,
        Permission::ViewDirectory,
        Permission::EditDirectory,
        Permission::WorkInDirectoryOffice,
        Permission::UseCareBilling,
        Permission::ConfigureCareBilling,
        Permission::ManageRecipientCertificates,
    ];
}

/// Rules for user names: 3–64 characters, lower-case letters, digits, `.`, `-`, `_`, starting
/// with a letter.
pub fn check_username(username: &str) -> Result<(), ValidationError> {
    let u = username.trim();
    if u.is_empty() {
        return Err(ValidationError::Required);
    }
    if u.chars().count() < 3 {
        return Err(ValidationError::TooShort { min: 3 });
    }
    if u.chars().count() > 64 {
        return Err(ValidationError::TooLong { max: 64 });
    }
    let mut chars = u.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !first_ok || !rest_ok {
        return Err(ValidationError::Format {
            expected: "Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich, beginnend mit einem Buchstaben",
        });
    }
    Ok(())
}

/// A plausible e-mail address (one `@`, a dot in the domain, no blanks); delivery is not checked.
pub fn check_email(email: &str) -> Result<(), ValidationError> {
    let e = email.trim();
    if e.is_empty() {
        return Err(ValidationError::Required);
    }
    if e.len() > 254 {
        return Err(ValidationError::TooLong { max: 254 });
    }
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::Format {
            expected: "eine E-Mail-Adresse wie name@beispiel.de",
        })
    }
}

/// German postal code: exactly five digits.
pub fn check_postal_code(code: &str) -> Result<(), ValidationError> {
    let c = code.trim();
    if c.is_empty() {
        return Err(ValidationError::Required);
    }
    if c.len() == 5 && c.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::Format {
            expected: "eine Postleitzahl aus 5 Ziffern",
        })
    }
}

/// Longest first or last name of a portal user (users, the first MD administrator, the
/// administrator named in a registration, care staff).
pub const PERSON_NAME_MAX_CHARS: usize = 100;
/// A required first or last name of a portal user: at most [`PERSON_NAME_MAX_CHARS`].
pub fn check_person_name(value: &str) -> Result<(), ValidationError> {
    check_text(value, PERSON_NAME_MAX_CHARS)
}

/// Longest name of an API token.
pub const TOKEN_NAME_MAX_CHARS: usize = 100;
/// Longest name of a second-factor device (the authenticator app's label).
pub const DEVICE_NAME_MAX_CHARS: usize = 100;
/// Longest reason given when a registration is rejected.
pub const REJECTION_REASON_MAX_CHARS: usize = 1000;
/// Longest institution name in a registration.
pub const INSTITUTION_NAME_MAX_CHARS: usize = 200;
/// Longest street line (street and house number) of an address.
pub const STREET_MAX_CHARS: usize = 200;
/// Longest city name of an address.
pub const CITY_MAX_CHARS: usize = 100;

/// A required free-text field of at most `max` characters.
pub fn check_text(value: &str, max: usize) -> Result<(), ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        Err(ValidationError::Required)
    } else if v.chars().count() > max {
        Err(ValidationError::TooLong { max })
    } else {
        Ok(())
    }
}

/// Longest search term accepted anywhere (names, audit-log filters); longer input is refused
/// with a field error instead of reaching the database.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A search term: at most [`MAX_SEARCH_CHARS`] characters (blank is allowed: no filter).
pub fn check_search_term(value: &str) -> Result<(), ValidationError> {
    if value.trim().chars().count() > MAX_SEARCH_CHARS {
        Err(ValidationError::TooLong {
            max: MAX_SEARCH_CHARS,
        })
    } else {
        Ok(())
    }
}

/// `value` with LIKE's wildcards escaped (for `LIKE ? ESCAPE '\'`), so a search term is taken
/// literally.
pub fn escape_like(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Largest registration agreement (PDF) accepted by default; the server can be configured lower
/// or higher (`LE_MAX_AGREEMENT_BYTES`), the browser checks against this default.
pub const MAX_AGREEMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Minimum length of a chosen password.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Maximum length (keeps hashing cost bounded).
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Rules for a new password: 12–128 characters, not the user name, not the one-time password.
pub fn check_new_password(
    password: &str,
    username: &str,
    one_time_password: Option<&str>,
) -> Result<(), ValidationError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(ValidationError::Required);
    }
    if n < PASSWORD_MIN_CHARS {
        return Err(ValidationError::TooShort {
            min: PASSWORD_MIN_CHARS,
        });
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(ValidationError::TooLong {
            max: PASSWORD_MAX_CHARS,
        });
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err(ValidationError::PasswordIsUsername);
    }
    if one_time_password.is_some_and(|otp| normalize_code(otp) == normalize_code(password)) {
        return Err(ValidationError::PasswordIsOneTime);
    }
    Ok(())
}

/// Characters of generated one-time passwords and recovery codes: no 0/O, 1/l/I look-alikes.
pub const READABLE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Strips blanks and hyphens and lower-cases, so "ABCD-EFGH" and "abcd efgh" compare equal.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a second-factor input is: a 6-digit TOTP code, a recovery code, or the one-time set-up
/// code an administrator hands over after resetting someone's second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    Totp(String),
    Recovery(String),
    Enrolment(String),
}

/// Length of a recovery code without separators.
pub const RECOVERY_CODE_CHARS: usize = 10;

/// Length of a set-up code without separators.
pub const ENROLMENT_CODE_CHARS: usize = 12;

/// Classifies a second-factor input; `None` when it is neither shape.
pub fn parse_second_factor(input: &str) -> Option<SecondFactor> {
    let code = normalize_code(input);
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Some(SecondFactor::Totp(code))
    } else if code.len() == RECOVERY_CODE_CHARS
        && code.bytes().all(|b| READABLE_ALPHABET.contains(&b))
    {
        Some(SecondFactor::Recovery(code))
    } else if code.len() == ENROLMENT_CODE_CHARS
        && code.bytes().all(|b| READABLE_ALPHABET.contains(&b))
    {
        Some(SecondFactor::Enrolment(code))
    } else {
        None
    }
}

/// Groups a code in blocks of four for reading aloud or typing ("abcd efgh ij").
pub fn group_by_four(code: &str, separator: char) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 4);
    for (i, c) in code.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Days after which an undecided registration expires and no longer reserves its IK and user name.
pub const REGISTRATION_EXPIRY_DAYS: i64 = 30;

/// The public registration form of an institution and its primary user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub kind: Option<InstitutionKind>,
    #[serde(deserialize_with = "crate::numbers::as_typed::string")]
    pub ik: String,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// Haupt-IK; required for hospitals (may equal `ik`).
    #[serde(default, deserialize_with = "crate::numbers::as_typed::string")]
    pub main_ik: String,
    pub admin_first_name: String,
    pub admin_last_name: String,
    pub admin_email: String,
    pub admin_username: String,
}

impl RegistrationForm {
    /// Every rule of the form, one entry per failing field (field names = the JSON keys).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |field: &str, result: Result<(), ValidationError>| {
            if let Err(e) = result {
                errors.push(e.for_field(field));
            }
        };
        check(
            "kind",
            match self.kind {
                None => Err(ValidationError::Required),
                Some(k) if InstitutionKind::SELF_REGISTERING.contains(&k) => Ok(()),
                Some(_) => Err(ValidationError::NotAllowed {
                    what: "diese Art von Einrichtung registriert sich nicht selbst",
                }),
            },
        );
        check("ik", Ik::parse(&self.ik).map(|_| ()));
        check("name", check_text(&self.name, INSTITUTION_NAME_MAX_CHARS));
        check("street", check_text(&self.street, STREET_MAX_CHARS));
        check("postal_code", check_postal_code(&self.postal_code));
        check("city", check_text(&self.city, CITY_MAX_CHARS));
        if self.kind == Some(InstitutionKind::Hospital) {
            check("main_ik", Ik::parse(&self.main_ik).map(|_| ()));
        } else if !self.main_ik.trim().is_empty() {
            check("main_ik", Ik::parse(&self.main_ik).map(|_| ()));
        }
        check(
            "admin_first_name",
            check_person_name(&self.admin_first_name),
        );
        check("admin_last_name", check_person_name(&self.admin_last_name));
        check("admin_email", check_email(&self.admin_email));
        check("admin_username", check_username(&self.admin_username));
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegistrationForm {
        RegistrationForm {
            kind: Some(InstitutionKind::Hospital),
            ik: "260326822".into(),
            name: "Klinikum Musterstadt".into(),
            street: "Hauptstraße 1".into(),
            postal_code: "30159".into(),
            city: "Hannover".into(),
            main_ik: "260326822".into(),
            admin_first_name: "Erika".into(),
            admin_last_name: "Mustermann".into(),
            admin_email: "erika.mustermann@klinikum.example".into(),
            admin_username: "e.mustermann".into(),
        }
    }

    #[test]
    fn person_names_are_required_and_limited() {
        assert_eq!(
            check_person_name(&"n".repeat(PERSON_NAME_MAX_CHARS)),
            Ok(())
        );
        assert_eq!(
            check_person_name(&format!("  {}  ", "n".repeat(PERSON_NAME_MAX_CHARS))),
            Ok(()),
            "surrounding blanks do not count"
        );
        assert_eq!(
            check_person_name(&"n".repeat(PERSON_NAME_MAX_CHARS + 1)),
            Err(ValidationError::TooLong {
                max: PERSON_NAME_MAX_CHARS
            })
        );
        assert_eq!(check_person_name(" "), Err(ValidationError::Required));
    }

    #[test]
    fn a_complete_form_is_valid() {
        assert_eq!(form().validate(), vec![]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut f = form();
        f.ik = "260326823".into();
        f.postal_code = "3015".into();
        f.admin_email = "erika@".into();
        f.admin_username = "1erika".into();
        f.main_ik = String::new();
        f.name = "  ".into();
        let errors = f.validate();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "ik",
                "name",
                "postal_code",
                "main_ik",
                "admin_email",
                "admin_username"
            ]
        );
        assert_eq!(
            errors[0].message,
            "Prüfziffer ist 3, erwartet 2 (Stelle 9)."
        );
        assert_eq!(errors[1].code, "required");
        assert_eq!(errors[3].code, "empty");
    }

    #[test]
    fn md_cannot_self_register_and_care_services_need_no_main_ik() {
        let mut f = form();
        f.kind = Some(InstitutionKind::Md);
        assert_eq!(f.validate()[0].code, "not_allowed");
        f.kind = Some(InstitutionKind::CareService);
        f.main_ik = String::new();
        assert_eq!(f.validate(), vec![]);
        f.kind = None;
        assert_eq!(f.validate()[0].field, "kind");
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            check_new_password("kurz", "erika", None),
            Err(ValidationError::TooShort { min: 12 })
        );
        assert_eq!(
            check_new_password("Erika.Muster", "erika.muster", None),
            Err(ValidationError::PasswordIsUsername)
        );
        assert_eq!(
            check_new_password("abcd-efgh-jkmn", "erika", Some("abcdefghjkmn")),
            Err(ValidationError::PasswordIsOneTime)
        );
        assert_eq!(
            check_new_password("ein langes Passwort", "erika", Some("abcdefghjkmn")),
            Ok(())
        );
        assert_eq!(
            ValidationError::TooShort { min: 12 }.message(),
            "Mindestens 12 Zeichen erforderlich."
        );
    }

    #[test]
    fn usernames_and_emails() {
        assert_eq!(check_username("e.mustermann"), Ok(()));
        assert_eq!(
            check_username("em"),
            Err(ValidationError::TooShort { min: 3 })
        );
        assert!(matches!(
            check_username("Erika"),
            Err(ValidationError::Format { .. })
        ));
        assert!(matches!(
            check_username("erika muster"),
            Err(ValidationError::Format { .. })
        ));
        assert_eq!(check_email("a@b.de"), Ok(()));
        for bad in ["a@b", "@b.de", "a b@c.de", "a@@b.de", "a@.de"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn second_factor_shapes() {
        assert_eq!(
            parse_second_factor(" 123 456 "),
            Some(SecondFactor::Totp("123456".into()))
        );
        assert_eq!(
            parse_second_factor("ABCD-EFGH-JK"),
            Some(SecondFactor::Recovery("abcdefghjk".into()))
        );
        assert_eq!(parse_second_factor("12345"), None);
        assert_eq!(
            parse_second_factor("ABCD-EFGH-JKMN"),
            Some(SecondFactor::Enrolment("abcdefghjkmn".into()))
        );
        assert_eq!(
            parse_second_factor("abcdefghj0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(group_by_four("abcdefghij", ' '), "abcd efgh ij");
    }

    /// The role matrix, written out: one row per permission, one column per role in the order
    /// of `Role::ALL` (MdAdmin, MdAuditor, Admin, AuditClerk, DirectoryEditor, Viewer,
    /// BillingClerk, OfficeClerk); `x` allows.
    const MATRIX: [(Permission, &str); 12] = [
        (Permission::AdministerInstitution, "x.x....."),
        (Permission::DecideRegistrations, "x......."),
        (Permission::ReadEveryInstitutionsLog, "x......."),
        (Permission::AuditAsMd, "xx......"),
        (Permission::ViewHospitalAudits, "..xx.x.."),
        (Permission::ActInHospitalAudits, "..xx...."),
        (Permission::ViewDirectory, "..x.xx.."),
        (Permission::EditDirectory, "..x.x..."),
        (Permission::WorkInDirectoryOffice, "..x....x"),
        (Permission::UseCareBilling, "..x...x."),
        (Permission::ConfigureCareBilling, "..x....."),
        (Permission::ManageRecipientCertificates, "x......."),
    ];

    #[test]
    fn the_role_matrix() {
        assert_eq!(
            MATRIX.map(|(p, _)| p),
            Permission::ALL,
            "one row per permission"
        );
        for (permission, row) in MATRIX {
            assert_eq!(row.len(), Role::ALL.len(), "{permission:?}");
            for (role, mark) in Role::ALL.into_iter().zip(row.chars()) {
                assert_eq!(
                    role.allows(permission),
                    mark == 'x',
                    "{role:?} × {permission:?}"
                );
            }
        }
        for role in Role::ALL {
            assert_eq!(
                role.is_admin(),
                role.allows(Permission::AdministerInstitution)
            );
        }
    }

    #[test]
    fn every_permission_is_held_by_a_role_of_some_kind() {
        // A permission no role of any kind of institution holds could never be used.
        for permission in Permission::ALL {
            assert!(
                InstitutionKind::ALL
                    .iter()
                    .flat_map(|k| k.roles())
                    .any(|r| r.allows(permission)),
                "{permission:?}"
            );
        }
        assert!(InstitutionKind::Hospital.shares_main_ik());
        assert!(!InstitutionKind::CareService.shares_main_ik());
    }

    #[test]
    fn roles_belong_to_kinds() {
        assert_eq!(InstitutionKind::Md.admin_role(), Role::MdAdmin);
        assert_eq!(InstitutionKind::Hospital.admin_role(), Role::Admin);
        assert!(
            InstitutionKind::Hospital
                .roles()
                .contains(&Role::DirectoryEditor)
        );
        assert!(
            !InstitutionKind::CareService
                .roles()
                .contains(&Role::DirectoryEditor)
        );
        for r in Role::ALL {
            assert_eq!(Role::from_wire(r.as_str()), Some(r));
        }
        assert_eq!(
            serde_json::to_string(&Role::DirectoryEditor)
                .ok()
                .as_deref(),
            Some("\"directory_editor\"")
        );
    }
}
