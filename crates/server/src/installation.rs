//! How the database was created: for demo data or for real use. Recorded once, at the first
//! start; a demo start on a database created for real use refuses to run, so demo features (the
//! sign-in page's accounts with live codes) can never expose real accounts.
use crate::db::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Real,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Demo => "demo",
            Mode::Real => "real",
        }
    }
}

/// Why the server must not start.
#[derive(Debug)]
pub enum RefuseStart {
    DemoOnRealDatabase,
    Database(sqlx::Error),
}

impl std::fmt::Display for RefuseStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefuseStart::DemoOnRealDatabase => f.write_str(
                "--demo refused: this database was created for real use (demo mode would list \
                 its accounts with their current codes). Use an empty data directory for demos.",
            ),
            RefuseStart::Database(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for RefuseStart {}

impl From<sqlx::Error> for RefuseStart {
    fn from(e: sqlx::Error) -> Self {
        RefuseStart::Database(e)
    }
}

/// The recorded mode, recording it first if this is the database's first start: a database with
/// no users yet takes the mode asked for; one that already holds users (from before this record
/// existed) counts as real.
pub async fn settle(db: &Db, demo: bool, now: i64) -> Result<Mode, RefuseStart> {
    let mut tx = crate::db::begin_write(db).await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT mode FROM installation WHERE id = 1")
        .fetch_optional(&mut *tx)
        .await?;
    let mode = match stored.as_deref() {
        Some("demo") => Mode::Demo,
        Some(_) => Mode::Real,
        None => {
            let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(&mut *tx)
                .await?;
            let mode = if demo && users == 0 {
                Mode::Demo
            } else {
                Mode::Real
            };
            sqlx::query("INSERT INTO installation (id, mode, created_at) VALUES (1, ?, ?)")
                .bind(mode.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            mode
        }
    };
    tx.commit().await?;
    if demo && mode == Mode::Real {
        return Err(RefuseStart::DemoOnRealDatabase);
    }
    Ok(mode)
}
