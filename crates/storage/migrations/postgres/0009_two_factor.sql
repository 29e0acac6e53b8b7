-- Two-factor sign-in (TOTP): the sealed secret per account, one-time recovery codes (only
-- their SHA-256), sign-ins waiting for their second factor, and portal-wide settings.
-- PostgreSQL flavour; keep identical to ../sqlite/0009_two_factor.sql.

CREATE TABLE two_factor (
    user_id       UUID PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed BYTEA NOT NULL,
    confirmed_at  TIMESTAMPTZ,
    last_step     BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE pending_sign_ins (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_sign_ins_expires_idx ON pending_sign_ins (expires_at);

CREATE TABLE portal_settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
