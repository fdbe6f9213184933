-- +goose Up
-- Product ratings (OPR-8): one rating per application unit, product and period (the calendar
-- quarter, YYYY-Qn), edited in place within the period. Earlier rows keep a period of their own.
ALTER TABLE opr_feedback ADD COLUMN period TEXT NOT NULL DEFAULT '';
ALTER TABLE opr_feedback ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE opr_feedback SET period = 'legacy-' || id WHERE period = '';
CREATE UNIQUE INDEX opr_feedback_period ON opr_feedback(unit_org_id, product_id, period);

-- +goose Down
DROP INDEX opr_feedback_period;
ALTER TABLE opr_feedback DROP COLUMN updated_at;
ALTER TABLE opr_feedback DROP COLUMN period;
