-- Patches, procedures, organisations and accounts in the search index. Patches (build and
-- title, release notes) and procedures (title, body) are found by whoever may open them:
-- the scope of the query decides (a draft patch, a staff-only procedure or one chosen for
-- another organisation never reaches a customer's results). Organisations (name, IČO, DIČ,
-- address, contacts) and accounts (name, login, e-mail) are staff's alone.
-- PostgreSQL flavour; keep identical in effect to ../sqlite/0025_search_catalogue.sql.

-- One trigger function for the four: the text of a row per table.
CREATE FUNCTION search_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind TEXT := CASE TG_TABLE_NAME WHEN 'patches' THEN 'patch' WHEN 'procedures' THEN 'procedure'
        WHEN 'organisations' THEN 'organisation' ELSE 'account' END;
    item_title TEXT;
    item_body TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_items WHERE source = kind AND source_id = OLD.id;
        RETURN NULL;
    END IF;
    IF kind = 'patch' THEN
        item_title := NEW.build || ' ' || NEW.title;
        item_body := NEW.release_notes;
    ELSIF kind = 'procedure' THEN
        item_title := NEW.title;
        item_body := NEW.body;
    ELSIF kind = 'organisation' THEN
        item_title := NEW.name;
        item_body := COALESCE(NEW.ico, '') || ' ' || COALESCE(NEW.dic, '') || ' ' || NEW.street || ' ' || NEW.city
            || ' ' || NEW.postal_code || ' ' || NEW.email || ' ' || NEW.phone;
    ELSE
        item_title := NEW.display_name;
        item_body := NEW.login || ' ' || NEW.email;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
        VALUES (kind, NEW.id, NEW.id, kind IN ('organisation', 'account'), item_title, item_body);
    ELSE
        UPDATE search_items SET title = item_title, body = item_body
        WHERE source = kind AND source_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_patch AFTER INSERT OR UPDATE OF build, title, release_notes OR DELETE
    ON patches FOR EACH ROW EXECUTE FUNCTION search_catalogue();
CREATE TRIGGER search_procedure AFTER INSERT OR UPDATE OF title, body OR DELETE
    ON procedures FOR EACH ROW EXECUTE FUNCTION search_catalogue();
CREATE TRIGGER search_organisation AFTER INSERT OR UPDATE OF name, ico, dic, street, city, postal_code, email, phone OR DELETE
    ON organisations FOR EACH ROW EXECUTE FUNCTION search_catalogue();
CREATE TRIGGER search_account AFTER INSERT OR UPDATE OF display_name, login, email OR DELETE
    ON users FOR EACH ROW EXECUTE FUNCTION search_catalogue();

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'patch', id, id, FALSE, build || ' ' || title, release_notes FROM patches;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'procedure', id, id, FALSE, title, body FROM procedures;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'organisation', id, id, TRUE, name,
    COALESCE(ico, '') || ' ' || COALESCE(dic, '') || ' ' || street || ' ' || city || ' ' || postal_code || ' ' || email || ' ' || phone
FROM organisations;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'account', id, id, TRUE, display_name, login || ' ' || email FROM users;
