-- Machine access: per-institution API tokens for hospital systems (KIS, HR), scoped and revocable.
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    name           TEXT NOT NULL,
    -- SHA-256 of the token; the token itself is shown once at creation.
    token_hash     TEXT NOT NULL UNIQUE,
    -- First characters of the token, so people can tell tokens apart.
    prefix         TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users(id),
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER,
    revoked_at     INTEGER
);
CREATE INDEX api_tokens_institution ON api_tokens(institution_id);
