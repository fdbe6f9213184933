-- +goose Up
-- Harvesting (item 7 of the opening issue): the datasets that have ever been open, under the
-- identifier and name they were first opened with (they never change, even when the entry is
-- renamed), and a tombstone (state 'deleted', when and why) once they stop being open, so that
-- CKAN and DCAT harvesters learn of withdrawals. harvest_changes is the change log the Atom feeds
-- are written from.
CREATE TABLE harvest_datasets (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    org_id        TEXT NOT NULL DEFAULT '',
    first_open_at BIGINT NOT NULL,
    state         TEXT NOT NULL,
    withdrawn_at  BIGINT NOT NULL DEFAULT 0,
    reason        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE harvest_changes (
    id         TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 0,
    title      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX harvest_changes_dataset ON harvest_changes(dataset_id, at);
CREATE INDEX harvest_changes_at ON harvest_changes(at);

-- +goose Down
DROP TABLE harvest_changes;
DROP TABLE harvest_datasets;
