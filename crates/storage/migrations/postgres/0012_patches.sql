-- Patches of the podpora agenda: the patch with its release notes, the versions it applies
-- to, its files, the organisations chosen to see it, and the log of every download.
-- PostgreSQL flavour; keep identical to ../sqlite/0012_patches.sql.

CREATE TABLE patches (
    id                UUID PRIMARY KEY NOT NULL,
    product_id        UUID NOT NULL REFERENCES products (id),
    module            TEXT NOT NULL,
    build             TEXT NOT NULL,
    title             TEXT NOT NULL,
    release_notes     TEXT NOT NULL,
    applies_from      TEXT NOT NULL,
    applies_to        TEXT NOT NULL,
    released_on       DATE NOT NULL,
    visibility        TEXT NOT NULL CHECK (visibility IN ('all', 'chosen')),
    state             TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn')),
    withdrawal_reason TEXT NOT NULL,
    search_key        TEXT NOT NULL,
    created_by        UUID NOT NULL REFERENCES users (id),
    version           BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX patches_released_idx ON patches (released_on, id);
CREATE INDEX patches_product_idx ON patches (product_id, released_on, id);
CREATE INDEX patches_state_idx ON patches (state, released_on, id);

CREATE TABLE patch_organisations (
    patch_id        UUID NOT NULL REFERENCES patches (id) ON DELETE CASCADE,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (patch_id, organisation_id)
);
CREATE INDEX patch_organisations_organisation_idx ON patch_organisations (organisation_id, patch_id);

CREATE TABLE patch_files (
    file_id  UUID PRIMARY KEY NOT NULL REFERENCES files (id),
    patch_id UUID NOT NULL REFERENCES patches (id) ON DELETE CASCADE
);
CREATE INDEX patch_files_patch_idx ON patch_files (patch_id, file_id);

CREATE TABLE patch_downloads (
    id              UUID PRIMARY KEY NOT NULL,
    patch_id        UUID NOT NULL REFERENCES patches (id) ON DELETE CASCADE,
    file_id         UUID NOT NULL REFERENCES files (id),
    user_id         UUID NOT NULL REFERENCES users (id),
    byte_range      TEXT NOT NULL,
    address         TEXT NOT NULL,
    downloaded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX patch_downloads_patch_idx ON patch_downloads (patch_id, id);
CREATE INDEX patch_downloads_user_idx ON patch_downloads (user_id, id);

-- Support documents solved by a patch: linked by staff, shown on both records.
CREATE TABLE support_document_patches (
    document_id UUID NOT NULL REFERENCES support_documents (id) ON DELETE CASCADE,
    patch_id    UUID NOT NULL REFERENCES patches (id) ON DELETE CASCADE,
    linked_by   UUID NOT NULL REFERENCES users (id),
    linked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, patch_id)
);
CREATE INDEX support_document_patches_patch_idx ON support_document_patches (patch_id, document_id);
