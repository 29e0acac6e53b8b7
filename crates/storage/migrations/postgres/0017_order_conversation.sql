-- The conversation of a customization order (public replies and the staff's internal notes)
-- and its files: the requirement's attachments, the documents of a quote revision, and those
-- of replies and notes.
-- PostgreSQL flavour; keep identical to ../sqlite/0017_order_conversation.sql.

CREATE TABLE order_comments (
    id          UUID PRIMARY KEY NOT NULL,
    order_id    UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    author_id   UUID NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    is_internal BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_comments_order_idx ON order_comments (order_id, created_at, id);

CREATE TABLE order_files (
    file_id     UUID PRIMARY KEY NOT NULL REFERENCES files (id),
    order_id    UUID NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    comment_id  UUID REFERENCES order_comments (id) ON DELETE CASCADE,
    quote_revision BIGINT,
    is_internal BOOLEAN NOT NULL
);
CREATE INDEX order_files_order_idx ON order_files (order_id);
