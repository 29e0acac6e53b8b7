-- Full-text search. Every searchable text is one row of search_items (which record it
-- belongs to, whether only staff may find it, a title and a body), kept by triggers in the
-- same transaction as the write that changes it; SQLite indexes it with FTS5 (case and
-- diacritics folded: "reseni" finds "Řešení"), PostgreSQL with a GIN index over unaccented
-- text. The id is an INTEGER PRIMARY KEY, so VACUUM and VACUUM INTO keep it and the index
-- stays in step with its rows.
-- SQLite flavour; keep search_items identical to ../postgres/0022_search.sql.

CREATE TABLE search_items (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    source_id  BLOB NOT NULL,
    record_id  BLOB NOT NULL,
    staff_only INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX search_items_source_idx ON search_items (source, source_id);

CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, body,
    content = 'search_items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_fts_insert AFTER INSERT ON search_items BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER search_fts_delete AFTER DELETE ON search_items BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER search_fts_update AFTER UPDATE ON search_items BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Support documents: number and subject as the title, the description as the body.
CREATE TRIGGER search_support_document_insert AFTER INSERT ON support_documents BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('support_document', new.id, new.id, 0, new.number || ' ' || new.subject, new.description);
END;
CREATE TRIGGER search_support_document_update AFTER UPDATE OF number, subject, description ON support_documents BEGIN
    UPDATE search_items SET title = new.number || ' ' || new.subject, body = new.description
    WHERE source = 'support_document' AND source_id = new.id;
END;
CREATE TRIGGER search_support_document_delete AFTER DELETE ON support_documents BEGIN
    DELETE FROM search_items WHERE source = 'support_document' AND source_id = old.id;
END;

-- Their conversation: public replies for everyone who sees the document, internal notes
-- for staff only.
CREATE TRIGGER search_support_comment_insert AFTER INSERT ON support_document_comments BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('support_comment', new.id, new.document_id, new.is_internal, '', new.body);
END;
CREATE TRIGGER search_support_comment_update AFTER UPDATE OF body, is_internal ON support_document_comments BEGIN
    UPDATE search_items SET body = new.body, staff_only = new.is_internal
    WHERE source = 'support_comment' AND source_id = new.id;
END;
CREATE TRIGGER search_support_comment_delete AFTER DELETE ON support_document_comments BEGIN
    DELETE FROM search_items WHERE source = 'support_comment' AND source_id = old.id;
END;

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'support_document', id, id, 0, number || ' ' || subject, description FROM support_documents;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'support_comment', id, document_id, is_internal, '', body FROM support_document_comments;
