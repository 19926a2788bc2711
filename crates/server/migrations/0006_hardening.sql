-- Hardening: how the database was created (demo or real), demo accounts marked as such, the
-- set-up code after a second-factor reset, and expiring registrations.

-- One row: 'demo' when the database was created by a demo start, 'real' otherwise. A demo start
-- on a real database refuses to run. Databases that hold data from before this table are 'real'.
CREATE TABLE installation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    mode       TEXT NOT NULL CHECK (mode IN ('demo', 'real')),
    created_at INTEGER NOT NULL
);

-- Set only by the demo seed: the demo sign-in list shows these accounts and no others.
ALTER TABLE users ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
-- Argon2 hash of the one-time set-up code issued with a second-factor reset (NULL otherwise).
ALTER TABLE users ADD COLUMN enrolment_code_hash TEXT;

-- A registration nobody decided on expires (state 'expired') and frees its IK and user name.
DROP INDEX registrations_open_ik;
CREATE UNIQUE INDEX registrations_open_ik ON registrations(ik) WHERE state IN ('pending', 'approved');
