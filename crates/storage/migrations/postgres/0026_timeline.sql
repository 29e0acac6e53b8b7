-- The customer timeline: what happened in an organisation's agendas, one row per event,
-- kept by triggers in the transaction of the write that makes it (so nothing is missed and
-- nothing is recorded twice), read newest first through (organisation_id, at, id).
-- title is the record as it was named at the event; detail the new state or the task; a
-- link names a related record (the document an order came from, the patch that delivered
-- it or solved a document). staff_only marks internal notes. An event of a patch offered
-- to everyone has no organisation. An event dated in the future (a task's due day) shows
-- once its day comes.
-- PostgreSQL flavour; keep timeline_events identical to ../sqlite/0026_timeline.sql.

CREATE TABLE timeline_events (
    id              BIGSERIAL PRIMARY KEY NOT NULL,
    organisation_id UUID,
    at              TIMESTAMPTZ NOT NULL,
    agenda          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    record_id       UUID NOT NULL,
    source_id       UUID NOT NULL,
    staff_only      BOOLEAN NOT NULL,
    title           TEXT NOT NULL,
    detail          TEXT NOT NULL,
    link_agenda     TEXT NOT NULL,
    link_id         UUID,
    link_label      TEXT NOT NULL
);
CREATE INDEX timeline_events_organisation_idx ON timeline_events (organisation_id, at, id);
CREATE INDEX timeline_events_agenda_idx ON timeline_events (organisation_id, agenda, at, id);
CREATE INDEX timeline_events_record_idx ON timeline_events (record_id);
CREATE INDEX timeline_events_source_idx ON timeline_events (source_id);

CREATE FUNCTION timeline_add(organisation UUID, at TIMESTAMPTZ, agenda TEXT, kind TEXT, record UUID,
    source UUID, staff_only BOOLEAN, title TEXT, detail TEXT, link_agenda TEXT, link UUID, link_label TEXT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    VALUES (organisation, at, agenda, kind, record, source, staff_only, title, detail, link_agenda, link, link_label)
$$;

-- Support documents: opened, every change of state, replies and internal notes, patches
-- linked. A document written in a later state (an import, the demo) brings its resolution.
CREATE FUNCTION timeline_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM timeline_add(NEW.organisation_id, NEW.created_at, 'support_documents', 'document_opened', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.subject, 'new', '', NULL, '');
        IF NEW.resolved_at IS NOT NULL THEN
            PERFORM timeline_add(NEW.organisation_id, NEW.resolved_at, 'support_documents', 'document_state', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.subject, 'resolved', '', NULL, '');
        END IF;
        IF NEW.closed_at IS NOT NULL THEN
            PERFORM timeline_add(NEW.organisation_id, NEW.closed_at, 'support_documents', 'document_state', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.subject, NEW.state, '', NULL, '');
        END IF;
    ELSIF NEW.state <> OLD.state THEN
        PERFORM timeline_add(NEW.organisation_id, NEW.updated_at, 'support_documents', 'document_state', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.subject, NEW.state, '', NULL, '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_document AFTER INSERT OR UPDATE OF state OR DELETE
    ON support_documents FOR EACH ROW EXECUTE FUNCTION timeline_document();

CREATE FUNCTION timeline_document_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE source_id = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT d.organisation_id, NEW.created_at, 'support_documents', CASE WHEN NEW.is_internal THEN 'document_note' ELSE 'document_reply' END,
            d.id, NEW.id, NEW.is_internal, d.number || ' ' || d.subject, '', '', NULL, ''
        FROM support_documents d WHERE d.id = NEW.document_id;
    ELSE
        UPDATE timeline_events SET staff_only = NEW.is_internal,
            kind = CASE WHEN NEW.is_internal THEN 'document_note' ELSE 'document_reply' END
        WHERE source_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_document_comment AFTER INSERT OR UPDATE OF is_internal OR DELETE
    ON support_document_comments FOR EACH ROW EXECUTE FUNCTION timeline_document_comment();

CREATE FUNCTION timeline_document_patch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.document_id AND source_id = OLD.patch_id AND kind = 'document_patch';
    ELSE
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT d.organisation_id, NEW.linked_at, 'support_documents', 'document_patch', d.id, NEW.patch_id, FALSE, d.number || ' ' || d.subject, '',
            'patches', p.id, p.build || ' ' || p.title
        FROM support_documents d, patches p WHERE d.id = NEW.document_id AND p.id = NEW.patch_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_document_patch AFTER INSERT OR DELETE
    ON support_document_patches FOR EACH ROW EXECUTE FUNCTION timeline_document_patch();

-- Customization orders: submitted (with the document it came from), every step, replies
-- and internal notes; a delivery names its patch.
CREATE FUNCTION timeline_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT NEW.organisation_id, NEW.created_at, 'customization_orders', 'order_submitted', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.title, NEW.state,
            CASE WHEN d.id IS NULL THEN '' ELSE 'support_documents' END, d.id, COALESCE(d.number, '')
        FROM (SELECT 1) one LEFT JOIN support_documents d ON d.id = NEW.support_document_id;
    ELSIF NEW.state <> OLD.state THEN
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT NEW.organisation_id, NEW.updated_at, 'customization_orders', 'order_state', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.title, NEW.state,
            CASE WHEN p.id IS NULL THEN '' ELSE 'patches' END, p.id, COALESCE(p.build || ' ' || p.title, '')
        FROM (SELECT 1) one LEFT JOIN patches p ON p.id = NEW.delivered_patch_id AND NEW.state = 'delivered';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_order AFTER INSERT OR UPDATE OF state OR DELETE
    ON customization_orders FOR EACH ROW EXECUTE FUNCTION timeline_order();

CREATE FUNCTION timeline_order_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE source_id = OLD.id;
    ELSE
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT o.organisation_id, NEW.created_at, 'customization_orders', CASE WHEN NEW.is_internal THEN 'order_note' ELSE 'order_reply' END,
            o.id, NEW.id, NEW.is_internal, o.number || ' ' || o.title, '', '', NULL, ''
        FROM customization_orders o WHERE o.id = NEW.order_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_order_comment AFTER INSERT OR DELETE
    ON order_comments FOR EACH ROW EXECUTE FUNCTION timeline_order_comment();

-- Protocols: each issued revision, each confirmation or objection, tasks due and done. A
-- draft's tasks are found by staff only (the reading decides by the protocol's state).
CREATE FUNCTION timeline_protocol() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'protocols' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.id;
    ELSIF TG_TABLE_NAME = 'protocol_revisions' THEN
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT p.organisation_id, NEW.issued_at, 'protocols', 'protocol_issued', p.id, p.id, FALSE, p.number || ' ' || p.subject, NEW.revision::text, '', NULL, ''
        FROM protocols p WHERE p.id = NEW.protocol_id;
    ELSE
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT p.organisation_id, NEW.responded_at, 'protocols', 'protocol_' || NEW.kind, p.id, NEW.id, FALSE, p.number, NEW.revision::text, '', NULL, ''
        FROM protocols p WHERE p.id = NEW.protocol_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_protocol AFTER DELETE
    ON protocols FOR EACH ROW EXECUTE FUNCTION timeline_protocol();
CREATE TRIGGER timeline_protocol_revision AFTER INSERT
    ON protocol_revisions FOR EACH ROW EXECUTE FUNCTION timeline_protocol();
CREATE TRIGGER timeline_protocol_response AFTER INSERT
    ON protocol_responses FOR EACH ROW EXECUTE FUNCTION timeline_protocol();

CREATE FUNCTION timeline_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE source_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM timeline_events WHERE source_id = NEW.id AND kind = 'task_due';
    END IF;
    INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
    SELECT NEW.organisation_id, (NEW.due_on::timestamp AT TIME ZONE 'UTC'), 'protocols', 'task_due', NEW.protocol_id, NEW.id, FALSE, p.number, NEW.description, '', NULL, ''
    FROM protocols p WHERE p.id = NEW.protocol_id AND NEW.state = 'open';
    IF TG_OP = 'UPDATE' AND NEW.state = 'done' AND OLD.state <> 'done' THEN
        INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
        SELECT NEW.organisation_id, NEW.updated_at, 'protocols', 'task_done', NEW.protocol_id, NEW.id, FALSE, p.number, NEW.description, '', NULL, ''
        FROM protocols p WHERE p.id = NEW.protocol_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_task AFTER INSERT OR UPDATE OF state, due_on, description OR DELETE
    ON protocol_tasks FOR EACH ROW EXECUTE FUNCTION timeline_task();

-- Patches published: for everyone (no organisation) or for each organisation chosen.
CREATE FUNCTION timeline_patch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.id;
    ELSIF NEW.state = 'published' AND OLD.state = 'draft' THEN
        IF NEW.visibility = 'all' THEN
            PERFORM timeline_add(NULL, NEW.updated_at, 'podpora', 'patch_published', NEW.id, NEW.id, FALSE, NEW.build || ' ' || NEW.title, NEW.released_on::text, '', NULL, '');
        ELSE
            INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
            SELECT po.organisation_id, NEW.updated_at, 'podpora', 'patch_published', NEW.id, NEW.id, FALSE, NEW.build || ' ' || NEW.title, NEW.released_on::text, '', NULL, ''
            FROM patch_organisations po WHERE po.patch_id = NEW.id;
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_patch AFTER UPDATE OF state OR DELETE
    ON patches FOR EACH ROW EXECUTE FUNCTION timeline_patch();

-- Contracts: concluded, and every change of state or validity.
CREATE FUNCTION timeline_contract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM timeline_events WHERE record_id = OLD.id;
    ELSE
        PERFORM timeline_add(NEW.organisation_id, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END, 'contracts',
            CASE WHEN TG_OP = 'INSERT' THEN 'contract_concluded' ELSE 'contract_changed' END, NEW.id, NEW.id, FALSE, NEW.number, NEW.state, '', NULL, '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER timeline_contract AFTER INSERT OR UPDATE OF state, valid_from, valid_to, prepaid_minutes OR DELETE
    ON contracts FOR EACH ROW EXECUTE FUNCTION timeline_contract();

-- What happened before this version, as far as the records tell.
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, created_at, 'support_documents', 'document_opened', id, id, FALSE, number || ' ' || subject, 'new', '', NULL, '' FROM support_documents;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, resolved_at, 'support_documents', 'document_state', id, id, FALSE, number || ' ' || subject, 'resolved', '', NULL, '' FROM support_documents WHERE resolved_at IS NOT NULL;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, closed_at, 'support_documents', 'document_state', id, id, FALSE, number || ' ' || subject, state, '', NULL, '' FROM support_documents WHERE closed_at IS NOT NULL;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT d.organisation_id, c.created_at, 'support_documents', CASE WHEN c.is_internal THEN 'document_note' ELSE 'document_reply' END, d.id, c.id, c.is_internal, d.number || ' ' || d.subject, '', '', NULL, ''
FROM support_document_comments c JOIN support_documents d ON d.id = c.document_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT d.organisation_id, l.linked_at, 'support_documents', 'document_patch', d.id, p.id, FALSE, d.number || ' ' || d.subject, '', 'patches', p.id, p.build || ' ' || p.title
FROM support_document_patches l JOIN support_documents d ON d.id = l.document_id JOIN patches p ON p.id = l.patch_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT o.organisation_id, o.created_at, 'customization_orders', 'order_submitted', o.id, o.id, FALSE, o.number || ' ' || o.title, 'submitted',
    CASE WHEN d.id IS NULL THEN '' ELSE 'support_documents' END, d.id, COALESCE(d.number, '')
FROM customization_orders o LEFT JOIN support_documents d ON d.id = o.support_document_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, updated_at, 'customization_orders', 'order_state', id, id, FALSE, number || ' ' || title, state, '', NULL, ''
FROM customization_orders WHERE state <> 'submitted';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT o.organisation_id, c.created_at, 'customization_orders', CASE WHEN c.is_internal THEN 'order_note' ELSE 'order_reply' END, o.id, c.id, c.is_internal, o.number || ' ' || o.title, '', '', NULL, ''
FROM order_comments c JOIN customization_orders o ON o.id = c.order_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT p.organisation_id, r.issued_at, 'protocols', 'protocol_issued', p.id, p.id, FALSE, p.number || ' ' || p.subject, CAST(r.revision AS TEXT), '', NULL, ''
FROM protocol_revisions r JOIN protocols p ON p.id = r.protocol_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT p.organisation_id, r.responded_at, 'protocols', 'protocol_' || r.kind, p.id, r.id, FALSE, p.number, CAST(r.revision AS TEXT), '', NULL, ''
FROM protocol_responses r JOIN protocols p ON p.id = r.protocol_id;
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT t.organisation_id, (t.due_on::timestamp AT TIME ZONE 'UTC'), 'protocols', 'task_due', t.protocol_id, t.id, FALSE, p.number, t.description, '', NULL, ''
FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id WHERE t.state = 'open';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT t.organisation_id, t.updated_at, 'protocols', 'task_done', t.protocol_id, t.id, FALSE, p.number, t.description, '', NULL, ''
FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id WHERE t.state = 'done';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT NULL, updated_at, 'podpora', 'patch_published', id, id, FALSE, build || ' ' || title, released_on::text, '', NULL, ''
FROM patches WHERE state <> 'draft' AND visibility = 'all';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT po.organisation_id, p.updated_at, 'podpora', 'patch_published', p.id, p.id, FALSE, p.build || ' ' || p.title, p.released_on::text, '', NULL, ''
FROM patches p JOIN patch_organisations po ON po.patch_id = p.id WHERE p.state <> 'draft' AND p.visibility = 'chosen';
INSERT INTO timeline_events (organisation_id, at, agenda, kind, record_id, source_id, staff_only, title, detail, link_agenda, link_id, link_label)
SELECT organisation_id, created_at, 'contracts', 'contract_concluded', id, id, FALSE, number, state, '', NULL, '' FROM contracts;
