-- +goose Up
-- Authorized operation (授权运营, OPR-1 … OPR-10, SHR-12): views registered by providers,
-- products defined by the operator, compliance reviews and versioned releases, application units,
-- applications, versioned agreements signed by both parties, the privacy-budget ledger, the
-- query log and the cache of answers.
CREATE TABLE opr_views (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    spec        TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX opr_views_org ON opr_views(org_id);

CREATE TABLE opr_products (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    view_id          TEXT NOT NULL,
    spec             TEXT NOT NULL,
    state            TEXT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    released_version BIGINT NOT NULL DEFAULT 0,
    edited_by        TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE opr_releases (
    product_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    spec        TEXT NOT NULL,
    view_spec   TEXT NOT NULL,
    review_id   TEXT NOT NULL,
    released_by TEXT NOT NULL,
    released_at BIGINT NOT NULL,
    PRIMARY KEY (product_id, version)
);

CREATE TABLE opr_reviews (
    id             TEXT PRIMARY KEY,
    product_id     TEXT NOT NULL,
    version        BIGINT NOT NULL,
    reviewer_id    TEXT NOT NULL,
    reviewer_name  TEXT NOT NULL DEFAULT '',
    checklist      TEXT NOT NULL DEFAULT '{}',
    decision       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    expert_id      TEXT NOT NULL DEFAULT '',
    expert_opinion TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL
);
CREATE INDEX opr_reviews_product ON opr_reviews(product_id, at);

CREATE TABLE opr_units (
    org_id      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    changed_by  TEXT NOT NULL DEFAULT '',
    changed_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE opr_applications (
    id            TEXT PRIMARY KEY,
    unit_org_id   TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    scenario      TEXT NOT NULL,
    items         TEXT NOT NULL DEFAULT '[]',
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    security      TEXT NOT NULL,
    state         TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX opr_applications_unit ON opr_applications(unit_org_id, created_at);

CREATE TABLE opr_agreements (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    unit_org_id    TEXT NOT NULL,
    product_id     TEXT NOT NULL,
    version        BIGINT NOT NULL,
    body           TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    scope          TEXT NOT NULL,
    method         TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    budget_milli   BIGINT NOT NULL DEFAULT 0,
    unit_signed_by TEXT NOT NULL DEFAULT '',
    unit_signed_at BIGINT NOT NULL DEFAULT 0,
    op_signed_by   TEXT NOT NULL DEFAULT '',
    op_signed_at   BIGINT NOT NULL DEFAULT 0,
    state          TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX opr_agreements_unit ON opr_agreements(unit_org_id, product_id, state);
CREATE UNIQUE INDEX opr_agreements_version ON opr_agreements(application_id, version);

CREATE TABLE opr_ledger (
    agreement_id TEXT NOT NULL,
    view_id      TEXT NOT NULL,
    spent_milli  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agreement_id, view_id)
);

CREATE TABLE opr_queries (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL,
    version      BIGINT NOT NULL,
    agreement_id TEXT NOT NULL,
    unit_org_id  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    query_hash   TEXT NOT NULL,
    query        TEXT NOT NULL,
    cost_milli   BIGINT NOT NULL DEFAULT 0,
    cached       BIGINT NOT NULL DEFAULT 0,
    result       TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL
);
CREATE INDEX opr_queries_unit ON opr_queries(unit_org_id, at);

CREATE TABLE opr_answers (
    product_id   TEXT NOT NULL,
    version      BIGINT NOT NULL,
    data_version BIGINT NOT NULL,
    query_hash   TEXT NOT NULL,
    answer       TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (product_id, version, data_version, query_hash)
);

-- +goose Down
DROP TABLE opr_answers;
DROP TABLE opr_queries;
DROP TABLE opr_ledger;
DROP TABLE opr_agreements;
DROP TABLE opr_applications;
DROP TABLE opr_units;
DROP TABLE opr_reviews;
DROP TABLE opr_releases;
DROP TABLE opr_products;
DROP TABLE opr_views;
