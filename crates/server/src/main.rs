//! Entry point: parse the configuration, set up logging, run the server.
use clap::{Parser, Subcommand};
use le_server::access::bootstrap::{MdAdminParams, create_md_admin};
use le_server::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "le-server",
    version,
    about = "LE-Portal server: JSON API and the built SPA"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Create the Medical Service's administrator and print the credential letter as JSON.
    CreateMdAdmin(Box<MdAdminParams>),
    /// Seed demo data plus benchmark volumes (5,000 physicians, 200,000 registry people) into
    /// the data directory, for the browser benchmark. Never on real data.
    SeedBench {
        #[arg(long, default_value_t = 5_000)]
        physicians: usize,
        #[arg(long, default_value_t = 200_000)]
        registry: usize,
    },
    /// Print the OpenAPI document of the machine interface (JSON) and exit.
    Openapi,
    /// Bring the database schema up to date and exit (start-up also does it; a deployment of
    /// several instances runs this once before starting them), and check the secret key.
    Migrate,
    /// Move an installation into the database and file store these settings name (PostgreSQL
    /// and object storage): copies the old data directory's database and files. Stop the old
    /// server first; the target database must be empty; give the old secret key.
    Import {
        /// The old installation's data directory (with le-portal.db and the uploaded files).
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Import the national site directory from a file (for the weekly job); prints the report.
    ImportSites {
        /// The file (format: crates/domain/data/site_directory_format.md).
        file: std::path::PathBuf,
        /// Only report what would change.
        #[arg(long)]
        dry_run: bool,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The data directory holds medical documents and the database: nothing it creates is for
    // other users of the machine (the code also sets owner-only modes explicitly).
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = Cli::parse();
    let config = cli.config;
    let filter = EnvFilter::try_from_env("LE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init(),
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }
    match cli.command {
        Some(Command::Openapi) => {
            return match serde_json::to_string_pretty(&le_server::openapi::document()) {
                Ok(json) => {
                    println!("{json}");
                    std::process::ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("openapi: {err}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
        Some(Command::Migrate) if le_server::db::is_postgres_url(&config.database_url()) => {
            return migrate_postgres_command(&config).await;
        }
        Some(Command::Import { from }) => {
            return import_command(&config, &from).await;
        }
        Some(Command::Migrate) => {
            return match le_server::state_from_config(config).await {
                Ok(_) => {
                    println!("database schema up to date; secret key matches");
                    std::process::ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("le-server: {err}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
        Some(Command::CreateMdAdmin(params)) => {
            return create_md_admin_command(config, *params).await;
        }
        Some(Command::ImportSites { file, dry_run }) => {
            return import_sites_command(config, &file, dry_run).await;
        }
        Some(Command::SeedBench {
            physicians,
            registry,
        }) => return seed_bench_command(config, physicians, registry).await,
        Some(Command::Serve) | None => {}
    }
    match le_server::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(%err, "server stopped with an error");
            eprintln!("le-server: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `migrate` on PostgreSQL: the schema and the key check, then exit (an operator runs it once
/// before starting the instances of a new version).
async fn migrate_postgres_command(config: &Config) -> std::process::ExitCode {
    let outcome = async {
        let db = le_server::db::Database::connect(&config.database_url())
            .await
            .map_err(|e| e.to_string())?;
        let secrets = le_server::secret_box(config)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        le_server::system::verify_secret_key(&db, &secrets, now).await
    }
    .await;
    match outcome {
        Ok(()) => {
            println!("database schema up to date; secret key matches");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("le-server: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn import_command(config: &Config, from: &std::path::Path) -> std::process::ExitCode {
    match le_server::system::import::import_installation(from, config).await {
        Ok(report) => {
            for (table, rows) in &report.tables {
                println!("{table:<32} {rows:>9} rows");
            }
            if report.files_in_place {
                println!("files: already in the target directory");
            } else {
                println!("files: {} ({} bytes)", report.files, report.file_bytes);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("le-server import: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn create_md_admin_command(config: Config, params: MdAdminParams) -> std::process::ExitCode {
    let state = match le_server::state_from_config(config).await {
        Ok(state) => state,
        Err(err) => {
            eprintln!("le-server: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match create_md_admin(&state, &params).await {
        Ok(letter) => match serde_json::to_string_pretty(&letter) {
            Ok(json) => {
                println!("{json}");
                std::process::ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("le-server: {err}");
                std::process::ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("le-server: {err:?}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn import_sites_command(
    config: Config,
    file: &std::path::Path,
    dry_run: bool,
) -> std::process::ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("le-server: {}: {err}", file.display());
            return std::process::ExitCode::FAILURE;
        }
    };
    let state = match le_server::state_from_config(config).await {
        Ok(state) => state,
        Err(err) => {
            eprintln!("le-server: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let actor = le_server::access::session::Actor {
        name: Some("Kommandozeile".to_owned()),
        client_addr: "lokal".to_owned(),
        ..Default::default()
    };
    match le_server::directory::sites::import(&state, &actor, &text, dry_run).await {
        Ok(report) => {
            println!(
                "{}: {} neu, {} geändert, {} entfernt, {} unverändert",
                if report.applied {
                    "Importiert"
                } else {
                    "Keine Änderung gespeichert"
                },
                report.new.len(),
                report.changed.len(),
                report.removed.len(),
                report.unchanged
            );
            std::process::ExitCode::SUCCESS
        }
        Err(le_server::error::AppError::Validation(fields)) => {
            for f in fields {
                eprintln!("{}", f.message);
            }
            std::process::ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("le-server: {err:?}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn seed_bench_command(
    config: Config,
    physicians: usize,
    registry: usize,
) -> std::process::ExitCode {
    let state = match le_server::state_from_config(config).await {
        Ok(state) => state,
        Err(err) => {
            eprintln!("le-server: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match le_server::demo::seed_large(&state, physicians, registry).await {
        Ok(()) => {
            println!("seeded {physicians} physicians and {registry} registry people");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("le-server: {err:?}");
            std::process::ExitCode::FAILURE
        }
    }
}
