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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
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
    if let Some(Command::CreateMdAdmin(params)) = cli.command {
        return create_md_admin_command(config, *params).await;
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
