-- When a user last looked at the start page, so "patches published since my last visit"
-- means the visit before this one: a visit is a look after an hour without one.
-- SQLite flavour; keep identical to ../postgres/0027_start_visits.sql.

CREATE TABLE start_visits (
    user_id     BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    previous_at TEXT,
    last_at     TEXT NOT NULL
) STRICT;
