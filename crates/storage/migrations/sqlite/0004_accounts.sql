-- One-time activation links (a new account chooses its password) and the accounts overview.
-- SQLite flavour; keep identical to ../postgres/0004_accounts.sql.

CREATE TABLE activation_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by BLOB NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX activation_tokens_user_idx ON activation_tokens (user_id);
CREATE INDEX users_display_name_idx ON users (display_name, id);
