-- +goose Up
-- Encryption at rest of top-sensitivity items (SEC-1): the fields of an entry's data table whose
-- values are stored sealed under the key ring (internal/keys, deterministic AES-256-GCM or
-- SM4-GCM), as a JSON array; a field once sealed stays listed, so values sealed before a change of
-- grading are still opened on read.
ALTER TABLE ingest_tables ADD COLUMN sealed TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE ingest_tables DROP COLUMN sealed;
