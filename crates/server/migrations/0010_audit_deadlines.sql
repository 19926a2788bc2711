-- Audit deadlines by the calendar and the law (issue 13): each requested document is tracked
-- (a file names the document it is for; the hospital may declare a document unavailable with a
-- reason), a delivery keeps its lateness (in time / late window / after the window), e-mail
-- reminders are recorded once per request, reminder point and recipient, users can unsubscribe,
-- and a lease row lets one server instance at a time run a periodic job.

-- The DocumentKind a file is for; NULL for files uploaded before documents were tracked one by
-- one (such a file counts for every document of its request).
ALTER TABLE audit_files ADD COLUMN document TEXT;

CREATE TABLE audit_unavailable_documents (
    request_id  INTEGER NOT NULL REFERENCES audit_requests(id) ON DELETE CASCADE,
    document    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, document)
);

-- 'in_time', 'late_window' or 'after_window' (older rows: from in_time; the window was not kept).
ALTER TABLE audit_deliveries ADD COLUMN lateness TEXT NOT NULL DEFAULT 'in_time';
UPDATE audit_deliveries SET lateness = 'late_window' WHERE in_time = 0;

-- audit_requests.delivered_at now means: the time the request became complete (no document
-- outstanding). Requests delivered before stay complete.

CREATE TABLE audit_reminders_sent (
    request_id INTEGER NOT NULL REFERENCES audit_requests(id) ON DELETE CASCADE,
    -- ReminderPoint::key ("before-14", "late-window").
    point      TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (request_id, point, user_id)
);

CREATE TABLE audit_reminder_optouts (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    opted_out_at  INTEGER NOT NULL
);

-- One row per periodic job: the instance holding an unexpired lease runs it.
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
