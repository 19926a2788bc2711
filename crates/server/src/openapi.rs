//! The OpenAPI 3.1 document of the machine interface: every endpoint an API token can reach
//! (hospital systems: `audits`, HR systems: `directory`, care billing software: `care_billing`).
//! Generated, not written: each handler carries its `#[utoipa::path]` next to its code, and the
//! request and response schemas are derived from the domain crate's API types, so the document
//! cannot drift from what the server does. Served at `GET /api/v1/openapi.json`; the API tests
//! check that every route a token reached is in it, and the check validates it with an
//! independent validator (`openapi-spec-validator`).
//!
//! Adding a token-reachable endpoint: annotate its handler with `#[utoipa::path(...)]` (method,
//! path relative to `/api/v1`, tag, German summary, params, request body, success and specific
//! error responses; 401/403/404 are added to every operation here) and list it in `paths(...)`.
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Response, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use crate::{audits, care_billing, directory};

/// A file sent or answered as raw bytes.
pub struct BinaryFile;

impl PartialSchema for BinaryFile {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}
impl ToSchema for BinaryFile {}

/// A PDF document (checked by content: it must start with `%PDF-` and end like a PDF).
pub struct PdfFile;

impl PartialSchema for PdfFile {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "PDF-Dokument (geprüft wird der Inhalt, nicht der Name).",
            ))
            .into()
    }
}
impl ToSchema for PdfFile {}

/// A CSV file in Excel's dialect (`;`, UTF-8 with BOM, formula-like cells neutralised).
pub struct CsvFile;

impl PartialSchema for CsvFile {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("CSV (Trennzeichen `;`, UTF-8 mit BOM)."))
            .into()
    }
}
impl ToSchema for CsvFile {}

/// The multipart form of a clarification's document copy.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the wire format only
pub struct DocumentUpload {
    /// Die PDF-Datei (Teil `document`).
    #[schema(value_type = String, format = Binary)]
    document: Vec<u8>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LE-Portal – Schnittstelle für Krankenhaus-, Personal- und Abrechnungssysteme",
        version = "1.0.0",
        description = "Maschinelle Nutzung des Leistungserbringerportals: Prüfverfahren (KIS und \
            Archiv, Token-Zweck `audits`), Arztverzeichnis (Personalsysteme, Zweck `directory`) und \
            Pflegeabrechnung nach § 105 SGB XI (Abrechnungssoftware, Zweck `care_billing`). \
            Anmeldung mit einem API-Token der Einrichtung (`Authorization: Bearer lep_…`), das die \
            Administration im Portal erzeugt und widerruft. Jede Aktion wird protokolliert. \
            Fehler sind JSON `{code, message, fields[]}`; `fields` nennt bei 422 jedes fehlerhafte \
            Feld mit Pfad, Code und deutscher Meldung."
    ),
    servers((url = "/api/v1")),
    paths(
        audits::cases::list,
        audits::cases::get,
        audits::requests::inbox,
        audits::requests::dashboard,
        audits::uploads::upload_file,
        audits::uploads::delete_file,
        audits::uploads::download_file,
        audits::deliveries::submit,
        audits::deliveries::acknowledge,
        audits::deliveries::receipt,
        audits::deliveries::receipt_pdf,
        audits::deliveries::declare_unavailable,
        audits::reports::download,
        audits::inspections::list,
        audits::structure::list,
        audits::structure::apply,
        audits::structure::get,
        audits::structure::upload_evidence,
        audits::structure::download_evidence,
        directory::sites::own_sites,
        directory::physicians::list,
        directory::physicians::table,
        directory::physicians::get,
        directory::physicians::create,
        directory::physicians::update,
        directory::physicians::request_anr,
        directory::hr::export,
        directory::hr::import,
        directory::bulk::preview,
        directory::bulk::apply,
        directory::bulk::undo,
        directory::bulk::progress,
        directory::clarifications::inbox,
        directory::clarifications::upload_document,
        care_billing::setup::get,
        care_billing::staff::list,
        care_billing::staff::create,
        care_billing::staff::update,
        care_billing::staff::import,
        care_billing::deliveries::list,
        care_billing::deliveries::create,
        care_billing::deliveries::get,
        care_billing::deliveries::order_file,
        care_billing::deliveries::payload,
        care_billing::deliveries::error_return,
        care_billing::deliveries::send,
        care_billing::certificates::recipient,
    ),
    components(schemas(le_domain::ApiErrorBody)),
    modifiers(&Security, &CommonErrors),
    security(("bearerAuth" = [])),
    tags(
        (name = "Prüfverfahren", description = "Prüfungen des Medizinischen Dienstes: Anforderungen, Uploads, Lieferungen, Quittungen, Strukturprüfungen (Token-Zweck `audits`)."),
        (name = "Arztverzeichnis", description = "Ärztinnen und Ärzte je Standort, Arztnummern, Sammeländerungen, CSV (Token-Zweck `directory`)."),
        (name = "Pflegeabrechnung", description = "Datenaustausch nach § 105 SGB XI: Einrichtung, Pflegekräfte, Lieferungen (Token-Zweck `care_billing`)."),
    )
)]
struct ApiDoc;

/// The bearer token scheme.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "API-Token der Einrichtung (`lep_…`) mit dem Zweck des Bereichs: `audits`, \
             `directory` oder `care_billing`."
                .to_owned(),
        );
        components.add_security_scheme("bearerAuth", SecurityScheme::Http(scheme));
    }
}

/// The answers every authenticated operation may give besides its own.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |text: &str| -> RefOr<Response> {
            utoipa::openapi::ResponseBuilder::new()
                .description(text)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ApiErrorBody",
                        ))))
                        .build(),
                )
                .into()
        };
        let add = |op: &mut Operation, has_id: bool| {
            let responses = &mut op.responses.responses;
            responses
                .entry("401".to_owned())
                .or_insert_with(|| error("Token fehlt, ist ungültig oder widerrufen."));
            responses.entry("403".to_owned()).or_insert_with(|| {
                error("Token ohne den Zweck dieses Bereichs oder Rolle ohne Berechtigung.")
            });
            if has_id {
                responses.entry("404".to_owned()).or_insert_with(|| {
                    error("Nicht vorhanden oder für diese Einrichtung nicht sichtbar.")
                });
            }
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add(op, has_id);
            }
        }
    }
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json` (public: it describes, it does not grant).
async fn serve() -> impl IntoResponse {
    axum::Json(document())
}

pub fn router() -> crate::routes::ApiRouter {
    crate::routes::ApiRouter::new().route("/openapi.json", get(serve))
}
