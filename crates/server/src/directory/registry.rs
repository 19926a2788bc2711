//! The central number registry (ANRV): the national pool of ANRs with identifying data, in its own
//! tables. It matches an identity, issues new numbers, or reports a mismatch.
use le_domain::Anr;
use le_domain::directory::{
    Date, Difference, Identity, IdentityMatch, MatchOutcome, Sex, SpecialtyCatalog, SpecialtyEntry,
    issue_new_anr, normalize_name,
};

use sqlx::SqliteConnection;

use crate::db::Db;
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

#[derive(sqlx::FromRow)]
struct PersonRow {
    anr: String,
    lifelong_id: i64,
    last_name: String,
    first_name: String,
    birth_date: String,
    sex: String,
    licence_date: Option<String>,
}

impl PersonRow {
    fn identity(&self) -> Option<Identity> {
        Some(Identity {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: Date::parse_iso(&self.birth_date).ok()?,
            sex: Sex::from_input(&self.sex).ok()?,
            licence_date: self
                .licence_date
                .as_deref()
                .and_then(|d| Date::parse_iso(d).ok()),
        })
    }
}

const PERSON: &str = "SELECT anr, lifelong_id, last_name, first_name, birth_date, sex, licence_date FROM registry_persons";

/// Compares `identity` with the pool; issues a new ANR when nobody matches.
///
/// Candidates are every person who could be `Same` or a `Mismatch` under the identity rule (same
/// first name and birth date, or same first and last name), in ANR order, without a cap: a
/// `Same` anywhere wins over a mismatch, and of several mismatches the first in ANR order is
/// reported (the office sees it and can decide it is another person).
pub async fn request(
    conn: &mut SqliteConnection,
    identity: &Identity,
    specialties: &[SpecialtyEntry],
    now: i64,
) -> Result<RegistryAnswer, AppError> {
    let candidates: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE (birth_date = ?1 AND first_name_norm = ?3) \
         OR (last_name_norm = ?2 AND first_name_norm = ?3) ORDER BY anr"
    )))
    .bind(identity.birth_date.to_iso())
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .fetch_all(&mut *conn)
    .await?;
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
    let (anr, lifelong_id) = issue(conn, identity, specialties, "hospital", now).await?;
    Ok(RegistryAnswer::Issued { anr, lifelong_id })
}

/// The registry person with this lifelong id (the first six digits of any of its ANRs).
pub async fn person(
    conn: &mut SqliteConnection,
    lifelong_id: i64,
) -> Result<Option<(Anr, Identity)>, AppError> {
    let row: Option<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE lifelong_id = ?"
    )))
    .bind(lifelong_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|r| Some((Anr::parse(&r.anr).ok()?, r.identity()?))))
}

/// The lifelong id of an ANR (digits 1–6).
pub fn lifelong_id_of(anr: &Anr) -> i64 {
    anr.lifelong_id().parse().unwrap_or(-1)
}

/// Adds a person with a new, free lifelong number.
pub async fn issue(
    conn: &mut SqliteConnection,
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
        let inserted = super::store::insert_registry_person(
            &mut *conn,
            &anr,
            i64::from(id),
            identity,
            source,
            now,
        )
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
    conn: &mut SqliteConnection,
    lifelong_id: i64,
    identity: &Identity,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE registry_persons SET last_name = ?, first_name = ?, birth_date = ?, sex = ?, licence_date = ?, \
         last_name_norm = ?, first_name_norm = ? WHERE lifelong_id = ?",
    )
    .bind(&identity.last_name)
    .bind(&identity.first_name)
    .bind(identity.birth_date.to_iso())
    .bind(identity.sex.as_str())
    .bind(identity.licence_date.map(|d| d.to_iso()))
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .bind(lifelong_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Registry search by last-name prefix (normalised; index range scan), at most 100 hits.
pub async fn search(
    db: &Db,
    q: &str,
) -> Result<Vec<le_domain::api::directory::RegistryPerson>, AppError> {
    let prefix = normalize_name(q);
    let upper = format!("{prefix}\u{10FFFF}");
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT anr, last_name, first_name, birth_date, source FROM registry_persons \
         WHERE last_name_norm >= ? AND last_name_norm < ? ORDER BY last_name_norm, first_name_norm LIMIT 100",
    )
    .bind(&prefix)
    .bind(&upper)
    .fetch_all(db)
    .await?;
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
    search(&state.db, &query.q).await.map(axum::Json)
}
