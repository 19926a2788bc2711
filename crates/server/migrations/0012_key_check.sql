-- A value sealed with the secret key when the database was first opened: every later start (of
-- any instance) must open it, so an instance with another key (whose TOTP secrets it could not
-- read, and whose new ones nobody else could) refuses to start instead of corrupting data.
CREATE TABLE key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
