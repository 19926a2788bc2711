//! Operator set-up without the web: the Medical Service institution and its first `md_admin`,
//! whose credential letter is printed once (from the command line).
use le_domain::Ik;
use le_domain::access::{
    InstitutionKind, check_email, check_new_password, check_person_name, check_username,
};
use le_domain::api::access::CredentialLetter;

use super::approval::{letter, new_letter_credentials};
use super::session::Actor;
use super::store::{self, NewInstitution, NewUser};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;

/// What the operator provides.
#[derive(Debug, Clone, clap::Args)]
pub struct MdAdminParams {
    /// IK of the Medical Service institution (created if it does not exist yet).
    #[arg(long, default_value = "510500016")]
    pub ik: String,
    #[arg(long, default_value = "Medizinischer Dienst Nordrhein")]
    pub institution_name: String,
    #[arg(long, default_value = "Berliner Allee 52")]
    pub street: String,
    #[arg(long, default_value = "40212")]
    pub postal_code: String,
    #[arg(long, default_value = "Düsseldorf")]
    pub city: String,
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    #[arg(long)]
    pub email: String,
    /// A chosen password instead of a one-time password (for demo and test set-ups only).
    #[arg(long, env = "LE_BOOTSTRAP_PASSWORD")]
    pub password: Option<String>,
}

fn invalid(field: &str, e: &le_domain::ValidationError) -> AppError {
    AppError::field(field, e)
}

/// Creates the MD institution (if needed) and an `md_admin`; returns the credential letter.
pub async fn create_md_admin(
    state: &AppState,
    p: &MdAdminParams,
) -> Result<CredentialLetter, AppError> {
    let ik = Ik::parse(&p.ik).map_err(|e| invalid("ik", &e))?;
    check_username(&p.username).map_err(|e| invalid("username", &e))?;
    check_person_name(&p.first_name).map_err(|e| invalid("first_name", &e))?;
    check_person_name(&p.last_name).map_err(|e| invalid("last_name", &e))?;
    check_email(&p.email).map_err(|e| invalid("email", &e))?;
    if let Some(pw) = &p.password {
        check_new_password(pw, &p.username, None).map_err(|e| invalid("password", &e))?;
    }
    if store::username_taken(&state.database, &p.username).await? {
        return Err(AppError::Conflict {
            code: "username_taken",
            message: format!("Der Benutzername {} ist bereits vergeben.", p.username),
        });
    }
    let now = state.clock.now();
    let mut creds = new_letter_credentials(state)?;
    if let Some(pw) = &p.password {
        creds.password_hash =
            crate::secrets::hash_password(pw).map_err(|e| AppError::internal("argon2", e))?;
        creds.one_time_password = pw.clone();
    }
    let mut tx = state.database.begin_write().await?;
    let institution_id = match store::institution_by_ik(&state.database, ik.as_str()).await? {
        Some(existing) if existing.kind() == InstitutionKind::Md => existing.id,
        Some(_) => {
            return Err(AppError::Conflict {
                code: "ik_taken",
                message: "Dieses IK gehört einer anderen Art von Einrichtung.".to_owned(),
            });
        }
        None => {
            store::insert_institution(
                &mut tx,
                &NewInstitution {
                    ik: ik.as_str(),
                    kind: InstitutionKind::Md,
                    name: &p.institution_name,
                    street: &p.street,
                    postal_code: &p.postal_code,
                    city: &p.city,
                    main_ik: None,
                },
                now,
            )
            .await?
        }
    };
    let user_id = store::insert_user(
        &mut tx,
        &NewUser {
            institution_id,
            username: &p.username,
            first_name: &p.first_name,
            last_name: &p.last_name,
            email: &p.email,
            role: InstitutionKind::Md.admin_role(),
            password_hash: &creds.password_hash,
            password_is_one_time: p.password.is_none(),
            totp_secret: Some(creds.sealed_secret.clone()),
            totp_device_name: Some("Zugangsbrief"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    let institution = store::institution_by_id(&state.database, institution_id)
        .await?
        .ok_or_else(|| AppError::internal("bootstrap", "institution vanished"))?;
    let actor = Actor {
        name: Some("Kommandozeile".to_owned()),
        client_addr: "lokal".to_owned(),
        ..Actor::default()
    };
    audit_log::success(&actor, "md_admin_created")
        .target(p.username.clone())
        .detail(format!("Benutzer-ID {user_id}"))
        .record(&state.database, now)
        .await;
    Ok(letter(
        &institution,
        format!("{} {}", p.first_name, p.last_name),
        &p.username,
        &creds,
        now,
    ))
}
