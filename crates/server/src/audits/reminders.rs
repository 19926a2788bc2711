//! E-mail reminders of audit deadlines: at the configured lead times before a deadline and on
//! entering the late window, every active user of the hospital's audit roles (administration,
//! Medizincontrolling) who has not unsubscribed gets one digest mail listing all requests that
//! reached a reminder point. Each reminder goes out once per request, point and recipient, even
//! with several server instances: a lease row lets one instance at a time run the job, and a
//! reminder is claimed (a unique row) before its mail is sent (released again if sending fails).
use std::fmt::Write as _;
use std::time::Duration;

use axum::extract::State;
use le_domain::api::audits::ReminderSettings;
use le_domain::audits::{ReminderPoint, days_left_phrase, deadline, mail_reminder_point};
use le_domain::directory::Date;
use lettre::Message;

use super::caller::HospitalAuditCaller;
use super::store::{self, ReminderCandidate, ReminderRecipient};
use crate::AppState;
use crate::access::session::Actor;
use crate::audit_log;
use crate::clock::today;
use crate::error::AppError;
use crate::extract::parse_json;

/// The job's lease row.
const LEASE: &str = "audit_reminders";
/// How long a lease holds without renewal (a crashed holder frees it after this).
const LEASE_SECONDS: i64 = 600;

/// One request of a digest.
#[derive(Debug, Clone)]
struct DigestItem {
    request_id: i64,
    point: ReminderPoint,
    admission_number: String,
    hospital_name: String,
    due: Date,
    late_until: Date,
    days_left: i32,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderRun {
    /// Mails sent (one per recipient).
    pub mails: usize,
    /// Reminders in them (request × point × recipient).
    pub reminders: usize,
}

/// One run of the job as instance `holder`: `None` when another instance holds the lease.
pub async fn run_once(state: &AppState, holder: &str) -> Result<Option<ReminderRun>, AppError> {
    let now = state.clock.now();
    if !store::take_lease(&state.database, LEASE, holder, now, LEASE_SECONDS).await? {
        return Ok(None);
    }
    let result = send_due(state).await;
    store::release_lease(&state.database, LEASE, holder).await?;
    result.map(Some)
}

async fn send_due(state: &AppState) -> Result<ReminderRun, AppError> {
    let mut run = ReminderRun::default();
    let Some(url) = state.config.smtp_url.clone() else {
        return Ok(run);
    };
    let today = today(state);
    let lead = &state.config.reminder_lead_days;
    // Recipient → items, in the order of the candidates (earliest deadline first).
    let mut digests: Vec<(ReminderRecipient, Vec<DigestItem>)> = Vec::new();
    let mut recipients_of: Vec<(String, Vec<ReminderRecipient>)> = Vec::new();
    for c in store::reminder_candidates(&state.database).await? {
        let received = store::parse_date(&c.received_date)?;
        let weeks =
            i32::try_from(c.deadline_weeks).unwrap_or(le_domain::audits::DEFAULT_DEADLINE_WEEKS);
        let land = le_domain::audits::land_of_hospital_ik(&c.hospital_ik);
        let d = deadline(received, weeks, land, today, false);
        let Some(point) = mail_reminder_point(&d, lead) else {
            continue;
        };
        if !recipients_of.iter().any(|(ik, _)| *ik == c.hospital_ik) {
            let list = store::reminder_recipients(&state.database, &c.hospital_ik).await?;
            recipients_of.push((c.hospital_ik.clone(), list));
        }
        let recipients = recipients_of
            .iter()
            .find(|(ik, _)| *ik == c.hospital_ik)
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        for r in recipients {
            let item = item(&c, point, d.due, d.late_until, d.days_left);
            match digests.iter_mut().find(|(who, _)| who.user_id == r.user_id) {
                Some((_, items)) => items.push(item),
                None => digests.push((r, vec![item])),
            }
        }
    }
    let now = state.clock.now();
    for (recipient, items) in digests {
        // Claim first: what another run already sent (or is sending) is skipped.
        let keys: Vec<(i64, String)> = items
            .iter()
            .map(|i| (i.request_id, i.point.key()))
            .collect();
        let claimed =
            store::claim_reminders(&state.database, recipient.user_id, &keys, now).await?;
        let items: Vec<DigestItem> = items
            .into_iter()
            .filter(|i| claimed.contains(&(i.request_id, i.point.key())))
            .collect();
        if items.is_empty() {
            continue;
        }
        let message = digest_mail(state, &recipient, &items)?;
        match crate::mail::send(&url, message).await {
            Ok(()) => {
                run.mails += 1;
                run.reminders += items.len();
                let system = Actor {
                    name: Some("Fristerinnerung".to_owned()),
                    client_addr: "intern".to_owned(),
                    ..Actor::default()
                };
                audit_log::success(&system, "audit_reminder_mailed")
                    .target(recipient.username.clone())
                    .detail(format!(
                        "Anforderungen {}",
                        items
                            .iter()
                            .map(|i| format!("{} ({})", i.request_id, i.point.key()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .record(&state.database, now)
                    .await;
            }
            Err(err) => {
                // Never logs the URL (it may carry a password); the claim is released so that
                // the next run tries again.
                tracing::warn!(%err, user = recipient.user_id, "reminder mail not sent");
                store::release_reminders(&state.database, recipient.user_id, &claimed).await?;
            }
        }
    }
    Ok(run)
}

fn item(
    c: &ReminderCandidate,
    point: ReminderPoint,
    due: Date,
    late_until: Date,
    days_left: i32,
) -> DigestItem {
    DigestItem {
        request_id: c.request_id,
        point,
        admission_number: c.admission_number.clone(),
        hospital_name: c.hospital_name.clone(),
        due,
        late_until,
        days_left,
    }
}

/// The German subject of a digest: the earliest deadline in it.
pub fn subject(items: usize, earliest_due: Date) -> String {
    if items == 1 {
        format!(
            "Fristerinnerung: Unterlagen an den MD bis {}",
            earliest_due.to_german()
        )
    } else {
        format!(
            "Fristerinnerung: {items} Unterlagenanforderungen, nächste Frist {}",
            earliest_due.to_german()
        )
    }
}

fn digest_mail(
    state: &AppState,
    recipient: &ReminderRecipient,
    items: &[DigestItem],
) -> Result<Message, AppError> {
    let earliest = items.iter().map(|i| i.due).min().unwrap_or(Date::MIN);
    let mut body = format!(
        "Guten Tag {} {},\n\nfür folgende Prüfverfahren müssen Unterlagen den Medizinischen \
         Dienst erreichen:\n\n",
        recipient.first_name, recipient.last_name
    );
    for i in items {
        let state_text = match i.point {
            ReminderPoint::LateWindow => format!(
                "Frist am {} abgelaufen; Nachfrist bis {} (die Prüfung läuft weiter)",
                i.due.to_german(),
                i.late_until.to_german()
            ),
            ReminderPoint::DaysBefore(_) => format!(
                "Frist {} ({})",
                i.due.to_german(),
                days_left_phrase(i.days_left)
            ),
        };
        let _ = writeln!(
            body,
            "- Fall {} ({}), Anforderung {}: {state_text}",
            i.admission_number, i.hospital_name, i.request_id
        );
    }
    let base = state
        .config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let _ = write!(
        body,
        "\nZum Posteingang: {base}/pruefverfahren\n\nSie erhalten diese Erinnerung, weil Sie im \
         LE-Portal für Prüfverfahren Ihres Krankenhauses zuständig sind. Abbestellen: im Portal \
         unter Prüfverfahren → Posteingang, „E-Mail-Erinnerungen erhalten“ abwählen \
         ({base}/pruefverfahren).\n"
    );
    Message::builder()
        .from(crate::mail::mailbox(&state.config.smtp_from, "smtp from")?)
        .to(crate::mail::mailbox(&recipient.email, "user e-mail")?)
        .subject(subject(items.len(), earliest))
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| AppError::internal("mail", e))
}

/// Starts the background job: every `--reminder-interval-seconds`, as one of possibly several
/// instances (each with its own holder id).
pub fn spawn_reminder_job(state: AppState) -> tokio::task::JoinHandle<()> {
    let holder = format!("{}-{}", std::process::id(), crate::secrets::token());
    let every = Duration::from_secs(state.config.reminder_interval_seconds.max(1));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_once(&state, &holder).await {
                Ok(Some(run)) if run.mails > 0 => {
                    tracing::info!(
                        mails = run.mails,
                        reminders = run.reminders,
                        "reminders mailed"
                    );
                }
                Ok(_) => {}
                Err(err) => tracing::error!(?err, "audit reminder job failed"),
            }
        }
    })
}

fn own_user(caller: &HospitalAuditCaller) -> Result<i64, AppError> {
    caller.actor.user_id.ok_or(AppError::Forbidden {
        code: "forbidden",
        message: "Erinnerungen gelten für angemeldete Personen, nicht für API-Tokens.".to_owned(),
    })
}

/// `GET /api/v1/audits/reminder-settings`: the signed-in user's e-mail reminders.
pub async fn settings(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
) -> Result<axum::Json<ReminderSettings>, AppError> {
    let user = own_user(&caller)?;
    Ok(axum::Json(ReminderSettings {
        email_reminders: !store::opted_out(&state.database, user).await?,
    }))
}

/// `PUT /api/v1/audits/reminder-settings`: subscribe or unsubscribe (per user).
pub async fn update_settings(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    body: axum::body::Bytes,
) -> Result<axum::Json<ReminderSettings>, AppError> {
    let user = own_user(&caller)?;
    let form: ReminderSettings = parse_json(&body)?;
    let now = state.clock.now();
    store::set_opt_out(&state.database, user, !form.email_reminders, now).await?;
    audit_log::success(
        &caller.actor,
        if form.email_reminders {
            "audit_reminders_subscribed"
        } else {
            "audit_reminders_unsubscribed"
        },
    )
    .record(&state.database, now)
    .await;
    Ok(axum::Json(form))
}
