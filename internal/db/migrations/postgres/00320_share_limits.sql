-- +goose Up
-- Use limits of a grant (使用限制, SHR-10), set at approval: calls per minute, calls per calendar
-- day, and (for API grants) the fields a query may filter on. A grant without a row here (granted
-- before limits existed) gets the platform's defaults; 0 and '' mean "the default" too.
CREATE TABLE share_grant_limits (
    grant_id        TEXT PRIMARY KEY REFERENCES share_grants(id),
    rate_per_minute BIGINT NOT NULL DEFAULT 0,
    daily_quota     BIGINT NOT NULL DEFAULT 0,
    filterable      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    set_by          TEXT NOT NULL DEFAULT '',
    set_at          BIGINT NOT NULL DEFAULT 0
);

-- Calls made outside working hours, and when the day's unusual-volume alert went out (once per
-- grant and day).
ALTER TABLE share_stats ADD COLUMN offhours BIGINT NOT NULL DEFAULT 0;
ALTER TABLE share_stats ADD COLUMN alerted_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE share_stats DROP COLUMN alerted_at;
ALTER TABLE share_stats DROP COLUMN offhours;
DROP TABLE share_grant_limits;
