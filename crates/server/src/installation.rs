//! How the database was created: for demo data or for real use. Recorded once, at the first
//! start; a demo start on a database created for real use refuses to run, so demo features (the
//! sign-in page's accounts with live codes) can never expose real accounts.
pub mod store;

use crate::db::Database;

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

    /// The stored mode; anything but "demo" counts as real.
    fn from_stored(stored: &str) -> Self {
        if stored == "demo" {
            Mode::Demo
        } else {
            Mode::Real
        }
    }
}

/// The mode recorded at the first start, if the database has had one.
pub async fn recorded_mode(db: &Database) -> sqlx::Result<Option<Mode>> {
    let stored = store::mode(db).await?;
    Ok(stored.as_deref().map(Mode::from_stored))
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
pub async fn settle(db: &Database, demo: bool, now: i64) -> Result<Mode, RefuseStart> {
    let mut tx = db.begin_write().await?;
    let stored = store::recorded_mode(&mut tx).await?;
    let mode = match stored.as_deref() {
        Some(stored) => Mode::from_stored(stored),
        None => {
            let users = store::user_count(&mut tx).await?;
            let mode = if demo && users == 0 {
                Mode::Demo
            } else {
                Mode::Real
            };
            store::record_mode(&mut tx, mode.as_str(), now).await?;
            mode
        }
    };
    tx.commit().await?;
    if demo && mode == Mode::Real {
        return Err(RefuseStart::DemoOnRealDatabase);
    }
    Ok(mode)
}
