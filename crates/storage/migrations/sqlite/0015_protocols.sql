-- Communication protocols: projects of an organisation, protocols with participants,
-- verifiers, agenda items, agreed tasks and files; every issued revision as a snapshot, and
-- the verifiers' confirmations and objections bound to a revision.
-- SQLite flavour; keep identical to ../postgres/0015_protocols.sql.

CREATE TABLE projects (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
) STRICT;

CREATE TABLE protocols (
    id               BLOB PRIMARY KEY NOT NULL,
    number           TEXT NOT NULL UNIQUE,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    project_id       BLOB NOT NULL REFERENCES projects (id),
    kind             TEXT NOT NULL CHECK (kind IN ('meeting', 'workshop', 'training', 'call', 'video_call', 'email')),
    held_at          TEXT NOT NULL,
    place            TEXT NOT NULL,
    minute_taker_id  BLOB NOT NULL REFERENCES users (id),
    verification_due TEXT,
    subject          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'objected', 'confirmed')),
    revision         INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX protocols_held_idx ON protocols (held_at, id);
CREATE INDEX protocols_organisation_idx ON protocols (organisation_id, held_at, id);
CREATE INDEX protocols_project_idx ON protocols (project_id, held_at, id);
CREATE INDEX protocols_state_idx ON protocols (state, held_at, id);

CREATE TABLE protocol_participants (
    protocol_id BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('vendor', 'customer', 'external')),
    user_id     BLOB REFERENCES users (id),
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    present     INTEGER NOT NULL,
    PRIMARY KEY (protocol_id, position)
) STRICT;

CREATE TABLE protocol_verifiers (
    protocol_id BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (protocol_id, user_id)
) STRICT;

CREATE TABLE protocol_items (
    protocol_id BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    decisions   TEXT NOT NULL,
    PRIMARY KEY (protocol_id, position)
) STRICT;

CREATE TABLE protocol_tasks (
    id                  BLOB PRIMARY KEY NOT NULL,
    protocol_id         BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    organisation_id     BLOB NOT NULL REFERENCES organisations (id),
    project_id          BLOB NOT NULL REFERENCES projects (id),
    position            INTEGER NOT NULL,
    description         TEXT NOT NULL,
    side                TEXT NOT NULL CHECK (side IN ('vendor', 'customer')),
    responsible_user_id BLOB REFERENCES users (id),
    responsible_name    TEXT NOT NULL,
    responsible_key     TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('open', 'done', 'cancelled')),
    reminded_soon       INTEGER NOT NULL,
    reminded_overdue    INTEGER NOT NULL,
    version             INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX protocol_tasks_protocol_idx ON protocol_tasks (protocol_id, position);
CREATE INDEX protocol_tasks_due_idx ON protocol_tasks (state, due_on, id);
CREATE INDEX protocol_tasks_organisation_idx ON protocol_tasks (organisation_id, state, due_on);
CREATE INDEX protocol_tasks_project_idx ON protocol_tasks (project_id, state);

CREATE TABLE protocol_files (
    file_id     BLOB PRIMARY KEY NOT NULL REFERENCES files (id),
    protocol_id BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX protocol_files_protocol_idx ON protocol_files (protocol_id, file_id);

CREATE TABLE protocol_revisions (
    protocol_id BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    snapshot    TEXT NOT NULL,
    record      TEXT NOT NULL,
    issued_by   BLOB NOT NULL REFERENCES users (id),
    issued_at   TEXT NOT NULL,
    PRIMARY KEY (protocol_id, revision)
) STRICT;

CREATE TABLE protocol_responses (
    id           BLOB PRIMARY KEY NOT NULL,
    protocol_id  BLOB NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL CHECK (kind IN ('confirmed', 'objected')),
    comment      TEXT NOT NULL,
    responded_at TEXT NOT NULL
) STRICT;
CREATE INDEX protocol_responses_protocol_idx ON protocol_responses (protocol_id, id);
