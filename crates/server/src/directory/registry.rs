//! The central number registry (ANRV): the national pool of ANRs with identifying data, in its own
//! tables. It matches an identity, issues new numbers, or reports a mismatch.
use le_domain::Anr;
use le_domain::directory::{
    Difference, Identity, IdentityMatch, MatchOutcome, SpecialtyCatalog, SpecialtyEntry,
    issue_new_anr,
};

use crate::db::{Database, Tx};
use crate::error::AppError;
use crate::secrets;

/// The registry's answer to an ANR request; `lifelong_id` names the registry person (its ANR
/// may change at regrouping, the lifelong id never does).
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryAnswer {
    Issued {
        anr: Anr,
        lifelong_id: i64,
    },
    Matched {
        anr: Anr,
        lifelong_id: i64,
    },
    Mismatch {
        anr: Anr,
        differences: Vec<Difference>,
    },
}

/// Compares `identity` with the pool; issues a new ANR when nobody matches.
///
/// Candidates are every person who could be `Same` or a `Mismatch` under the identity rule (same
/// first name and birth date, or same first and last name), in ANR order, without a cap: a
/// `Same` anywhere wins over a mismatch, and of several mismatches the first in ANR order is
/// reported (the office sees it and can decide it is another person).
pub async fn request(
    tx: &mut Tx,
    identity: &Identity,
    specialties: &[SpecialtyEntry],
    now: i64,
) -> Result<RegistryAnswer, AppError> {
    let candidates = super::store::registry_candidates(tx, identity).await?;
    let mut mismatch = None;
    for c in &candidates {
        let Some(registry) = c.identity() else {
            continue;
        };
        let Ok(anr) = Anr::parse(&c.anr) else {
            continue;
        };
        match IdentityMatch::compare(identity, &registry) {
            MatchOutcome::Same => {
                return Ok(RegistryAnswer::Matched {
                    anr,
                    lifelong_id: c.lifelong_id,
                });
            }
            MatchOutcome::Mismatch { differences } => {
                mismatch.get_or_insert(RegistryAnswer::Mismatch { anr, differences });
            }
            MatchOutcome::Different => {}
        }
    }
    if let Some(m) = mismatch {
        return Ok(m);
    }
    let (anr, lifelong_id) = issue(tx, identity, specialties, "hospital", now).await?;
    Ok(RegistryAnswer::Issued { anr, lifelong_id })
}

/// The registry person with this lifelong id (the first six digits of any of its ANRs).
pub async fn person(tx: &mut Tx, lifelong_id: i64) -> Result<Option<(Anr, Identity)>, AppError> {
    let row = super::store::registry_person(tx, lifelong_id).await?;
    Ok(row.and_then(|r| Some((Anr::parse(&r.anr).ok()?, r.identity()?))))
}

/// The lifelong id of an ANR (digits 1–6).
pub fn lifelong_id_of(anr: &Anr) -> i64 {
    anr.lifelong_id().parse().unwrap_or(-1)
}

/// Adds a person with a new, free lifelong number.
pub async fn issue(
    tx: &mut Tx,
    identity: &Identity,
    specialties: &[SpecialtyEntry],
    source: &str,
    now: i64,
) -> Result<(Anr, i64), AppError> {
    let catalog = SpecialtyCatalog::builtin();
    for _ in 0..50 {
        let [a, b, c, _] = secrets::random_bytes::<4>();
        let id = (u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c)) % 1_000_000;
        // Numbers of the pseudo series are never handed out.
        if id == 444_444 || id == 555_555 || id == 999_999 {
            continue;
        }
        let anr =
            issue_new_anr(id, specialties, catalog).map_err(|e| AppError::internal("anr", e))?;
        let inserted =
            super::store::insert_registry_person(tx, &anr, i64::from(id), identity, source, now)
                .await?;
        if inserted {
            return Ok((anr, i64::from(id)));
        }
    }
    Err(AppError::internal(
        "registry",
        "no free lifelong number found",
    ))
}

/// The office accepted the directory's data: the registry person takes it over.
pub async fn update_identity(
    tx: &mut Tx,
    lifelong_id: i64,
    identity: &Identity,
) -> Result<(), AppError> {
    super::store::update_registry_identity(tx, lifelong_id, identity).await
}

/// Registry search by last-name prefix (normalised; index range scan), at most 100 hits.
pub async fn search(
    db: &Database,
    q: &str,
) -> Result<Vec<le_domain::api::directory::RegistryPerson>, AppError> {
    let rows = super::store::search_registry(db, q).await?;
    Ok(rows
        .into_iter()
        .map(|(anr, last_name, first_name, birth_date, source)| {
            le_domain::api::directory::RegistryPerson {
                anr,
                last_name,
                first_name,
                birth_date,
                source,
            }
        })
        .collect())
}

#[derive(Debug, serde::Deserialize)]
pub struct SearchQuery {
    q: String,
}

/// `GET /api/v1/office/registry?q=` (directory office only)
pub async fn search_handler(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    _office: super::caller::OfficeCaller,
    axum::extract::Query(query): axum::extract::Query<SearchQuery>,
) -> Result<axum::Json<Vec<le_domain::api::directory::RegistryPerson>>, AppError> {
    le_domain::access::check_search_term(&query.q).map_err(|e| AppError::field("q", &e))?;
    if query.q.trim().chars().count() < 2 {
        return Err(AppError::field(
            "q",
            &le_domain::ValidationError::TooShort { min: 2 },
        ));
    }
    search(&state.database, &query.q).await.map(axum::Json)
}
