-- Support documents (tickets) with their conversation, attachments, watchers and logged time;
-- canned replies of staff; and the durable notification pipeline (events → outbox → SMTP) with
-- leases for scheduled work, shared safely by several application instances.
-- SQLite flavour; keep identical to ../postgres/0011_support_documents.sql.

CREATE TABLE support_documents (
    id                  BLOB PRIMARY KEY NOT NULL,
    number              TEXT NOT NULL UNIQUE,
    organisation_id     BLOB NOT NULL REFERENCES organisations (id),
    reporter_id         BLOB NOT NULL REFERENCES users (id),
    contact             TEXT NOT NULL,
    category            TEXT NOT NULL CHECK (category IN ('error', 'question', 'request', 'other')),
    severity            TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    severity_rank       INTEGER NOT NULL,
    product_id          BLOB REFERENCES products (id),
    module              TEXT NOT NULL,
    product_version     TEXT NOT NULL,
    subject             TEXT NOT NULL,
    description         TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('new', 'accepted', 'in_progress', 'waiting_for_customer', 'resolved', 'closed', 'cancelled')),
    state_rank          INTEGER NOT NULL,
    assignee_id         BLOB REFERENCES users (id),
    contract_id         BLOB REFERENCES contracts (id),
    response_due_at     TEXT,
    first_response_at   TEXT,
    resolution_minutes  INTEGER,
    paused_minutes      INTEGER NOT NULL,
    paused_since        TEXT,
    resolution_due_at   TEXT,
    response_breached   INTEGER NOT NULL,
    resolution_breached INTEGER NOT NULL,
    breach_notified     INTEGER NOT NULL,
    due_sort            TEXT NOT NULL,
    resolved_at         TEXT,
    closed_at           TEXT,
    version             INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX support_documents_organisation_idx ON support_documents (organisation_id, id);
CREATE INDEX support_documents_reporter_idx ON support_documents (reporter_id, id);
CREATE INDEX support_documents_assignee_idx ON support_documents (assignee_id, id);
CREATE INDEX support_documents_state_idx ON support_documents (state, id);
CREATE INDEX support_documents_updated_idx ON support_documents (updated_at, id);
CREATE INDEX support_documents_severity_idx ON support_documents (severity_rank, id);
CREATE INDEX support_documents_due_idx ON support_documents (due_sort, id);
CREATE INDEX support_documents_product_idx ON support_documents (product_id, id);
CREATE INDEX support_documents_resolved_idx ON support_documents (state, resolved_at);

CREATE TABLE support_document_comments (
    id          BLOB PRIMARY KEY NOT NULL,
    document_id BLOB NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    author_id   BLOB NOT NULL REFERENCES users (id),
    is_internal INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX support_document_comments_document_idx ON support_document_comments (document_id, id);

CREATE TABLE support_document_files (
    file_id     BLOB PRIMARY KEY NOT NULL REFERENCES files (id),
    document_id BLOB NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    comment_id  BLOB REFERENCES support_document_comments (id) ON DELETE CASCADE,
    is_internal INTEGER NOT NULL
) STRICT;
CREATE INDEX support_document_files_document_idx ON support_document_files (document_id, file_id);

CREATE TABLE support_document_watchers (
    document_id BLOB NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, user_id)
) STRICT;
CREATE INDEX support_document_watchers_user_idx ON support_document_watchers (user_id, document_id);

CREATE TABLE support_time_entries (
    id          BLOB PRIMARY KEY NOT NULL,
    document_id BLOB NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id),
    contract_id BLOB REFERENCES contracts (id),
    activity    TEXT NOT NULL CHECK (activity IN ('analysis', 'fix', 'consultation', 'remote_session', 'testing', 'other')),
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    billable    INTEGER NOT NULL,
    work_date   TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX support_time_entries_document_idx ON support_time_entries (document_id, id);
CREATE INDEX support_time_entries_contract_idx ON support_time_entries (contract_id, billable);

CREATE TABLE canned_replies (
    id         BLOB PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users (id),
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE notification_preferences (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
) STRICT;

CREATE TABLE notification_events (
    id            BLOB PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    entity_id     BLOB NOT NULL,
    actor_id      BLOB,
    comment_id    BLOB,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    claimed_until TEXT,
    processed_at  TEXT
) STRICT;
CREATE INDEX notification_events_pending_idx ON notification_events (processed_at, id);

CREATE TABLE outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    event_id        BLOB REFERENCES notification_events (id),
    recipient_id    BLOB REFERENCES users (id) ON DELETE SET NULL,
    recipient_email TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    claimed_by      TEXT,
    claimed_until   TEXT,
    sent_at         TEXT,
    last_error      TEXT
) STRICT;
CREATE INDEX outbox_pending_idx ON outbox (sent_at, next_attempt_at);
CREATE INDEX outbox_recipient_idx ON outbox (recipient_id, id);

CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY NOT NULL,
    holder      TEXT NOT NULL,
    lease_until TEXT NOT NULL
) STRICT;
