//! Server configuration: command-line flags with environment-variable fallbacks.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "le-server",
    version,
    about = "LE-Portal server: JSON API and the built SPA"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "LE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory for the embedded database and stored files.
    #[arg(long, env = "LE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL; defaults to the SQLite file `le-portal.db` in the data directory.
    #[arg(long, env = "LE_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Directory of the built SPA (Trunk's `dist`).
    #[arg(long, env = "LE_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Log line format.
    #[arg(long, env = "LE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

impl Config {
    /// The database URL in force: the explicit one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}",
                self.data_dir.join("le-portal.db").to_string_lossy()
            ),
        }
    }
}
