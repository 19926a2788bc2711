-- Audit exchange (MD portal): cases with their notices and document requests, uploaded files and
-- deliveries, expert reports, inspection lists, structure audits with evidence. Files live in the
-- data directory (`audits/files/<stored_name>`); rows name them. Dates are ISO text, times Unix
-- seconds. Deleting a case (retention) cascades to everything that belongs to it.
CREATE TABLE audit_cases (
    id               INTEGER PRIMARY KEY,
    -- The IK the MD addressed (the hospital's IK or its Haupt-IK).
    hospital_ik      TEXT NOT NULL,
    site_number      TEXT,
    admission_number TEXT NOT NULL,
    invoice_number   TEXT NOT NULL,
    admission_date   TEXT NOT NULL,
    discharge_date   TEXT NOT NULL,
    insurer_ik       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    closed_by        TEXT
);
CREATE INDEX audit_cases_hospital ON audit_cases(hospital_ik, closed_at);
CREATE INDEX audit_cases_closed ON audit_cases(closed_at);

CREATE TABLE audit_notices (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES audit_cases(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_notices_case ON audit_notices(case_id);

CREATE TABLE audit_requests (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES audit_cases(id) ON DELETE CASCADE,
    -- JSON array of DocumentKind.
    documents      TEXT NOT NULL,
    free_text      TEXT NOT NULL,
    received_date  TEXT NOT NULL,
    deadline_weeks INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    -- Time of the first delivery (the deadline stops running).
    delivered_at   INTEGER
);
CREATE INDEX audit_requests_case ON audit_requests(case_id);

CREATE TABLE audit_deliveries (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES audit_requests(id) ON DELETE CASCADE,
    submitted_at    INTEGER NOT NULL,
    submitted_by    TEXT NOT NULL,
    in_time         INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT
);
CREATE INDEX audit_deliveries_request ON audit_deliveries(request_id);

CREATE TABLE audit_files (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES audit_requests(id) ON DELETE CASCADE,
    delivery_id INTEGER REFERENCES audit_deliveries(id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX audit_files_request ON audit_files(request_id, delivery_id);

CREATE TABLE audit_reports (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES audit_cases(id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX audit_reports_case ON audit_reports(case_id);

CREATE TABLE audit_inspections (
    id          INTEGER PRIMARY KEY,
    hospital_ik TEXT NOT NULL,
    site_number TEXT,
    date        TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_inspections_hospital ON audit_inspections(hospital_ik, date);

CREATE TABLE audit_inspection_cases (
    inspection_id INTEGER NOT NULL REFERENCES audit_inspections(id) ON DELETE CASCADE,
    case_id       INTEGER NOT NULL REFERENCES audit_cases(id) ON DELETE CASCADE,
    PRIMARY KEY (inspection_id, case_id)
);

CREATE TABLE structure_audits (
    id            INTEGER PRIMARY KEY,
    hospital_ik   TEXT NOT NULL,
    site_number   TEXT NOT NULL,
    ops_code      TEXT NOT NULL,
    note          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'applied',
    applied_by    TEXT NOT NULL,
    applied_at    INTEGER NOT NULL,
    decided_by    TEXT,
    decided_at    INTEGER,
    valid_from    TEXT,
    valid_until   TEXT,
    reject_reason TEXT
);
CREATE INDEX structure_audits_hospital ON structure_audits(hospital_ik);

CREATE TABLE structure_evidence (
    id           INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structure_audits(id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    stored_name  TEXT NOT NULL UNIQUE,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL
);
CREATE INDEX structure_evidence_structure ON structure_evidence(structure_id);
