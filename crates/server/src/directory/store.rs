//! Storage of the directory area (sites, physicians, clarifications, bulk operations).
//! Records are kept as JSON of the domain types, with derived columns for lookups.
use le_domain::directory::{
    HospitalSite, PhysicianForm, PhysicianRecord, RequestState, SiteEntry, normalize_name,
};
use le_domain::{SiteNumber, ValidationError};

use crate::db::{Database, Tx};
use crate::error::AppError;
use crate::{on_db, on_tx};

fn json_err(e: serde_json::Error) -> AppError {
    AppError::internal("stored JSON", e)
}

/// The sites of a Haupt-IK listed in the national directory now.
pub async fn site_numbers_of(db: &Database, main_ik: &str) -> sqlx::Result<Vec<SiteNumber>> {
    let rows: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT site_number FROM sites WHERE main_ik = $1 AND removed_at IS NULL ORDER BY site_number",
    )
    .bind(main_ik)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .iter()
        .filter_map(|s| SiteNumber::parse(s).ok())
        .collect())
}

/// Every site of a Haupt-IK with its validity, including those the directory removed (their
/// assignments stay and can be ended).
pub async fn hospital_sites(db: &Database, main_ik: &str) -> Result<Vec<HospitalSite>, AppError> {
    let rows: Vec<(String, Option<i64>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT entry, removed_at FROM sites WHERE main_ik = $1 ORDER BY site_number",
    )
    .bind(main_ik)
    .fetch_all(pool)
    .await)?;
    rows.iter()
        .map(|(entry, removed_at)| {
            let entry: SiteEntry = serde_json::from_str(entry).map_err(json_err)?;
            Ok(HospitalSite {
                site_number: entry.site_number,
                valid_from: entry.valid_from,
                valid_until: entry.valid_until,
                in_directory: removed_at.is_none(),
            })
        })
        .collect()
}

/// The sites of a Haupt-IK that the national directory no longer lists.
pub async fn removed_sites(db: &Database, main_ik: &str) -> Result<Vec<SiteEntry>, AppError> {
    let rows: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT entry FROM sites WHERE main_ik = $1 AND removed_at IS NOT NULL ORDER BY site_number",
    )
    .bind(main_ik)
    .fetch_all(pool)
    .await)?;
    rows.iter()
        .map(|r| serde_json::from_str(r).map_err(json_err))
        .collect()
}

/// The sites listed in the national directory now (of one Haupt-IK, or all).
pub async fn all_sites(db: &Database, main_ik: Option<&str>) -> Result<Vec<SiteEntry>, AppError> {
    let rows: Vec<String> = on_db!(db, pool => match main_ik {
        Some(ik) => sqlx::query_scalar(
            "SELECT entry FROM sites WHERE main_ik = $1 AND removed_at IS NULL ORDER BY site_number",
        )
        .bind(ik)
        .fetch_all(pool)
        .await,
        None => {
            sqlx::query_scalar(
                "SELECT entry FROM sites WHERE removed_at IS NULL ORDER BY site_number",
            )
            .fetch_all(pool)
            .await
        }
    })?;
    rows.iter()
        .map(|r| serde_json::from_str(r).map_err(json_err))
        .collect()
}

/// Writes new and changed sites and marks `removed` ones as removed (in one transaction). A
/// removed site is kept: physicians' assignments to it stay valid and can be ended.
pub async fn replace_sites(
    tx: &mut Tx,
    entries: &[SiteEntry],
    removed: &[SiteEntry],
    now: i64,
) -> Result<(), AppError> {
    for r in removed {
        on_tx!(tx, conn => sqlx::query("UPDATE sites SET removed_at = $1 WHERE site_number = $2")
            .bind(now)
            .bind(r.site_number.as_str())
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    for e in entries {
        let entry = serde_json::to_string(e).map_err(json_err)?;
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO sites (site_number, main_ik, entry, imported_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT(site_number) DO UPDATE SET main_ik = excluded.main_ik, entry = excluded.entry, \
             imported_at = excluded.imported_at, removed_at = NULL",
        )
        .bind(e.site_number.as_str())
        .bind(e.main_ik.as_str())
        .bind(&entry)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PhysicianRow {
    id: i64,
    main_ik: String,
    version: i64,
    form: String,
    request_state: String,
}

impl PhysicianRow {
    fn record(&self) -> Result<PhysicianRecord, AppError> {
        Ok(PhysicianRecord {
            id: self.id,
            version: self.version,
            form: serde_json::from_str(&self.form).map_err(json_err)?,
            request_state: for_hospital(
                serde_json::from_str(&self.request_state).map_err(json_err)?,
            ),
        })
    }
}

/// A request state as the hospital may see it: which fields differ, never the registry's values
/// (also for states stored before they were kept out).
pub fn for_hospital(state: RequestState) -> RequestState {
    match state {
        RequestState::Mismatch { differences } => RequestState::Mismatch {
            differences: differences.iter().map(|d| d.for_hospital()).collect(),
        },
        other => other,
    }
}

/// Every physician of a hospital, by name, as one JSON array of `[id, version, form,
/// request_state]` with the stored texts spliced in as they are (one row instead of one per
/// record: at 50,000 records the per-row fetch cost more than everything else the list endpoints
/// do; and no JSON function re-reads each stored text). Names are ordered by bytes on both
/// backends (`COLLATE "C"`, SQLite's BINARY). On SQLite the rows come ordered from a subquery
/// (which SQLite does not flatten into an aggregate) rather than from `group_concat(… ORDER BY
/// …)`, whose ordered-aggregate buffer of tens of MB took most of the answer's time. Parse the
/// array off the runtime's workers ([`records_from_json`], `table::packed_table`).
pub async fn physicians_json(db: &Database, main_ik: &str) -> Result<String, AppError> {
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT '[' || group_concat(r, ',') || ']' FROM (SELECT concat('[', id, ',', version, \
             ',', form, ',', request_state, ']') AS r FROM physicians WHERE main_ik = $1 \
             ORDER BY last_name_norm, first_name_norm, id)"
        }
        Database::Postgres(_) => {
            "SELECT '[' || string_agg(concat('[', id, ',', version, ',', form, ',', request_state, \
             ']'), ',' ORDER BY last_name_norm COLLATE \"C\", first_name_norm COLLATE \"C\", id) \
             || ']' FROM physicians WHERE main_ik = $1"
        }
    };
    let all: Option<String> = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(main_ik)
        .fetch_one(pool)
        .await)?;
    // No records: the aggregate is NULL.
    Ok(all.unwrap_or_else(|| "[]".to_owned()))
}

/// The records of [`physicians_json`]'s array, as the hospital sees them ([`for_hospital`]).
pub fn records_from_json(all: &str) -> Result<Vec<PhysicianRecord>, AppError> {
    let rows: Vec<(i64, i64, PhysicianForm, RequestState)> =
        serde_json::from_str(all).map_err(json_err)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, form, state)| PhysicianRecord {
            id,
            version,
            form,
            request_state: for_hospital(state),
        })
        .collect())
}

/// Every physician of a hospital, by name (read off the runtime's workers).
pub async fn physicians_of(db: &Database, main_ik: &str) -> Result<Vec<PhysicianRecord>, AppError> {
    let all = physicians_json(db, main_ik).await?;
    super::table::off_the_workers(move || records_from_json(&all)).await
}

/// The first `limit` physicians of a hospital in the order of [`physicians_of`] and how many
/// there are in all (for the grid's first screen while the whole list loads). On SQLite the
/// rows are read through the (main_ik, last_name_norm) index (`INDEXED BY`): without statistics
/// SQLite 3.51 picks (main_ik, birth_date) and sorts every record with its form, 130 ms at
/// 50,000 instead of a few ms for the first 100.
pub async fn first_physicians(
    db: &Database,
    main_ik: &str,
    limit: u32,
) -> Result<(Vec<PhysicianRecord>, u64), AppError> {
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT id, main_ik, version, form, request_state FROM physicians INDEXED BY \
             physicians_main_ik WHERE main_ik = $1 ORDER BY last_name_norm, first_name_norm, id LIMIT $2"
        }
        Database::Postgres(_) => {
            "SELECT id, main_ik, version, form, request_state FROM physicians WHERE main_ik = $1 \
             ORDER BY last_name_norm COLLATE \"C\", first_name_norm COLLATE \"C\", id LIMIT $2"
        }
    };
    let rows: Vec<PhysicianRow> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(main_ik)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
    let total: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM physicians WHERE main_ik = $1",
    )
    .bind(main_ik)
    .fetch_one(pool)
    .await)?;
    let records = rows
        .iter()
        .map(PhysicianRow::record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((records, u64::try_from(total).unwrap_or(0)))
}

/// Physicians of a hospital whose last or first name starts with `q` (normalised, indexed).
pub async fn search_physicians(
    db: &Database,
    main_ik: &str,
    q: &str,
) -> Result<Vec<PhysicianRecord>, AppError> {
    let prefix = normalize_name(q);
    // Range scan on the (main_ik, last_name_norm) index; first names are checked on the rows.
    // Byte order on both backends (PostgreSQL's index is `COLLATE "C"` for this).
    let upper = format!("{prefix}\u{10FFFF}");
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT id, main_ik, version, form, request_state FROM physicians \
             WHERE main_ik = $1 AND ((last_name_norm >= $2 AND last_name_norm < $3) OR first_name_norm LIKE $4 ESCAPE '\\') \
             ORDER BY last_name_norm, first_name_norm, id LIMIT 500"
        }
        Database::Postgres(_) => {
            "SELECT id, main_ik, version, form, request_state FROM physicians \
             WHERE main_ik = $1 AND ((last_name_norm COLLATE \"C\" >= $2 AND last_name_norm COLLATE \"C\" < $3) \
             OR first_name_norm LIKE $4 ESCAPE '\\') \
             ORDER BY last_name_norm COLLATE \"C\", first_name_norm COLLATE \"C\", id LIMIT 500"
        }
    };
    let like = format!("{}%", le_domain::access::escape_like(&prefix));
    let rows: Vec<PhysicianRow> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(main_ik)
        .bind(&prefix)
        .bind(&upper)
        .bind(&like)
        .fetch_all(pool)
        .await)?;
    rows.iter().map(PhysicianRow::record).collect()
}

const PHYSICIAN_BY_ID: &str =
    "SELECT id, main_ik, version, form, request_state FROM physicians WHERE id = $1";

/// One physician, only if it belongs to `main_ik` (others are "not found").
pub async fn physician(
    db: &Database,
    main_ik: &str,
    id: i64,
) -> Result<Option<PhysicianRecord>, AppError> {
    let row: Option<PhysicianRow> = on_db!(db, pool => sqlx::query_as(PHYSICIAN_BY_ID)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    match row {
        Some(r) if r.main_ik == main_ik => Ok(Some(r.record()?)),
        _ => Ok(None),
    }
}

/// Any physician (office view) with its hospital.
pub async fn physician_any(
    db: &Database,
    id: i64,
) -> Result<Option<(String, PhysicianRecord)>, AppError> {
    let row: Option<PhysicianRow> = on_db!(db, pool => sqlx::query_as(PHYSICIAN_BY_ID)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.map(|r| Ok((r.main_ik.clone(), r.record()?)))
        .transpose()
}

/// A unique-index violation of the one-ANR-per-Haupt-IK rule as the field error people see
/// (SQLite names the column in its message, PostgreSQL names the index).
pub fn anr_taken(err: sqlx::Error, form: &PhysicianForm) -> AppError {
    match &err {
        sqlx::Error::Database(db)
            if db.is_unique_violation()
                && (db.message().contains("physicians.anr")
                    || db.constraint() == Some("physicians_main_ik_anr")) =>
        {
            AppError::Validation(vec![
                ValidationError::AnrTaken {
                    anr: form.anr_input().unwrap_or_default().to_owned(),
                }
                .for_field("anr"),
            ])
        }
        _ => AppError::from(err),
    }
}

/// The id of another record of `main_ik` that carries `anr`, if any.
pub async fn other_with_anr(
    tx: &mut Tx,
    main_ik: &str,
    anr: &str,
    except_id: Option<i64>,
) -> Result<Option<i64>, AppError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM physicians WHERE main_ik = $1 AND anr = $2 AND id <> $3 LIMIT 1",
    )
    .bind(main_ik)
    .bind(anr)
    .bind(except_id.unwrap_or(-1))
    .fetch_optional(conn)
    .await)?)
}

/// The registry person a record is linked to (lifelong id), if any.
pub async fn registry_link(tx: &mut Tx, id: i64) -> Result<Option<i64>, AppError> {
    let link: Option<Option<i64>> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT registry_lifelong_id FROM physicians WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await)?;
    Ok(link.flatten())
}

/// Sets the ANR the registry issued or matched, its link and the request state, if the record is
/// still at `expected_version`; returns the new version.
pub async fn link_registry(
    tx: &mut Tx,
    record: &PhysicianRecord,
    anr: &str,
    lifelong_id: i64,
    request_state: &RequestState,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut form = record.form.clone();
    form.anr = Some(anr.to_owned());
    let version = update_physician(
        tx,
        record.id,
        record.version,
        &form,
        Some(request_state),
        now,
    )
    .await?;
    if version.is_some() {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE physicians SET registry_lifelong_id = $1 WHERE id = $2",
        )
        .bind(lifelong_id)
        .bind(record.id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    }
    Ok(version)
}

/// Inserts a new record (callers check the rules first: see `directory::write`).
pub async fn insert_physician(
    tx: &mut Tx,
    main_ik: &str,
    form: &PhysicianForm,
    now: i64,
) -> Result<i64, AppError> {
    let form_json = serde_json::to_string(form).map_err(json_err)?;
    let state_json = serde_json::to_string(&RequestState::NotRequested).map_err(json_err)?;
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO physicians (main_ik, version, form, request_state, anr, last_name_norm, first_name_norm, \
         birth_date, created_at, updated_at) VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(main_ik)
    .bind(&form_json)
    .bind(&state_json)
    .bind(form.anr_input())
    .bind(normalize_name(&form.last_name))
    .bind(normalize_name(&form.first_name))
    .bind(form.birth_date.map(|d| d.to_iso()))
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await)
    .map_err(|e| anr_taken(e, form))?;
    Ok(id)
}

/// Writes a new form if the stored version is still `expected_version`; returns the new version.
pub async fn update_physician(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    form: &PhysicianForm,
    request_state: Option<&RequestState>,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let state_json = request_state
        .map(serde_json::to_string)
        .transpose()
        .map_err(json_err)?;
    let form_json = serde_json::to_string(form).map_err(json_err)?;
    let rows = on_tx!(tx, conn => sqlx::query(
        "UPDATE physicians SET version = version + 1, form = $1, request_state = COALESCE($2, request_state), \
         anr = $3, last_name_norm = $4, first_name_norm = $5, birth_date = $6, updated_at = $7 \
         WHERE id = $8 AND version = $9",
    )
    .bind(&form_json)
    .bind(&state_json)
    .bind(form.anr_input())
    .bind(normalize_name(&form.last_name))
    .bind(normalize_name(&form.first_name))
    .bind(form.birth_date.map(|d| d.to_iso()))
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| anr_taken(e, form))?;
    Ok((rows == 1).then_some(expected_version + 1))
}

/// Sets the request state if the record is still at `expected_version` (true when it was).
pub async fn set_request_state(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    state: &RequestState,
    now: i64,
) -> Result<bool, AppError> {
    let state_json = serde_json::to_string(state).map_err(json_err)?;
    let rows = on_tx!(tx, conn => sqlx::query(
        "UPDATE physicians SET request_state = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4",
    )
    .bind(&state_json)
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Gives the registry person `lifelong_id` the regrouped ANR `new` if it still has `old`
/// (false when the registry changed it meanwhile).
pub async fn regroup_registry_anr(
    tx: &mut Tx,
    lifelong_id: i64,
    old: &str,
    new: &str,
) -> Result<bool, AppError> {
    let changed = on_tx!(tx, conn => sqlx::query(
        "UPDATE registry_persons SET anr = $1 WHERE lifelong_id = $2 AND anr = $3",
    )
    .bind(new)
    .bind(lifelong_id)
    .bind(old)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Gives the other records linked to registry person `lifelong_id` (in other hospitals) the
/// regrouped ANR `new` in place of `old`.
pub async fn regroup_linked_records(
    tx: &mut Tx,
    lifelong_id: i64,
    except_id: i64,
    old: &str,
    new: &str,
    now: i64,
) -> Result<(), AppError> {
    // The stored form's `anr` changes with the column: JSON1's `json_set` on SQLite, `jsonb_set`
    // on PostgreSQL (which stores the form back in its own key order; readers parse it).
    let sql = match tx {
        Tx::Sqlite(_) => {
            "UPDATE physicians SET anr = $1, form = json_set(form, '$.anr', $1), version = version + 1, \
             updated_at = $2 WHERE registry_lifelong_id = $3 AND id <> $4 AND anr = $5"
        }
        Tx::Postgres(_) => {
            "UPDATE physicians SET anr = $1, \
             form = CAST(jsonb_set(CAST(form AS jsonb), '{anr}', to_jsonb(CAST($1 AS TEXT))) AS TEXT), \
             version = version + 1, updated_at = $2 \
             WHERE registry_lifelong_id = $3 AND id <> $4 AND anr = $5"
        }
    };
    on_tx!(tx, conn => sqlx::query(sql)
        .bind(new)
        .bind(now)
        .bind(lifelong_id)
        .bind(except_id)
        .bind(old)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// One record of an applied operation, as undo needs it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct SnapshotItem {
    pub id: i64,
    pub version_after: i64,
    pub form_before: PhysicianForm,
}

/// A stored bulk operation, as undo reads it.
pub struct BulkOperation {
    pub main_ik: String,
    pub snapshot: Vec<SnapshotItem>,
    pub undone_at: Option<i64>,
}

/// Records an applied bulk operation with what undo needs; returns its id.
pub async fn insert_bulk_operation(
    tx: &mut Tx,
    main_ik: &str,
    actor_user_id: Option<i64>,
    now: i64,
    action: &le_domain::directory::BulkAction,
    snapshot: &[SnapshotItem],
) -> Result<i64, AppError> {
    let action_json = serde_json::to_string(action).map_err(json_err)?;
    let snapshot_json = serde_json::to_string(snapshot).map_err(json_err)?;
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO bulk_operations (main_ik, actor_user_id, at, action, snapshot) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(main_ik)
    .bind(actor_user_id)
    .bind(now)
    .bind(&action_json)
    .bind(&snapshot_json)
    .fetch_one(conn)
    .await)?)
}

/// One bulk operation (of any hospital: callers check the Haupt-IK).
pub async fn bulk_operation(db: &Database, id: i64) -> Result<Option<BulkOperation>, AppError> {
    let row: Option<(String, String, Option<i64>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT main_ik, snapshot, undone_at FROM bulk_operations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    row.map(|(main_ik, snapshot, undone_at)| {
        Ok(BulkOperation {
            main_ik,
            snapshot: serde_json::from_str(&snapshot).map_err(json_err)?,
            undone_at,
        })
    })
    .transpose()
}

/// Marks a bulk operation as undone.
pub async fn mark_bulk_undone(tx: &mut Tx, id: i64, now: i64) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query("UPDATE bulk_operations SET undone_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Adds a registry person under `anr` unless the number or lifelong id is taken (false then).
pub async fn insert_registry_person(
    tx: &mut Tx,
    anr: &le_domain::Anr,
    lifelong_id: i64,
    identity: &le_domain::directory::Identity,
    source: &str,
    now: i64,
) -> Result<bool, AppError> {
    let inserted = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO registry_persons (anr, lifelong_id, last_name, first_name, birth_date, sex, \
         licence_date, last_name_norm, first_name_norm, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(anr.as_str())
    .bind(lifelong_id)
    .bind(&identity.last_name)
    .bind(&identity.first_name)
    .bind(identity.birth_date.to_iso())
    .bind(identity.sex.as_str())
    .bind(identity.licence_date.map(|d| d.to_iso()))
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .bind(source)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// How many physician records a Haupt-IK has.
pub async fn physician_count(tx: &mut Tx, main_ik: &str) -> Result<usize, AppError> {
    let n: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM physicians WHERE main_ik = $1",
    )
    .bind(main_ik)
    .fetch_one(conn)
    .await)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Opens a clarification of a registry mismatch for a record.
pub async fn open_clarification(
    tx: &mut Tx,
    physician_id: i64,
    registry_anr: &str,
    differences: &[le_domain::directory::Difference],
    now: i64,
) -> Result<i64, AppError> {
    let differences_json = serde_json::to_string(differences).map_err(json_err)?;
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO clarifications (physician_id, registry_anr, differences, state, created_at, updated_at) \
         VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
    )
    .bind(physician_id)
    .bind(registry_anr)
    .bind(&differences_json)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await)?)
}

/// Notes one import of the national site directory with its counts (new, changed, removed).
pub async fn record_site_import(
    tx: &mut Tx,
    now: i64,
    actor_name: &str,
    [new, changed, removed]: [usize; 3],
) -> Result<(), AppError> {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO site_imports (at, actor, new_count, changed_count, removed_count) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(actor_name)
    .bind(count(new))
    .bind(count(changed))
    .bind(count(removed))
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// A clarification with its record and the hospital's name, as stored.
#[derive(sqlx::FromRow)]
pub struct ClarificationRow {
    pub id: i64,
    pub physician_id: i64,
    pub registry_anr: String,
    pub differences: String,
    pub state: String,
    pub office_message: Option<String>,
    pub document_file: Option<String>,
    pub accepted: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub main_ik: String,
    pub form: String,
    pub hospital_name: Option<String>,
}

const CLARIFICATION_SELECT: &str = "SELECT c.id, c.physician_id, c.registry_anr, c.differences, c.state, c.office_message, \
    c.document_file, c.accepted, c.created_at, c.updated_at, p.main_ik, p.form, \
    (SELECT i.name FROM institutions i WHERE i.kind = 'hospital' AND COALESCE(i.main_ik, i.ik) = p.main_ik \
     ORDER BY i.id LIMIT 1) AS hospital_name \
    FROM clarifications c JOIN physicians p ON p.id = c.physician_id";

/// The clarifications of one Haupt-IK's records (or all, for the office): open ones first, the
/// latest change first.
pub async fn clarifications(
    db: &Database,
    main_ik: Option<&str>,
) -> Result<Vec<ClarificationRow>, AppError> {
    Ok(on_db!(db, pool => match main_ik {
        Some(ik) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{CLARIFICATION_SELECT} WHERE p.main_ik = $1 ORDER BY c.state = 'resolved', c.updated_at DESC"
            )))
            .bind(ik)
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{CLARIFICATION_SELECT} ORDER BY c.state = 'resolved', c.updated_at DESC"
            )))
            .fetch_all(pool)
            .await
        }
    })?)
}

/// One clarification (of any hospital: callers check the Haupt-IK).
pub async fn clarification(db: &Database, id: i64) -> Result<Option<ClarificationRow>, AppError> {
    Ok(
        on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CLARIFICATION_SELECT} WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await)?,
    )
}

/// Resolves a clarification with the accepted side, unless already resolved (false then).
pub async fn resolve_clarification(
    tx: &mut Tx,
    id: i64,
    side: &str,
    now: i64,
) -> Result<bool, AppError> {
    let updated = on_tx!(tx, conn => sqlx::query(
        "UPDATE clarifications SET state = 'resolved', accepted = $1, updated_at = $2 \
         WHERE id = $3 AND state <> 'resolved'",
    )
    .bind(side)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

/// The office asks for a document copy (unless the clarification is resolved).
pub async fn request_clarification_document(
    db: &Database,
    id: i64,
    message: &str,
    now: i64,
) -> Result<(), AppError> {
    on_db!(db, pool => sqlx::query(
        "UPDATE clarifications SET state = 'document_requested', office_message = $1, updated_at = $2 \
         WHERE id = $3 AND state <> 'resolved'",
    )
    .bind(message)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The hospital provided the document copy stored as `file_name` (false when resolved meanwhile).
pub async fn clarification_document_provided(
    db: &Database,
    id: i64,
    file_name: &str,
    now: i64,
) -> Result<bool, AppError> {
    let updated = on_db!(db, pool => sqlx::query(
        "UPDATE clarifications SET state = 'document_provided', document_file = $1, updated_at = $2 \
         WHERE id = $3 AND state <> 'resolved'",
    )
    .bind(file_name)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

/// A person of the central registry as stored.
#[derive(sqlx::FromRow)]
pub struct PersonRow {
    pub anr: String,
    pub lifelong_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub sex: String,
    pub licence_date: Option<String>,
}

impl PersonRow {
    /// The identity, if the stored values read as one.
    pub fn identity(&self) -> Option<le_domain::directory::Identity> {
        Some(le_domain::directory::Identity {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: le_domain::directory::Date::parse_iso(&self.birth_date).ok()?,
            sex: le_domain::directory::Sex::from_input(&self.sex).ok()?,
            licence_date: self
                .licence_date
                .as_deref()
                .and_then(|d| le_domain::directory::Date::parse_iso(d).ok()),
        })
    }
}

const REGISTRY_PERSON: &str = "SELECT anr, lifelong_id, last_name, first_name, birth_date, sex, licence_date FROM registry_persons";

/// Registry people who could be the same as `identity` under the identity rule (same first name
/// and birth date, or same first and last name), in ANR order, without a cap.
pub async fn registry_candidates(
    tx: &mut Tx,
    identity: &le_domain::directory::Identity,
) -> Result<Vec<PersonRow>, AppError> {
    // ANRs are digits: their order is the same under every collation.
    Ok(
        on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REGISTRY_PERSON} WHERE (birth_date = $1 AND first_name_norm = $3) \
         OR (last_name_norm = $2 AND first_name_norm = $3) ORDER BY anr"
    )))
    .bind(identity.birth_date.to_iso())
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .fetch_all(conn)
    .await)?,
    )
}

/// The registry person with `lifelong_id`.
pub async fn registry_person(tx: &mut Tx, lifelong_id: i64) -> Result<Option<PersonRow>, AppError> {
    Ok(
        on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REGISTRY_PERSON} WHERE lifelong_id = $1"
    )))
    .bind(lifelong_id)
    .fetch_optional(conn)
    .await)?,
    )
}

/// The registry person takes over `identity` (the office accepted the directory's data).
pub async fn update_registry_identity(
    tx: &mut Tx,
    lifelong_id: i64,
    identity: &le_domain::directory::Identity,
) -> Result<(), AppError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE registry_persons SET last_name = $1, first_name = $2, birth_date = $3, sex = $4, \
         licence_date = $5, last_name_norm = $6, first_name_norm = $7 WHERE lifelong_id = $8",
    )
    .bind(&identity.last_name)
    .bind(&identity.first_name)
    .bind(identity.birth_date.to_iso())
    .bind(identity.sex.as_str())
    .bind(identity.licence_date.map(|d| d.to_iso()))
    .bind(normalize_name(&identity.last_name))
    .bind(normalize_name(&identity.first_name))
    .bind(lifelong_id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Registry people whose normalised last name starts like `q` (index range scan), at most 100:
/// (anr, last name, first name, birth date, source).
pub async fn search_registry(
    db: &Database,
    q: &str,
) -> Result<Vec<(String, String, String, String, String)>, AppError> {
    let prefix = normalize_name(q);
    let upper = format!("{prefix}\u{10FFFF}");
    // Byte order on both backends, as in the physicians' name search.
    let sql = match db {
        Database::Sqlite(_) => {
            "SELECT anr, last_name, first_name, birth_date, source FROM registry_persons \
             WHERE last_name_norm >= $1 AND last_name_norm < $2 \
             ORDER BY last_name_norm, first_name_norm LIMIT 100"
        }
        Database::Postgres(_) => {
            "SELECT anr, last_name, first_name, birth_date, source FROM registry_persons \
             WHERE last_name_norm COLLATE \"C\" >= $1 AND last_name_norm COLLATE \"C\" < $2 \
             ORDER BY last_name_norm COLLATE \"C\", first_name_norm COLLATE \"C\" LIMIT 100"
        }
    };
    Ok(on_db!(db, pool => sqlx::query_as(sql)
        .bind(&prefix)
        .bind(&upper)
        .fetch_all(pool)
        .await)?)
}
