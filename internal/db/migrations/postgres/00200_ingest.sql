-- +goose Up
-- Aggregation (数据归集, docs/requirements.md AGG-1 … AGG-6). Each catalog entry's data lives in its own table
-- ing_<entry id without hyphens> (one TEXT column per field plus _from/_to version bounds),
-- created by the ingest service; the tables below hold the bookkeeping.

-- One row per entry that has (or had) data: its table, current version and settings.
CREATE TABLE ingest_tables (
    entry_id        TEXT PRIMARY KEY,
    table_name      TEXT NOT NULL UNIQUE,
    columns         TEXT NOT NULL DEFAULT '[]',
    key_fields      TEXT NOT NULL DEFAULT '[]',
    key_column      TEXT NOT NULL DEFAULT '',
    bases           TEXT NOT NULL DEFAULT '[]',
    region_code     TEXT NOT NULL DEFAULT '',
    org_id          TEXT NOT NULL DEFAULT '',
    source_org_id   TEXT NOT NULL DEFAULT '',
    frequency       TEXT NOT NULL DEFAULT '',
    next_version    BIGINT NOT NULL DEFAULT 1,
    current_version BIGINT NOT NULL DEFAULT 0,
    current_load_id TEXT NOT NULL DEFAULT '',
    row_count       BIGINT NOT NULL DEFAULT 0,
    last_load_at    BIGINT NOT NULL DEFAULT 0,
    retention       BIGINT NOT NULL DEFAULT 5,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ingest_tables_org ON ingest_tables(org_id);

-- Every load attempt: committed ones are versions; rejected, failed and cancelled ones leave
-- only this row (and their report), never data.
CREATE TABLE ingest_loads (
    id            TEXT PRIMARY KEY,
    entry_id      TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    channel       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    partial       INTEGER NOT NULL DEFAULT 0,
    format        TEXT NOT NULL DEFAULT '',
    encoding      TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL DEFAULT '',
    batch_id      TEXT NOT NULL DEFAULT '',
    source_id     TEXT NOT NULL DEFAULT '',
    rows_read     BIGINT NOT NULL DEFAULT 0,
    rows_loaded   BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_deleted  BIGINT NOT NULL DEFAULT 0,
    rows_total    BIGINT NOT NULL DEFAULT 0,
    checksum      TEXT NOT NULL DEFAULT '',
    score         BIGINT NOT NULL DEFAULT 0,
    actor_id      TEXT NOT NULL DEFAULT '',
    actor_name    TEXT NOT NULL DEFAULT '',
    org_id        TEXT NOT NULL DEFAULT '',
    started_at    BIGINT NOT NULL,
    finished_at   BIGINT NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    pinned        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ingest_loads_entry ON ingest_loads(entry_id, started_at);
CREATE INDEX ingest_loads_org ON ingest_loads(org_id, started_at);

-- The quality report of a load (JSON), shown on the report page.
CREATE TABLE ingest_reports (
    load_id  TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL,
    report   TEXT NOT NULL
);

-- Pushed batch ids: written in the load's transaction, so a retried batch is answered from here.
CREATE TABLE ingest_batches (
    entry_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    load_id  TEXT NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (entry_id, batch_id)
);

-- Registered source databases (库表 channel): DSN encrypted with AES-256-GCM.
CREATE TABLE ingest_sources (
    id              TEXT PRIMARY KEY,
    entry_id        TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    name            TEXT NOT NULL,
    driver          TEXT NOT NULL,
    dsn_enc         TEXT NOT NULL,
    dsn_hint        TEXT NOT NULL DEFAULT '',
    query           TEXT NOT NULL,
    mode            TEXT NOT NULL,
    watermark_col   TEXT NOT NULL DEFAULT '',
    watermark       TEXT NOT NULL DEFAULT '',
    every_ms        BIGINT NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    failures        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    last_pull_at    BIGINT NOT NULL DEFAULT 0,
    last_ok_at      BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX ingest_sources_entry ON ingest_sources(entry_id);
CREATE INDEX ingest_sources_due ON ingest_sources(active, next_attempt_at);

-- Late entries flagged by the freshness job (AGG-5): one row per entry and missed due day.
CREATE TABLE ingest_late (
    entry_id    TEXT NOT NULL,
    due_day     TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    flagged_at  BIGINT NOT NULL,
    resolved_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, due_day)
);
CREATE INDEX ingest_late_org ON ingest_late(org_id, flagged_at);

-- Returns of data from an upper level to a lower region (数据回流, AGG-6).
CREATE TABLE ingest_returns (
    id             TEXT PRIMARY KEY,
    entry_id       TEXT NOT NULL,
    from_region    TEXT NOT NULL,
    to_region      TEXT NOT NULL,
    requester_id   TEXT NOT NULL,
    requester_name TEXT NOT NULL DEFAULT '',
    requester_org  TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    legal_basis    TEXT NOT NULL DEFAULT '',
    fields         TEXT NOT NULL DEFAULT '[]',
    status         TEXT NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     BIGINT NOT NULL DEFAULT 0,
    reason         TEXT NOT NULL DEFAULT '',
    load_id        TEXT NOT NULL DEFAULT '',
    version        BIGINT NOT NULL DEFAULT 0,
    rows_count     BIGINT NOT NULL DEFAULT 0,
    checksum       TEXT NOT NULL DEFAULT '',
    end_date       TEXT NOT NULL DEFAULT '',
    downloads      BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);
CREATE INDEX ingest_returns_to ON ingest_returns(to_region, created_at);
CREATE INDEX ingest_returns_entry ON ingest_returns(entry_id);

-- +goose Down
DROP TABLE ingest_returns; DROP TABLE ingest_late; DROP TABLE ingest_sources; DROP TABLE ingest_batches;
DROP TABLE ingest_reports; DROP TABLE ingest_loads; DROP TABLE ingest_tables;
