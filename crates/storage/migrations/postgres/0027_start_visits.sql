-- When a user last looked at the start page, so "patches published since my last visit"
-- means the visit before this one: a visit is a look after an hour without one.
-- PostgreSQL flavour; keep identical to ../sqlite/0027_start_visits.sql.

CREATE TABLE start_visits (
    user_id     UUID PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    previous_at TIMESTAMPTZ,
    last_at     TIMESTAMPTZ NOT NULL
);
