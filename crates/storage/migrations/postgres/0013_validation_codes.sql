-- Validation (licence) codes issued to one organisation. The code itself is sealed with the
-- portal's secret key (XChaCha20-Poly1305, the row's id as associated data); lists never
-- carry it, a reveal is audited.
-- PostgreSQL flavour; keep identical to ../sqlite/0013_validation_codes.sql.

CREATE TABLE validation_codes (
    id              UUID PRIMARY KEY NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    product_id      UUID NOT NULL REFERENCES products (id),
    module          TEXT NOT NULL,
    sealed_code     BYTEA NOT NULL,
    valid_from      DATE NOT NULL,
    valid_to        DATE,
    issued_by       UUID NOT NULL REFERENCES users (id),
    note            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX validation_codes_organisation_idx ON validation_codes (organisation_id, id);
CREATE INDEX validation_codes_valid_to_idx ON validation_codes (valid_to, id);
