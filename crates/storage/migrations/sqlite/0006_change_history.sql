-- Change history of records: who changed which field when, from what to what.
-- SQLite flavour; keep identical to ../postgres/0006_change_history.sql.

CREATE TABLE change_history (
    id         BLOB PRIMARY KEY NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    changed_by BLOB REFERENCES users (id),
    changed_at TEXT NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL
) STRICT;
CREATE INDEX change_history_entity_idx ON change_history (entity, entity_id, id);
