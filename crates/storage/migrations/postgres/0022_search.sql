-- Full-text search. Every searchable text is one row of search_items (which record it
-- belongs to, whether only staff may find it, a title and a body), kept by triggers in the
-- same transaction as the write that changes it. PostgreSQL indexes it with GIN over
-- search_terms(): the text search configuration "supportweb" is "simple" behind unaccent, so
-- case and diacritics fold as in SQLite's FTS5 ("reseni" finds "Řešení"); the title weighs
-- more than the body.
-- PostgreSQL flavour; keep search_items identical to ../sqlite/0022_search.sql.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION supportweb (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION supportweb
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, simple;

-- The search_path travels with the function, so a restore (pg_dump empties it) builds the
-- index with the same configuration.
CREATE FUNCTION search_terms(title TEXT, body TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT
    AS $$ SELECT setweight(to_tsvector('supportweb', title), 'A') || setweight(to_tsvector('supportweb', body), 'D') $$;

CREATE TABLE search_items (
    id         BIGSERIAL PRIMARY KEY NOT NULL,
    source     TEXT NOT NULL,
    source_id  UUID NOT NULL,
    record_id  UUID NOT NULL,
    staff_only BOOLEAN NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE UNIQUE INDEX search_items_source_idx ON search_items (source, source_id);
CREATE INDEX search_items_terms_idx ON search_items USING gin (search_terms(title, body));

-- Support documents: number and subject as the title, the description as the body.
CREATE FUNCTION search_support_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES ('support_document', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.subject, NEW.description);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE search_items SET title = NEW.number || ' ' || NEW.subject, body = NEW.description
        WHERE source = 'support_document' AND source_id = NEW.id;
    ELSE
        DELETE FROM search_items WHERE source = 'support_document' AND source_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_support_document AFTER INSERT OR UPDATE OF number, subject, description OR DELETE
    ON support_documents FOR EACH ROW EXECUTE FUNCTION search_support_document();

-- Their conversation: public replies for everyone who sees the document, internal notes
-- for staff only.
CREATE FUNCTION search_support_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES ('support_comment', NEW.id, NEW.document_id, NEW.is_internal, '', NEW.body);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE search_items SET body = NEW.body, staff_only = NEW.is_internal
        WHERE source = 'support_comment' AND source_id = NEW.id;
    ELSE
        DELETE FROM search_items WHERE source = 'support_comment' AND source_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_support_comment AFTER INSERT OR UPDATE OF body, is_internal OR DELETE
    ON support_document_comments FOR EACH ROW EXECUTE FUNCTION search_support_comment();

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'support_document', id, id, FALSE, number || ' ' || subject, description FROM support_documents;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'support_comment', id, document_id, is_internal, '', body FROM support_document_comments;
