-- Communication protocols in the search index, in two parts. What customers may find is the
-- text of the last issued revision (the whole record as issued: header, items, decisions,
-- tasks), so a revision staff are preparing never reaches them before it is issued. Staff
-- find the protocol as it stands now (drafts included): number and subject, place, items
-- with summary and decisions, tasks with who is responsible.
-- SQLite flavour; keep identical in effect to ../postgres/0024_search_protocols.sql.

CREATE TRIGGER search_protocol_insert AFTER INSERT ON protocols BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('protocol', new.id, new.id, 1, new.number || ' ' || new.subject, new.place);
END;
CREATE TRIGGER search_protocol_update AFTER UPDATE OF number, subject, place ON protocols BEGIN
    UPDATE search_items SET title = new.number || ' ' || new.subject,
        body = new.place
            || COALESCE((SELECT ' ' || group_concat(i.title || ' ' || i.summary || ' ' || i.decisions, ' ') FROM protocol_items i WHERE i.protocol_id = new.id), '')
            || COALESCE((SELECT ' ' || group_concat(t.description || ' ' || t.responsible_name, ' ') FROM protocol_tasks t WHERE t.protocol_id = new.id), '')
    WHERE source = 'protocol' AND source_id = new.id;
END;
CREATE TRIGGER search_protocol_delete AFTER DELETE ON protocols BEGIN
    DELETE FROM search_items WHERE source IN ('protocol', 'protocol_revision') AND source_id = old.id;
END;

-- Items and tasks change the staff's text of their protocol.
CREATE TRIGGER search_protocol_item_insert AFTER INSERT ON protocol_items BEGIN
    UPDATE protocols SET place = place WHERE id = new.protocol_id;
END;
CREATE TRIGGER search_protocol_item_update AFTER UPDATE ON protocol_items BEGIN
    UPDATE protocols SET place = place WHERE id = new.protocol_id;
END;
CREATE TRIGGER search_protocol_item_delete AFTER DELETE ON protocol_items BEGIN
    UPDATE protocols SET place = place WHERE id = old.protocol_id;
END;
CREATE TRIGGER search_protocol_task_insert AFTER INSERT ON protocol_tasks BEGIN
    UPDATE protocols SET place = place WHERE id = new.protocol_id;
END;
CREATE TRIGGER search_protocol_task_update AFTER UPDATE OF description, responsible_name ON protocol_tasks BEGIN
    UPDATE protocols SET place = place WHERE id = new.protocol_id;
END;
CREATE TRIGGER search_protocol_task_delete AFTER DELETE ON protocol_tasks BEGIN
    UPDATE protocols SET place = place WHERE id = old.protocol_id;
END;

-- An issued revision replaces what customers find.
CREATE TRIGGER search_protocol_revision_insert AFTER INSERT ON protocol_revisions BEGIN
    DELETE FROM search_items WHERE source = 'protocol_revision' AND source_id = new.protocol_id;
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    SELECT 'protocol_revision', p.id, p.id, 0, p.number || ' ' || p.subject, new.record
    FROM protocols p WHERE p.id = new.protocol_id;
END;

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'protocol', p.id, p.id, 1, p.number || ' ' || p.subject,
       p.place
       || COALESCE((SELECT ' ' || group_concat(i.title || ' ' || i.summary || ' ' || i.decisions, ' ') FROM protocol_items i WHERE i.protocol_id = p.id), '')
       || COALESCE((SELECT ' ' || group_concat(t.description || ' ' || t.responsible_name, ' ') FROM protocol_tasks t WHERE t.protocol_id = p.id), '')
FROM protocols p;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'protocol_revision', p.id, p.id, 0, p.number || ' ' || p.subject, r.record
FROM protocols p JOIN protocol_revisions r ON r.protocol_id = p.id
WHERE r.revision = (SELECT MAX(l.revision) FROM protocol_revisions l WHERE l.protocol_id = p.id);
