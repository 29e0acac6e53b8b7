-- Two-factor sign-in (TOTP): the sealed secret per account, one-time recovery codes (only
-- their SHA-256), sign-ins waiting for their second factor, and portal-wide settings.
-- SQLite flavour; keep identical to ../postgres/0009_two_factor.sql.

CREATE TABLE two_factor (
    user_id       BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL,
    confirmed_at  TEXT,
    last_step     INTEGER NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

CREATE TABLE pending_sign_ins (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX pending_sign_ins_expires_idx ON pending_sign_ins (expires_at);

CREATE TABLE portal_settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
