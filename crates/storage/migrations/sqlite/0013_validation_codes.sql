-- Validation (licence) codes issued to one organisation. The code itself is sealed with the
-- portal's secret key (XChaCha20-Poly1305, the row's id as associated data); lists never
-- carry it, a reveal is audited.
-- SQLite flavour; keep identical to ../postgres/0013_validation_codes.sql.

CREATE TABLE validation_codes (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    product_id      BLOB NOT NULL REFERENCES products (id),
    module          TEXT NOT NULL,
    sealed_code     BLOB NOT NULL,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    issued_by       BLOB NOT NULL REFERENCES users (id),
    note            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX validation_codes_organisation_idx ON validation_codes (organisation_id, id);
CREATE INDEX validation_codes_valid_to_idx ON validation_codes (valid_to, id);
