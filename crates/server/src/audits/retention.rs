//! Retention: closed cases and all their files are deleted a configurable number of days after
//! closing, by a background job (`spawn_retention_job`) that calls `purge_expired`.
use std::time::Duration;

use super::store;
use super::uploads::file_key;
use crate::AppState;
use crate::access::session::Actor;
use crate::audit_log;
use crate::error::AppError;

/// How often the job looks for expired cases.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Deletes every case closed at least `retention_days` ago, with its rows and files; returns how
/// many cases were purged.
pub async fn purge_expired(state: &AppState, retention_days: u32) -> Result<usize, AppError> {
    let now = state.clock.now();
    let cutoff = now - i64::from(retention_days) * 86_400;
    let ids = store::closed_before(&state.db, cutoff).await?;
    let system = Actor {
        name: Some("Löschfrist".to_owned()),
        client_addr: "intern".to_owned(),
        ..Actor::default()
    };
    for id in &ids {
        let mut tx = crate::db::begin_write(&state.db).await?;
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
            .record(&state.db, now)
            .await;
    }
    Ok(ids.len())
}

/// Starts the background job: purges at once, then every `PURGE_INTERVAL`, with the retention
/// period from `LE_RETENTION_DAYS` (default 100).
pub fn spawn_retention_job(state: AppState) -> tokio::task::JoinHandle<()> {
    let days = state.config.retention_days;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_INTERVAL);
        loop {
            tick.tick().await;
            match purge_expired(&state, days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "closed audit cases purged"),
                Err(err) => tracing::error!(?err, "audit retention job failed"),
            }
        }
    })
}
