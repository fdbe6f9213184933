-- +goose Up
-- How far the embedded backend's audit write-ahead spool (审计预写日志) has been inserted: every
-- spooled record before offset spool_off of segment spool_seg is in audit_log. Updated in the
-- same transaction as the records, so a restart inserts each spooled record exactly once.
-- spool_id pairs the database with its spool directory (the same value is in its DB-ID file).
ALTER TABLE audit_head ADD COLUMN spool_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN spool_seg BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN spool_off BIGINT NOT NULL DEFAULT 0;

-- Searches by action are prefix matches (LIKE 'share.gateway.%'), which this index does not
-- serve; it only cost every insert a b-tree write.
DROP INDEX audit_action;

-- +goose Down
CREATE INDEX audit_action ON audit_log(action, at);
ALTER TABLE audit_head DROP COLUMN spool_off;
ALTER TABLE audit_head DROP COLUMN spool_seg;
ALTER TABLE audit_head DROP COLUMN spool_id;
