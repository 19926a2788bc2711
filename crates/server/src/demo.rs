//! Demo (kiosk) mode: seeds invented institutions and users with known passwords on an empty
//! database, and lists the demo accounts with their current TOTP codes so visitors can sign in
//! without an authenticator app. Never enabled unless the server runs with `--demo`.
use axum::extract::State;
use axum::routing::get;
use le_domain::access::{InstitutionKind, Role};
use le_domain::api::demo::{DemoAccount, DemoStatus};

/// The demo hospital's audit exchange (every deadline state, real PDFs).
mod audits;
/// The kiosk's larger data set (5,000 physicians, more hospitals, clarifications).
pub mod care;
pub mod tour;

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
    let mode = crate::installation::recorded_mode(&state.database).await?;
    if mode != Some(crate::installation::Mode::Demo) {
        return Err(AppError::Conflict {
            code: "not_a_demo_database",
            message: "Demodaten nur in einer Datenbank, die im Demo-Modus angelegt wurde."
                .to_owned(),
        });
    }
    if store::institution_count(&state.database).await? > 0 {
        return Ok(());
    }
    let now = state.clock.now();
    let hash =
        secrets::hash_password(DEMO_PASSWORD).map_err(|e| AppError::internal("argon2", e))?;
    let mut tx = state.database.begin_write().await?;
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
            // The mark is what makes it a demo account (never its name or institution).
            store::mark_demo_account(&mut tx, user_id).await?;
        }
    }
    tx.commit().await?;
    seed_directory(state).await?;
    audits::seed(state).await?;
    seed_care(state).await?;
    tracing::info!("demo data seeded");
    Ok(())
}

/// The demo care service's billing set-up: region Nordrhein, two branches and its staff (one with
/// a substitute number and its reason). Its signing key and billing history are the kiosk's
/// (`demo::care`, seeded with the tour).
async fn seed_care(state: &AppState) -> Result<(), AppError> {
    use crate::care_billing::store as care;
    use le_domain::care_billing::StaffForm;
    let Some(id) = crate::access::store::institution_by_ik(&state.database, "460512349")
        .await?
        .map(|row| row.id)
    else {
        return Ok(());
    };
    let now = state.clock.now();
    care::save_setup(
        &state.database,
        id,
        &le_domain::api::care_billing::SetupRequest {
            region: "Nordrhein".to_owned(),
            billing_centre_ik: None,
            sender_email: "abrechnung@pflege-sonnenschein.example".to_owned(),
        },
        now,
    )
    .await?;
    for (ik, name) in [
        ("460512350", "Zentrale Essen"),
        ("460512361", "Außenstelle Bochum"),
    ] {
        care::add_branch(&state.database, id, ik, name, now).await?;
    }
    let mut tx = state.database.begin_write().await?;
    for (last, first, lbnr, reason) in [
        ("Adler", "Anna", "100000017", ""),
        (
            "Winter",
            "Wim",
            "999999998",
            "Neueinstellung, LBNR beantragt",
        ),
    ] {
        let form = StaffForm {
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            lbnr: lbnr.to_owned(),
            reason: reason.to_owned(),
            requires_lbnr: true,
        };
        care::save_staff(&mut tx, id, None, &form, now).await?;
    }
    tx.commit().await?;
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

/// The Haupt-IK of the demo hospital (its physicians, sites and bulk edits).
pub const DEMO_MAIN_IK: &str = "260326822";

/// The demo care service's IK.
pub const DEMO_CARE_IK: &str = "460512349";

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
        all_sites_start: None,
        all_sites_end: None,
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
    let mut conn = state.database.begin_write().await?;
    for (last, first, birth, sex, licence) in outpatient {
        let identity = Identity {
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            birth_date: birth,
            sex,
            licence_date: licence,
        };
        crate::directory::registry::issue(
            &mut conn,
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
    conn.commit().await?;
    let sites = ["773686000", "773687000"];
    let mut tx = state.database.begin_write().await?;
    for n in 0..40 {
        crate::directory::store::insert_physician(
            &mut tx,
            DEMO_MAIN_IK,
            &demo_physician(n, &sites),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The demo endpoints; none outside demo mode (the SPA only asks where its app shell carries
/// the demo marker).
pub fn router(config: &crate::config::Config) -> crate::routes::ApiRouter {
    let router = crate::routes::ApiRouter::new();
    if !config.demo {
        return router;
    }
    router
        .route("/demo/accounts", get(accounts))
        .route("/demo/status", get(status))
        .route("/demo/care-key", get(care_key))
}

/// `GET /api/v1/demo/care-key`: the demo care service's PKCS#12 file, for a visitor to load into
/// the browser (its password is `le_domain::api::demo::DEMO_CARE_KEY_PASSWORD`).
async fn care_key() -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;
    let mut res = care::DEMO_KEY_P12.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-pkcs12"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        care::DEMO_KEY_FILE_NAME
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /api/v1/demo/status`: plain demo or kiosk, and the kiosk's idle times.
async fn status(State(state): State<AppState>) -> axum::Json<DemoStatus> {
    axum::Json(DemoStatus {
        kiosk: state.config.kiosk,
        idle_seconds: state.config.kiosk_idle_seconds,
        countdown_seconds: le_domain::api::demo::KIOSK_COUNTDOWN_SECONDS,
    })
}

/// The refusal of a change to a demo account's credentials or sessions (every account of a demo
/// installation is shared by all visitors).
pub fn credentials_locked() -> AppError {
    AppError::Forbidden {
        code: "demo_account_locked",
        message: "Im Demo-Modus lassen sich Passwort, zweiter Faktor, Wiederherstellungscodes und \
                  Sitzungen auf anderen Geräten nicht ändern: alle Besucher teilen diese Zugänge."
            .to_owned(),
    }
}

/// The time step whose code a visitor should use now: the current one, or, when the current
/// one was used already, the next (the server accepts one step ahead); `None` when that was
/// used too (wait for the next step).
pub fn offered_step(now: i64, last_used: i64) -> Option<i64> {
    let current = now.div_euclid(secrets::TOTP_STEP);
    (current..=current + 1).find(|step| *step > last_used)
}

/// `GET /api/v1/demo/accounts`: the demo accounts with the code to use now (never one that was
/// used already).
async fn accounts(State(state): State<AppState>) -> Result<axum::Json<Vec<DemoAccount>>, AppError> {
    let now = state.clock.now();
    let mut out = Vec::new();
    for (user, institution) in store::demo_users(&state.database).await? {
        let Some(secret) = user
            .totp_secret
            .as_deref()
            .and_then(|s| state.secrets.open(s))
        else {
            continue;
        };
        let (code, code_valid_for) = match offered_step(now, user.totp_last_step) {
            Some(step) => (
                secrets::totp_code_at(&secret, step * secrets::TOTP_STEP),
                (step + 1) * secrets::TOTP_STEP - now,
            ),
            None => (
                String::new(),
                secrets::TOTP_STEP - now.rem_euclid(secrets::TOTP_STEP),
            ),
        };
        out.push(DemoAccount {
            username: user.username.clone(),
            display_name: format!("{} {}", user.first_name, user.last_name),
            role: user.role(),
            role_label: user.role().label().to_owned(),
            institution,
            password: DEMO_PASSWORD.to_owned(),
            code,
            code_valid_for,
        });
    }
    Ok(axum::Json(out))
}

/// A small, valid one-page PDF with a line of text (demo documents).
pub fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .map(|c| {
            if c.is_ascii() && c != '(' && c != ')' && c != '\\' {
                c
            } else {
                '?'
            }
        })
        .collect();
    let content = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Benchmark data on top of the demo seed: the demo hospital gets `physicians` records in all,
/// the registry `registry` more people (deterministic names, prefixes repeat so searches hit).
pub async fn seed_large(
    state: &AppState,
    physicians: usize,
    registry: usize,
) -> Result<(), AppError> {
    seed(state).await?;
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    for n in 0..registry {
        let form = demo_physician(n * 7 + 3, &["773686000"]);
        let last_name = format!("{}{}", form.last_name, n % 997);
        let id = u32::try_from(n).unwrap_or(0) + 100_000;
        let anr = le_domain::Anr::from_parts(id, "01").map_err(|e| AppError::internal("anr", e))?;
        let identity = Identity {
            last_name,
            first_name: form.first_name,
            birth_date: form.birth_date.unwrap_or(Date::MIN),
            sex: Sex::Female,
            licence_date: None,
        };
        crate::directory::store::insert_registry_person(
            &mut tx,
            &anr,
            i64::from(id),
            &identity,
            "outpatient",
            now,
        )
        .await?;
    }
    tx.commit().await?;
    add_demo_hospital_physicians(state, physicians).await
}

/// Tops the demo hospital up to `total` physicians (deterministic, names repeat in 50 variants
/// of each so searches hit), in one transaction through the directory's store.
pub async fn add_demo_hospital_physicians(state: &AppState, total: usize) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let existing = crate::directory::store::physician_count(&mut tx, DEMO_MAIN_IK).await?;
    for n in existing..total {
        let mut form = demo_physician(n, &["773686000", "773687000"]);
        form.last_name = format!("{}{}", form.last_name, n % 50);
        crate::directory::store::insert_physician(&mut tx, DEMO_MAIN_IK, &form, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
