//! Demo (kiosk) mode: seeds invented institutions and users with known passwords on an empty
//! database, and lists the demo accounts with their current TOTP codes so visitors can sign in
//! without an authenticator app. Never enabled unless the server runs with `--demo`.
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use le_domain::access::{InstitutionKind, Role};
use serde::Serialize;

use crate::AppState;
use crate::access::store::{self, NewInstitution, NewUser};
use crate::error::AppError;
use crate::secrets;
use le_domain::directory::{Date, Identity, PhysicianForm, Sex, SiteAssignment, SpecialtyEntry};

/// The one password of every demo account (the portal shows it on the sign-in page in demo mode).
pub const DEMO_PASSWORD: &str = "Demo-Passwort-2026";

struct DemoInstitution {
    ik: &'static str,
    kind: InstitutionKind,
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
    main_ik: Option<&'static str>,
    users: &'static [(&'static str, &'static str, &'static str, Role)],
}

const INSTITUTIONS: &[DemoInstitution] = &[
    DemoInstitution {
        ik: "510500016",
        kind: InstitutionKind::Md,
        name: "Medizinischer Dienst Nordrhein (Demo)",
        street: "Berliner Allee 52",
        postal_code: "40212",
        city: "Düsseldorf",
        main_ik: None,
        users: &[
            ("md.admin", "Maria", "Dienst", Role::MdAdmin),
            ("md.gutachter", "Günter", "Achter", Role::MdAuditor),
        ],
    },
    DemoInstitution {
        ik: "260326822",
        kind: InstitutionKind::Hospital,
        name: "Klinikum Leineufer Hannover (Demo)",
        street: "Leineweg 5",
        postal_code: "30159",
        city: "Hannover",
        main_ik: Some("260326822"),
        users: &[
            ("klinik.admin", "Erika", "Mustermann", Role::Admin),
            (
                "klinik.controlling",
                "Carla",
                "Controlling",
                Role::AuditClerk,
            ),
            (
                "klinik.personal",
                "Peter",
                "Personal",
                Role::DirectoryEditor,
            ),
            ("klinik.lesen", "Lena", "Leser", Role::Viewer),
        ],
    },
    DemoInstitution {
        ik: "460512349",
        kind: InstitutionKind::CareService,
        name: "Pflegedienst Sonnenschein (Demo)",
        street: "Lindenweg 7",
        postal_code: "45127",
        city: "Essen",
        main_ik: None,
        users: &[
            ("pflege.admin", "Paula", "Pflege", Role::Admin),
            (
                "pflege.abrechnung",
                "Anton",
                "Abrechnung",
                Role::BillingClerk,
            ),
        ],
    },
    DemoInstitution {
        ik: "200512305",
        kind: InstitutionKind::DirectoryOffice,
        name: "Geschäftsstelle KHANR-VZ (Demo)",
        street: "Wegelystraße 3",
        postal_code: "10623",
        city: "Berlin",
        main_ik: None,
        users: &[
            ("gs.admin", "Gisela", "Stelle", Role::Admin),
            (
                "gs.sachbearbeitung",
                "Sven",
                "Bearbeiter",
                Role::OfficeClerk,
            ),
        ],
    },
];

/// Seeds the demo data once (when no institution exists yet).
pub async fn seed(state: &AppState) -> Result<(), AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM institutions")
        .fetch_one(&state.db)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let now = state.clock.now();
    let hash =
        secrets::hash_password(DEMO_PASSWORD).map_err(|e| AppError::internal("argon2", e))?;
    let mut tx = state.db.begin().await?;
    for inst in INSTITUTIONS {
        let id = store::insert_institution(
            &mut tx,
            &NewInstitution {
                ik: inst.ik,
                kind: inst.kind,
                name: inst.name,
                street: inst.street,
                postal_code: inst.postal_code,
                city: inst.city,
                main_ik: inst.main_ik,
            },
            now,
        )
        .await?;
        for (username, first, last, role) in inst.users {
            let user_id = store::insert_user(
                &mut tx,
                &NewUser {
                    institution_id: id,
                    username,
                    first_name: first,
                    last_name: last,
                    email: &format!("{username}@demo.example"),
                    role: *role,
                    password_hash: &hash,
                    password_is_one_time: false,
                    totp_secret: Some(state.secrets.seal(&secrets::new_totp_secret())),
                    totp_device_name: Some("Demo"),
                },
                now,
            )
            .await?;
            sqlx::query("UPDATE users SET recovery_pending = 0 WHERE id = ?")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    seed_directory(state).await?;
    tracing::info!("demo data seeded");
    Ok(())
}

/// The demo site directory (the same file format the office imports).
pub const DEMO_SITES: &str = include_str!("../../domain/data/demo_sites.csv");

const FIRST_NAMES: &[(&str, Sex)] = &[
    ("Anna", Sex::Female),
    ("Ben", Sex::Male),
    ("Clara", Sex::Female),
    ("David", Sex::Male),
    ("Eva", Sex::Female),
    ("Felix", Sex::Male),
    ("Greta", Sex::Female),
    ("Hannes", Sex::Male),
    ("Ida", Sex::Female),
    ("Jonas", Sex::Male),
    ("Katrin", Sex::Female),
    ("Lukas", Sex::Male),
    ("Mira", Sex::Female),
    ("Nils", Sex::Male),
    ("Olga", Sex::Female),
    ("Paul", Sex::Male),
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
];

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd(y, m, day).unwrap_or(Date::MIN)
}

/// A plausible physician, generated from `n` (deterministic).
pub fn demo_physician(n: usize, sites: &[&str]) -> PhysicianForm {
    let (first, sex) = FIRST_NAMES[n % FIRST_NAMES.len()];
    let last = LAST_NAMES[(n / FIRST_NAMES.len() + n * 7) % LAST_NAMES.len()];
    let year = 1960 + i32::try_from(n % 35).unwrap_or(0);
    let month = u32::try_from(n % 12).unwrap_or(0) + 1;
    let day = u32::try_from(n % 28).unwrap_or(0) + 1;
    let specialty_codes = ["01", "03", "08", "10", "13", "16", "23"];
    let specialties = if n.is_multiple_of(4) {
        vec![]
    } else {
        vec![SpecialtyEntry {
            date: Some(d(year + 31, month, day)),
            code: specialty_codes[n % specialty_codes.len()].to_owned(),
        }]
    };
    let site = sites[n % sites.len()];
    PhysicianForm {
        anr: None,
        sex: Some(sex),
        doctoral_title: n.is_multiple_of(3),
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        birth_date: Some(d(year, month, day)),
        state_exam_date: Some(d(year + 25, 6, 15)),
        licence_date: Some(d(year + 25, 10, 1)),
        doctorate_date: n.is_multiple_of(3).then(|| d(year + 27, 3, 1)),
        specialties,
        sites: vec![SiteAssignment {
            site_number: site.to_owned(),
            start: Some(d(2020 + i32::try_from(n % 5).unwrap_or(0), 1, 1)),
            end: None,
        }],
        all_sites: false,
    }
}

/// Demo directory data: sites, the registry's outpatient physicians (two of them are used by the
/// journeys: Anna Schmidt is matched, Julia Becker married and is now Julia Weber), and physicians
/// of the demo hospital.
async fn seed_directory(state: &AppState) -> Result<(), AppError> {
    let actor = crate::access::session::Actor {
        name: Some("Demo".to_owned()),
        client_addr: "lokal".to_owned(),
        ..Default::default()
    };
    crate::directory::sites::import(state, &actor, DEMO_SITES, false).await?;
    let now = state.clock.now();
    let outpatient = [
        (
            "Schmidt",
            "Anna",
            d(1980, 4, 12),
            Sex::Female,
            Some(d(2006, 5, 2)),
        ),
        (
            "Becker",
            "Julia",
            d(1985, 9, 23),
            Sex::Female,
            Some(d(2011, 11, 15)),
        ),
        (
            "Yilmaz",
            "Deniz",
            d(1975, 2, 3),
            Sex::Male,
            Some(d(2001, 7, 1)),
        ),
    ];
    for (last, first, birth, sex, licence) in outpatient {
        let identity = Identity {
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            birth_date: birth,
            sex,
            licence_date: licence,
        };
        crate::directory::registry::issue(
            &state.db,
            &identity,
            &[SpecialtyEntry {
                date: Some(d(2014, 1, 1)),
                code: "01".to_owned(),
            }],
            "outpatient",
            now,
        )
        .await?;
    }
    let sites = ["773686000", "773687000"];
    let mut tx = state.db.begin().await?;
    for n in 0..40 {
        crate::directory::store::insert_physician(
            &mut tx,
            "260326822",
            &demo_physician(n, &sites),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Serialize)]
struct DemoAccount {
    username: String,
    display_name: String,
    role: Role,
    role_label: &'static str,
    institution: String,
    password: &'static str,
    /// The code an authenticator app would show now.
    code: String,
    /// Seconds until the code changes.
    code_valid_for: i64,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/demo/accounts", get(accounts))
}

/// `GET /api/v1/demo/accounts` (demo mode only; 404 otherwise).
async fn accounts(State(state): State<AppState>) -> Result<axum::Json<Vec<DemoAccount>>, AppError> {
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let mut out = Vec::new();
    for inst in INSTITUTIONS {
        let Some(row) = store::institution_by_ik(&state.db, inst.ik).await? else {
            continue;
        };
        for (username, ..) in inst.users {
            let Some(user) = store::user_by_username(&state.db, username).await? else {
                continue;
            };
            let Some(secret) = user
                .totp_secret
                .as_deref()
                .and_then(|s| state.secrets.open(s))
            else {
                continue;
            };
            out.push(DemoAccount {
                username: user.username.clone(),
                display_name: format!("{} {}", user.first_name, user.last_name),
                role: user.role(),
                role_label: user.role().label(),
                institution: row.name.clone(),
                password: DEMO_PASSWORD,
                code: secrets::totp_code_at(&secret, now),
                code_valid_for: secrets::TOTP_STEP - now.rem_euclid(secrets::TOTP_STEP),
            });
        }
    }
    Ok(axum::Json(out))
}
