-- Personal API tokens: only the SHA-256 of the token is stored.
-- PostgreSQL flavour; keep identical to ../sqlite/0008_api_tokens.sql.

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY NOT NULL,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    read_write   BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, id);
