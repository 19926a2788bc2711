//! The central number registry (ANRV): the national pool of ANRs with identifying data, in its own
//! tables. It matches an identity, issues new numbers, or reports a mismatch.
use le_domain::Anr;
use le_domain::directory::{
    Date, Difference, Identity, IdentityMatch, MatchOutcome, Sex, SpecialtyCatalog, SpecialtyEntry,
    issue_new_anr, normalize_name,
};

use crate::db::Db;
use crate::error::AppError;
use crate::secrets;

/// The registry's answer to an ANR request.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryAnswer {
    Issued(Anr),
    Matched(Anr),
    Mismatch {
        anr: Anr,
        differences: Vec<Difference>,
    },
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    anr: String,
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

/// Compares `identity` with the pool; issues a new ANR when nobody matches.
pub async fn request(
    db: &Db,
    identity: &Identity,
    specialties: &[SpecialtyEntry],
    now: i64,
) -> Result<RegistryAnswer, AppError> {
    // Candidates: same birth date, or same names (a mistyped birth date); both indexed.
    let candidates: Vec<PersonRow> = sqlx::query_as(
        "SELECT anr, last_name, first_name, birth_date, sex, licence_date FROM registry_persons \
         WHERE birth_date = ? OR (last_name_norm = ? AND first_name_norm = ?) LIMIT 200",
    )
    .bind(identity.birth_date.to_iso())
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .fetch_all(db)
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
            MatchOutcome::Same => return Ok(RegistryAnswer::Matched(anr)),
            MatchOutcome::Mismatch { differences } => {
                mismatch.get_or_insert(RegistryAnswer::Mismatch { anr, differences });
            }
            MatchOutcome::Different => {}
        }
    }
    if let Some(m) = mismatch {
        return Ok(m);
    }
    let anr = issue(db, identity, specialties, "hospital", now).await?;
    Ok(RegistryAnswer::Issued(anr))
}

/// Adds a person with a new, free lifelong number.
pub async fn issue(
    db: &Db,
    identity: &Identity,
    specialties: &[SpecialtyEntry],
    source: &str,
    now: i64,
) -> Result<Anr, AppError> {
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
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO registry_persons (anr, lifelong_id, last_name, first_name, birth_date, sex, \
             licence_date, last_name_norm, first_name_norm, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(anr.as_str())
        .bind(i64::from(id))
        .bind(&identity.last_name)
        .bind(&identity.first_name)
        .bind(identity.birth_date.to_iso())
        .bind(identity.sex.as_str())
        .bind(identity.licence_date.map(|d| d.to_iso()))
        .bind(normalize_name(&identity.last_name))
        .bind(normalize_name(&identity.first_name))
        .bind(source)
        .bind(now)
        .execute(db)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(anr);
        }
    }
    Err(AppError::internal(
        "registry",
        "no free lifelong number found",
    ))
}

/// The office accepted the directory's data: the registry takes it over.
pub async fn update_identity(db: &Db, anr: &str, identity: &Identity) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE registry_persons SET last_name = ?, first_name = ?, birth_date = ?, sex = ?, licence_date = ?, \
         last_name_norm = ?, first_name_norm = ? WHERE anr = ?",
    )
    .bind(&identity.last_name)
    .bind(&identity.first_name)
    .bind(identity.birth_date.to_iso())
    .bind(identity.sex.as_str())
    .bind(identity.licence_date.map(|d| d.to_iso()))
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .bind(anr)
    .execute(db)
    .await?;
    Ok(())
}

/// The registry's identity of an ANR.
pub async fn identity_of(db: &Db, anr: &str) -> Result<Option<Identity>, AppError> {
    let row: Option<PersonRow> = sqlx::query_as(
        "SELECT anr, last_name, first_name, birth_date, sex, licence_date FROM registry_persons WHERE anr = ?",
    )
    .bind(anr)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| r.identity()))
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
