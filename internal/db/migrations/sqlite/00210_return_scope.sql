-- +goose Up
-- Returns on demand and in scope (AGG-6, NM 18): the rows a return needs (equality filters on
-- fields; the requesting region always limits them), fields asked in clear with the
-- justification, the clear fields the decision allowed (every other field is masked per
-- grade), and the decision's working-day deadline.
ALTER TABLE ingest_returns ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
ALTER TABLE ingest_returns ADD COLUMN clear_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ingest_returns ADD COLUMN clear_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ingest_returns ADD COLUMN approved_clear TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ingest_returns ADD COLUMN due_date TEXT NOT NULL DEFAULT '';
CREATE INDEX ingest_returns_due ON ingest_returns(status, due_date);

-- +goose Down
DROP INDEX ingest_returns_due;
ALTER TABLE ingest_returns DROP COLUMN due_date;
ALTER TABLE ingest_returns DROP COLUMN approved_clear;
ALTER TABLE ingest_returns DROP COLUMN clear_reason;
ALTER TABLE ingest_returns DROP COLUMN clear_fields;
ALTER TABLE ingest_returns DROP COLUMN filters;
