//! The PostgreSQL backend against a real server: a throwaway cluster from Debian's packages
//! (`scripts/postgres.sh`, installed by `scripts/setup.sh`), started here in a temporary directory
//! on a free port. Each store moved to `db::Database` adds its cases here until the API tests run
//! against both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use le_server::db::Database;
use le_server::secrets::SecretBox;

/// A PostgreSQL cluster in a temporary directory; stopped and removed on drop.
struct Postgres {
    dir: PathBuf,
    url: String,
}

impl Postgres {
    fn start() -> Postgres {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh");
        let dir = std::env::temp_dir().join(format!(
            "le-pg-test-{}-{}",
            std::process::id(),
            le_server::secrets::token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        // The cluster runs as an unprivileged user, who must reach its directory.
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg("start")
            .arg(dir.join("cluster"))
            .output()
            .expect("bash scripts/postgres.sh");
        assert!(
            out.status.success(),
            "PostgreSQL did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        Postgres { dir, url }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh");
        let _ = std::process::Command::new("bash")
            .arg(&script)
            .arg("stop")
            .arg(self.dir.join("cluster"))
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The key check on one backend: the first key wins, the same key passes again, another key is
/// refused (what keeps a second instance with a wrong key from starting).
async fn key_check_on(db: &Database) {
    let first = SecretBox::new(&[7u8; 32]);
    let other = SecretBox::new(&[8u8; 32]);
    le_server::system::verify_secret_key(db, &first, 1_000)
        .await
        .expect("first start");
    le_server::system::verify_secret_key(db, &first, 2_000)
        .await
        .expect("same key again");
    let refused = le_server::system::verify_secret_key(db, &other, 3_000).await;
    assert!(
        refused.unwrap_err().contains("does not match"),
        "another key must be refused"
    );
}

/// Writers that read, wait and write back a counter in parallel: with `begin_write` none of the
/// increments is lost (without the write lock, PostgreSQL's read-committed transactions would
/// overwrite each other's increments).
async fn writers_do_not_lose_updates_on(db: &Database) {
    use le_server::{on_db, on_tx};
    on_db!(db, pool => sqlx::query("INSERT INTO app_meta (key, value) VALUES ('counter', '0')")
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
    let writers = (0..12).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            let value: String = on_tx!(&mut tx, conn => {
                sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'counter'")
                    .fetch_one(conn)
                    .await
                    .unwrap()
            });
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let next = (value.parse::<i64>().unwrap() + 1).to_string();
            on_tx!(&mut tx, conn => {
                sqlx::query("UPDATE app_meta SET value = $1 WHERE key = 'counter'")
                    .bind(next)
                    .execute(conn)
                    .await
                    .unwrap()
                    .rows_affected()
            });
            tx.commit().await.unwrap();
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let value: String = on_db!(db, pool => {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'counter'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(value, "12", "every writer's increment is kept");
}

#[tokio::test]
async fn postgres_migrates_and_keeps_the_first_secret_key() {
    let pg = Postgres::start();
    let db = Database::connect(&pg.url)
        .await
        .expect("connect and migrate");
    assert_eq!(db.backend(), "postgres");
    key_check_on(&db).await;
    // A second connect (another instance) finds the migrations applied and the key in force.
    let again = Database::connect(&pg.url).await.expect("second instance");
    let refused =
        le_server::system::verify_secret_key(&again, &SecretBox::new(&[9u8; 32]), 4_000).await;
    assert!(refused.is_err());
    writers_do_not_lose_updates_on(&db).await;

    // An instance on PostgreSQL never makes its own key: without the shared key file, or with
    // a path where no file is, it refuses to start (and creates nothing there).
    let dir = std::env::temp_dir().join(format!("le-pg-key-{}", le_server::secrets::token()));
    let mut config = le_server::config::Config::with_dirs(dir.join("data"), dir.join("dist"));
    config.database_url = Some(pg.url.clone());
    let refused = le_server::state_from_config(config.clone())
        .await
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("--secret-key-file"),
        "{refused}"
    );
    config.secret_key_file = Some(dir.join("cluster.key"));
    let refused = le_server::state_from_config(config.clone())
        .await
        .err()
        .unwrap();
    assert!(refused.to_string().contains("missing"), "{refused}");
    assert!(!dir.join("cluster.key").exists());
    std::fs::write(dir.join("cluster.key"), [7u8; 32]).unwrap();
    le_server::state_from_config(config)
        .await
        .expect("starts with the shared key");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sqlite_keeps_the_first_secret_key_through_the_same_store() {
    let dir = std::env::temp_dir().join(format!("le-sqlite-test-{}", le_server::secrets::token()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("le.db").display());
    let db = Database::connect(&url).await.expect("connect and migrate");
    assert_eq!(db.backend(), "sqlite");
    key_check_on(&db).await;
    writers_do_not_lose_updates_on(&db).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every file under `dir`, as (path relative to `dir`, bytes).
fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn an_installation_moves_from_sqlite_to_postgres_with_its_files() {
    use le_server::config::Config;
    use le_server::system::import::{FILE_FOLDERS, import_installation};
    let work = std::env::temp_dir().join(format!("le-import-test-{}", le_server::secrets::token()));
    let old = work.join("old");
    let new = work.join("new");
    let dist = work.join("dist");
    std::fs::create_dir_all(&dist).unwrap();

    // The old installation: the demo data (every area) and a file in each file folder.
    let mut config = Config::with_dirs(old.clone(), dist.clone());
    config.demo = true;
    let state = le_server::state_from_config(config).await.unwrap();
    le_server::start_up(&state).await.unwrap();
    for (i, folder) in FILE_FOLDERS.iter().enumerate() {
        let dir = old.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("file-{i}.pdf")),
            format!("%PDF-1.7 file {i}"),
        )
        .unwrap();
    }
    let Database::Sqlite(source) = state.database.clone() else {
        panic!("the old installation is the embedded SQLite default");
    };
    let users_before: Vec<(i64, String, bool, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT id, username, active, totp_secret FROM users ORDER BY id")
            .fetch_all(&source)
            .await
            .unwrap();
    assert!(users_before.len() > 3, "the demo data has users");
    let max_log_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&source)
        .await
        .unwrap();
    drop(state);
    source.close().await;

    let pg = Postgres::start();
    let mut target = Config::with_dirs(new.clone(), dist.clone());
    target.database_url = Some(pg.url.clone());

    // Another secret key is refused before anything is written.
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("other.key"), [5u8; 32]).unwrap();
    target.secret_key_file = Some(new.join("other.key"));
    let refused = import_installation(&old, &target).await.unwrap_err();
    assert!(
        refused.contains("not the one of the installation"),
        "{refused}"
    );
    assert!(
        files_under(&new.join("audits")).is_empty(),
        "no file copied"
    );

    target.secret_key_file = Some(old.join("secret.key"));
    let report = import_installation(&old, &target).await.unwrap();
    let rows = |name: &str| {
        report
            .tables
            .iter()
            .find(|(t, _)| t == name)
            .map(|(_, n)| *n)
    };
    assert_eq!(rows("users"), Some(users_before.len() as i64));
    assert!(rows("physicians").unwrap_or(0) > 0, "directory rows copied");
    assert!(rows("audit_cases").unwrap_or(0) > 0, "audit rows copied");
    assert_eq!(
        report.files as usize,
        files_under(&old.join("audits/files")).len() + 3
    );

    // Same rows (flags and sealed TOTP keys included), same files byte for byte.
    let db = Database::connect(&pg.url).await.unwrap();
    let Database::Postgres(pool) = &db else {
        panic!("postgres")
    };
    let users_after: Vec<(i64, String, bool, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT id, username, active, totp_secret FROM users ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(users_after, users_before);
    for folder in FILE_FOLDERS {
        assert_eq!(
            files_under(&new.join(folder)),
            files_under(&old.join(folder)),
            "{folder}"
        );
    }
    // New rows continue after the copied ids; the new installation opens with the old key.
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, action, outcome) VALUES (1, 'test', 'ok') RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(
        next > max_log_id,
        "identity restarted after {max_log_id}, got {next}"
    );
    let key = SecretBox::from_key_file(&old.join("secret.key")).unwrap();
    le_server::system::verify_secret_key(&db, &key, 9)
        .await
        .unwrap();

    // A second import into the filled database is refused.
    let again = import_installation(&old, &target).await.unwrap_err();
    assert!(again.contains("already holds data"), "{again}");
    let _ = std::fs::remove_dir_all(&work);
}
