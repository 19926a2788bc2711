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
        name: "Klinikum Musterstadt (Demo)",
        street: "Am Klinikum 1",
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
    tracing::info!("demo data seeded");
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
