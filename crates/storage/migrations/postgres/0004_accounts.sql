-- One-time activation links (a new account chooses its password) and the accounts overview.
-- PostgreSQL flavour; keep identical to ../sqlite/0004_accounts.sql.

CREATE TABLE activation_tokens (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX activation_tokens_user_idx ON activation_tokens (user_id);
CREATE INDEX users_display_name_idx ON users (display_name, id);
