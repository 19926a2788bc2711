//! The kiosk's larger demo data on top of the base seed: two more hospitals with their sites and
//! physicians, the demo hospital at 5,000 physicians (a quarter in training: no specialty yet),
//! open clarifications for the directory office and the care service's billing history.
//! Deterministic but for the ANRs the registry draws and the sealed files' random keys. Seeded
//! through the stores, in one transaction per step.
use le_domain::access::InstitutionKind;
use le_domain::directory::{
    Difference, IdentityField, PhysicianForm, RequestState, SpecialtyEntry,
};

use crate::AppState;
use crate::error::AppError;

/// Physicians of the demo hospital in the kiosk's data.
pub const TOUR_PHYSICIANS: usize = 5_000;

/// Hospitals besides the demo hospital (Haupt-IK, name, street, postal code, city); their sites
/// are those of the demo site directory.
const MORE_HOSPITALS: [(&str, &str, &str, &str, &str); 2] = [
    (
        "260233114",
        "Alster-Krankenhaus Hamburg (Demo)",
        "Alsterufer 12",
        "20354",
        "Hamburg",
    ),
    (
        "260544109",
        "Ruhrtal-Kliniken Essen (Demo)",
        "Ruhrallee 80",
        "45136",
        "Essen",
    ),
];

/// How many of the demo hospital's records wait for a clarification with the office.
const CLARIFICATIONS: usize = 6;

/// Seeds the tour's data once (when the demo hospital has fewer than 5,000 physicians); returns
/// the seconds it took.
pub async fn seed(state: &AppState) -> Result<f64, AppError> {
    let started = std::time::Instant::now();
    let mut tx = state.database.begin_write().await?;
    let existing = crate::directory::store::physician_count(&mut tx, super::DEMO_MAIN_IK).await?;
    tx.commit().await?;
    if existing >= TOUR_PHYSICIANS {
        return Ok(0.0);
    }
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    for (ik, name, street, postal_code, city) in MORE_HOSPITALS {
        crate::access::store::insert_institution(
            &mut tx,
            &crate::access::store::NewInstitution {
                ik,
                kind: InstitutionKind::Hospital,
                name,
                street,
                postal_code,
                city,
                main_ik: Some(ik),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let mut tx = state.database.begin_write().await?;
    for (ik, ..) in MORE_HOSPITALS {
        let sites = sites_of(ik);
        let site_refs: Vec<&str> = sites.iter().map(String::as_str).collect();
        if site_refs.is_empty() {
            continue;
        }
        for n in 0..25 {
            let form = super::demo_physician(n * 3 + 1, &site_refs);
            crate::directory::store::insert_physician(&mut tx, ik, &form, now).await?;
        }
    }
    tx.commit().await?;
    seed_clarifications(state).await?;
    super::care::seed(state).await?;
    super::add_demo_hospital_physicians(state, TOUR_PHYSICIANS).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// The site numbers of a Haupt-IK in the demo site directory.
fn sites_of(main_ik: &str) -> Vec<String> {
    super::DEMO_SITES
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(';');
            let site = fields.next()?;
            (fields.next()? == main_ik).then(|| site.to_owned())
        })
        .collect()
}

/// Records whose ANR request found the person in the registry with another birth date (a
/// typing error): open clarifications for the office.
async fn seed_clarifications(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    for n in 0..CLARIFICATIONS {
        let mut form: PhysicianForm = super::demo_physician(7_000 + n, &["773686000"]);
        form.last_name = format!("{}-Klärung", form.last_name);
        let Some(birth) = form.birth_date else {
            continue;
        };
        let registry_birth = birth.add_days(if n % 2 == 0 { 1 } else { -31 });
        let identity = le_domain::directory::Identity {
            last_name: form.last_name.clone(),
            first_name: form.first_name.clone(),
            birth_date: registry_birth,
            sex: form.sex.unwrap_or(le_domain::directory::Sex::Female),
            licence_date: form.licence_date,
        };
        let (anr, _) = crate::directory::registry::issue(
            &mut tx,
            &identity,
            &[SpecialtyEntry {
                date: None,
                code: "01".to_owned(),
            }],
            "outpatient",
            now,
        )
        .await?;
        let id =
            crate::directory::store::insert_physician(&mut tx, super::DEMO_MAIN_IK, &form, now)
                .await?;
        let differences = vec![Difference {
            field: IdentityField::BirthDate,
            directory_value: birth.to_iso(),
            registry_value: Some(registry_birth.to_iso()),
        }];
        let hospital_view = RequestState::Mismatch {
            differences: differences.iter().map(Difference::for_hospital).collect(),
        };
        crate::directory::store::set_request_state(&mut tx, id, 1, &hospital_view, now).await?;
        crate::directory::store::open_clarification(&mut tx, id, anr.as_str(), &differences, now)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
