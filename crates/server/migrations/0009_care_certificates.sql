-- Care billing: the recipients' certificates (the trust centre's public key list), imported by
-- the operator; deliveries are encrypted in the browser for the valid one of their recipient IK.
CREATE TABLE care_recipient_certificates (
    id          INTEGER PRIMARY KEY,
    ik          TEXT NOT NULL,
    subject     TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    sha256      TEXT NOT NULL UNIQUE,
    der         BLOB NOT NULL,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX care_recipient_certificates_ik ON care_recipient_certificates(ik, not_after);
