-- +goose Up
-- Why a grant was suspended by a catalog change (entry withdrawn, no longer shared, a granted
-- field put on the negative list, the mode no longer offered); '' for a manual suspension.
ALTER TABLE share_grants ADD COLUMN suspend_cause TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE share_grants DROP COLUMN suspend_cause;
