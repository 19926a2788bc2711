//! PDF uploads and downloads: the raw body is streamed into the file store (`storage::Storage`:
//! the data directory or object storage) while its SHA-256 is computed, checked by the domain's
//! PDF rule, and made visible (with its row) only once complete. Downloads stream from the store,
//! with byte ranges.
use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use le_domain::FieldError;
use le_domain::api::audits::StoredFile;
use le_domain::audits::{DocumentKind, DocumentState};
use le_domain::documents::clean_file_name;
use serde::Deserialize;

use super::caller::{AuditCaller, HospitalAuditCaller};
use super::store::{self, FileRow, actor_name};
use crate::AppState;
use crate::audit_log;
use crate::error::AppError;
use crate::files::ReceiveError;
use crate::secrets;

/// The file store's key of a stored audit file (`audits/files/<stored name>`; in the local
/// store that is the same place under the data directory as before the file store existed).
pub fn file_key(stored_name: &str) -> String {
    format!("{FILE_FOLDER}/{stored_name}")
}

/// Where the audit files live in the file store.
pub const FILE_FOLDER: &str = "audits/files";

/// `?name=` of an upload (and, for a request's files, `&document=` — the requested document
/// the file is for; optional when the request tracks one document only).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadName {
    pub name: Option<String>,
    pub document: Option<String>,
}

/// The file name as shown to people (the domain's rule, `clean_file_name`); a 422 on `name`
/// when nothing usable remains.
fn shown_name(name: Option<&str>) -> Result<String, AppError> {
    clean_file_name(name.unwrap_or_default()).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "name",
            "required",
            "Bitte den Dateinamen angeben (?name=…).",
        )])
    })
}

/// A received file in the file store, not yet visible: dropped before `commit` (a cut-off body,
/// an error, a client gone) it leaves nothing behind.
pub struct TempUpload {
    upload: crate::storage::Upload,
    pub stored_name: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

impl TempUpload {
    pub fn size_i64(&self) -> i64 {
        i64::try_from(self.size).unwrap_or(i64::MAX)
    }

    /// Stores the file for good: its row (for `owner`) is inserted in `tx` (a write transaction
    /// of either backend), the file becomes visible in the store, then `tx` commits; an error
    /// anywhere leaves neither row nor file. This runs on a task of its own: a client that goes
    /// away now cancels its request, not this, so row and file are kept or dropped together.
    pub async fn commit(
        self,
        state: &AppState,
        tx: crate::db::Tx,
        owner: store::FileOwner,
        by: String,
        now: i64,
    ) -> Result<StoredFile, AppError> {
        let state = state.clone();
        tokio::spawn(async move { self.finish(&state, tx, owner, by, now).await })
            .await
            .map_err(|e| AppError::internal("store upload", e))?
    }

    async fn finish(
        self,
        state: &AppState,
        mut tx: crate::db::Tx,
        owner: store::FileOwner,
        by: String,
        now: i64,
    ) -> Result<StoredFile, AppError> {
        let id = store::insert_file(
            &mut tx,
            &store::NewFile {
                owner,
                file_name: &self.file_name,
                stored_name: &self.stored_name,
                size: self.size_i64(),
                sha256: &self.sha256,
                uploaded_at: now,
                uploaded_by: &by,
            },
        )
        .await?;
        self.upload
            .keep()
            .await
            .map_err(|e| AppError::internal("keep upload", e))?;
        if let Err(e) = tx.commit().await {
            // The row is gone with the transaction: the file must not stay either.
            let _ = state.storage.delete(&file_key(&self.stored_name)).await;
            return Err(e.into());
        }
        let file = StoredFile {
            id,
            name: self.file_name.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            uploaded_at: crate::clock::rfc3339(now),
            uploaded_by: by,
            delivery_id: None,
            document: owner.document(),
        };
        Ok(file)
    }
}

fn too_large(limit: u64) -> AppError {
    AppError::PayloadTooLarge {
        message: format!(
            "Die Datei ist zu groß (höchstens {} MB).",
            limit / (1024 * 1024)
        ),
    }
}

/// Streams `body` into the file store (not yet visible): size limit, SHA-256 and the domain's
/// PDF rule on the way; memory stays flat whatever the size.
pub async fn receive_pdf(
    state: &AppState,
    limit: u64,
    headers: &HeaderMap,
    body: Body,
    name: Option<&str>,
) -> Result<TempUpload, AppError> {
    let file_name = shown_name(name)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    let stored_name = format!("{}.pdf", secrets::token());
    let upload = match state
        .storage
        .receive(&file_key(&stored_name), body.into_data_stream(), limit)
        .await
    {
        Ok(upload) => upload,
        Err(ReceiveError::TooLarge) => return Err(too_large(limit)),
        Err(ReceiveError::Incomplete) => {
            return Err(AppError::BadRequest {
                code: "upload_incomplete",
                message: "Die Datei kam nicht vollständig an. Bitte erneut hochladen.".to_owned(),
            });
        }
        Err(ReceiveError::Io(e)) => return Err(AppError::internal("receive upload", e)),
    };
    if let Some(problem) = upload.pdf_problem {
        return Err(AppError::Validation(vec![problem.for_field("file")]));
    }
    Ok(TempUpload {
        stored_name,
        file_name,
        size: upload.size,
        sha256: upload.sha256.clone(),
        upload,
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Streams a stored PDF from disk (ranges supported, for resuming large downloads).
pub async fn serve_pdf(
    state: &AppState,
    stored_name: &str,
    file_name: &str,
    sha256: &str,
    request_headers: &HeaderMap,
) -> Result<Response, AppError> {
    let download = state
        .storage
        .download(&file_key(stored_name), request_headers)
        .await
        .map_err(|e| AppError::internal("open stored file", format!("{stored_name}: {e}")))?;
    let mut res = download.into_response("application/pdf");
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(file_name));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(sha256) {
        h.insert("x-content-sha256", v);
    }
    Ok(res)
}

/// `PUT /api/v1/audits/requests/{id}/files?name=…` (hospital; raw PDF body)
#[utoipa::path(
    put,
    path = "/audits/requests/{id}/files",
    operation_id = "audits.uploads.upload_file",
    tag = "Prüfverfahren",
    summary = "Eine PDF-Datei zu einer Anforderung hochladen (gestreamt; für den MD erst nach dem Einreichen sichtbar)",
    params(("id" = i64, Path, description = "Unterlagenanforderung"), crate::audits::uploads::UploadName),
    request_body(content = crate::openapi::PdfFile, content_type = "application/pdf", description = "Die PDF-Datei als roher Körper (kein multipart). Geprüft wird der Inhalt, nicht der Name."),
    responses((status = 201, description = "Gespeichert, mit Größe und SHA-256.", body = le_domain::api::audits::StoredFile), (status = 400, description = "Die Übertragung brach ab; nichts wurde gespeichert.", body = le_domain::ApiErrorBody), (status = 409, description = "Der Prüffall ist abgeschlossen.", body = le_domain::ApiErrorBody), (status = 413, description = "Die Datei überschreitet die Größengrenze.", body = le_domain::ApiErrorBody), (status = 422, description = "Kein PDF (Feld `file`) oder Name fehlt (Feld `name`).", body = le_domain::ApiErrorBody))
)]
pub async fn upload_file(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    UrlPath(request_id): UrlPath<i64>,
    Query(q): Query<UploadName>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<StoredFile>), AppError> {
    let config = &*state.config;
    let scope = super::caller::Scope::Hospital(&caller.iks);
    let (request, case) = store::visible_request(&state.database, scope, request_id).await?;
    caller.require_act()?;
    case.require_open()?;
    let document = upload_document(&state, &request, q.document.as_deref()).await?;
    let upload = receive_pdf(
        &state,
        config.max_upload_bytes,
        &headers,
        body,
        q.name.as_deref(),
    )
    .await?;
    let now = state.clock.now();
    let by = actor_name(&caller.actor);
    let mut tx = state.database.begin_write().await?;
    // The case may have been closed while the bytes were arriving.
    if !store::case_open_in(&mut tx, case.id).await? {
        return Err(AppError::Conflict {
            code: "case_closed",
            message: "Dieser Prüffall ist abgeschlossen.".to_owned(),
        });
    }
    let file = upload
        .commit(
            &state,
            tx,
            store::FileOwner::Request {
                request_id: request.id,
                document,
            },
            by,
            now,
        )
        .await?;
    let id = file.id;
    audit_log::success(&caller.actor, "audit_file_uploaded")
        .target(format!("Anforderung {request_id}, Datei {id}"))
        .detail(format!(
            "{} für „{}“ ({} Bytes, SHA-256 {})",
            file.name,
            document.label(),
            file.size,
            file.sha256
        ))
        .record(&state.database, state.clock.now())
        .await;
    Ok((StatusCode::CREATED, axum::Json(file)))
}

async fn file_row(state: &AppState, id: i64) -> Result<FileRow, AppError> {
    store::file_row(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `DELETE /api/v1/audits/files/{id}` (hospital; only files not yet submitted)
#[utoipa::path(
    delete,
    path = "/audits/files/{id}",
    operation_id = "audits.uploads.delete_file",
    tag = "Prüfverfahren",
    summary = "Eine noch nicht eingereichte Datei löschen",
    params(("id" = i64, Path, description = "Datei")),
    responses((status = 204, description = "Gelöscht.", body = le_domain::ApiErrorBody), (status = 409, description = "Die Datei ist schon eingereicht oder der Prüffall abgeschlossen.", body = le_domain::ApiErrorBody))
)]
pub async fn delete_file(
    State(state): State<AppState>,
    caller: HospitalAuditCaller,
    UrlPath(id): UrlPath<i64>,
) -> Result<StatusCode, AppError> {
    let file = file_row(&state, id).await?;
    let scope = super::caller::Scope::Hospital(&caller.iks);
    let (_, case) = store::visible_request(&state.database, scope, file.request_id).await?;
    caller.require_act()?;
    case.require_open()?;
    if !store::delete_pending_file(&state.database, id).await? {
        return Err(AppError::Conflict {
            code: "submitted",
            message: "Eingereichte Dateien können nicht mehr gelöscht werden.".to_owned(),
        });
    }
    if let Err(err) = state.storage.delete(&file_key(&file.stored_name)).await {
        tracing::error!(%err, file = %file.stored_name, "could not delete a pending file");
    }
    audit_log::success(&caller.actor, "audit_file_deleted")
        .target(format!("Anforderung {}, Datei {id}", file.request_id))
        .detail(file.file_name.clone())
        .record(&state.database, state.clock.now())
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/audits/files/{id}`: the hospital always; the MD only once submitted.
#[utoipa::path(
    get,
    path = "/audits/files/{id}",
    operation_id = "audits.uploads.download_file",
    tag = "Prüfverfahren",
    summary = "Eine hochgeladene Datei herunterladen (gestreamt, `X-Content-SHA256`)",
    params(("id" = i64, Path, description = "Datei")),
    responses((status = 200, description = "Die Datei.", body = crate::openapi::PdfFile, content_type = "application/pdf"))
)]
pub async fn download_file(
    State(state): State<AppState>,
    caller: AuditCaller,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = file_row(&state, id).await?;
    store::visible_request(&state.database, caller.scope(), file.request_id).await?;
    if caller.is_md() && file.delivery_id.is_none() {
        return Err(AppError::NotFound);
    }
    let res = serve_pdf(
        &state,
        &file.stored_name,
        &file.file_name,
        &file.sha256,
        &headers,
    )
    .await?;
    audit_log::success(caller.actor(), "audit_file_downloaded")
        .target(format!("Anforderung {}, Datei {id}", file.request_id))
        .detail(file.file_name.clone())
        .record(&state.database, state.clock.now())
        .await;
    Ok(res)
}

/// The requested document an upload is for: named by `?document=`, or the only one the request
/// tracks. Must be one of the request's documents and still outstanding or delivered (more
/// files for a delivered document are fine), not declared unavailable.
async fn upload_document(
    state: &AppState,
    request: &store::RequestRow,
    named: Option<&str>,
) -> Result<DocumentKind, AppError> {
    let tracked = request.tracked()?;
    let wrong = |message: String| {
        AppError::Validation(vec![FieldError::new("document", "invalid_value", message)])
    };
    let kind = match named.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => DocumentKind::from_wire(name)
            .filter(|k| tracked.contains(k))
            .ok_or_else(|| {
                wrong("Diese Unterlage wurde mit der Anforderung nicht angefordert.".to_owned())
            })?,
        None => match tracked.as_slice() {
            [only] => *only,
            _ => {
                return Err(wrong(
                    "Bitte angeben, zu welcher angeforderten Unterlage die Datei gehört \
                     (?document=…)."
                        .to_owned(),
                ));
            }
        },
    };
    let states = store::document_states(&state.database, request).await?;
    if states
        .iter()
        .any(|s| s.kind == kind && s.state == DocumentState::Unavailable)
    {
        return Err(AppError::Conflict {
            code: "document_unavailable",
            message: format!(
                "„{}“ wurde als nicht vorhanden erklärt; dazu kann keine Datei mehr hochgeladen werden.",
                kind.label()
            ),
        });
    }
    Ok(kind)
}
