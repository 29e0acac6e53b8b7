-- The audit log of security-relevant events. Ids are UUIDv7, so they order by time.
-- SQLite flavour; keep identical to ../postgres/0005_audit.sql.

CREATE TABLE audit_events (
    id              BLOB PRIMARY KEY NOT NULL,
    occurred_at     TEXT NOT NULL,
    event           TEXT NOT NULL,
    actor_id        BLOB REFERENCES users (id),
    subject_user_id BLOB REFERENCES users (id),
    organisation_id BLOB REFERENCES organisations (id),
    address         TEXT NOT NULL,
    detail          TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_event_idx ON audit_events (event, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_user_id, id);
