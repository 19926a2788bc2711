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
    let mut doc = json!({
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
    });
    care_billing::add_to(&mut doc);
    doc
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

/// The care billing endpoints for billing software (token scope `care_billing`). Kept apart so
/// they can move with the rest of the document (e.g. to generated descriptions) in one piece.
mod care_billing {
    use serde_json::{Value, json};

    fn responses(status: &str, text: &str, schema: Value, extra: &[(&str, &str)]) -> Value {
        let mut map = serde_json::Map::new();
        map.insert(
            status.to_owned(),
            json!({"description": text, "content": {"application/json": {"schema": schema}}}),
        );
        for (code, text) in [
            ("401", "Token fehlt, ist ungültig oder widerrufen."),
            (
                "403",
                "Token ohne den Zweck `care_billing` oder kein Pflegedienst.",
            ),
            (
                "404",
                "Nicht vorhanden oder nicht für diesen Pflegedienst sichtbar.",
            ),
        ]
        .iter()
        .chain(extra)
        {
            map.insert(
                (*code).to_owned(),
                json!({"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
            );
        }
        Value::Object(map)
    }

    fn schema(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    fn id() -> Value {
        json!({"name": "id", "in": "path", "required": true, "description": "Lieferung", "schema": {"type": "integer", "format": "int64"}})
    }

    fn file(media: &str, text: &str) -> Value {
        let mut r = responses("200", text, json!({}), &[]);
        if let Value::Object(map) = &mut r {
            map.insert(
                "200".to_owned(),
                json!({"description": text, "content": {media: {"schema": {"type": "string", "format": "binary"}}}}),
            );
        }
        r
    }

    /// Adds the paths, the security scheme and the schemas of the area to `doc`.
    pub fn add_to(doc: &mut Value) {
        let security = json!([{"careBillingAuth": []}]);
        let query = |name: &str, required: bool, text: &str, schema: Value| json!({"name": name, "in": "query", "required": required, "description": text, "schema": schema});
        let text = json!({"type": "string"});
        let paths = json!({
            "/care/setup": {"get": {
                "operationId": "careGetSetup", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Einrichtung des Pflegedienstes: Region (Empfänger), Abrechnungszentrum, Betriebsstätten",
                "responses": responses("200", "Die Einrichtung.", schema("CareSetup"), &[])
            }},
            "/care/staff": {
                "get": {
                    "operationId": "careListStaff", "tags": ["Pflegeabrechnung"], "security": security,
                    "summary": "Pflegekräfte mit LBNR oder Ersatznummer und Grund",
                    "responses": responses("200", "Die Pflegekräfte.", json!({"type": "array", "items": schema("StaffMember")}), &[])
                },
                "post": {
                    "operationId": "careCreateStaff", "tags": ["Pflegeabrechnung"], "security": security,
                    "summary": "Eine Pflegekraft anlegen",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": schema("StaffForm")}}},
                    "responses": responses("201", "Angelegt.", schema("StaffMember"), &[("422", "Feldfehler (z. B. `lbnr`, `reason`).")])
                }
            },
            "/care/staff/{id}": {"put": {
                "operationId": "careUpdateStaff", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Eine Pflegekraft ändern",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": schema("StaffForm")}}},
                "responses": responses("200", "Geändert.", schema("StaffMember"), &[("422", "Feldfehler.")])
            }},
            "/care/staff/import": {"post": {
                "operationId": "careImportStaff", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Pflegekräfte aus CSV übernehmen (alles oder nichts; `dry_run` prüft nur)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["csv"], "properties": {"csv": text, "dry_run": {"type": "boolean"}}}}}},
                "responses": responses("200", "Bericht mit Zeilenfehlern.", json!({"type": "object"}), &[])
            }},
            "/care/recipient-certificate": {"get": {
                "operationId": "careRecipientCertificate", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Das gültige Zertifikat der Datenannahmestelle der Region (zum Verschlüsseln beim Absender)",
                "responses": responses("200", "Das Zertifikat (PEM).", schema("RecipientCertificateFile"), &[("409", "Kein oder nur ein abgelaufenes Zertifikat vorhanden (`certificate_unknown`, `certificate_expired`), oder keine Region eingerichtet.")])
            }},
            "/care/deliveries": {
                "get": {
                    "operationId": "careListDeliveries", "tags": ["Pflegeabrechnung"], "security": security,
                    "summary": "Lieferprotokoll mit Filtern",
                    "parameters": [
                        query("month", false, "Abrechnungsmonat `JJJJ-MM`.", text.clone()),
                        query("kind", false, "Leistungsart `01`–`15`.", text.clone()),
                        query("procedure", false, "`EPFL0` (Echt) oder `TPFL0` (Test).", json!({"type": "string", "enum": ["EPFL0", "TPFL0"]})),
                        query("state", false, "`ok` oder `error` (Fehlerrückmeldung vermerkt).", json!({"type": "string", "enum": ["ok", "error"]}))
                    ],
                    "responses": responses("200", "Die Lieferungen, neueste zuerst.", json!({"type": "array", "items": schema("CareDelivery")}), &[])
                },
                "post": {
                    "operationId": "careCreateDelivery", "tags": ["Pflegeabrechnung"], "security": security,
                    "summary": "Eine signierte und verschlüsselte Lieferung (CMS, beim Absender erzeugt) einreichen; der Server vergibt die Transfernummer und schreibt die Auftragsdatei",
                    "parameters": [
                        query("branch_ik", true, "IK der Betriebsstätte (Absender).", text.clone()),
                        query("kind", true, "Leistungsart.", text.clone()),
                        query("month", true, "Abrechnungsmonat `JJJJ-MM`.", text.clone()),
                        query("procedure", true, "`real` oder `test`.", json!({"type": "string", "enum": ["real", "test"]})),
                        query("payload_size", true, "Bytes der unverschlüsselten Nutzdaten.", json!({"type": "integer"})),
                        query("compressed", false, "Vor dem Verschlüsseln mit gzip komprimiert.", json!({"type": "boolean"})),
                        query("correction_of", false, "Die korrigierte Lieferung.", json!({"type": "integer"})),
                        query("description", false, "Beschreibung (30 Zeichen).", text.clone())
                    ],
                    "requestBody": {"required": true, "description": "Die verschlüsselte Datei (CMS EnvelopedData, DER) als roher Körper.", "content": {"application/pkcs7-mime": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": responses("201", "Die Lieferung mit Transfernummer und Auftragsdatei.", schema("CareDelivery"), &[
                        ("413", "Die Datei ist zu groß."),
                        ("422", "Feldfehler: `kind` (nicht angenommen, 06 nach § 302 SGB V), `month`, `branch_ik`, `region`, `file`.")
                    ])
                }
            },
            "/care/deliveries/{id}": {"get": {
                "operationId": "careGetDelivery", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Eine Lieferung mit den Feldern der Auftragsdatei",
                "parameters": [id()],
                "responses": responses("200", "Die Lieferung.", schema("CareDelivery"), &[])
            }},
            "/care/deliveries/{id}/order-file": {"get": {
                "operationId": "careGetOrderFile", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Die Auftragsdatei (348 Bytes, ISO-8859-1), benannt wie `EPFL0007.AUF`",
                "parameters": [id()],
                "responses": file("application/octet-stream", "Die Auftragsdatei.")
            }},
            "/care/deliveries/{id}/payload": {"get": {
                "operationId": "careGetPayload", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Die verschlüsselte Datei, wie eingereicht",
                "parameters": [id()],
                "responses": file("application/pkcs7-mime", "Die verschlüsselte Datei.")
            }},
            "/care/deliveries/{id}/error-return": {"post": {
                "operationId": "careRecordErrorReturn", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Eine Fehlerrückmeldung der Datenannahmestelle vermerken (danach kann eine Korrekturlieferung folgen)",
                "parameters": [id()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["error_number", "error_action"], "properties": {"error_number": {"type": "integer"}, "error_action": {"type": "integer"}, "note": text}}}}},
                "responses": responses("200", "Die Lieferung mit Fehlerrückmeldung.", schema("CareDelivery"), &[("422", "Feldfehler.")])
            }},
            "/care/deliveries/{id}/send": {"post": {
                "operationId": "careSendDelivery", "tags": ["Pflegeabrechnung"], "security": security,
                "summary": "Die Lieferung per E-Mail an die Datenannahmestelle senden (einmal; beide Dateien als Anhang)",
                "parameters": [id()],
                "responses": responses("200", "Gesendet.", schema("CareDelivery"), &[
                    ("409", "Schon gesendet oder Versand per E-Mail nicht eingerichtet."),
                    ("502", "Der Mailserver hat abgelehnt.")
                ])
            }}
        });
        let opt_text = json!({"type": ["string", "null"]});
        let int = json!({"type": "integer", "format": "int64"});
        let schemas = json!({
            "CareSetup": {"type": "object", "properties": {
                "region": opt_text, "billing_centre_ik": opt_text, "sender_email": text,
                "branches": {"type": "array", "items": {"type": "object", "properties": {"id": int, "ik": text, "name": text}}},
                "regions": {"type": "array", "items": text}
            }},
            "StaffForm": {"type": "object", "required": ["last_name", "first_name"], "properties": {
                "last_name": text, "first_name": text,
                "lbnr": {"type": "string", "description": "LBNR (9 Ziffern) oder Ersatznummer 999999996–999999999."},
                "reason": {"type": "string", "description": "Grund der Ersatznummer (dann Pflicht)."},
                "requires_lbnr": {"type": "boolean"}
            }},
            "StaffMember": {"allOf": [schema("StaffForm"), {"type": "object", "properties": {"id": int, "number_label": text}}]},
            "RecipientCertificateFile": {"type": "object", "properties": {
                "ik": text, "subject": text, "not_after": {"type": "string", "format": "date-time"},
                "sha256": text, "pem": text
            }},
            "CareDelivery": {"type": "object", "properties": {
                "id": int, "branch_ik": text, "region": text, "kind": text, "kind_label": text,
                "month": text, "procedure": {"type": "string", "enum": ["real", "test"]},
                "transfer_number": {"type": "integer", "minimum": 1, "maximum": 999},
                "payload_file_name": text, "order_file_name": text,
                "payload_size": int, "transfer_size": int, "sha256": text,
                "created_at": {"type": "string", "format": "date-time"}, "created_by": text,
                "correction_of": {"type": ["integer", "null"]},
                "error_return": {"type": ["object", "null"], "properties": {"error_number": int, "error_action": int, "note": text, "recorded_at": text}},
                "paper_receipts": text, "sent_at": opt_text, "sent_to": opt_text, "data_carrier": text,
                "order_fields": {"type": "array", "items": {"type": "object", "properties": {"label": text, "offset": int, "len": int, "value": text}}}
            }}
        });
        if let Some(Value::Object(map)) = doc.get_mut("paths")
            && let Value::Object(add) = paths
        {
            map.extend(add);
        }
        if let Some(Value::Object(map)) = doc.pointer_mut("/components/schemas")
            && let Value::Object(add) = schemas
        {
            map.extend(add);
        }
        if let Some(Value::Object(map)) = doc.pointer_mut("/components/securitySchemes") {
            map.insert(
                "careBillingAuth".to_owned(),
                json!({"type": "http", "scheme": "bearer", "description": "API-Token eines Pflegedienstes (`lep_…`) mit dem Zweck `care_billing` für die Abrechnungssoftware."}),
            );
        }
    }
}

/// `GET /api/v1/openapi.json` (public: it describes, it does not grant).
pub async fn serve() -> impl IntoResponse {
    axum::Json(document())
}
