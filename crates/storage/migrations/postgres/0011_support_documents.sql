-- Support documents (tickets) with their conversation, attachments, watchers and logged time;
-- canned replies of staff; and the durable notification pipeline (events → outbox → SMTP) with
-- leases for scheduled work, shared safely by several application instances.
-- PostgreSQL flavour; keep identical to ../sqlite/0011_support_documents.sql.

CREATE TABLE support_documents (
    id                  UUID PRIMARY KEY NOT NULL,
    number              TEXT NOT NULL UNIQUE,
    organisation_id     UUID NOT NULL REFERENCES organisations (id),
    reporter_id         UUID NOT NULL REFERENCES users (id),
    contact             TEXT NOT NULL,
    category            TEXT NOT NULL CHECK (category IN ('error', 'question', 'request', 'other')),
    severity            TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    severity_rank       BIGINT NOT NULL,
    product_id          UUID REFERENCES products (id),
    module              TEXT NOT NULL,
    product_version     TEXT NOT NULL,
    subject             TEXT NOT NULL,
    description         TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('new', 'accepted', 'in_progress', 'waiting_for_customer', 'resolved', 'closed', 'cancelled')),
    state_rank          BIGINT NOT NULL,
    assignee_id         UUID REFERENCES users (id),
    contract_id         UUID REFERENCES contracts (id),
    response_due_at     TIMESTAMPTZ,
    first_response_at   TIMESTAMPTZ,
    resolution_minutes  BIGINT,
    paused_minutes      BIGINT NOT NULL,
    paused_since        TIMESTAMPTZ,
    resolution_due_at   TIMESTAMPTZ,
    response_breached   BOOLEAN NOT NULL,
    resolution_breached BOOLEAN NOT NULL,
    breach_notified     BOOLEAN NOT NULL,
    due_sort            TIMESTAMPTZ NOT NULL,
    resolved_at         TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,
    version             BIGINT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
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
    id          UUID PRIMARY KEY NOT NULL,
    document_id UUID NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    author_id   UUID NOT NULL REFERENCES users (id),
    is_internal BOOLEAN NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_document_comments_document_idx ON support_document_comments (document_id, id);

CREATE TABLE support_document_files (
    file_id     UUID PRIMARY KEY NOT NULL REFERENCES files (id),
    document_id UUID NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    comment_id  UUID REFERENCES support_document_comments (id) ON DELETE CASCADE,
    is_internal BOOLEAN NOT NULL
);
CREATE INDEX support_document_files_document_idx ON support_document_files (document_id, file_id);

CREATE TABLE support_document_watchers (
    document_id UUID NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX support_document_watchers_user_idx ON support_document_watchers (user_id, document_id);

CREATE TABLE support_time_entries (
    id          UUID PRIMARY KEY NOT NULL,
    document_id UUID NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id),
    contract_id UUID REFERENCES contracts (id),
    activity    TEXT NOT NULL CHECK (activity IN ('analysis', 'fix', 'consultation', 'remote_session', 'testing', 'other')),
    minutes     BIGINT NOT NULL CHECK (minutes > 0),
    billable    BOOLEAN NOT NULL,
    work_date   DATE NOT NULL,
    note        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_time_entries_document_idx ON support_time_entries (document_id, id);
CREATE INDEX support_time_entries_contract_idx ON support_time_entries (contract_id, billable);

CREATE TABLE canned_replies (
    id         UUID PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    version    BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE notification_preferences (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE notification_events (
    id            UUID PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    entity_id     UUID NOT NULL,
    actor_id      UUID,
    comment_id    UUID,
    detail        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    processed_at  TEXT
);
CREATE INDEX notification_events_pending_idx ON notification_events (processed_at, id);

CREATE TABLE outbox (
    id              UUID PRIMARY KEY NOT NULL,
    event_id        UUID REFERENCES notification_events (id),
    recipient_id    UUID REFERENCES users (id) ON DELETE SET NULL,
    recipient_email TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    attempts        BIGINT NOT NULL,
    claimed_by      TEXT,
    claimed_until   TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX outbox_pending_idx ON outbox (sent_at, next_attempt_at);
CREATE INDEX outbox_recipient_idx ON outbox (recipient_id, id);

CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY NOT NULL,
    holder      TEXT NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);
