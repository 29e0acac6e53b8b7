-- Communication protocols in the search index, in two parts. What customers may find is the
-- text of the last issued revision (the whole record as issued: header, items, decisions,
-- tasks), so a revision staff are preparing never reaches them before it is issued. Staff
-- find the protocol as it stands now (drafts included): number and subject, place, items
-- with summary and decisions, tasks with who is responsible.
-- PostgreSQL flavour; keep identical in effect to ../sqlite/0024_search_protocols.sql.

CREATE FUNCTION search_protocol_body(UUID) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT p.place
        || COALESCE((SELECT ' ' || string_agg(i.title || ' ' || i.summary || ' ' || i.decisions, ' ' ORDER BY i.position)
            FROM protocol_items i WHERE i.protocol_id = p.id), '')
        || COALESCE((SELECT ' ' || string_agg(t.description || ' ' || t.responsible_name, ' ' ORDER BY t.position)
            FROM protocol_tasks t WHERE t.protocol_id = p.id), '')
    FROM protocols p WHERE p.id = $1
$$;

CREATE FUNCTION search_protocol() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES ('protocol', NEW.id, NEW.id, TRUE, NEW.number || ' ' || NEW.subject, NEW.place);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE search_items SET title = NEW.number || ' ' || NEW.subject, body = search_protocol_body(NEW.id)
        WHERE source = 'protocol' AND source_id = NEW.id;
    ELSE
        DELETE FROM search_items WHERE source IN ('protocol', 'protocol_revision') AND source_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_protocol AFTER INSERT OR UPDATE OF number, subject, place OR DELETE
    ON protocols FOR EACH ROW EXECUTE FUNCTION search_protocol();

-- Items and tasks change the staff's text of their protocol.
CREATE FUNCTION search_protocol_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    protocol UUID := CASE WHEN TG_OP = 'DELETE' THEN OLD.protocol_id ELSE NEW.protocol_id END;
BEGIN
    UPDATE search_items SET body = search_protocol_body(protocol)
    WHERE source = 'protocol' AND source_id = protocol;
    RETURN NULL;
END $$;
CREATE TRIGGER search_protocol_item AFTER INSERT OR UPDATE OR DELETE
    ON protocol_items FOR EACH ROW EXECUTE FUNCTION search_protocol_part();
CREATE TRIGGER search_protocol_task AFTER INSERT OR UPDATE OF description, responsible_name OR DELETE
    ON protocol_tasks FOR EACH ROW EXECUTE FUNCTION search_protocol_part();

-- An issued revision replaces what customers find.
CREATE FUNCTION search_protocol_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_items WHERE source = 'protocol_revision' AND source_id = NEW.protocol_id;
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    SELECT 'protocol_revision', p.id, p.id, FALSE, p.number || ' ' || p.subject, NEW.record
    FROM protocols p WHERE p.id = NEW.protocol_id;
    RETURN NULL;
END $$;
CREATE TRIGGER search_protocol_revision AFTER INSERT
    ON protocol_revisions FOR EACH ROW EXECUTE FUNCTION search_protocol_revision();

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'protocol', p.id, p.id, TRUE, p.number || ' ' || p.subject, search_protocol_body(p.id)
FROM protocols p;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'protocol_revision', p.id, p.id, FALSE, p.number || ' ' || p.subject, r.record
FROM protocols p JOIN protocol_revisions r ON r.protocol_id = p.id
WHERE r.revision = (SELECT MAX(l.revision) FROM protocol_revisions l WHERE l.protocol_id = p.id);
