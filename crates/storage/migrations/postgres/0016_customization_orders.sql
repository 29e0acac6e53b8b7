-- Customization orders: the customer's requirement, the vendor's quote revisions, the
-- customer's answers bound to a revision (approval with who, when and the purchase order;
-- rejection, return for re-quote, acceptance and its reasons), reservations tracked until
-- fixed, and the staff's logged hours.
-- PostgreSQL flavour; keep identical to ../sqlite/0016_customization_orders.sql.

CREATE TABLE customization_orders (
    id                  UUID PRIMARY KEY NOT NULL,
    number              TEXT NOT NULL UNIQUE,
    organisation_id     UUID NOT NULL REFERENCES organisations (id),
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    desired_on          DATE,
    state               TEXT NOT NULL CHECK (state IN ('submitted', 'in_analysis', 'quoted', 'approved', 'rejected', 'returned_for_requote', 'in_development', 'delivered', 'accepted', 'invoiced', 'closed', 'cancelled')),
    requested_by        UUID NOT NULL REFERENCES users (id),
    support_document_id UUID UNIQUE REFERENCES support_documents (id),
    quote_revision      BIGINT NOT NULL,
    approved_revision   BIGINT,
    delivered_in        TEXT NOT NULL,
    delivered_patch_id  UUID REFERENCES patches (id),
    version             BIGINT NOT NULL,
    created_by          UUID NOT NULL REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX customization_orders_created_idx ON customization_orders (created_at, id);
CREATE INDEX customization_orders_organisation_idx ON customization_orders (organisation_id, created_at, id);
CREATE INDEX customization_orders_state_idx ON customization_orders (state, created_at, id);

CREATE TABLE order_quotes (
    order_id              UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    revision              BIGINT NOT NULL,
    scope                 TEXT NOT NULL,
    estimated_centi_hours BIGINT NOT NULL CHECK (estimated_centi_hours >= 0),
    hourly_rate           BIGINT NOT NULL CHECK (hourly_rate >= 0),
    currency              TEXT NOT NULL CHECK (currency IN ('CZK', 'EUR')),
    vat_basis_points      BIGINT NOT NULL CHECK (vat_basis_points >= 0),
    net                   BIGINT NOT NULL,
    vat                   BIGINT NOT NULL,
    rounding              BIGINT NOT NULL,
    total                 BIGINT NOT NULL,
    delivery_on           DATE NOT NULL,
    valid_until           DATE NOT NULL,
    issued_by             UUID NOT NULL REFERENCES users (id),
    issued_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (order_id, revision)
);

CREATE TABLE order_answers (
    id             UUID PRIMARY KEY NOT NULL,
    order_id       UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    step           TEXT NOT NULL,
    quote_revision BIGINT,
    user_id        UUID NOT NULL REFERENCES users (id),
    reason         TEXT NOT NULL,
    purchase_order TEXT NOT NULL,
    answered_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_answers_order_idx ON order_answers (order_id, answered_at);

CREATE TABLE order_reservations (
    id       UUID PRIMARY KEY NOT NULL,
    order_id UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text     TEXT NOT NULL,
    state    TEXT NOT NULL CHECK (state IN ('open', 'fixed')),
    fixed_at TIMESTAMPTZ,
    version  BIGINT NOT NULL
);
CREATE INDEX order_reservations_order_idx ON order_reservations (order_id, position);

CREATE TABLE order_work (
    id          UUID PRIMARY KEY NOT NULL,
    order_id    UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id),
    worked_on   DATE NOT NULL,
    centi_hours BIGINT NOT NULL CHECK (centi_hours > 0),
    note        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_work_order_idx ON order_work (order_id, worked_on);
