//! Outgoing mail: one SMTP transport for the whole server (`--smtp-url`, `--smtp-from`), used by
//! care billing deliveries and audit reminders.
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::config::Redacted;
use crate::error::AppError;

/// A parsed address (`what` names the setting or row it came from, for the log).
pub fn mailbox(address: &str, what: &str) -> Result<Mailbox, AppError> {
    address
        .parse::<Mailbox>()
        .map_err(|e| AppError::internal(what, e))
}

/// Why a mail was not sent.
#[derive(Debug)]
pub enum MailError {
    /// The SMTP URL does not parse (a configuration error).
    Url(String),
    /// The server refused the mail or could not be reached.
    Send(String),
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailError::Url(e) => write!(f, "smtp url: {e}"),
            MailError::Send(e) => write!(f, "smtp: {e}"),
        }
    }
}

/// Sends `message` over the SMTP server at `url` (the URL may carry a password: never logged).
pub async fn send(url: &Redacted, message: Message) -> Result<(), MailError> {
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
        .map_err(|e| MailError::Url(e.to_string()))?
        .build();
    mailer
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| MailError::Send(e.to_string()))
}
