-- +goose Up
-- Open plans, reviews, public demands and the reuse showcase (OPN-1, OPN-6, OPN-7).
-- Annual open plans (年度开放计划) per authority and agency, with planned entries and priorities;
-- progress is computed from the catalog and the harvest identities, never stored.
CREATE TABLE open_plans (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, year)
);
CREATE TABLE open_plan_items (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL,
    entry_id    TEXT NOT NULL,
    priority    TEXT NOT NULL,
    livelihood  INTEGER NOT NULL DEFAULT 0,
    target_open TEXT NOT NULL,
    target_date TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (plan_id, entry_id)
);
CREATE INDEX open_plan_items_plan ON open_plan_items(plan_id);

-- Periodic reviews of entries not open (不予开放数据定期评估): keep, or open conditionally or
-- unconditionally through a catalog revision (the tracked change).
CREATE TABLE open_reviews (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    entry_name  TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    period      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX open_reviews_entry ON open_reviews(entry_id, created_at);
CREATE INDEX open_reviews_org ON open_reviews(org_id, created_at);

-- Public requests for data not yet open (开放需求), answered by the provider by a due day and
-- shown publicly.
CREATE TABLE open_demands (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    entry_id       TEXT NOT NULL DEFAULT '',
    org_id         TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    contact        TEXT NOT NULL,
    user_id        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    answer_kind    TEXT NOT NULL DEFAULT '',
    answer         TEXT NOT NULL DEFAULT '',
    legal_basis    TEXT NOT NULL DEFAULT '',
    answered_by    TEXT NOT NULL DEFAULT '',
    due            TEXT NOT NULL,
    due_since      BIGINT NOT NULL,
    escalated_at   BIGINT NOT NULL DEFAULT 0,
    filed_at       BIGINT NOT NULL,
    answered_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX open_demands_filed ON open_demands(filed_at);
CREATE INDEX open_demands_due ON open_demands(state, due);

-- The reuse showcase (开发利用成果): apps and research built on open data, moderated by the
-- authority, linked from the datasets they use.
CREATE TABLE open_showcase (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    url            TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL,
    submitter_name TEXT NOT NULL,
    contact        TEXT NOT NULL,
    user_id        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    moderated_by   TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    moderated_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX open_showcase_state ON open_showcase(state, created_at);
CREATE TABLE open_showcase_datasets (
    showcase_id TEXT NOT NULL,
    entry_id    TEXT NOT NULL,
    PRIMARY KEY (showcase_id, entry_id)
);
CREATE INDEX open_showcase_datasets_entry ON open_showcase_datasets(entry_id);

-- +goose Down
DROP TABLE open_showcase_datasets;
DROP TABLE open_showcase;
DROP TABLE open_demands;
DROP TABLE open_reviews;
DROP TABLE open_plan_items;
DROP TABLE open_plans;
