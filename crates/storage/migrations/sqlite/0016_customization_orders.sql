-- Customization orders: the customer's requirement, the vendor's quote revisions, the
-- customer's answers bound to a revision (approval with who, when and the purchase order;
-- rejection, return for re-quote, acceptance and its reasons), reservations tracked until
-- fixed, and the staff's logged hours.
-- SQLite flavour; keep identical to ../postgres/0016_customization_orders.sql.

CREATE TABLE customization_orders (
    id                  BLOB PRIMARY KEY NOT NULL,
    number              TEXT NOT NULL UNIQUE,
    organisation_id     BLOB NOT NULL REFERENCES organisations (id),
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    desired_on          TEXT,
    state               TEXT NOT NULL CHECK (state IN ('submitted', 'in_analysis', 'quoted', 'approved', 'rejected', 'returned_for_requote', 'in_development', 'delivered', 'accepted', 'invoiced', 'closed', 'cancelled')),
    requested_by        BLOB NOT NULL REFERENCES users (id),
    support_document_id BLOB UNIQUE REFERENCES support_documents (id),
    quote_revision      INTEGER NOT NULL,
    approved_revision   INTEGER,
    delivered_in        TEXT NOT NULL,
    delivered_patch_id  BLOB REFERENCES patches (id),
    version             INTEGER NOT NULL,
    created_by          BLOB NOT NULL REFERENCES users (id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX customization_orders_created_idx ON customization_orders (created_at, id);
CREATE INDEX customization_orders_organisation_idx ON customization_orders (organisation_id, created_at, id);
CREATE INDEX customization_orders_state_idx ON customization_orders (state, created_at, id);

CREATE TABLE order_quotes (
    order_id              BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    revision              INTEGER NOT NULL,
    scope                 TEXT NOT NULL,
    estimated_centi_hours INTEGER NOT NULL CHECK (estimated_centi_hours >= 0),
    hourly_rate           INTEGER NOT NULL CHECK (hourly_rate >= 0),
    currency              TEXT NOT NULL CHECK (currency IN ('CZK', 'EUR')),
    vat_basis_points      INTEGER NOT NULL CHECK (vat_basis_points >= 0),
    net                   INTEGER NOT NULL,
    vat                   INTEGER NOT NULL,
    rounding              INTEGER NOT NULL,
    total                 INTEGER NOT NULL,
    delivery_on           TEXT NOT NULL,
    valid_until           TEXT NOT NULL,
    issued_by             BLOB NOT NULL REFERENCES users (id),
    issued_at             TEXT NOT NULL,
    PRIMARY KEY (order_id, revision)
) STRICT;

CREATE TABLE order_answers (
    id             BLOB PRIMARY KEY NOT NULL,
    order_id       BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    step           TEXT NOT NULL,
    quote_revision INTEGER,
    user_id        BLOB NOT NULL REFERENCES users (id),
    reason         TEXT NOT NULL,
    purchase_order TEXT NOT NULL,
    answered_at    TEXT NOT NULL
) STRICT;
CREATE INDEX order_answers_order_idx ON order_answers (order_id, answered_at);

CREATE TABLE order_reservations (
    id       BLOB PRIMARY KEY NOT NULL,
    order_id BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    state    TEXT NOT NULL CHECK (state IN ('open', 'fixed')),
    fixed_at TEXT,
    version  INTEGER NOT NULL
) STRICT;
CREATE INDEX order_reservations_order_idx ON order_reservations (order_id, position);

CREATE TABLE order_work (
    id          BLOB PRIMARY KEY NOT NULL,
    order_id    BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id),
    worked_on   TEXT NOT NULL,
    centi_hours INTEGER NOT NULL CHECK (centi_hours > 0),
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX order_work_order_idx ON order_work (order_id, worked_on);
