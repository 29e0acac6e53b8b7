-- Procedures (postupy) of the podpora agenda: Markdown how-tos with product tags, files,
-- every revision kept, and a visibility (all customers, staff only, chosen organisations).
-- SQLite flavour; keep identical to ../postgres/0014_procedures.sql.

CREATE TABLE procedures (
    id         BLOB PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('all', 'staff', 'chosen')),
    search_key TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    created_by BLOB NOT NULL REFERENCES users (id),
    updated_by BLOB NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX procedures_updated_idx ON procedures (updated_at, id);

CREATE TABLE procedure_revisions (
    procedure_id BLOB NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    visibility   TEXT NOT NULL CHECK (visibility IN ('all', 'staff', 'chosen')),
    changed_by   BLOB NOT NULL REFERENCES users (id),
    changed_at   TEXT NOT NULL,
    PRIMARY KEY (procedure_id, revision)
) STRICT;

CREATE TABLE procedure_products (
    procedure_id BLOB NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    product_id   BLOB NOT NULL REFERENCES products (id),
    PRIMARY KEY (procedure_id, product_id)
) STRICT;
CREATE INDEX procedure_products_product_idx ON procedure_products (product_id, procedure_id);

CREATE TABLE procedure_organisations (
    procedure_id    BLOB NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (procedure_id, organisation_id)
) STRICT;
CREATE INDEX procedure_organisations_organisation_idx ON procedure_organisations (organisation_id, procedure_id);

CREATE TABLE procedure_files (
    file_id      BLOB PRIMARY KEY NOT NULL REFERENCES files (id),
    procedure_id BLOB NOT NULL REFERENCES procedures (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX procedure_files_procedure_idx ON procedure_files (procedure_id, file_id);
