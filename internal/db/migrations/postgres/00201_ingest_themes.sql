-- +goose Up
-- Subject and thematic databases (主题库/专题库, AGG-4, NM 18) that the authority defines across
-- agencies' entries, fused by one identifier like the base databases.
CREATE TABLE ingest_themes (
    code        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,            -- subject | thematic
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    key_kind    TEXT NOT NULL,            -- the identifier a lookup matches
    entries     TEXT NOT NULL,            -- JSON list of catalog entry ids
    region_code TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE ingest_themes;
