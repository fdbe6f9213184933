-- +goose Up
-- Data assets, market records and regulated units (MKT-1 … MKT-4, OPR-11): the region's data
-- asset register with certificate numbers, separated rights (三权分置) with their history,
-- quality and value assessments of products, listings, trades, reviews, brokers and service
-- organizations, and the reports of regulated units with the authority's letters.
CREATE TABLE mkt_assets (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    org_name       TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    name           TEXT NOT NULL,
    entry_id       TEXT NOT NULL DEFAULT '',
    product_id     TEXT NOT NULL DEFAULT '',
    volume         TEXT NOT NULL DEFAULT '',
    frequency      TEXT NOT NULL DEFAULT '',
    quality        REAL NOT NULL DEFAULT -1,
    quality_source TEXT NOT NULL DEFAULT '',
    cost           TEXT NOT NULL DEFAULT '',
    usage          TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    cert_no        TEXT,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    reviewed_by    TEXT NOT NULL DEFAULT '',
    reviewed_at    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX mkt_assets_cert ON mkt_assets(cert_no);
CREATE INDEX mkt_assets_org ON mkt_assets(org_id, created_at);
CREATE INDEX mkt_assets_region ON mkt_assets(region_code, state);

CREATE TABLE mkt_cert_seq (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);

CREATE TABLE mkt_rights (
    id            TEXT PRIMARY KEY,
    object_kind   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    object_name   TEXT NOT NULL,
    right_kind    TEXT NOT NULL,
    holder_org_id TEXT NOT NULL,
    holder_name   TEXT NOT NULL,
    basis_kind    TEXT NOT NULL,
    basis_ref     TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    state         TEXT NOT NULL,
    prev_id       TEXT NOT NULL DEFAULT '',
    next_id       TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL,
    ended_at      INTEGER NOT NULL DEFAULT 0,
    end_note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mkt_rights_object ON mkt_rights(object_kind, object_id, right_kind, state);
CREATE INDEX mkt_rights_holder ON mkt_rights(holder_org_id, state);

CREATE TABLE mkt_assessments (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL,
    timeliness   REAL NOT NULL DEFAULT -1,
    time_span    INTEGER NOT NULL DEFAULT -1,
    coverage     INTEGER NOT NULL DEFAULT -1,
    completeness REAL NOT NULL DEFAULT -1,
    kind         TEXT NOT NULL DEFAULT '',
    level        TEXT NOT NULL DEFAULT '',
    mining       TEXT NOT NULL DEFAULT '',
    sources      TEXT NOT NULL DEFAULT '{}',
    note         TEXT NOT NULL DEFAULT '',
    assessor     TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX mkt_assessments_product ON mkt_assessments(product_id, at);

CREATE TABLE mkt_listings (
    id               TEXT PRIMARY KEY,
    product_id       TEXT NOT NULL,
    product_name     TEXT NOT NULL,
    provider_org_id  TEXT NOT NULL,
    provider_name    TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    right_id         TEXT NOT NULL,
    source_statement TEXT NOT NULL,
    price_note       TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    listed_by        TEXT NOT NULL,
    listed_at        INTEGER NOT NULL,
    delisted_at      INTEGER NOT NULL DEFAULT 0,
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mkt_listings_state ON mkt_listings(state, listed_at);

CREATE TABLE mkt_brokers (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL,
    person        TEXT NOT NULL,
    scope         TEXT NOT NULL DEFAULT '',
    region_code   TEXT NOT NULL,
    state         TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    registered_by TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX mkt_brokers_code ON mkt_brokers(credit_code);

CREATE TABLE mkt_trades (
    id                 TEXT PRIMARY KEY,
    listing_id         TEXT NOT NULL,
    product_id         TEXT NOT NULL,
    product_name       TEXT NOT NULL,
    region_code        TEXT NOT NULL,
    seller_org_id      TEXT NOT NULL,
    seller_name        TEXT NOT NULL,
    seller_credit_code TEXT NOT NULL,
    seller_person      TEXT NOT NULL,
    buyer_org_id       TEXT NOT NULL,
    buyer_name         TEXT NOT NULL,
    buyer_credit_code  TEXT NOT NULL,
    buyer_person       TEXT NOT NULL,
    broker_id          TEXT NOT NULL DEFAULT '',
    price              TEXT NOT NULL,
    scope              TEXT NOT NULL,
    period_from        TEXT NOT NULL,
    period_to          TEXT NOT NULL,
    delivery           TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    recorded_at        INTEGER NOT NULL
);
CREATE INDEX mkt_trades_listing ON mkt_trades(listing_id, recorded_at);
CREATE INDEX mkt_trades_broker ON mkt_trades(broker_id);

CREATE TABLE mkt_reviews (
    id          TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    trade_id    TEXT NOT NULL,
    rating      INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    by_org_id   TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (target_kind, target_id, trade_id, by_org_id)
);
CREATE INDEX mkt_reviews_target ON mkt_reviews(target_kind, target_id);

CREATE TABLE mkt_reports (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    region_code TEXT NOT NULL,
    unit_role   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    state       TEXT NOT NULL,
    filed_by    TEXT NOT NULL,
    filed_at    INTEGER NOT NULL,
    answered_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mkt_reports_org ON mkt_reports(org_id, filed_at);

CREATE TABLE mkt_letters (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    org_name     TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    report_id    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL,
    days         INTEGER NOT NULL DEFAULT 0,
    deadline     TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    overdue      INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT '',
    issued_by    TEXT NOT NULL,
    issued_at    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX mkt_letters_org ON mkt_letters(org_id, state);
CREATE INDEX mkt_letters_due ON mkt_letters(state, deadline);

CREATE TABLE mkt_events (
    id          TEXT PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    event       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mkt_events_object ON mkt_events(object_type, object_id, at);

-- +goose Down
DROP TABLE mkt_events;
DROP TABLE mkt_letters;
DROP TABLE mkt_reports;
DROP TABLE mkt_reviews;
DROP TABLE mkt_trades;
DROP TABLE mkt_brokers;
DROP TABLE mkt_listings;
DROP TABLE mkt_assessments;
DROP TABLE mkt_rights;
DROP TABLE mkt_cert_seq;
DROP TABLE mkt_assets;
