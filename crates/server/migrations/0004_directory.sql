-- Physician directory (KHANR-VZ): the national site directory, hospitals' physician records,
-- clarifications with the registry, and bulk operations (for undo).
CREATE TABLE sites (
    site_number TEXT PRIMARY KEY NOT NULL,
    main_ik     TEXT NOT NULL,
    -- The whole entry as JSON (SiteEntry); the columns above are for lookups.
    entry       TEXT NOT NULL,
    imported_at INTEGER NOT NULL
);
CREATE INDEX sites_main_ik ON sites(main_ik);

CREATE TABLE site_imports (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    new_count     INTEGER NOT NULL,
    changed_count INTEGER NOT NULL,
    removed_count INTEGER NOT NULL
);

CREATE TABLE physicians (
    id              INTEGER PRIMARY KEY,
    main_ik         TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    -- PhysicianForm and RequestState as JSON; the columns below are derived for search.
    form            TEXT NOT NULL,
    request_state   TEXT NOT NULL,
    anr             TEXT,
    last_name_norm  TEXT NOT NULL,
    first_name_norm TEXT NOT NULL,
    birth_date      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX physicians_main_ik ON physicians(main_ik, last_name_norm);
CREATE INDEX physicians_identity ON physicians(main_ik, birth_date);

-- The central number registry (ANRV): its own tables, the national pool of ANRs.
CREATE TABLE registry_persons (
    anr             TEXT PRIMARY KEY NOT NULL,
    lifelong_id     INTEGER NOT NULL UNIQUE,
    last_name       TEXT NOT NULL,
    first_name      TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    sex             TEXT NOT NULL,
    licence_date    TEXT,
    last_name_norm  TEXT NOT NULL,
    first_name_norm TEXT NOT NULL,
    source          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX registry_birth ON registry_persons(birth_date, first_name_norm);
CREATE INDEX registry_name ON registry_persons(last_name_norm, first_name_norm);

CREATE TABLE clarifications (
    id             INTEGER PRIMARY KEY,
    physician_id   INTEGER NOT NULL REFERENCES physicians(id),
    registry_anr   TEXT NOT NULL,
    differences    TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open',
    office_message TEXT,
    document_file  TEXT,
    accepted       TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX clarifications_physician ON clarifications(physician_id);
CREATE INDEX clarifications_state ON clarifications(state);

CREATE TABLE bulk_operations (
    id            INTEGER PRIMARY KEY,
    main_ik       TEXT NOT NULL,
    actor_user_id INTEGER,
    at            INTEGER NOT NULL,
    action        TEXT NOT NULL,
    -- [{id, version_before, version_after, form_before}] for undo.
    snapshot      TEXT NOT NULL,
    undone_at     INTEGER
);
