-- +goose Up
-- Acceptance (验收) of an information system (CAT-10, JM 29, NM 12): recorded by the authority,
-- and only when the system passes every acceptance check (a finance-funded system has filed its
-- catalog, its entries are published and hold aggregated data, its documents are attached).
ALTER TABLE catalog_systems ADD COLUMN accepted_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE catalog_systems ADD COLUMN accepted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE catalog_systems ADD COLUMN accept_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE catalog_systems DROP COLUMN accept_note;
ALTER TABLE catalog_systems DROP COLUMN accepted_by;
ALTER TABLE catalog_systems DROP COLUMN accepted_at;
