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
