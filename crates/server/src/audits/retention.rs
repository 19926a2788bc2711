//! Retention: closed cases and all their files are deleted a configurable number of days after
//! closing, by a background job (`spawn_retention_job`) that calls `purge_expired`. With several
//! server instances, the job's lease row lets one instance at a time run it (`run_once`).
use std::time::Duration;

use super::store;
use super::uploads::file_key;
use crate::AppState;
use crate::access::session::Actor;
use crate::audit_log;
use crate::error::AppError;

/// How often the job looks for expired cases.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60 * 60);
/// The job's lease row.
const LEASE: &str = "audit_retention";
/// How long a lease holds without renewal (a crashed holder frees it after this).
const LEASE_SECONDS: i64 = 600;

/// One run of the job as instance `holder`: `None` when another instance holds the lease (it
/// runs the purge; two instances never purge the same case twice).
pub async fn run_once(
    state: &AppState,
    holder: &str,
    retention_days: u32,
) -> Result<Option<usize>, AppError> {
    let now = state.clock.now();
    if !store::take_lease(&state.database, LEASE, holder, now, LEASE_SECONDS).await? {
        return Ok(None);
    }
    let result = purge_expired(state, retention_days).await;
    store::release_lease(&state.database, LEASE, holder).await?;
    result.map(Some)
}

/// Deletes every case closed at least `retention_days` ago, with its rows and files; returns how
/// many cases were purged.
pub async fn purge_expired(state: &AppState, retention_days: u32) -> Result<usize, AppError> {
    let now = state.clock.now();
    let cutoff = now - i64::from(retention_days) * 86_400;
    let ids = store::closed_before(&state.database, cutoff).await?;
    let system = Actor {
        name: Some("Löschfrist".to_owned()),
        client_addr: "intern".to_owned(),
        ..Actor::default()
    };
    for id in &ids {
        let mut tx = state.database.begin_write().await?;
        let stored = store::stored_names_of_case(&mut tx, *id).await?;
        // The audit log keeps that something happened, not what: its entries about this case
        // (admission and invoice numbers, file names, hashes) lose their details.
        let (request_ids, delivery_ids) = store::request_and_delivery_ids(&mut tx, *id).await?;
        let subjects = std::iter::once(format!("Prüffall {id}"))
            .chain(request_ids.iter().map(|r| format!("Anforderung {r}")))
            .chain(delivery_ids.iter().map(|d| format!("Lieferung {d}")));
        for subject in subjects {
            audit_log::redact_audits_details(&mut tx, &subject, "entfernt (Löschfrist)").await?;
        }
        // Cascades to notices, requests, deliveries, files, reports and inspection links.
        store::delete_case(&mut tx, *id).await?;
        tx.commit().await?;
        // Rows first: a file without a row is unreachable; a row without a file would be an error.
        for name in &stored {
            if let Err(err) = state.storage.delete(&file_key(name)).await {
                tracing::error!(%err, file = %name, "could not delete a purged file");
            }
        }
        audit_log::success(&system, "audit_case_purged")
            .target(format!("Prüffall {id}"))
            .detail(format!(
                "{} gelöscht, {} nach Abschluss",
                le_domain::text::count(stored.len() as u64, "Datei", "Dateien"),
                le_domain::text::count(u64::from(retention_days), "Tag", "Tage")
            ))
            .record(&state.database, now)
            .await;
    }
    Ok(ids.len())
}

/// Starts the background job: purges at once, then every `PURGE_INTERVAL`, with the retention
/// period from `LE_RETENTION_DAYS` (default 100).
pub fn spawn_retention_job(state: AppState) -> tokio::task::JoinHandle<()> {
    let days = state.config.retention_days;
    let holder = format!("{}-{}", std::process::id(), crate::secrets::token());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_INTERVAL);
        loop {
            tick.tick().await;
            match run_once(&state, &holder, days).await {
                Ok(None | Some(0)) => {}
                Ok(Some(n)) => tracing::info!(purged = n, "closed audit cases purged"),
                Err(err) => tracing::error!(?err, "audit retention job failed"),
            }
        }
    })
}
