//! Server configuration: command-line flags with environment-variable fallbacks.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::ValueEnum;

// Defaults of the settings below; here, so that the areas read their settings from `Config` and
// `config` depends on none of them.
/// Largest audit upload (the real portal allows 500 MB a file).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 500 * 1024 * 1024;
/// Days after closing when an audit case is purged.
pub const DEFAULT_RETENTION_DAYS: u32 = 100;
/// Seconds between two runs of the audit reminder job.
pub const DEFAULT_REMINDER_INTERVAL_SECONDS: u64 = 900;
/// Idle seconds before the kiosk's countdown.
pub const DEFAULT_KIOSK_IDLE_SECONDS: u64 = 180;
/// Largest upload in kiosk mode (5 MB).
pub const DEFAULT_KIOSK_MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A setting that may carry a password: never shown by `Debug` (logs, panics).
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

impl std::str::FromStr for Redacted {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Redacted(s.to_owned()))
    }
}

#[derive(Debug, Clone, clap::Args)]
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

    /// Mark the session cookie `Secure` (set this when the portal is served over https).
    #[arg(long, env = "LE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy): the
    /// entry the trusted proxy appended (see `--proxy-hops`), never what the client sent.
    #[arg(long, env = "LE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// How many trusted reverse proxies stand in front of the server (each appends one
    /// `X-Forwarded-For` entry); the client address is the entry this many places from the right.
    #[arg(long, env = "LE_PROXY_HOPS", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub proxy_hops: u8,

    /// File with the 32-byte key that encrypts TOTP secrets; created in the data directory if absent.
    #[arg(long, env = "LE_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// Largest accepted registration agreement (PDF), in bytes.
    #[arg(long, env = "LE_MAX_AGREEMENT_BYTES", default_value_t = le_domain::access::MAX_AGREEMENT_BYTES)]
    pub max_agreement_bytes: u64,

    /// Largest accepted audit upload (one PDF), in bytes.
    #[arg(long, env = "LE_MAX_UPLOAD_BYTES", default_value_t = DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,

    /// Days after an audit case is closed when it is deleted with its files (and the audit log's
    /// entries about it are pseudonymised).
    #[arg(long, env = "LE_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS)]
    pub retention_days: u32,

    /// Days before an audit deadline on which e-mail reminders go out (comma-separated); the
    /// start of the late window is a reminder point of its own.
    #[arg(long, env = "LE_REMINDER_LEAD_DAYS", value_delimiter = ',', default_values_t = le_domain::audits::DEFAULT_MAIL_LEAD_DAYS)]
    pub reminder_lead_days: Vec<u32>,

    /// Seconds between two runs of the reminder job (one instance at a time runs it).
    #[arg(long, env = "LE_REMINDER_INTERVAL_SECONDS", default_value_t = DEFAULT_REMINDER_INTERVAL_SECONDS)]
    pub reminder_interval_seconds: u64,

    /// The portal's address as users reach it (links in e-mails), e.g. `https://portal.example`.
    #[arg(long, env = "LE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// SMTP server for outgoing mail as a URL: `smtp://127.0.0.1:2525` (plain, for a local relay
    /// or sink), `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://host:465`.
    /// Without it nothing is sent by e-mail (deliveries can still be downloaded).
    #[arg(long, env = "LE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Redacted>,

    /// Sender address of outgoing mail.
    #[arg(long, env = "LE_SMTP_FROM", default_value = "le-portal@localhost")]
    pub smtp_from: String,

    /// Where care billing deliveries are mailed (the care insurer's data acceptance point).
    #[arg(long, env = "LE_CARE_MAIL_TO")]
    pub care_mail_to: Option<String>,

    /// Where uploaded files are kept (default: the data directory).
    #[command(flatten)]
    pub storage: crate::storage::StorageConfig,

    /// Demo (kiosk) mode: seed invented data on an empty database and show the demo accounts
    /// with their current codes on the sign-in page. Never for real data.
    #[arg(long, env = "LE_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Kiosk mode (implies `--demo`): a start screen with role tiles, an idle reset to the
    /// seeded snapshot, staff reset with `--kiosk-pin`. SQLite and local file storage only; one
    /// kiosk per server (a reset is global).
    #[arg(long, env = "LE_KIOSK", default_value_t = false)]
    pub kiosk: bool,

    /// Kiosk: seconds without touch or key before the 20-second countdown to the reset starts.
    #[arg(long, env = "LE_KIOSK_IDLE_SECONDS", default_value_t = DEFAULT_KIOSK_IDLE_SECONDS)]
    pub kiosk_idle_seconds: u64,

    /// Kiosk: the PIN with which staff reset the demo data on demand (never logged).
    #[arg(long, env = "LE_KIOSK_PIN", hide_env_values = true)]
    pub kiosk_pin: Option<Redacted>,

    /// Kiosk: largest accepted upload of any kind, in bytes (caps the other upload limits).
    #[arg(long, env = "LE_KIOSK_MAX_UPLOAD_BYTES", default_value_t = DEFAULT_KIOSK_MAX_UPLOAD_BYTES)]
    pub kiosk_max_upload_bytes: u64,

    /// Log line format.
    #[arg(long, env = "LE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

impl Config {
    /// Defaults for everything (tests and tools build on this).
    pub fn with_dirs(data_dir: PathBuf, dist_dir: PathBuf) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            dist_dir,
            secure_cookies: false,
            trust_proxy: false,
            proxy_hops: 1,
            secret_key_file: None,
            max_agreement_bytes: le_domain::access::MAX_AGREEMENT_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            retention_days: DEFAULT_RETENTION_DAYS,
            reminder_lead_days: le_domain::audits::DEFAULT_MAIL_LEAD_DAYS.to_vec(),
            reminder_interval_seconds: DEFAULT_REMINDER_INTERVAL_SECONDS,
            public_url: None,
            smtp_url: None,
            smtp_from: "le-portal@localhost".to_owned(),
            care_mail_to: None,
            storage: crate::storage::StorageConfig::default(),
            demo: false,
            kiosk: false,
            kiosk_idle_seconds: DEFAULT_KIOSK_IDLE_SECONDS,
            kiosk_pin: None,
            kiosk_max_upload_bytes: DEFAULT_KIOSK_MAX_UPLOAD_BYTES,
            log_format: LogFormat::Text,
        }
    }

    /// Kiosk mode implies demo mode and caps every upload limit at the kiosk's (called once,
    /// when the state is built).
    pub fn settle_kiosk(&mut self) {
        if self.kiosk {
            self.demo = true;
            self.max_upload_bytes = self.max_upload_bytes.min(self.kiosk_max_upload_bytes);
            self.max_agreement_bytes = self.max_agreement_bytes.min(self.kiosk_max_upload_bytes);
        }
    }

    /// Where the secret key lives.
    pub fn secret_key_path(&self) -> PathBuf {
        self.secret_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secret.key"))
    }

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
