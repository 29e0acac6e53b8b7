-- The customer timeline: what happened in an organisation's agendas, one row per event,
-- kept by triggers in the transaction of the write that makes it (so nothing is missed and
-- nothing is recorded twice), read newest first through (organisation_id, at, id).
-- title is the record as it was named at the event; detail the new state or the task; a
-- link names a related record (the document an order came from, the patch that delivered
-- it or solved a document). staff_only marks internal notes. An event of a patch offered
-- to everyone has no organisation. An event dated in the future (a task's due day) shows
-- once its day comes.
-- SQLite flavour; keep timeline_events identical to ../postgres/0026_timeline.sql.

CREATE TABLE timeline_events (
    id              INTEGER PRIMARY KEY,
    organisation_id BLOB,
    at              TEXT NOT NULL,
    agenda          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    record_id       BLOB NOT NULL,
    source_id       BLOB NOT NULL,
    staff_only      INTEGER NOT NULL,
    title           TEXT NOT NULL,
    detail          TEXT NOT NULL,
    link_agenda     TEXT NOT NULL,
    link_id         BLOB,
    link_label      TEXT NOT NULL
) STRICT;
CREATE INDEX timeline_events_organisation_idx ON timeline_events (organisation_id, at, id);
CREATE INDEX timeline_events_agenda_idx ON timeline_events (organisation_id, agenda, at, id);
CREATE INDEX timeline_events_record_idx ON timeline_events (record_id);
CREATE INDEX timeline_events_source_idx ON timeline_events (source_id);

-- Support documents: opened, every change of state, replies and internal notes, patches
-- linked. A document written in a later state (an import, the demo) brings its resolution.
CREATE TRIGGER timeline_document_insert AFTER INSERT ON support_documents BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    VALUES (new.organisation_id, new.created_at, 'support_documents', 'document_opened', new.id, new.id, 0, new.number || ' ' || new.subject, 'new', '', NULL, '');
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.resolved_at, 'support_documents', 'document_state', new.id, new.id, 0, new.number || ' ' || new.subject, 'resolved', '', NULL, ''
    WHERE new.resolved_at IS NOT NULL;
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.closed_at, 'support_documents', 'document_state', new.id, new.id, 0, new.number || ' ' || new.subject, new.state, '', NULL, ''
    WHERE new.closed_at IS NOT NULL;
END;
CREATE TRIGGER timeline_document_state AFTER UPDATE OF state ON support_documents WHEN new.state <> old.state BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    VALUES (new.organisation_id, new.updated_at, 'support_documents', 'document_state', new.id, new.id, 0, new.number || ' ' || new.subject, new.state, '', NULL, '');
END;
CREATE TRIGGER timeline_document_delete AFTER DELETE ON support_documents BEGIN
    DELETE FROM timeline_events WHERE record_id = old.id;
END;
CREATE TRIGGER timeline_document_comment_insert AFTER INSERT ON support_document_comments BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT d.organisation_id, new.created_at, 'support_documents', CASE WHEN new.is_internal THEN 'document_note' ELSE 'document_reply' END,
        d.id, new.id, new.is_internal, d.number || ' ' || d.subject, '', '', NULL, ''
    FROM support_documents d WHERE d.id = new.document_id;
END;
CREATE TRIGGER timeline_document_comment_update AFTER UPDATE OF is_internal ON support_document_comments BEGIN
    UPDATE timeline_events SET staff_only = new.is_internal,
        kind = CASE WHEN new.is_internal THEN 'document_note' ELSE 'document_reply' END
    WHERE source_id = new.id;
END;
CREATE TRIGGER timeline_document_comment_delete AFTER DELETE ON support_document_comments BEGIN
    DELETE FROM timeline_events WHERE source_id = old.id;
END;
CREATE TRIGGER timeline_document_patch_insert AFTER INSERT ON support_document_patches BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT d.organisation_id, new.linked_at, 'support_documents', 'document_patch', d.id, new.patch_id, 0, d.number || ' ' || d.subject, '',
        'patches', p.id, p.build || ' ' || p.title
    FROM support_documents d, patches p WHERE d.id = new.document_id AND p.id = new.patch_id;
END;
CREATE TRIGGER timeline_document_patch_delete AFTER DELETE ON support_document_patches BEGIN
    DELETE FROM timeline_events WHERE record_id = old.document_id AND source_id = old.patch_id AND kind = 'document_patch';
END;

-- Customization orders: submitted (with the document it came from), every step, replies
-- and internal notes; a delivery names its patch.
CREATE TRIGGER timeline_order_insert AFTER INSERT ON customization_orders BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.created_at, 'customization_orders', 'order_submitted', new.id, new.id, 0, new.number || ' ' || new.title, new.state,
        CASE WHEN d.id IS NULL THEN '' ELSE 'support_documents' END, d.id, COALESCE(d.number, '')
    FROM (SELECT 1) LEFT JOIN support_documents d ON d.id = new.support_document_id;
END;
CREATE TRIGGER timeline_order_state AFTER UPDATE OF state ON customization_orders WHEN new.state <> old.state BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.updated_at, 'customization_orders', 'order_state', new.id, new.id, 0, new.number || ' ' || new.title, new.state,
        CASE WHEN p.id IS NULL THEN '' ELSE 'patches' END, p.id, COALESCE(p.build || ' ' || p.title, '')
    FROM (SELECT 1) LEFT JOIN patches p ON p.id = new.delivered_patch_id AND new.state = 'delivered';
END;
CREATE TRIGGER timeline_order_delete AFTER DELETE ON customization_orders BEGIN
    DELETE FROM timeline_events WHERE record_id = old.id;
END;
CREATE TRIGGER timeline_order_comment_insert AFTER INSERT ON order_comments BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT o.organisation_id, new.created_at, 'customization_orders', CASE WHEN new.is_internal THEN 'order_note' ELSE 'order_reply' END,
        o.id, new.id, new.is_internal, o.number || ' ' || o.title, '', '', NULL, ''
    FROM customization_orders o WHERE o.id = new.order_id;
END;
CREATE TRIGGER timeline_order_comment_delete AFTER DELETE ON order_comments BEGIN
    DELETE FROM timeline_events WHERE source_id = old.id;
END;

-- Protocols: each issued revision, each confirmation or objection, tasks due and done. A
-- draft's tasks are found by staff only (the reading decides by the protocol's state).
CREATE TRIGGER timeline_protocol_revision_insert AFTER INSERT ON protocol_revisions BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT p.organisation_id, new.issued_at, 'protocols', 'protocol_issued', p.id, p.id, 0, p.number || ' ' || p.subject, CAST(new.revision AS TEXT), '', NULL, ''
    FROM protocols p WHERE p.id = new.protocol_id;
END;
CREATE TRIGGER timeline_protocol_response_insert AFTER INSERT ON protocol_responses BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT p.organisation_id, new.responded_at, 'protocols', 'protocol_' || new.kind, p.id, new.id, 0, p.number, CAST(new.revision AS TEXT), '', NULL, ''
    FROM protocols p WHERE p.id = new.protocol_id;
END;
CREATE TRIGGER timeline_protocol_delete AFTER DELETE ON protocols BEGIN
    DELETE FROM timeline_events WHERE record_id = old.id;
END;
CREATE TRIGGER timeline_task_insert AFTER INSERT ON protocol_tasks BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.due_on || 'T00:00:00+00:00', 'protocols', 'task_due', new.protocol_id, new.id, 0, p.number, new.description, '', NULL, ''
    FROM protocols p WHERE p.id = new.protocol_id AND new.state = 'open';
END;
CREATE TRIGGER timeline_task_update AFTER UPDATE OF state, due_on, description ON protocol_tasks BEGIN
    DELETE FROM timeline_events WHERE source_id = new.id AND kind = 'task_due';
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.due_on || 'T00:00:00+00:00', 'protocols', 'task_due', new.protocol_id, new.id, 0, p.number, new.description, '', NULL, ''
    FROM protocols p WHERE p.id = new.protocol_id AND new.state = 'open';
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT new.organisation_id, new.updated_at, 'protocols', 'task_done', new.protocol_id, new.id, 0, p.number, new.description, '', NULL, ''
    FROM protocols p WHERE p.id = new.protocol_id AND new.state = 'done' AND old.state <> 'done';
END;
CREATE TRIGGER timeline_task_delete AFTER DELETE ON protocol_tasks BEGIN
    DELETE FROM timeline_events WHERE source_id = old.id;
END;

-- Patches published: for everyone (no organisation) or for each organisation chosen.
CREATE TRIGGER timeline_patch_published AFTER UPDATE OF state ON patches WHEN new.state = 'published' AND old.state = 'draft' BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT NULL, new.updated_at, 'podpora', 'patch_published', new.id, new.id, 0, new.build || ' ' || new.title, new.released_on, '', NULL, ''
    WHERE new.visibility = 'all';
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT po.organisation_id, new.updated_at, 'podpora', 'patch_published', new.id, new.id, 0, new.build || ' ' || new.title, new.released_on, '', NULL, ''
    FROM patch_organisations po WHERE po.patch_id = new.id AND new.visibility = 'chosen';
END;
CREATE TRIGGER timeline_patch_delete AFTER DELETE ON patches BEGIN
    DELETE FROM timeline_events WHERE record_id = old.id;
END;

-- Contracts: concluded, and every change of state or validity.
CREATE TRIGGER timeline_contract_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    VALUES (new.organisation_id, new.created_at, 'contracts', 'contract_concluded', new.id, new.id, 0, new.number, new.state, '', NULL, '');
END;
CREATE TRIGGER timeline_contract_update AFTER UPDATE OF state, valid_from, valid_to, prepaid_minutes ON contracts BEGIN
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    VALUES (new.organisation_id, new.updated_at, 'contracts', 'contract_changed', new.id, new.id, 0, new.number, new.state, '', NULL, '');
END;
CREATE TRIGGER timeline_contract_delete AFTER DELETE ON contracts BEGIN
    DELETE FROM timeline_events WHERE record_id = old.id;
END;

-- What happened before this version, as far as the records tell.
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, created_at, 'support_documents', 'document_opened', id, id, 0, number || ' ' || subject, 'new', '', NULL, '' FROM support_documents;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, resolved_at, 'support_documents', 'document_state', id, id, 0, number || ' ' || subject, 'resolved', '', NULL, '' FROM support_documents WHERE resolved_at IS NOT NULL;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, closed_at, 'support_documents', 'document_state', id, id, 0, number || ' ' || subject, state, '', NULL, '' FROM support_documents WHERE closed_at IS NOT NULL;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT d.organisation_id, c.created_at, 'support_documents', CASE WHEN c.is_internal THEN 'document_note' ELSE 'document_reply' END, d.id, c.id, c.is_internal, d.number || ' ' || d.subject, '', '', NULL, ''
FROM support_document_comments c JOIN support_documents d ON d.id = c.document_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT d.organisation_id, l.linked_at, 'support_documents', 'document_patch', d.id, p.id, 0, d.number || ' ' || d.subject, '', 'patches', p.id, p.build || ' ' || p.title
FROM support_document_patches l JOIN support_documents d ON d.id = l.document_id JOIN patches p ON p.id = l.patch_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT o.organisation_id, o.created_at, 'customization_orders', 'order_submitted', o.id, o.id, 0, o.number || ' ' || o.title, 'submitted',
    CASE WHEN d.id IS NULL THEN '' ELSE 'support_documents' END, d.id, COALESCE(d.number, '')
FROM customization_orders o LEFT JOIN support_documents d ON d.id = o.support_document_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, updated_at, 'customization_orders', 'order_state', id, id, 0, number || ' ' || title, state, '', NULL, ''
FROM customization_orders WHERE state <> 'submitted';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT o.organisation_id, c.created_at, 'customization_orders', CASE WHEN c.is_internal THEN 'order_note' ELSE 'order_reply' END, o.id, c.id, c.is_internal, o.number || ' ' || o.title, '', '', NULL, ''
FROM order_comments c JOIN customization_orders o ON o.id = c.order_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT p.organisation_id, r.issued_at, 'protocols', 'protocol_issued', p.id, p.id, 0, p.number || ' ' || p.subject, CAST(r.revision AS TEXT), '', NULL, ''
FROM protocol_revisions r JOIN protocols p ON p.id = r.protocol_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT p.organisation_id, r.responded_at, 'protocols', 'protocol_' || r.kind, p.id, r.id, 0, p.number, CAST(r.revision AS TEXT), '', NULL, ''
FROM protocol_responses r JOIN protocols p ON p.id = r.protocol_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT t.organisation_id, t.due_on || 'T00:00:00+00:00', 'protocols', 'task_due', t.protocol_id, t.id, 0, p.number, t.description, '', NULL, ''
FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id WHERE t.state = 'open';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT t.organisation_id, t.updated_at, 'protocols', 'task_done', t.protocol_id, t.id, 0, p.number, t.description, '', NULL, ''
FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id WHERE t.state = 'done';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT NULL, updated_at, 'podpora', 'patch_published', id, id, 0, build || ' ' || title, released_on, '', NULL, ''
FROM patches WHERE state <> 'draft' AND visibility = 'all';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT po.organisation_id, p.updated_at, 'podpora', 'patch_published', p.id, p.id, 0, p.build || ' ' || p.title, p.released_on, '', NULL, ''
FROM patches p JOIN patch_organisations po ON po.patch_id = p.id WHERE p.state <> 'draft' AND p.visibility = 'chosen';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, created_at, 'contracts', 'contract_concluded', id, id, 0, number, state, '', NULL, '' FROM contracts;
