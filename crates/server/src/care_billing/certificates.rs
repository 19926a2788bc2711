//! Recipient certificates: the operator imports the trust centre's public key list; a care
//! service fetches the valid certificate of its data acceptance point to encrypt for in the
//! browser. Expired and unknown certificates are refused with a German message.
use axum::body::Bytes;
use axum::extract::State;
use le_care_seal::{CertificateInfo, parse_certificate_list};
use le_domain::FieldError;
use le_domain::api::care_billing::{
    CertificateImportReport, RecipientCertificate, RecipientCertificateFile, SkippedCertificate,
};
use le_domain::care_billing::RoutingTable;

use super::caller::CareCaller;
use super::store::{self, CertificateRow, NewCertificate};
use crate::AppState;
use crate::access::session::{FullSession, Session};
use crate::clock::rfc3339;
use crate::error::AppError;
use le_domain::access::Permission;

fn to_api(row: &CertificateRow) -> RecipientCertificate {
    RecipientCertificate {
        id: row.id,
        ik: row.ik.clone(),
        subject: row.subject.clone(),
        issuer: row.issuer.clone(),
        serial: row.serial.clone(),
        not_before: rfc3339(row.not_before),
        not_after: rfc3339(row.not_after),
        sha256: row.sha256.clone(),
        imported_at: rfc3339(row.imported_at),
        imported_by: row.imported_by.clone(),
    }
}

/// `TT.MM.JJJJ` of a Unix time.
fn date(unix: i64) -> String {
    le_care_seal::format_date(u64::try_from(unix).unwrap_or(0))
}

fn seconds(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Why a certificate of a list is not taken, if it is not.
fn refusal(info: &CertificateInfo, now: i64) -> Option<String> {
    if info.ik.is_none() {
        return Some(
            "Kein IK im Namen des Zertifikats (erwartet OU=IK mit neun Ziffern); unbekannte \
             Empfänger werden nicht übernommen."
                .to_owned(),
        );
    }
    if seconds(info.not_after) < now {
        return Some(format!(
            "Abgelaufen am {}; abgelaufene Zertifikate werden nicht übernommen.",
            date(seconds(info.not_after))
        ));
    }
    None
}

/// Only the operator's administrator manages the recipients' certificates.
fn certificate_manager(session: &Session) -> Result<(), AppError> {
    if session.may(Permission::ManageRecipientCertificates) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// What one import of a key list did: the ids it added, the certificates it read that were
/// known already, and those it refused with the reason.
pub struct ImportedList {
    pub added: Vec<i64>,
    pub read: usize,
    pub skipped: Vec<SkippedCertificate>,
}

/// Reads a key list (PEM, DER or base64 blocks) and stores its acceptable certificates (the
/// handler below and the demo seed).
pub async fn store_list(
    state: &AppState,
    list: &[u8],
    who: &str,
    now: i64,
) -> Result<ImportedList, AppError> {
    let parsed = parse_certificate_list(list).map_err(|e| {
        AppError::Validation(vec![FieldError::new(
            "file",
            "certificate_list",
            format!("Die Schlüsselliste ist nicht lesbar: {e}"),
        )])
    })?;
    let mut skipped = Vec::new();
    let mut keep = Vec::new();
    for cert in &parsed {
        let info = cert.info();
        match refusal(info, now) {
            Some(reason) => skipped.push(SkippedCertificate {
                subject: info.subject.clone(),
                reason,
            }),
            None => keep.push((info, cert.der())),
        }
    }
    let rows: Vec<NewCertificate<'_>> = keep
        .iter()
        .map(|(info, der)| NewCertificate {
            ik: info.ik.as_deref().unwrap_or_default(),
            subject: &info.subject,
            issuer: &info.issuer,
            serial: &info.serial,
            not_before: seconds(info.not_before),
            not_after: seconds(info.not_after),
            sha256: &info.sha256,
            der,
        })
        .collect();
    let added = store::add_certificates(&state.database, &rows, who, now).await?;
    Ok(ImportedList {
        added,
        read: rows.len(),
        skipped,
    })
}

/// `POST /api/v1/care/certificates` (the operator's administrator): the key list as the body,
/// PEM, DER or base64 blocks separated by blank lines.
pub async fn import(
    State(state): State<AppState>,
    FullSession(admin): FullSession,
    body: Bytes,
) -> Result<axum::Json<CertificateImportReport>, AppError> {
    certificate_manager(&admin)?;
    let now = state.clock.now();
    let who = admin.actor.name.clone().unwrap_or_default();
    let ImportedList {
        added: ids,
        read,
        skipped,
    } = store_list(&state, &body, &who, now).await?;
    let all = store::certificates(&state.database).await?;
    let added: Vec<RecipientCertificate> = all
        .iter()
        .filter(|r| ids.contains(&r.id))
        .map(to_api)
        .collect();
    crate::audit_log::success(&admin.actor, "care_certificates_imported")
        .target("Schlüsselliste")
        .detail(format!(
            "{} neu ({}), {} bekannt, {} abgelehnt",
            added.len(),
            added
                .iter()
                .map(|c| format!("IK {} bis {}", c.ik, &c.not_after[..10]))
                .collect::<Vec<_>>()
                .join(", "),
            read - ids.len(),
            skipped.len()
        ))
        .record(&state.database, now)
        .await;
    Ok(axum::Json(CertificateImportReport {
        unchanged: read - ids.len(),
        added,
        skipped,
    }))
}

/// `GET /api/v1/care/certificates` (the operator's administrator)
pub async fn list(
    State(state): State<AppState>,
    FullSession(admin): FullSession,
) -> Result<axum::Json<Vec<RecipientCertificate>>, AppError> {
    certificate_manager(&admin)?;
    let rows = store::certificates(&state.database).await?;
    Ok(axum::Json(rows.iter().map(to_api).collect()))
}

/// `GET /api/v1/care/recipient-certificate`: the valid certificate of the data acceptance point
/// of the caller's region.
#[utoipa::path(
    get,
    path = "/care/recipient-certificate",
    operation_id = "care.recipient_certificate.get",
    tag = "Pflegeabrechnung",
    summary = "Das gültige Zertifikat der Datenannahmestelle der Region (zum Verschlüsseln beim Absender)",
    responses(
        (status = 200, description = "Das Zertifikat (PEM).", body = le_domain::api::care_billing::RecipientCertificateFile),
        (status = 409, description = "Kein oder nur ein abgelaufenes Zertifikat (`certificate_unknown`, `certificate_expired`), oder keine Region eingerichtet.", body = le_domain::ApiErrorBody)
    )
)]
pub async fn recipient(
    State(state): State<AppState>,
    caller: CareCaller,
) -> Result<axum::Json<RecipientCertificateFile>, AppError> {
    let setup = store::setup_of(&state.database, caller.institution.id)
        .await?
        .ok_or_else(|| AppError::Conflict {
            code: "setup_missing",
            message: "Bitte zuerst die Einrichtung (Region) speichern.".to_owned(),
        })?;
    let route = RoutingTable::builtin()
        .route(&setup.region)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let ik = route.physical_recipient.as_str().to_owned();
    let rows = store::certificates_of(&state.database, &ik).await?;
    let now = state.clock.now();
    let valid = rows
        .iter()
        .find(|r| r.not_before <= now && now <= r.not_after);
    let Some(row) = valid else {
        let message = match rows.first() {
            None => format!(
                "Für die Datenannahmestelle IK {ik} liegt kein Zertifikat vor. Der Betreiber des \
                 Portals muss die Schlüsselliste des Trust Centers einspielen."
            ),
            Some(newest) if newest.not_after < now => format!(
                "Das Zertifikat der Datenannahmestelle IK {ik} ist am {} abgelaufen. Der Betreiber \
                 des Portals muss die aktuelle Schlüsselliste einspielen.",
                date(newest.not_after)
            ),
            Some(newest) => format!(
                "Das Zertifikat der Datenannahmestelle IK {ik} gilt erst ab {}.",
                date(newest.not_before)
            ),
        };
        let code = if rows.is_empty() {
            "certificate_unknown"
        } else {
            "certificate_expired"
        };
        return Err(AppError::Conflict { code, message });
    };
    let cert = le_care_seal::RecipientCertificate::from_der(&row.der)
        .map_err(|e| AppError::internal("stored certificate", e))?;
    Ok(axum::Json(RecipientCertificateFile {
        ik,
        subject: row.subject.clone(),
        not_after: rfc3339(row.not_after),
        sha256: row.sha256.clone(),
        pem: cert
            .to_pem()
            .map_err(|e| AppError::internal("certificate pem", e))?,
    }))
}
