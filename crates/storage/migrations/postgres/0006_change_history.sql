-- Change history of records: who changed which field when, from what to what.
-- PostgreSQL flavour; keep identical to ../sqlite/0006_change_history.sql.

CREATE TABLE change_history (
    id         UUID PRIMARY KEY NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  UUID NOT NULL,
    changed_by UUID REFERENCES users (id),
    changed_at TIMESTAMPTZ NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL
);
CREATE INDEX change_history_entity_idx ON change_history (entity, entity_id, id);
