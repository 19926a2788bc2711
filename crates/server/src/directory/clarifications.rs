//! Mismatches between a hospital's record and the registry: the hospital's inbox (which fields
//! differ, never the registry's values or number), and the office's clarification (accept either
//! side's data, decide it is another person and issue a new ANR, or ask for a document copy).
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use le_domain::api::directory::{
    AcceptedSide, Clarification, ClarificationState, DocumentRequest, ResolveRequest,
};
use le_domain::directory::RequestState;
use le_domain::{Anr, FieldError};

use super::caller::{HospitalCaller, HospitalEditor, OfficeCaller};
use super::physicians::name_of;
use super::registry;
use super::store::{self, ClarificationRow};
use crate::AppState;
use crate::access::session::Actor;
use crate::audit_log;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::ApiJson;

/// Largest document copy a hospital may upload (the route's body limit leaves room for the form).
const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Where the document copies the office asks for live in the file store.
pub const FILE_FOLDER: &str = "clarifications";

/// The file-store key of a clarification's document copy (`clarifications/<id>.pdf`).
pub fn document_key(file_name: &str) -> String {
    format!("{FILE_FOLDER}/{file_name}")
}

fn state_of(s: &str) -> ClarificationState {
    match s {
        "document_requested" => ClarificationState::DocumentRequested,
        "document_provided" => ClarificationState::DocumentProvided,
        "resolved" => ClarificationState::Resolved,
        _ => ClarificationState::Open,
    }
}

/// Who looks at a clarification: the office sees both sides, the hospital only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Office,
    Hospital,
}

fn to_api(r: &ClarificationRow, viewer: Viewer) -> Result<Clarification, AppError> {
    let form: le_domain::directory::PhysicianForm =
        serde_json::from_str(&r.form).map_err(|e| AppError::internal("json", e))?;
    let differences: Vec<le_domain::directory::Difference> =
        serde_json::from_str(&r.differences).map_err(|e| AppError::internal("json", e))?;
    let office = viewer == Viewer::Office;
    Ok(Clarification {
        id: r.id,
        physician_id: r.physician_id,
        physician_name: name_of(&form),
        hospital_name: r.hospital_name.clone().unwrap_or_else(|| r.main_ik.clone()),
        main_ik: r.main_ik.clone(),
        registry_anr: office.then(|| r.registry_anr.clone()),
        differences: if office {
            differences
        } else {
            differences.iter().map(|d| d.for_hospital()).collect()
        },
        state: state_of(&r.state),
        office_message: r.office_message.clone(),
        document_available: r.document_file.is_some(),
        accepted: match r.accepted.as_deref() {
            Some("directory") => Some(AcceptedSide::Directory),
            Some("registry") => Some(AcceptedSide::Registry),
            Some("different_person") => Some(AcceptedSide::DifferentPerson),
            _ => None,
        },
        created_at: rfc3339(r.created_at),
        updated_at: rfc3339(r.updated_at),
    })
}

async fn rows(state: &AppState, main_ik: Option<&str>) -> Result<Vec<Clarification>, AppError> {
    let viewer = if main_ik.is_some() {
        Viewer::Hospital
    } else {
        Viewer::Office
    };
    let rows = store::clarifications(&state.database, main_ik).await?;
    rows.iter().map(|r| to_api(r, viewer)).collect()
}

async fn one(state: &AppState, id: i64) -> Result<ClarificationRow, AppError> {
    store::clarification(&state.database, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /api/v1/clarifications` (the hospital's inbox)
#[utoipa::path(
    get,
    path = "/clarifications",
    operation_id = "directory.clarifications.inbox",
    tag = "Arztverzeichnis",
    summary = "Klärfälle des Krankenhauses",
    responses((status = 200, description = "Die Klärfälle.", body = Vec<le_domain::api::directory::Clarification>))
)]
pub async fn inbox(
    State(state): State<AppState>,
    caller: HospitalCaller,
) -> Result<axum::Json<Vec<Clarification>>, AppError> {
    rows(&state, Some(caller.main_ik.as_str()))
        .await
        .map(axum::Json)
}

/// `GET /api/v1/office/clarifications` (all, for the office)
pub async fn office_list(
    State(state): State<AppState>,
    _office: OfficeCaller,
) -> Result<axum::Json<Vec<Clarification>>, AppError> {
    rows(&state, None).await.map(axum::Json)
}

async fn audit_office(
    state: &AppState,
    actor: &Actor,
    action: &str,
    id: i64,
    detail: Option<String>,
) {
    audit_log::success(actor, action)
        .target(format!("Klärung {id}"))
        .detail_opt(detail)
        .record(&state.database, state.clock.now())
        .await;
}

/// `POST /api/v1/office/clarifications/{id}/resolve`: the office's decision, in one transaction
/// with the record's version check.
pub async fn resolve(
    State(state): State<AppState>,
    office: OfficeCaller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<axum::Json<Clarification>, AppError> {
    let row = one(&state, id).await?;
    if row.state == "resolved" {
        return Err(already_resolved());
    }
    let (_, record) = store::physician_any(&state.database, row.physician_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let registry_anr = Anr::parse(&row.registry_anr).map_err(|e| AppError::internal("anr", e))?;
    let lifelong_id = registry::lifelong_id_of(&registry_anr);
    let identity = record
        .form
        .identity()
        .ok_or_else(|| AppError::internal("identity", "missing"))?;
    let now = state.clock.now();
    let mut tx = state.database.begin_write().await?;
    let mut accepted = record.clone();
    let (anr, lifelong_id, request_state) = match req.accept {
        AcceptedSide::Directory => {
            let (anr, _) = registry::person(&mut tx, lifelong_id)
                .await?
                .ok_or(AppError::NotFound)?;
            registry::update_identity(&mut tx, lifelong_id, &identity).await?;
            (anr, lifelong_id, RequestState::Matched)
        }
        AcceptedSide::Registry => {
            let (anr, registered) = registry::person(&mut tx, lifelong_id)
                .await?
                .ok_or(AppError::NotFound)?;
            accepted.form.last_name = registered.last_name;
            accepted.form.first_name = registered.first_name;
            accepted.form.birth_date = Some(registered.birth_date);
            accepted.form.sex = Some(registered.sex);
            if registered.licence_date.is_some() {
                accepted.form.licence_date = registered.licence_date;
            }
            (anr, lifelong_id, RequestState::Matched)
        }
        AcceptedSide::DifferentPerson => {
            // Another person: the registry's person stays as it is; this one gets a new number.
            let (anr, new_id) = registry::issue(
                &mut tx,
                &identity,
                &record.form.specialties,
                "hospital",
                now,
            )
            .await?;
            (anr, new_id, RequestState::Issued)
        }
    };
    store::link_registry(
        &mut tx,
        &accepted,
        anr.as_str(),
        lifelong_id,
        &request_state,
        now,
    )
    .await?
    .ok_or_else(super::write::version_conflict)?;
    let side = match req.accept {
        AcceptedSide::Directory => "directory",
        AcceptedSide::Registry => "registry",
        AcceptedSide::DifferentPerson => "different_person",
    };
    let updated = store::resolve_clarification(&mut tx, id, side, now).await?;
    if !updated {
        return Err(already_resolved());
    }
    tx.commit().await?;
    audit_office(
        &state,
        &office.actor,
        "clarification_resolved",
        id,
        Some(format!("{}; ANR {anr}", req.accept.label())),
    )
    .await;
    to_api(&one(&state, id).await?, Viewer::Office).map(axum::Json)
}

fn already_resolved() -> AppError {
    AppError::Conflict {
        code: "resolved",
        message: "Diese Klärung ist bereits abgeschlossen.".to_owned(),
    }
}

/// `POST /api/v1/office/clarifications/{id}/request-document`
pub async fn request_document(
    State(state): State<AppState>,
    office: OfficeCaller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<DocumentRequest>,
) -> Result<axum::Json<Clarification>, AppError> {
    le_domain::access::check_text(
        &req.message,
        le_domain::directory::CLARIFICATION_MESSAGE_MAX_CHARS,
    )
    .map_err(|e| AppError::field("message", &e))?;
    let row = one(&state, id).await?;
    if row.state == "resolved" {
        return Err(already_resolved());
    }
    store::request_clarification_document(
        &state.database,
        id,
        req.message.trim(),
        state.clock.now(),
    )
    .await?;
    audit_office(
        &state,
        &office.actor,
        "clarification_document_requested",
        id,
        Some(req.message.trim().to_owned()),
    )
    .await;
    to_api(&one(&state, id).await?, Viewer::Office).map(axum::Json)
}

/// `POST /api/v1/clarifications/{id}/document` (multipart part `document`, a PDF); refused once
/// the clarification is resolved (a document never reopens it).
#[utoipa::path(
    post,
    path = "/clarifications/{id}/document",
    operation_id = "directory.clarifications.upload_document",
    tag = "Arztverzeichnis",
    summary = "Die angeforderte Urkundenkopie (PDF) zu einem Klärfall hochladen",
    params(("id" = i64, Path, description = "Klärfall")),
    request_body(content = crate::openapi::DocumentUpload, content_type = "multipart/form-data", description = "Teil `document`: die PDF-Datei."),
    responses((status = 200, description = "Der Klärfall.", body = le_domain::api::directory::Clarification), (status = 409, description = "Keine Kopie angefordert.", body = le_domain::ApiErrorBody), (status = 422, description = "Kein PDF.", body = le_domain::ApiErrorBody))
)]
pub async fn upload_document(
    State(state): State<AppState>,
    HospitalEditor(caller): HospitalEditor,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<axum::Json<Clarification>, AppError> {
    let row = one(&state, id).await?;
    if row.main_ik != caller.main_ik.as_str() {
        return Err(AppError::NotFound);
    }
    // The body is read only once the clarification is known to be the caller's.
    let mut multipart =
        <Multipart as axum::extract::FromRequest<AppState>>::from_request(request, &state)
            .await
            .map_err(|_| AppError::BadRequest {
                code: "bad_multipart",
                message: "Die Anfrage konnte nicht gelesen werden (multipart/form-data erwartet)."
                    .to_owned(),
            })?;
    if row.state == "resolved" {
        return Err(already_resolved());
    }
    let key = document_key(&format!("{id}.pdf"));
    let mut received = None;
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest {
            code: "bad_multipart",
            message: "Die Anfrage konnte nicht gelesen werden (multipart/form-data erwartet)."
                .to_owned(),
        })?
    {
        if part.name() == Some("document") {
            // Streamed into the file store (hashed, size-limited), never held in memory.
            received = Some(
                match state.storage.receive(&key, part, MAX_DOCUMENT_BYTES).await {
                    Ok(file) => file,
                    Err(crate::files::ReceiveError::TooLarge) => {
                        return Err(AppError::Validation(vec![FieldError::new(
                            "document",
                            "too_large",
                            format!(
                                "Die Datei ist zu groß (höchstens {} MB).",
                                MAX_DOCUMENT_BYTES / (1024 * 1024)
                            ),
                        )]));
                    }
                    Err(crate::files::ReceiveError::Incomplete) => {
                        return Err(AppError::Validation(vec![FieldError::new(
                            "document",
                            "upload_failed",
                            "Die Datei kam nicht vollständig an. Bitte erneut hochladen.",
                        )]));
                    }
                    Err(crate::files::ReceiveError::Io(e)) => {
                        return Err(AppError::internal("receive document", e));
                    }
                },
            );
        }
    }
    let received = received.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "document",
            "required",
            "Bitte die Dokumentkopie als PDF hochladen.",
        )])
    })?;
    match received.pdf_problem {
        None => {}
        Some(le_domain::documents::PdfProblem::Empty) => {
            return Err(AppError::Validation(vec![FieldError::new(
                "document",
                "required",
                "Bitte die Dokumentkopie als PDF hochladen.",
            )]));
        }
        Some(problem) => return Err(AppError::Validation(vec![problem.for_field("document")])),
    }
    let name = format!("{id}.pdf");
    let size = received.size;
    received
        .keep()
        .await
        .map_err(|e| AppError::internal("keep document", e))?;
    if !store::clarification_document_provided(&state.database, id, &name, state.clock.now())
        .await?
    {
        return Err(already_resolved());
    }
    audit_log::success(&caller.actor, "clarification_document_provided")
        .target(format!("Klärung {id}"))
        .detail(format!("{size} Bytes"))
        .record(&state.database, state.clock.now())
        .await;
    to_api(&one(&state, id).await?, Viewer::Hospital).map(axum::Json)
}

/// `GET /api/v1/office/clarifications/{id}/document`: streamed from the file store (ranges
/// supported).
pub async fn office_document(
    State(state): State<AppState>,
    _office: OfficeCaller,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, AppError> {
    let row = one(&state, id).await?;
    let file = row.document_file.ok_or(AppError::NotFound)?;
    let mut res = state
        .storage
        .download(&document_key(&file), &headers)
        .await
        .map_err(|e| AppError::internal("open clarification document", format!("{id}: {e}")))?
        .into_response("application/pdf");
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
