//! SQL of `le-server import` (`system::import`): reading an SQLite installation's schema and rows,
//! and writing them into an empty PostgreSQL database in one transaction.
//!
//! Table and column names come from the source's own schema and pass [`check_name`] (lowercase
//! letters, digits, underscores) before they reach any SQL text: they are the only dynamic SQL.
use sqlx::{PgPool, Row as _, SqlitePool};

pub type PgTx = sqlx::Transaction<'static, sqlx::Postgres>;

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement).
const BATCH_ROWS: usize = 500;

fn safe(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// A table or column name as the migrations write them; anything else stops the import.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected name in the source schema: {name:?}"))
    }
}

/// How a column's values travel (the PostgreSQL column's type decides).
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Integer,
    Boolean,
    Bytes,
    Text,
}

impl Kind {
    /// The kind of a PostgreSQL `information_schema` data type, if the import handles it.
    pub fn of(data_type: &str) -> Option<Kind> {
        match data_type {
            "bigint" | "integer" | "smallint" => Some(Kind::Integer),
            "boolean" => Some(Kind::Boolean),
            "bytea" => Some(Kind::Bytes),
            "text" | "character varying" => Some(Kind::Text),
            _ => None,
        }
    }
}

pub enum Value {
    Integer(Option<i64>),
    Boolean(Option<bool>),
    Bytes(Option<Vec<u8>>),
    Text(Option<String>),
}

/// The source's key check value, if one was stored.
pub async fn source_key_check(source: &SqlitePool) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT sealed FROM key_check")
        .fetch_optional(source)
        .await
}

/// The source's tables in creation order (the order the migrations made them).
pub async fn source_tables(source: &SqlitePool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY rowid",
    )
    .fetch_all(source)
    .await
}

/// A source table's column names.
pub async fn source_columns(source: &SqlitePool, table: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(safe(format!(
        "SELECT name FROM pragma_table_info('{table}')"
    )))
    .fetch_all(source)
    .await
}

/// A source table's single-column primary key, if it has one.
pub async fn source_key(source: &SqlitePool, table: &str) -> sqlx::Result<Option<String>> {
    let keys: Vec<String> = sqlx::query_scalar(safe(format!(
        "SELECT name FROM pragma_table_info('{table}') WHERE pk > 0"
    )))
    .fetch_all(source)
    .await?;
    Ok(match keys.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

/// A source table's foreign keys as (column, referenced table).
pub async fn source_references(
    source: &SqlitePool,
    table: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(safe(format!(
        "SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{table}')"
    )))
    .fetch_all(source)
    .await
}

/// Every row of a source table, the columns read as the target's kinds.
pub async fn source_rows(
    source: &SqlitePool,
    table: &str,
    columns: &[(String, Kind)],
) -> sqlx::Result<Vec<Vec<Value>>> {
    let list = columns
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(safe(format!("SELECT {list} FROM {table}")))
        .fetch_all(source)
        .await?;
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| {
                    Ok(match kind {
                        Kind::Integer => Value::Integer(row.try_get(i)?),
                        Kind::Boolean => {
                            Value::Boolean(row.try_get::<Option<i64>, _>(i)?.map(|v| v != 0))
                        }
                        Kind::Bytes => Value::Bytes(row.try_get(i)?),
                        Kind::Text => Value::Text(row.try_get(i)?),
                    })
                })
                .collect()
        })
        .collect()
}

/// (key, value) of a source column's non-empty values.
pub async fn source_pairs(
    source: &SqlitePool,
    table: &str,
    key: &str,
    column: &str,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(safe(format!(
        "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"
    )))
    .fetch_all(source)
    .await
}

/// Whether a target table holds any row.
pub async fn target_has_rows(target: &PgPool, table: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(safe(format!("SELECT EXISTS (SELECT 1 FROM {table})")))
        .fetch_one(target)
        .await
}

pub async fn target_count(target: &PgPool, table: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(safe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(target)
        .await
}

/// A target table's columns with their data types, in table order (empty: no such table).
pub async fn target_columns(tx: &mut PgTx, table: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await
}

pub async fn clear(tx: &mut PgTx, table: &str) -> sqlx::Result<()> {
    sqlx::query(safe(format!("DELETE FROM {table}")))
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Inserts rows (values in `columns` order) in batches.
pub async fn insert_rows(
    tx: &mut PgTx,
    table: &str,
    columns: &[String],
    rows: Vec<Vec<Value>>,
) -> sqlx::Result<()> {
    let list = columns.join(", ");
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<Value>> = rows.by_ref().take(BATCH_ROWS).collect();
        let mut insert =
            sqlx::QueryBuilder::<sqlx::Postgres>::new(format!("INSERT INTO {table} ({list}) "));
        insert.push_values(batch, |mut b, row| {
            for value in row {
                match value {
                    Value::Integer(v) => b.push_bind(v),
                    Value::Boolean(v) => b.push_bind(v),
                    Value::Bytes(v) => b.push_bind(v),
                    Value::Text(v) => b.push_bind(v),
                };
            }
        });
        insert.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn set_value(
    tx: &mut PgTx,
    table: &str,
    key: &str,
    id: i64,
    column: &str,
    value: i64,
) -> sqlx::Result<()> {
    sqlx::query(safe(format!(
        "UPDATE {table} SET {column} = $1 WHERE {key} = $2"
    )))
    .bind(value)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Sets a table's identity column (if it has one) to continue after the highest value.
pub async fn restart_identity(tx: &mut PgTx, table: &str) -> sqlx::Result<()> {
    let identity: Option<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'YES'",
    )
    .bind(table)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(column) = identity else {
        return Ok(());
    };
    check_name(&column).map_err(sqlx::Error::Protocol)?;
    sqlx::query(safe(format!(
        "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
         GREATEST(COALESCE(MAX({column}), 0), 1), COALESCE(MAX({column}), 0) > 0) FROM {table}"
    )))
    .execute(&mut **tx)
    .await
    .map(|_| ())
}
