-- Organisations, memberships with per-agenda rights, account teams, support contracts.
-- SQLite flavour; keep tables and columns identical to ../postgres/0003_organisations.sql.

CREATE TABLE organisations (
    id             BLOB PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('customer', 'partner')),
    ico            TEXT UNIQUE,
    dic            TEXT,
    street         TEXT NOT NULL,
    city           TEXT NOT NULL,
    postal_code    TEXT NOT NULL,
    email          TEXT NOT NULL,
    phone          TEXT NOT NULL,
    is_public_body INTEGER NOT NULL,
    notes          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX organisations_name_idx ON organisations (name, id);

CREATE TABLE organisation_memberships (
    user_id                  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id          BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    right_protocols          TEXT NOT NULL CHECK (right_protocols IN ('none', 'read', 'write')),
    right_orders             TEXT NOT NULL CHECK (right_orders IN ('none', 'read', 'write')),
    right_documents          TEXT NOT NULL CHECK (right_documents IN ('none', 'read', 'write')),
    right_podpora            TEXT NOT NULL CHECK (right_podpora IN ('none', 'read', 'write')),
    may_approve_orders       INTEGER NOT NULL,
    may_confirm_protocols    INTEGER NOT NULL,
    may_see_validation_codes INTEGER NOT NULL,
    all_notifications        INTEGER NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
) STRICT;
CREATE INDEX organisation_memberships_org_idx ON organisation_memberships (organisation_id, user_id);

CREATE TABLE account_team (
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (organisation_id, user_id)
) STRICT;
CREATE INDEX account_team_user_idx ON account_team (user_id, organisation_id);

CREATE TABLE contracts (
    id              BLOB PRIMARY KEY NOT NULL,
    number          TEXT NOT NULL UNIQUE,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'ended')),
    covered_scope   TEXT NOT NULL,
    prepaid_minutes INTEGER,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (valid_from <= valid_to)
) STRICT;
CREATE INDEX contracts_organisation_idx ON contracts (organisation_id, valid_to);

CREATE TABLE contract_sla_targets (
    contract_id        BLOB NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    severity           TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    response_minutes   INTEGER NOT NULL CHECK (response_minutes > 0),
    resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes > 0),
    PRIMARY KEY (contract_id, severity)
) STRICT;
