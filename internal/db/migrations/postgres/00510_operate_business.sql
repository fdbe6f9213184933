-- +goose Up
-- Authorized operation, its business side (OPR-1, OPR-5 … OPR-8, OPR-10, SHR-12): the use class
-- of an application (public welfare / governance free, commercial priced), product prices under
-- an approved cap, metered volume in the query log, units' feedback, the operator's reports and
-- annual disclosure, the annual third-party evaluation of the operator, and the public board
-- (needs, offers, showcase cases, policy notices). Rows here are never pruned: operation records
-- are kept at least 20 years (BTO 18), as their audit events are (retention class 20y).
ALTER TABLE opr_applications ADD COLUMN use_class TEXT NOT NULL DEFAULT 'commercial';
ALTER TABLE opr_applications ADD COLUMN conditions TEXT NOT NULL DEFAULT '';
ALTER TABLE opr_queries ADD COLUMN volume BIGINT NOT NULL DEFAULT 0;

CREATE TABLE opr_prices (
    product_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    spec        TEXT NOT NULL,
    state       TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, version)
);

CREATE TABLE opr_feedback (
    id          TEXT PRIMARY KEY,
    unit_org_id TEXT NOT NULL,
    product_id  TEXT NOT NULL,
    rating      BIGINT NOT NULL,
    quality     TEXT NOT NULL DEFAULT '',
    use_note    TEXT NOT NULL DEFAULT '',
    effect      TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX opr_feedback_product ON opr_feedback(product_id, created_at);

CREATE TABLE opr_reports (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    period    TEXT NOT NULL,
    body      TEXT NOT NULL,
    filed_by  TEXT NOT NULL,
    filed_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX opr_reports_period ON opr_reports(kind, period);

CREATE TABLE opr_evaluations (
    id          TEXT PRIMARY KEY,
    year        BIGINT NOT NULL,
    round       BIGINT NOT NULL,
    assessor    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    effective   TEXT NOT NULL,
    state       TEXT NOT NULL,
    due_date    TEXT NOT NULL DEFAULT '',
    findings    TEXT NOT NULL DEFAULT '',
    facts       TEXT NOT NULL DEFAULT '{}',
    recorded_by TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX opr_evaluations_round ON opr_evaluations(year, round);

CREATE TABLE opr_posts (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    org_id     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    state      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX opr_posts_kind ON opr_posts(kind, created_at);

-- +goose Down
DROP TABLE opr_posts;
DROP TABLE opr_evaluations;
DROP TABLE opr_reports;
DROP TABLE opr_feedback;
DROP TABLE opr_prices;
ALTER TABLE opr_queries DROP COLUMN volume;
ALTER TABLE opr_applications DROP COLUMN conditions;
ALTER TABLE opr_applications DROP COLUMN use_class;
