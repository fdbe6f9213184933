-- +goose Up
-- Grading drives protection (分级保护, SEC-1): the authority's recorded overrides letting a core,
-- important or top-level entry be unconditionally shared (scope share) or opened (scope open).
CREATE TABLE catalog_protection_overrides (
    entry_id   TEXT NOT NULL,
    scope      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    org_id     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, scope)
);

-- +goose Down
DROP TABLE catalog_protection_overrides;
