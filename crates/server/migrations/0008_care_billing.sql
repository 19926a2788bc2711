-- Care billing (§ 105 SGB XI): a care service's routing set-up, its branches, transfer numbers
-- per sender and recipient, and the delivery log.

CREATE TABLE care_setups (
    institution_id    INTEGER PRIMARY KEY REFERENCES institutions(id),
    region            TEXT NOT NULL,
    billing_centre_ik TEXT,
    sender_email      TEXT NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE care_branches (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    ik             TEXT NOT NULL,
    name           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (institution_id, ik)
);

-- The last transfer number per sender → recipient pair (1–999, then 1 again).
CREATE TABLE care_transfer_numbers (
    sender_ik    TEXT NOT NULL,
    recipient_ik TEXT NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (sender_ik, recipient_ik)
);

CREATE TABLE care_deliveries (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    branch_ik       TEXT NOT NULL,
    sender_ik       TEXT NOT NULL,
    recipient_ik    TEXT NOT NULL,
    region          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    month           TEXT NOT NULL,
    procedure       TEXT NOT NULL,
    transfer_number INTEGER NOT NULL,
    correction_of   INTEGER REFERENCES care_deliveries(id),
    order_file      BLOB NOT NULL,
    stored_name     TEXT NOT NULL,
    payload_size    INTEGER NOT NULL,
    transfer_size   INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    error_number    INTEGER,
    error_action    INTEGER,
    error_note      TEXT,
    error_at        INTEGER,
    -- Sent by e-mail: when and to which address.
    sent_at         INTEGER,
    sent_to         TEXT
);
CREATE INDEX care_deliveries_institution ON care_deliveries(institution_id, created_at);

-- Staff with their worker number (LBNR or substitute number with its reason).
CREATE TABLE care_staff (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    form           TEXT NOT NULL,
    lbnr           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX care_staff_institution ON care_staff(institution_id);
-- A regular LBNR belongs to one person of a care service (substitute numbers repeat).
CREATE UNIQUE INDEX care_staff_lbnr ON care_staff(institution_id, lbnr)
    WHERE lbnr <> '' AND lbnr NOT IN ('999999996', '999999997', '999999998', '999999999');
