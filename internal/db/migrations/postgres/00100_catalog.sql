-- +goose Up
-- Resource catalog (公共数据资源目录, docs/requirements.md CAT-1 … CAT-11).
CREATE TABLE catalog_entries (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    provider_org_id TEXT NOT NULL,
    source_org_id   TEXT NOT NULL DEFAULT '',
    resource_attr   TEXT NOT NULL DEFAULT '',
    topic           TEXT NOT NULL DEFAULT '',
    grade           TEXT NOT NULL DEFAULT '',
    level           BIGINT NOT NULL DEFAULT 0,
    share_type      TEXT NOT NULL DEFAULT '',
    open_type       TEXT NOT NULL DEFAULT '',
    frequency       TEXT NOT NULL DEFAULT '',
    data_form       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 0,
    live            BIGINT NOT NULL DEFAULT 0,
    data            TEXT NOT NULL,
    submitted_at    BIGINT NOT NULL DEFAULT 0,
    review_due      TEXT NOT NULL DEFAULT '',
    return_reasons  TEXT NOT NULL DEFAULT '',
    legal_change_at BIGINT NOT NULL DEFAULT 0,
    legal_change_note TEXT NOT NULL DEFAULT '',
    update_due      TEXT NOT NULL DEFAULT '',
    withdraw_reason TEXT NOT NULL DEFAULT '',
    assessed_at     BIGINT NOT NULL DEFAULT 0,
    published_at    BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    seq             BIGINT NOT NULL DEFAULT 0,
    UNIQUE (region_code, code)
);
CREATE INDEX catalog_entries_provider ON catalog_entries(provider_org_id);
CREATE INDEX catalog_entries_status ON catalog_entries(status, review_due);
CREATE INDEX catalog_entries_update_due ON catalog_entries(update_due);
CREATE INDEX catalog_entries_live ON catalog_entries(live, region_code);
CREATE INDEX catalog_entries_seq ON catalog_entries(seq);

CREATE TABLE catalog_versions (
    entry_id     TEXT NOT NULL REFERENCES catalog_entries(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    data         TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, version)
);

CREATE TABLE catalog_events (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX catalog_events_entry ON catalog_events(entry_id, at);

-- Change counter: every catalog write takes the next value inside its transaction (so values
-- follow commit order) and stamps the entry; each node's in-memory search index catches up by
-- reading entries with a higher seq.
CREATE TABLE catalog_seq (
    id  INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO catalog_seq (id, seq) VALUES (1, 0);

-- Data items claimed by the source agency of each published entry (一数一源, CAT-8): one row per
-- non-key field of the latest published version, keyed by the normalized label.
CREATE TABLE catalog_claims (
    entry_id        TEXT NOT NULL,
    field_name      TEXT NOT NULL,
    label           TEXT NOT NULL,
    label_norm      TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT '',
    source_org_id   TEXT NOT NULL,
    provider_org_id TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    PRIMARY KEY (entry_id, field_name)
);
CREATE INDEX catalog_claims_label ON catalog_claims(label_norm, source_org_id);

-- The negative list (共享负面清单, CAT-6), derived at publication: one row per published entry that
-- is not shared (field_name '') and per not-shared field of any other published entry.
CREATE TABLE catalog_negative (
    entry_id        TEXT NOT NULL,
    field_name      TEXT NOT NULL,
    label           TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    legal_basis     TEXT NOT NULL DEFAULT '',
    provider_org_id TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    PRIMARY KEY (entry_id, field_name)
);
CREATE INDEX catalog_negative_provider ON catalog_negative(provider_org_id);

CREATE TABLE catalog_sources (
    id          TEXT PRIMARY KEY,
    category    TEXT NOT NULL,
    category_en TEXT NOT NULL DEFAULT '',
    sectors     TEXT NOT NULL DEFAULT '[]',
    org_ids     TEXT NOT NULL DEFAULT '[]',
    keywords    TEXT NOT NULL DEFAULT '[]',
    basis       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);

CREATE TABLE catalog_systems (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    name           TEXT NOT NULL,
    stage          TEXT NOT NULL,
    finance_funded BIGINT NOT NULL DEFAULT 0,
    project_code   TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    entry_ids      TEXT NOT NULL DEFAULT '[]',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX catalog_systems_org ON catalog_systems(org_id);

CREATE TABLE catalog_system_docs (
    id           TEXT PRIMARY KEY,
    system_id    TEXT NOT NULL REFERENCES catalog_systems(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      BYTEA NOT NULL,
    uploaded_by  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX catalog_system_docs_system ON catalog_system_docs(system_id);

CREATE TABLE catalog_purchases (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    name        TEXT NOT NULL,
    supplier    TEXT NOT NULL,
    purpose     TEXT NOT NULL DEFAULT '',
    amount      TEXT NOT NULL DEFAULT '',
    entry_id    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  BIGINT NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX catalog_purchases_org ON catalog_purchases(org_id);

CREATE TABLE catalog_reassessments (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    UNIQUE (entry_id, due_date)
);
CREATE INDEX catalog_reassessments_org ON catalog_reassessments(org_id, outcome);

-- +goose Down
DROP TABLE catalog_reassessments; DROP TABLE catalog_purchases; DROP TABLE catalog_system_docs;
DROP TABLE catalog_systems; DROP TABLE catalog_sources; DROP TABLE catalog_claims; DROP TABLE catalog_negative; DROP TABLE catalog_seq;
DROP TABLE catalog_events; DROP TABLE catalog_versions; DROP TABLE catalog_entries;
