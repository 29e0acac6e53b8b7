-- Remote-access entries of organisations; the secret is sealed (AEAD) by the application.
-- SQLite flavour; keep identical to ../postgres/0007_remote_access.sql.

CREATE TABLE remote_access_entries (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    method          TEXT NOT NULL CHECK (method IN ('vpn', 'rdp', 'remote_desktop_tool', 'ssh', 'other')),
    host            TEXT NOT NULL,
    account         TEXT NOT NULL,
    sealed_secret   BLOB,
    instructions    TEXT NOT NULL,
    updated_by      BLOB REFERENCES users (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX remote_access_entries_org_idx ON remote_access_entries (organisation_id, id);
