-- Remote-access entries of organisations; the secret is sealed (AEAD) by the application.
-- PostgreSQL flavour; keep identical to ../sqlite/0007_remote_access.sql.

CREATE TABLE remote_access_entries (
    id              UUID PRIMARY KEY NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    method          TEXT NOT NULL CHECK (method IN ('vpn', 'rdp', 'remote_desktop_tool', 'ssh', 'other')),
    host            TEXT NOT NULL,
    account         TEXT NOT NULL,
    sealed_secret   BYTEA,
    instructions    TEXT NOT NULL,
    updated_by      UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX remote_access_entries_org_idx ON remote_access_entries (organisation_id, id);
