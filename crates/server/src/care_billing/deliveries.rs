//! Deliveries: the encrypted file arrives as the request body with its description in the query;
//! the transfer number is taken and the order file written in the same write transaction as the
//! delivery row, so numbers are never given twice and never skipped.
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use le_domain::FieldError;
use le_domain::Ik;
use le_domain::api::care_billing::{
    Delivery, DeliveryRequest, ErrorReturn, ErrorReturnRequest, OrderFieldValue,
};
use le_domain::care_billing::{
    FIELDS, KindCatalog, OrderFile, Procedure, RoutingTable, Timestamp, data_carrier_address,
    parse_order_file,
};

use super::MAX_DELIVERY_BYTES;
use super::caller::CareCaller;
use super::store::{self, DeliveryFilter, DeliveryRow, NewDelivery};
use crate::AppState;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::files::ReceiveError;

/// Where the encrypted files live in the file store (local directory or object storage).
pub const FILE_FOLDER: &str = "care/deliveries";

/// The file store's key of a delivery's encrypted file.
pub fn file_key(stored_name: &str) -> String {
    format!("{FILE_FOLDER}/{stored_name}")
}

fn procedure_of(code: &str) -> Procedure {
    if code == Procedure::Real.code() {
        Procedure::Real
    } else {
        Procedure::Test
    }
}

/// `YYYYMMDDhhmmss` (UTC) of a Unix time.
fn timestamp(unix: i64) -> Result<Timestamp, AppError> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| AppError::internal("clock", e))?;
    let text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    Timestamp::parse(&text).ok_or_else(|| AppError::internal("clock", text))
}

fn to_api(row: &DeliveryRow) -> Result<Delivery, AppError> {
    let order = parse_order_file(&row.order_file)
        .map_err(|e| AppError::internal("stored order file", e.message()))?;
    let record: Vec<char> = row.order_file.iter().map(|b| char::from(*b)).collect();
    let kinds = KindCatalog::builtin();
    let kind_label = kinds
        .kind(&row.kind)
        .map(|k| k.label.clone())
        .unwrap_or_default();
    // Kind 01: the billing office of the region's row; other kinds: the insurer's data.
    let route = RoutingTable::builtin().route(&row.region).ok();
    let paper_receipts = match route {
        Some(route) if row.kind == "01" => format!("Abrechnungsstelle {}", route.billing_office),
        Some(route) => kinds
            .accepted_by(route.care_insurer.as_str())
            .into_iter()
            .find(|a| a.kind == row.kind)
            .map(|a| a.paper_receipts.clone())
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Delivery {
        id: row.id,
        branch_ik: row.branch_ik.clone(),
        region: row.region.clone(),
        kind: row.kind.clone(),
        kind_label,
        month: row.month.clone(),
        procedure: procedure_of(&row.procedure),
        transfer_number: order.transfer_number,
        payload_file_name: order.payload_file_name(),
        order_file_name: order.order_file_name(),
        payload_size: order.payload_size,
        transfer_size: order.transfer_size,
        sha256: row.sha256.clone(),
        created_at: rfc3339(row.created_at),
        created_by: row.created_by.clone(),
        correction_of: row.correction_of,
        error_return: match (row.error_number, row.error_action, row.error_at) {
            (Some(number), Some(action), Some(at)) => Some(ErrorReturn {
                error_number: u32::try_from(number).unwrap_or(0),
                error_action: u32::try_from(action).unwrap_or(0),
                note: row.error_note.clone().unwrap_or_default(),
                recorded_at: rfc3339(at),
            }),
            _ => None,
        },
        paper_receipts,
        sent_at: row.sent_at.map(rfc3339),
        sent_to: row.sent_to.clone(),
        data_carrier: match data_carrier_address(order.recipient_physical.as_str()) {
            Some(address) => format!(
                "Datenträger an: {address}. Beilegen: die verschlüsselte Datei {} und die \
                 Auftragsdatei {}.",
                order.payload_file_name(),
                order.order_file_name()
            ),
            None => String::new(),
        },
        order_fields: FIELDS
            .iter()
            .map(|f| OrderFieldValue {
                label: f.label.to_owned(),
                offset: f.offset,
                len: f.len,
                value: record[f.offset..f.offset + f.len].iter().collect(),
            })
            .collect(),
    })
}

/// The recipient infos of a sealed file are within its first bytes (a 4096-bit RSA key's
/// recipient info with a long issuer name is under 2 KB).
const RECIPIENT_INFO_BYTES: usize = 64 * 1024;

fn recipient_refused(code: &str, message: String) -> AppError {
    AppError::Validation(vec![FieldError {
        field: "recipient_certificate".to_owned(),
        code: code.to_owned(),
        message,
    }])
}

/// The file must be encrypted for a certificate of the data acceptance point `recipient_ik`
/// that the operator imported and that is valid now; otherwise it could not be opened there.
async fn check_recipient(
    state: &AppState,
    recipient_ik: &str,
    head: &[u8],
) -> Result<(), AppError> {
    let recipients = le_care_seal::recipients_of(head).map_err(|e| {
        AppError::Validation(vec![FieldError {
            field: "file".to_owned(),
            code: "not_enveloped".to_owned(),
            message: format!(
                "Die Datei ist nicht lesbar: {e}. Bitte die Lieferung im Portal verschlüsseln."
            ),
        }])
    })?;
    let imported = store::certificates_of(&state.database, recipient_ik).await?;
    let used = imported.iter().find(|row| {
        recipients
            .iter()
            .any(|r| r.issuer == row.issuer && r.serial == row.serial)
    });
    let Some(row) = used else {
        return Err(recipient_refused(
            "certificate_unknown",
            format!(
                "Die Datei ist für ein Zertifikat verschlüsselt, das für die Datenannahmestelle \
                 IK {recipient_ik} nicht eingespielt ist (Seriennummer {}). Bitte die Lieferung \
                 erneut im Portal verschlüsseln.",
                recipients
                    .first()
                    .map(|r| r.serial.as_str())
                    .unwrap_or_default()
            ),
        ));
    };
    let now = state.clock.now();
    if now > row.not_after {
        return Err(recipient_refused(
            "certificate_expired",
            format!(
                "Das Zertifikat der Datenannahmestelle IK {recipient_ik}, für das die Datei \
                 verschlüsselt ist, ist am {} abgelaufen. Bitte die Lieferung erneut im Portal \
                 verschlüsseln.",
                le_care_seal::format_date(u64::try_from(row.not_after).unwrap_or(0))
            ),
        ));
    }
    if now < row.not_before {
        return Err(recipient_refused(
            "certificate_not_yet_valid",
            format!(
                "Das Zertifikat der Datenannahmestelle IK {recipient_ik}, für das die Datei \
                 verschlüsselt ist, gilt erst ab {}.",
                le_care_seal::format_date(u64::try_from(row.not_before).unwrap_or(0))
            ),
        ));
    }
    Ok(())
}

fn setup_missing() -> AppError {
    AppError::Conflict {
        code: "setup_missing",
        message: "Bitte zuerst unter „Einrichtung“ die Region und die Absender-E-Mail-Adresse \
                  festlegen."
            .to_owned(),
    }
}

/// `POST /api/v1/care/deliveries?branch_ik=…&kind=…&month=…&procedure=…&payload_size=…`
/// (body: the signed and encrypted file)
#[utoipa::path(
    post,
    path = "/care/deliveries",
    operation_id = "care.deliveries.create",
    tag = "Pflegeabrechnung",
    summary = "Eine verschlüsselte Lieferung einreichen; der Server vergibt die Dateifolgenummer und erzeugt die Auftragsdatei",
    params(le_domain::api::care_billing::DeliveryRequest),
    request_body(content = crate::openapi::BinaryFile, content_type = "application/octet-stream", description = "Die signierte und verschlüsselte Nutzdatei (CMS)."),
    responses((status = 201, description = "Die Lieferung mit Dateifolgenummer.", body = le_domain::api::care_billing::Delivery), (status = 413, description = "Zu groß.", body = le_domain::ApiErrorBody), (status = 422, description = "Ungültige Angaben (Feldpfad), z. B. Leistungsart nicht zugelassen, oder die Datei ist nicht für ein eingespieltes, gültiges Zertifikat der Datenannahmestelle verschlüsselt (`recipient_certificate`: `certificate_unknown`, `certificate_expired`; `file`: `not_enveloped`).", body = le_domain::ApiErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: CareCaller,
    Query(req): Query<DeliveryRequest>,
    body: Body,
) -> Result<(StatusCode, axum::Json<Delivery>), AppError> {
    let institution_id = caller.institution.id;
    let setup = store::setup_of(&state.database, institution_id)
        .await?
        .ok_or_else(setup_missing)?;
    let route = RoutingTable::builtin()
        .route(&setup.region)
        .map_err(|e| AppError::Validation(vec![e]))?
        .clone();
    let mut errors = req.validate(route.care_insurer.as_str());
    let branch_ik = req.branch_ik.trim().to_owned();
    let branches = store::branches_of(&state.database, institution_id).await?;
    if Ik::parse(&branch_ik).is_ok()
        && branch_ik != caller.institution.ik
        && !branches.iter().any(|b| b.ik == branch_ik)
    {
        errors.push(FieldError {
            field: "branch_ik".to_owned(),
            code: "unknown_branch".to_owned(),
            message: format!(
                "IK {branch_ik} ist keine Betriebsstätte dieses Pflegedienstes (siehe Einrichtung)."
            ),
        });
    }
    if let Some(id) = req.correction_of
        && store::delivery(&state.database, institution_id, id)
            .await?
            .is_none()
    {
        errors.push(FieldError {
            field: "correction_of".to_owned(),
            code: "unknown_delivery".to_owned(),
            message: format!("Die zu korrigierende Lieferung {id} gibt es nicht."),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let stored_name = format!("{}.p7m", crate::secrets::token());
    let received = match state
        .storage
        .receive_keeping_head(
            &file_key(&stored_name),
            body.into_data_stream(),
            MAX_DELIVERY_BYTES,
            RECIPIENT_INFO_BYTES,
        )
        .await
    {
        Ok(r) => r,
        Err(ReceiveError::TooLarge) => {
            return Err(AppError::PayloadTooLarge {
                message: format!(
                    "Die Datei ist zu groß (höchstens {} MB).",
                    MAX_DELIVERY_BYTES / (1024 * 1024)
                ),
            });
        }
        Err(ReceiveError::Incomplete) => {
            return Err(AppError::BadRequest {
                code: "upload_incomplete",
                message: "Die Datei kam nicht vollständig an. Bitte erneut senden.".to_owned(),
            });
        }
        Err(ReceiveError::Io(e)) => return Err(AppError::internal("receive", e)),
    };
    if received.size == 0 {
        return Err(AppError::Validation(vec![FieldError {
            field: "file".to_owned(),
            code: "required".to_owned(),
            message: "Die verschlüsselte Datei fehlt.".to_owned(),
        }]));
    }
    let head = &received.head[..received.head.len().min(RECIPIENT_INFO_BYTES)];
    check_recipient(&state, route.physical_recipient.as_str(), head).await?;
    let sender_physical = setup
        .billing_centre_ik
        .clone()
        .unwrap_or_else(|| branch_ik.clone());
    let parse_ik = |ik: &str, field: &str| {
        Ik::parse(ik).map_err(|e| AppError::Validation(vec![e.for_field(field)]))
    };
    let now = state.clock.now();
    let stamp = timestamp(now)?;
    let mut tx = state.database.begin_write().await?;
    let transfer_number =
        store::next_transfer_number(&mut tx, &sender_physical, route.physical_recipient.as_str())
            .await?;
    let order = OrderFile {
        procedure: req.procedure,
        transfer_number,
        sender_owner: parse_ik(&branch_ik, "branch_ik")?,
        sender_physical: parse_ik(&sender_physical, "billing_centre_ik")?,
        recipient_user: route.logical_recipient.clone(),
        recipient_physical: route.physical_recipient.clone(),
        error_number: 0,
        error_action: 0,
        created: stamp.clone(),
        sent: stamp,
        received_start: None,
        received_end: None,
        correction: req.correction_of.is_some(),
        payload_size: req.payload_size,
        transfer_size: received.size,
        compressed: req.compressed,
        sender_email: setup.sender_email.clone(),
        description: req.description.trim().to_owned(),
    };
    let bytes = order
        .to_bytes()
        .map_err(|e| AppError::Validation(vec![e.to_field_error()]))?;
    let transfer_size = received.size;
    let actor_name = caller.actor.name.clone().unwrap_or_default();
    let id = store::insert_delivery(
        &mut tx,
        &NewDelivery {
            institution_id,
            branch_ik: &branch_ik,
            sender_ik: &sender_physical,
            recipient_ik: route.physical_recipient.as_str(),
            region: &route.region,
            kind: req.kind.trim(),
            month: req.month.trim(),
            procedure: req.procedure.code(),
            transfer_number,
            correction_of: req.correction_of,
            order_file: &bytes,
            stored_name: &stored_name,
            payload_size: req.payload_size,
            transfer_size: received.size,
            sha256: &received.sha256,
            created_by: &actor_name,
            created_at: now,
        },
    )
    .await?;
    received
        .keep()
        .await
        .map_err(|e| AppError::internal("keep delivery", e))?;
    if let Err(e) = tx.commit().await {
        let _ = state.storage.delete(&file_key(&stored_name)).await;
        return Err(e.into());
    }
    audit_log::success(&caller.actor, "care_delivery_created")
        .target(format!("Lieferung {id}"))
        .detail(format!(
            "{} Transfernummer {transfer_number:03}, Leistungsart {}, {} Bytes verschlüsselt",
            req.procedure.label(),
            req.kind.trim(),
            transfer_size
        ))
        .record(&state.database, now)
        .await;
    let row = store::delivery(&state.database, institution_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(to_api(&row)?)))
}

/// `GET /api/v1/care/deliveries?month=&kind=&procedure=&state=`
#[utoipa::path(
    get,
    path = "/care/deliveries",
    operation_id = "care.deliveries.list",
    tag = "Pflegeabrechnung",
    summary = "Lieferprotokoll mit Filtern",
    params(crate::care_billing::store::DeliveryFilter),
    responses((status = 200, description = "Die Lieferungen, neueste zuerst.", body = Vec<le_domain::api::care_billing::Delivery>), (status = 422, description = "Ungültiger Filter.", body = le_domain::ApiErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: CareCaller,
    Query(filter): Query<DeliveryFilter>,
) -> Result<axum::Json<Vec<Delivery>>, AppError> {
    let rows = store::deliveries_of(&state.database, caller.institution.id, &filter).await?;
    rows.iter()
        .map(to_api)
        .collect::<Result<Vec<_>, _>>()
        .map(axum::Json)
}

/// The caller's delivery `id` with its API view; another care service's is "not found".
async fn owned(
    state: &AppState,
    caller: &CareCaller,
    id: i64,
) -> Result<(DeliveryRow, Delivery), AppError> {
    let row = store::delivery(&state.database, caller.institution.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let delivery = to_api(&row)?;
    Ok((row, delivery))
}

/// `GET /api/v1/care/deliveries/{id}`
#[utoipa::path(
    get,
    path = "/care/deliveries/{id}",
    operation_id = "care.deliveries.get",
    tag = "Pflegeabrechnung",
    summary = "Eine Lieferung mit den Feldern der Auftragsdatei",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Lieferung.", body = le_domain::api::care_billing::Delivery))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Delivery>, AppError> {
    owned(&state, &caller, id).await.map(|(_, d)| axum::Json(d))
}

fn attachment(name: &str, content_type: &'static str, body: Body) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    name_attachment(&mut res, name);
    res
}

/// A download's file name and "never cache" (the files are the care service's billing data).
fn name_attachment(res: &mut Response, name: &str) {
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}

/// `GET /api/v1/care/deliveries/{id}/order-file` (the 348 bytes, named like `EPFL0007.AUF`)
#[utoipa::path(
    get,
    path = "/care/deliveries/{id}/order-file",
    operation_id = "care.deliveries.order_file",
    tag = "Pflegeabrechnung",
    summary = "Die Auftragsdatei (348 Byte, ISO-8859-1) herunterladen",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Auftragsdatei.", body = crate::openapi::BinaryFile, content_type = "application/octet-stream"))
)]
pub async fn order_file(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (row, delivery) = owned(&state, &caller, id).await?;
    Ok(attachment(
        &delivery.order_file_name,
        "application/octet-stream",
        Body::from(row.order_file),
    ))
}

/// `GET /api/v1/care/deliveries/{id}/payload` (the encrypted file, named like `EPFL0007`;
/// streamed from the file store, with byte ranges for resuming)
#[utoipa::path(
    get,
    path = "/care/deliveries/{id}/payload",
    operation_id = "care.deliveries.payload",
    tag = "Pflegeabrechnung",
    summary = "Die verschlüsselte Nutzdatei herunterladen",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Die Datei.", body = crate::openapi::BinaryFile, content_type = "application/octet-stream"))
)]
pub async fn payload(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let (row, delivery) = owned(&state, &caller, id).await?;
    let download = state
        .storage
        .download(&file_key(&row.stored_name), &headers)
        .await
        .map_err(|e| AppError::internal("open delivery", e))?;
    let mut res = download.into_response("application/pkcs7-mime");
    name_attachment(&mut res, &delivery.payload_file_name);
    Ok(res)
}

/// `POST /api/v1/care/deliveries/{id}/error-return`: the acceptance point's error number and
/// action, recorded so a correction delivery can follow.
#[utoipa::path(
    post,
    path = "/care/deliveries/{id}/error-return",
    operation_id = "care.deliveries.error_return",
    tag = "Pflegeabrechnung",
    summary = "Eine Fehlerrückmeldung der Datenannahmestelle erfassen",
    params(("id" = i64, Path, description = "Lieferung")),
    request_body(content = le_domain::api::care_billing::ErrorReturnRequest, content_type = "application/json"),
    responses((status = 200, description = "Die Lieferung mit Fehlerrückmeldung.", body = le_domain::api::care_billing::Delivery), (status = 422, description = "Ungültige Angaben.", body = le_domain::ApiErrorBody))
)]
pub async fn error_return(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ErrorReturnRequest>,
) -> Result<axum::Json<Delivery>, AppError> {
    let errors = req.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    if !store::record_error_return(
        &state.database,
        caller.institution.id,
        id,
        req.error_number,
        req.error_action,
        req.note.trim(),
        now,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    audit_log::success(&caller.actor, "care_error_return_recorded")
        .target(format!("Lieferung {id}"))
        .detail(format!(
            "Fehlernummer {}, Maßnahme {}",
            req.error_number, req.error_action
        ))
        .record(&state.database, now)
        .await;
    let row = store::delivery(&state.database, caller.institution.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    to_api(&row).map(axum::Json)
}

/// `POST /api/v1/care/deliveries/{id}/send`: one mail to the data acceptance point with the
/// encrypted file and the order file as attachments (SMTP from `--smtp-url`, to
/// `--care-mail-to`). A delivery is mailed once.
#[utoipa::path(
    post,
    path = "/care/deliveries/{id}/send",
    operation_id = "care.deliveries.send",
    tag = "Pflegeabrechnung",
    summary = "Die Lieferung per E-Mail an die Datenannahmestelle senden",
    params(("id" = i64, Path, description = "Lieferung")),
    responses((status = 200, description = "Gesendet.", body = le_domain::api::care_billing::Delivery), (status = 409, description = "Schon gesendet.", body = le_domain::ApiErrorBody), (status = 502, description = "Der Mailserver lehnte ab.", body = le_domain::ApiErrorBody))
)]
pub async fn send(
    State(state): State<AppState>,
    caller: CareCaller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Delivery>, AppError> {
    use lettre::Message;
    use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};

    let institution_id = caller.institution.id;
    let row = store::delivery(&state.database, institution_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(url), Some(to)) = (&state.config.smtp_url, &state.config.care_mail_to) else {
        return Err(AppError::Conflict {
            code: "mail_not_configured",
            message: "Der Versand per E-Mail ist in diesem Portal nicht eingerichtet. Bitte die \
                      beiden Dateien herunterladen und auf einem Datenträger senden."
                .to_owned(),
        });
    };
    if row.sent_at.is_some() {
        return Err(AppError::Conflict {
            code: "already_sent",
            message: "Diese Lieferung wurde bereits per E-Mail gesendet.".to_owned(),
        });
    }
    let delivery = to_api(&row)?;
    // A mail carries its attachments whole: the file (at most MAX_DELIVERY_BYTES) is read into
    // memory for the message.
    let payload = read_whole(&state, &file_key(&row.stored_name)).await?;
    let mailbox = |address: &str, what: &str| {
        address
            .parse::<Mailbox>()
            .map_err(|e| AppError::internal(what, e))
    };
    let binary = ContentType::parse("application/octet-stream")
        .map_err(|e| AppError::internal("content type", e))?;
    let message = Message::builder()
        .from(mailbox(&state.config.smtp_from, "smtp from")?)
        .to(mailbox(to, "care mail to")?)
        .subject(format!(
            "{} {} IK {}",
            delivery.order_file_name, delivery.payload_file_name, delivery.branch_ik
        ))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(format!(
                    "Datenlieferung nach § 105 SGB XI\nAbsender IK {}\nLeistungsart {}, \
                     Abrechnungsmonat {}\nTransfernummer {:03}\n",
                    delivery.branch_ik, delivery.kind, delivery.month, delivery.transfer_number
                )))
                .singlepart(
                    Attachment::new(delivery.payload_file_name.clone())
                        .body(payload, binary.clone()),
                )
                .singlepart(
                    Attachment::new(delivery.order_file_name.clone())
                        .body(row.order_file.clone(), binary),
                ),
        )
        .map_err(|e| AppError::internal("mail", e))?;
    if let Err(err) = crate::mail::send(url, message).await {
        tracing::warn!(%err, delivery = id, "mail server refused a delivery");
        return Err(AppError::BadGateway {
            code: "mail_failed",
            message: "Der Mailserver hat die Lieferung nicht angenommen. Bitte später erneut \
                      senden oder die Dateien herunterladen."
                .to_owned(),
        });
    }
    let now = state.clock.now();
    store::mark_sent(&state.database, institution_id, id, to, now).await?;
    audit_log::success(&caller.actor, "care_delivery_sent")
        .target(format!("Lieferung {id}"))
        .detail(format!("per E-Mail an {to}"))
        .record(&state.database, now)
        .await;
    let row = store::delivery(&state.database, institution_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    to_api(&row).map(axum::Json)
}

/// The whole file under `key` from the file store.
async fn read_whole(state: &AppState, key: &str) -> Result<Vec<u8>, AppError> {
    let download = state
        .storage
        .open(key, None)
        .await
        .map_err(|e| AppError::internal("open delivery", e))?;
    let bytes = axum::body::to_bytes(
        download.body,
        usize::try_from(download.total).unwrap_or(usize::MAX),
    )
    .await
    .map_err(|e| AppError::internal("read delivery", e))?;
    Ok(bytes.to_vec())
}
