-- Patches, procedures, organisations and accounts in the search index. Patches (build and
-- title, release notes) and procedures (title, body) are found by whoever may open them:
-- the scope of the query decides (a draft patch, a staff-only procedure or one chosen for
-- another organisation never reaches a customer's results). Organisations (name, IČO, DIČ,
-- address, contacts) and accounts (name, login, e-mail) are staff's alone.
-- SQLite flavour; keep identical in effect to ../postgres/0025_search_catalogue.sql.

CREATE TRIGGER search_patch_insert AFTER INSERT ON patches BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('patch', new.id, new.id, 0, new.build || ' ' || new.title, new.release_notes);
END;
CREATE TRIGGER search_patch_update AFTER UPDATE OF build, title, release_notes ON patches BEGIN
    UPDATE search_items SET title = new.build || ' ' || new.title, body = new.release_notes
    WHERE source = 'patch' AND source_id = new.id;
END;
CREATE TRIGGER search_patch_delete AFTER DELETE ON patches BEGIN
    DELETE FROM search_items WHERE source = 'patch' AND source_id = old.id;
END;

CREATE TRIGGER search_procedure_insert AFTER INSERT ON procedures BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('procedure', new.id, new.id, 0, new.title, new.body);
END;
CREATE TRIGGER search_procedure_update AFTER UPDATE OF title, body ON procedures BEGIN
    UPDATE search_items SET title = new.title, body = new.body
    WHERE source = 'procedure' AND source_id = new.id;
END;
CREATE TRIGGER search_procedure_delete AFTER DELETE ON procedures BEGIN
    DELETE FROM search_items WHERE source = 'procedure' AND source_id = old.id;
END;

CREATE TRIGGER search_organisation_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('organisation', new.id, new.id, 1, new.name,
        COALESCE(new.ico, '') || ' ' || COALESCE(new.dic, '') || ' ' || new.street || ' ' || new.city
        || ' ' || new.postal_code || ' ' || new.email || ' ' || new.phone);
END;
CREATE TRIGGER search_organisation_update AFTER UPDATE OF name, ico, dic, street, city, postal_code, email, phone ON organisations BEGIN
    UPDATE search_items SET title = new.name,
        body = COALESCE(new.ico, '') || ' ' || COALESCE(new.dic, '') || ' ' || new.street || ' ' || new.city
        || ' ' || new.postal_code || ' ' || new.email || ' ' || new.phone
    WHERE source = 'organisation' AND source_id = new.id;
END;
CREATE TRIGGER search_organisation_delete AFTER DELETE ON organisations BEGIN
    DELETE FROM search_items WHERE source = 'organisation' AND source_id = old.id;
END;

CREATE TRIGGER search_account_insert AFTER INSERT ON users BEGIN
    INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
    VALUES ('account', new.id, new.id, 1, new.display_name, new.login || ' ' || new.email);
END;
CREATE TRIGGER search_account_update AFTER UPDATE OF display_name, login, email ON users BEGIN
    UPDATE search_items SET title = new.display_name, body = new.login || ' ' || new.email
    WHERE source = 'account' AND source_id = new.id;
END;
CREATE TRIGGER search_account_delete AFTER DELETE ON users BEGIN
    DELETE FROM search_items WHERE source = 'account' AND source_id = old.id;
END;

INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'patch', id, id, 0, build || ' ' || title, release_notes FROM patches;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'procedure', id, id, 0, title, body FROM procedures;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'organisation', id, id, 1, name,
    COALESCE(ico, '') || ' ' || COALESCE(dic, '') || ' ' || street || ' ' || city || ' ' || postal_code || ' ' || email || ' ' || phone
FROM organisations;
INSERT INTO search_items (source, source_id, record_id, staff_only, title, body)
SELECT 'account', id, id, 1, display_name, login || ' ' || email FROM users;
