-- +goose Up
-- Annual assessment of agencies (年度考核评价, SUP-3). A plan is one region's assessment of one
-- year: its indicators and weights (JSON), its state (draft → reviewed → published) and, once
-- computed, each agency's score per indicator, its total, and every fact row the score was
-- computed from (assess_facts: the source table and row id, and whether it counted for or
-- against), so that each number can be traced to the platform's own records.
CREATE TABLE assess_plans (
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL,
    year         INTEGER NOT NULL,
    title        TEXT NOT NULL,
    indicators   TEXT NOT NULL,               -- JSON [{"code":"catalog","weight":15}, …]
    state        TEXT NOT NULL,               -- draft, reviewed, published
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    computed_at  BIGINT NOT NULL DEFAULT 0,
    reviewed_by  TEXT NOT NULL DEFAULT '',
    reviewed_at  BIGINT NOT NULL DEFAULT 0,
    published_by TEXT NOT NULL DEFAULT '',
    published_at BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    UNIQUE (region_code, year)
);

CREATE TABLE assess_scores (
    plan_id   TEXT NOT NULL REFERENCES assess_plans(id),
    org_id    TEXT NOT NULL,
    indicator TEXT NOT NULL,
    weight    DOUBLE PRECISION NOT NULL,
    good      INTEGER NOT NULL DEFAULT 0,     -- facts that counted for
    facts     INTEGER NOT NULL DEFAULT 0,     -- facts considered
    score     DOUBLE PRECISION NOT NULL,                  -- 0–100
    PRIMARY KEY (plan_id, org_id, indicator)
);

CREATE TABLE assess_totals (
    plan_id  TEXT NOT NULL REFERENCES assess_plans(id),
    org_id   TEXT NOT NULL,
    org_name TEXT NOT NULL,
    total    DOUBLE PRECISION NOT NULL,
    rank     INTEGER NOT NULL,
    PRIMARY KEY (plan_id, org_id)
);

CREATE TABLE assess_facts (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES assess_plans(id),
    org_id       TEXT NOT NULL,
    indicator    TEXT NOT NULL,
    source_table TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    good         INTEGER NOT NULL,
    value        DOUBLE PRECISION NOT NULL DEFAULT 0,
    label        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assess_facts_org ON assess_facts(plan_id, org_id, indicator);

-- +goose Down
DROP TABLE assess_facts;
DROP TABLE assess_totals;
DROP TABLE assess_scores;
DROP TABLE assess_plans;
