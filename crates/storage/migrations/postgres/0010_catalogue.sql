-- The product catalogue staff maintain (products with their modules and versions), the
-- installation card of each organisation, and the products a contract covers.
-- PostgreSQL flavour; keep identical to ../sqlite/0010_catalogue.sql.

CREATE TABLE products (
    id         UUID PRIMARY KEY NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    is_active  BOOLEAN NOT NULL,
    version    BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX products_name_idx ON products (name, id);

CREATE TABLE product_modules (
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (product_id, name)
);

CREATE TABLE product_versions (
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (product_id, name)
);

CREATE TABLE installations (
    id              UUID PRIMARY KEY NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    product_id      UUID NOT NULL REFERENCES products (id),
    label           TEXT NOT NULL,
    product_version TEXT NOT NULL,
    notes           TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX installations_organisation_idx ON installations (organisation_id, id);
CREATE INDEX installations_product_idx ON installations (product_id, product_version);

CREATE TABLE installation_modules (
    installation_id UUID NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    module          TEXT NOT NULL,
    PRIMARY KEY (installation_id, module)
);

CREATE TABLE contract_products (
    contract_id UUID NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    product_id  UUID NOT NULL REFERENCES products (id),
    PRIMARY KEY (contract_id, product_id)
);
CREATE INDEX contract_products_product_idx ON contract_products (product_id, contract_id);
