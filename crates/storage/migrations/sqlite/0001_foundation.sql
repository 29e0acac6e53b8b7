-- Foundation: accounts, sessions, record-number counters, stored files.
-- SQLite flavour; keep tables and columns identical to ../postgres/0001_foundation.sql.

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('staff', 'customer', 'partner')),
    password_hash TEXT,
    language      TEXT NOT NULL CHECK (language IN ('cs', 'en')),
    is_active     INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE user_roles (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('administrator', 'project_manager', 'consultant', 'technician', 'developer')),
    PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE sessions (
    id           BLOB PRIMARY KEY NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE number_counters (
    agenda     TEXT NOT NULL,
    year       INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (agenda, year)
) STRICT;

CREATE TABLE files (
    id           BLOB PRIMARY KEY NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  BLOB NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX files_uploaded_by_idx ON files (uploaded_by, id);
