//! The OpenAPI 3.1 description of the machine interface for hospital systems (KIS/archive):
//! list requests, upload documents, submit deliveries, fetch receipts. Served at
//! `GET /api/v1/openapi.json`; a test checks that every documented route exists.
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// Statuses every authenticated endpoint may answer besides its success.
fn errors(extra: &[(&str, &str)]) -> Value {
    let mut map = serde_json::Map::new();
    let mut add = |code: &str, text: &str| {
        map.insert(
            code.to_owned(),
            json!({"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    };
    add("401", "Token fehlt, ist ungültig oder widerrufen.");
    add(
        "403",
        "Token ohne den Zweck `audits` oder Rolle ohne Berechtigung.",
    );
    add(
        "404",
        "Nicht vorhanden oder nicht für dieses Krankenhaus sichtbar.",
    );
    for (code, text) in extra {
        add(code, text);
    }
    Value::Object(map)
}

fn id_param(name: &str, text: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": text, "schema": {"type": "integer", "format": "int64"}})
}

fn ok_json(status: &str, text: &str, schema: &str, extra: &[(&str, &str)]) -> Value {
    let mut responses = errors(extra);
    if let Value::Object(map) = &mut responses {
        map.insert(
            status.to_owned(),
            json!({"description": text, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}),
        );
    }
    responses
}

/// The whole document.
pub fn document() -> Value {
    let pdf_body = json!({
        "required": true,
        "description": "Die PDF-Datei als roher Körper (kein multipart). Geprüft wird der Inhalt (`%PDF-`), nicht der Name.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    });
    let pdf_download = {
        let mut r = errors(&[]);
        if let Value::Object(map) = &mut r {
            map.insert("200".to_owned(), json!({
                "description": "Die Datei, gestreamt. `X-Content-SHA256` enthält ihre Prüfsumme.",
                "headers": {"X-Content-SHA256": {"schema": {"type": "string"}}},
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
            }));
        }
        r
    };
    let status_values = [
        "pending",
        "open",
        "due_soon",
        "late_window",
        "overdue",
        "delivered",
    ];
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "LE-Portal – Schnittstelle für Krankenhaussysteme (Prüfverfahren)",
            "version": "1.0.0",
            "description": "Maschinelle Nutzung des Leistungserbringerportals durch KIS- und Archivsysteme: offene Unterlagenanforderungen abrufen, Dokumente (PDF) hochladen, Lieferungen einreichen und Quittungen abrufen. Anmeldung mit einem API-Token des Krankenhauses (Zweck `audits`), das die Administration im Portal erzeugt und widerruft. Jede Aktion wird protokolliert."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/audits/inbox": {
                "get": {
                    "operationId": "listRequests",
                    "summary": "Unterlagenanforderungen und Prüfanzeigen des Krankenhauses (offene Prüffälle), mit Frist",
                    "parameters": [
                        {"name": "status", "in": "query", "required": false, "description": "`pending` = alle noch nicht gelieferten; sonst ein Fristenstatus.", "schema": {"type": "string", "enum": status_values}},
                        {"name": "site", "in": "query", "required": false, "description": "Standortnummer (9 Stellen, 77…).", "schema": {"type": "string"}},
                        {"name": "sort", "in": "query", "required": false, "schema": {"type": "string", "enum": ["deadline", "received"], "default": "deadline"}}
                    ],
                    "responses": ok_json("200", "Die Anforderungen, nach Frist sortiert.", "Inbox", &[("422", "Unbekannter Filterwert.")])
                }
            },
            "/audits/cases/{id}": {
                "get": {
                    "operationId": "getCase",
                    "summary": "Ein Prüffall mit Prüfanzeigen, Anforderungen, Dateien und Lieferungen",
                    "parameters": [id_param("id", "Prüffall")],
                    "responses": ok_json("200", "Der Prüffall.", "CaseDetail", &[])
                }
            },
            "/audits/requests/{id}/files": {
                "put": {
                    "operationId": "uploadFile",
                    "summary": "Eine PDF-Datei zu einer Anforderung hochladen (gestreamt; erst nach dem Einreichen für den MD sichtbar)",
                    "parameters": [
                        id_param("id", "Unterlagenanforderung"),
                        {"name": "name", "in": "query", "required": true, "description": "Dateiname, wie er angezeigt wird.", "schema": {"type": "string", "maxLength": 200}}
                    ],
                    "requestBody": pdf_body,
                    "responses": ok_json("201", "Gespeichert, mit Größe und SHA-256.", "StoredFile", &[
                        ("400", "Die Übertragung brach ab; nichts wurde gespeichert."),
                        ("409", "Der Prüffall ist abgeschlossen."),
                        ("413", "Die Datei überschreitet die Größengrenze (Standard 500 MB)."),
                        ("422", "Kein PDF (Feld `file`) oder Name fehlt (Feld `name`).")
                    ])
                }
            },
            "/audits/files/{id}": {
                "get": {
                    "operationId": "downloadFile",
                    "summary": "Eine hochgeladene Datei herunterladen",
                    "parameters": [id_param("id", "Datei")],
                    "responses": pdf_download
                },
                "delete": {
                    "operationId": "deleteFile",
                    "summary": "Eine noch nicht eingereichte Datei löschen",
                    "parameters": [id_param("id", "Datei")],
                    "responses": {
                        "204": {"description": "Gelöscht."},
                        "401": {"$ref": "#/components/responses/Error"},
                        "403": {"$ref": "#/components/responses/Error"},
                        "404": {"$ref": "#/components/responses/Error"},
                        "409": {"$ref": "#/components/responses/Error"}
                    }
                }
            },
            "/audits/requests/{id}/submit": {
                "post": {
                    "operationId": "submitDelivery",
                    "summary": "Alle noch nicht eingereichten Dateien einer Anforderung als Lieferung einreichen",
                    "parameters": [id_param("id", "Unterlagenanforderung")],
                    "responses": ok_json("201", "Die Lieferung; die Frist der Anforderung steht auf „geliefert“.", "SubmitResult", &[("409", "Keine Dateien zum Einreichen oder Prüffall abgeschlossen.")])
                }
            },
            "/audits/deliveries/{id}/acknowledge": {
                "post": {
                    "operationId": "acknowledgeDelivery",
                    "summary": "Eine Lieferung quittieren",
                    "parameters": [id_param("id", "Lieferung")],
                    "responses": ok_json("200", "Die Lieferung mit Quittierungszeitpunkt.", "Delivery", &[])
                }
            },
            "/audits/deliveries/{id}/receipt": {
                "get": {
                    "operationId": "getReceipt",
                    "summary": "Die Quittung einer Lieferung (Dateinamen, Größen, SHA-256, Zeiten, Falldaten)",
                    "parameters": [id_param("id", "Lieferung")],
                    "responses": ok_json("200", "Die Quittung.", "Receipt", &[])
                }
            }
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "API-Token des Krankenhauses (`lep_…`) mit dem Zweck `audits`."}
            },
            "responses": {
                "Error": {"description": "Fehler", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": schemas()
        }
    })
}

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let time = json!({"type": "string", "format": "date-time"});
    let int = json!({"type": "integer", "format": "int64"});
    let text = json!({"type": "string"});
    let opt_text = json!({"type": ["string", "null"]});
    let opt_time = json!({"type": ["string", "null"], "format": "date-time"});
    let deadline_status = json!({"type": "string", "enum": ["open", "due_soon", "late_window", "overdue", "delivered"]});
    json!({
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": text, "message": text,
                "fields": {"type": "array", "items": {"type": "object", "properties": {"field": text, "code": text, "message": text}}}
            }
        },
        "RequestedDocument": {
            "type": "object",
            "properties": {"kind": {"type": "string", "enum": [
                "discharge_letter", "fever_chart", "ops_documentation", "operation_report",
                "nursing_documentation", "ventilation_protocol", "medication_chart", "lab_results",
                "imaging_reports", "consultation_reports", "intensive_care_documentation", "other"
            ]}, "label": text}
        },
        "DeadlineInfo": {
            "type": "object",
            "description": "Frist: Die Unterlagen müssen bis `due` beim MD eingehen (8 Wochen nach Eingang der Anforderung), danach Nachfrist bis `late_until`.",
            "properties": {
                "due": date, "late_until": date, "days_left": {"type": "integer"},
                "days_left_text": text, "status": deadline_status, "status_label": text,
                "reminder": {"type": "boolean"}
            }
        },
        "InboxItem": {
            "type": "object",
            "properties": {
                "request_id": int, "case_id": int, "hospital_ik": text, "site_number": opt_text,
                "admission_number": text, "invoice_number": text, "insurer_ik": text, "subject": text,
                "documents": {"type": "array", "items": {"$ref": "#/components/schemas/RequestedDocument"}},
                "free_text": text, "received_date": date,
                "deadline": {"$ref": "#/components/schemas/DeadlineInfo"},
                "pending_files": {"type": "integer"}, "submitted_files": {"type": "integer"}
            }
        },
        "InboxNotice": {
            "type": "object",
            "properties": {
                "id": int, "case_id": int, "admission_number": text, "site_number": opt_text,
                "kind": {"type": "string", "enum": ["initial", "extension"]}, "kind_label": text,
                "subject": text, "created_at": time
            }
        },
        "Inbox": {
            "type": "object",
            "properties": {
                "today": date,
                "requests": {"type": "array", "items": {"$ref": "#/components/schemas/InboxItem"}},
                "notices": {"type": "array", "items": {"$ref": "#/components/schemas/InboxNotice"}}
            }
        },
        "StoredFile": {
            "type": "object",
            "properties": {
                "id": int, "name": text, "size": int,
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "uploaded_at": time, "uploaded_by": text,
                "delivery_id": {"type": ["integer", "null"]}
            }
        },
        "Delivery": {
            "type": "object",
            "properties": {
                "id": int, "request_id": int, "submitted_at": time, "submitted_by": text,
                "in_time": {"type": "boolean"},
                "files": {"type": "array", "items": {"$ref": "#/components/schemas/StoredFile"}},
                "acknowledged_at": opt_time, "acknowledged_by": opt_text
            }
        },
        "SubmitResult": {
            "type": "object",
            "properties": {
                "delivery": {"$ref": "#/components/schemas/Delivery"},
                "deadline": {"$ref": "#/components/schemas/DeadlineInfo"}
            }
        },
        "CaseDetail": {
            "type": "object",
            "description": "Prüffall (`case`), Prüfanzeigen (`notices`), Anforderungen mit Dateien und Lieferungen (`requests`), Gutachten (`reports`).",
            "properties": {
                "case": {"type": "object"},
                "notices": {"type": "array", "items": {"type": "object"}},
                "requests": {"type": "array", "items": {"type": "object"}},
                "reports": {"type": "array", "items": {"$ref": "#/components/schemas/StoredFile"}}
            }
        },
        "Receipt": {
            "type": "object",
            "properties": {
                "receipt_number": text, "delivery_id": int, "hospital_ik": text, "hospital_name": text,
                "case_id": int, "site_number": opt_text, "admission_number": text, "invoice_number": text,
                "admission_date": date, "discharge_date": date, "insurer_ik": text, "subject": text,
                "request_id": int,
                "documents": {"type": "array", "items": {"$ref": "#/components/schemas/RequestedDocument"}},
                "received_date": date, "due": date, "in_time": {"type": "boolean"},
                "submitted_at": time, "submitted_by": text,
                "acknowledged_at": opt_time, "acknowledged_by": opt_text,
                "files": {"type": "array", "items": {"$ref": "#/components/schemas/StoredFile"}},
                "total_size": int, "created_at": time
            }
        }
    })
}

/// `GET /api/v1/openapi.json` (public: it describes, it does not grant).
pub async fn serve() -> impl IntoResponse {
    axum::Json(document())
}
