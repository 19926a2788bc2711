-- Access: institutions, registrations, users, second factors, sessions, throttling, audit log.
-- Times are Unix seconds (UTC).

CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    ik          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city        TEXT NOT NULL,
    main_ik     TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE registrations (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    state               TEXT NOT NULL DEFAULT 'pending',
    kind                TEXT NOT NULL,
    ik                  TEXT NOT NULL,
    name                TEXT NOT NULL,
    street              TEXT NOT NULL,
    postal_code         TEXT NOT NULL,
    city                TEXT NOT NULL,
    main_ik             TEXT,
    admin_first_name    TEXT NOT NULL,
    admin_last_name     TEXT NOT NULL,
    admin_email         TEXT NOT NULL,
    admin_username      TEXT NOT NULL,
    agreement_file      TEXT NOT NULL,
    agreement_file_name TEXT NOT NULL,
    agreement_size      INTEGER NOT NULL,
    agreement_sha256    TEXT NOT NULL,
    submitted_at        INTEGER NOT NULL,
    decided_at          INTEGER,
    decided_by          INTEGER,
    reject_reason       TEXT,
    institution_id      INTEGER REFERENCES institutions(id),
    admin_user_id       INTEGER
);
-- One open or approved registration per IK; a rejected one may be tried again.
CREATE UNIQUE INDEX registrations_open_ik ON registrations(ik) WHERE state <> 'rejected';
CREATE INDEX registrations_state ON registrations(state, submitted_at);

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    institution_id        INTEGER NOT NULL REFERENCES institutions(id),
    username              TEXT NOT NULL UNIQUE,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    email                 TEXT NOT NULL,
    role                  TEXT NOT NULL,
    active                INTEGER NOT NULL DEFAULT 1,
    password_hash         TEXT NOT NULL,
    password_is_one_time  INTEGER NOT NULL DEFAULT 1,
    -- Encrypted TOTP key (nonce || ciphertext); NULL until enrolled.
    totp_secret           BLOB,
    totp_device_name      TEXT,
    -- Key offered during in-app enrolment, active only after a valid code.
    totp_pending_secret   BLOB,
    -- Highest time step accepted: a code (step) is never accepted twice.
    totp_last_step        INTEGER NOT NULL DEFAULT 0,
    recovery_pending      INTEGER NOT NULL DEFAULT 1,
    last_sign_in_at       INTEGER,
    created_at            INTEGER NOT NULL
);
CREATE INDEX users_institution ON users(institution_id);

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE sessions (
    id_hash             TEXT PRIMARY KEY,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token          TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE sign_in_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    actor          TEXT,
    institution_id INTEGER,
    institution_ik TEXT,
    action         TEXT NOT NULL,
    target         TEXT,
    client_addr    TEXT,
    outcome        TEXT NOT NULL,
    detail         TEXT
);
CREATE INDEX audit_log_institution ON audit_log(institution_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
