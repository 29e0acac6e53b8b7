-- The conversation of a customization order (public replies and the staff's internal notes)
-- and its files: the requirement's attachments, the documents of a quote revision, and those
-- of replies and notes.
-- SQLite flavour; keep identical to ../postgres/0017_order_conversation.sql.

CREATE TABLE order_comments (
    id          BLOB PRIMARY KEY NOT NULL,
    order_id    BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    author_id   BLOB NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    is_internal INTEGER NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX order_comments_order_idx ON order_comments (order_id, created_at, id);

CREATE TABLE order_files (
    file_id     BLOB PRIMARY KEY NOT NULL REFERENCES files (id),
    order_id    BLOB NOT NULL REFERENCES customization_orders (id) ON DELETE CASCADE,
    comment_id  BLOB REFERENCES order_comments (id) ON DELETE CASCADE,
    quote_revision INTEGER,
    is_internal INTEGER NOT NULL
) STRICT;
CREATE INDEX order_files_order_idx ON order_files (order_id);
