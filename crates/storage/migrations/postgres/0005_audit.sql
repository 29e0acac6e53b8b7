-- The audit log of security-relevant events. Ids are UUIDv7, so they order by time.
-- PostgreSQL flavour; keep identical to ../sqlite/0005_audit.sql.

CREATE TABLE audit_events (
    id              UUID PRIMARY KEY NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    event           TEXT NOT NULL,
    actor_id        UUID REFERENCES users (id),
    subject_user_id UUID REFERENCES users (id),
    organisation_id UUID REFERENCES organisations (id),
    address         TEXT NOT NULL,
    detail          TEXT NOT NULL
);
CREATE INDEX audit_events_event_idx ON audit_events (event, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_user_id, id);
