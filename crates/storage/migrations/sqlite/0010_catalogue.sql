-- The product catalogue staff maintain (products with their modules and versions), the
-- installation card of each organisation, and the products a contract covers.
-- SQLite flavour; keep identical to ../postgres/0010_catalogue.sql.

CREATE TABLE products (
    id         BLOB PRIMARY KEY NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    is_active  INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX products_name_idx ON products (name, id);

CREATE TABLE product_modules (
    product_id BLOB NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (product_id, name)
) STRICT;

CREATE TABLE product_versions (
    product_id BLOB NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (product_id, name)
) STRICT;

CREATE TABLE installations (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    product_id      BLOB NOT NULL REFERENCES products (id),
    label           TEXT NOT NULL,
    product_version TEXT NOT NULL,
    notes           TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX installations_organisation_idx ON installations (organisation_id, id);
CREATE INDEX installations_product_idx ON installations (product_id, product_version);

CREATE TABLE installation_modules (
    installation_id BLOB NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    module          TEXT NOT NULL,
    PRIMARY KEY (installation_id, module)
) STRICT;

CREATE TABLE contract_products (
    contract_id BLOB NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    product_id  BLOB NOT NULL REFERENCES products (id),
    PRIMARY KEY (contract_id, product_id)
) STRICT;
CREATE INDEX contract_products_product_idx ON contract_products (product_id, contract_id);
