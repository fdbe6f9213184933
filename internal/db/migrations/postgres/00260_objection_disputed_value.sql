-- +goose Up
-- The disputed values as they stood when an objection was raised, as a SHA-256 digest (no second
-- copy of personal data): an objection is closed as corrected only when the record has changed
-- since (QUA-3; '' for objections raised before this, and for missing records).
ALTER TABLE quality_objections ADD COLUMN disputed_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE quality_objections DROP COLUMN disputed_hash;
