-- +goose Up
-- A city's or county's catalog reported to the authority one level above for review (NM 10,
-- 目录逐级报审): each report lists the entries changed since the last approved report.
CREATE TABLE catalog_level_reports (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,          -- the reporting authority
    region_code   TEXT NOT NULL,
    upper_org_id  TEXT NOT NULL,          -- the authority one level above
    status        TEXT NOT NULL,          -- submitted | approved | returned
    note          TEXT NOT NULL DEFAULT '',
    submitted_by  TEXT NOT NULL,
    submitted_at  BIGINT NOT NULL,
    due           TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    BIGINT NOT NULL DEFAULT 0,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX catalog_level_reports_org ON catalog_level_reports(org_id, submitted_at);
CREATE INDEX catalog_level_reports_upper ON catalog_level_reports(upper_org_id, status);

CREATE TABLE catalog_level_items (
    report_id   TEXT NOT NULL REFERENCES catalog_level_reports(id) ON DELETE CASCADE,
    entry_id    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    change      TEXT NOT NULL,            -- new | revised | withdrawn
    outcome     TEXT NOT NULL DEFAULT 'pending', -- pending | approved | returned
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, entry_id)
);

-- The version of each entry that the level above last approved (withdrawn: version -1).
CREATE TABLE catalog_upper_state (
    entry_id    TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    report_id   TEXT NOT NULL,
    approved_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE catalog_upper_state;
DROP TABLE catalog_level_items;
DROP TABLE catalog_level_reports;
