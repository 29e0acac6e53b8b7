-- Customization orders in the search index: number and title as the title; the requirement
-- and the scope of every quote revision as the body; the conversation like that of support
-- documents (public replies for everyone who sees the order, internal notes for staff).
-- PostgreSQL flavour; keep identical in effect to ../sqlite/0023_search_orders.sql.

CREATE FUNCTION search_order_body(UUID) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT c.description || COALESCE((SELECT ' ' || string_agg(q.scope, ' ' ORDER BY q.revision)
        FROM order_quotes q WHERE q.order_id = c.id), '')
    FROM customization_orders c WHERE c.id = $1
$$;

CREATE FUNCTION search_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES ('customization_order', NEW.id, NEW.id, FALSE, NEW.number || ' ' || NEW.title, NEW.description);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE search_items SET title = NEW.number || ' ' || NEW.title, body = search_order_body(NEW.id)
        WHERE source = 'customization_order' AND source_id = NEW.id;
    ELSE
        DELETE FROM search_items WHERE source = 'customization_order' AND source_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_order AFTER INSERT OR UPDATE OF number, title, description OR DELETE
    ON customization_orders FOR EACH ROW EXECUTE FUNCTION search_order();

CREATE FUNCTION search_order_quote() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_items SET body = search_order_body(NEW.order_id)
    WHERE source = 'customization_order' AND source_id = NEW.order_id;
    RETURN NULL;
END $$;
CREATE TRIGGER search_order_quote AFTER INSERT ON order_quotes
    FOR EACH ROW EXECUTE FUNCTION search_order_quote();

CREATE FUNCTION search_order_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES ('order_comment', NEW.id, NEW.order_id, NEW.is_internal, '', NEW.body);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE search_items SET body = NEW.body, staff_only = NEW.is_internal
        WHERE source = 'order_comment' AND source_id = NEW.id;
    ELSE
        DELETE FROM search_items WHERE source = 'order_comment' AND source_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_order_comment AFTER INSERT OR UPDATE OF body, is_internal OR DELETE
    ON order_comments FOR EACH ROW EXECUTE FUNCTION search_order_comment();

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'customization_order', c.id, c.id, FALSE, c.number || ' ' || c.title, search_order_body(c.id)
FROM customization_orders c;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'order_comment', id, order_id, is_internal, '', body FROM order_comments;
