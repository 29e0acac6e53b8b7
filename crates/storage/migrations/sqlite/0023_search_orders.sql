-- Customization orders in the search index: number and title as the title; the requirement
-- and the scope of every quote revision as the body; the conversation like that of support
-- documents (public replies for everyone who sees the order, internal notes for staff).
-- SQLite flavour; keep identical in effect to ../postgres/0023_search_orders.sql.

CREATE TRIGGER search_order_insert AFTER INSERT ON customization_orders BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('customization_order', new.id, new.id, 0, new.number || ' ' || new.title, new.description);
END;
CREATE TRIGGER search_order_update AFTER UPDATE OF number, title, description ON customization_orders BEGIN
    UPDATE search_items SET title = new.number || ' ' || new.title,
        body = new.description || COALESCE((SELECT ' ' || group_concat(q.scope, ' ') FROM order_quotes q WHERE q.order_id = new.id), '')
    WHERE source = 'customization_order' AND source_id = new.id;
END;
CREATE TRIGGER search_order_delete AFTER DELETE ON customization_orders BEGIN
    DELETE FROM search_items WHERE source = 'customization_order' AND source_id = old.id;
END;
CREATE TRIGGER search_order_quote_insert AFTER INSERT ON order_quotes BEGIN
    UPDATE search_items SET
        body = (SELECT c.description FROM customization_orders c WHERE c.id = new.order_id)
            || COALESCE((SELECT ' ' || group_concat(q.scope, ' ') FROM order_quotes q WHERE q.order_id = new.order_id), '')
    WHERE source = 'customization_order' AND source_id = new.order_id;
END;

CREATE TRIGGER search_order_comment_insert AFTER INSERT ON order_comments BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('order_comment', new.id, new.order_id, new.is_internal, '', new.body);
END;
CREATE TRIGGER search_order_comment_update AFTER UPDATE OF body, is_internal ON order_comments BEGIN
    UPDATE search_items SET body = new.body, staff_only = new.is_internal
    WHERE source = 'order_comment' AND source_id = new.id;
END;
CREATE TRIGGER search_order_comment_delete AFTER DELETE ON order_comments BEGIN
    DELETE FROM search_items WHERE source = 'order_comment' AND source_id = old.id;
END;

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'customization_order', c.id, c.id, 0, c.number || ' ' || c.title,
       c.description || COALESCE((SELECT ' ' || group_concat(q.scope, ' ') FROM order_quotes q WHERE q.order_id = c.id), '')
FROM customization_orders c;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'order_comment', id, order_id, is_internal, '', body FROM order_comments;
