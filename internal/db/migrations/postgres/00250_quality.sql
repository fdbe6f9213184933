-- +goose Up
-- Quality (数据质量, QUA-1…QUA-3): configurable rules per entry, correction tasks (整改任务) with
-- their problem rows, quality scores per load / per agency / per day, objections (异议) and one
-- history table for the state machines of tasks and objections.
CREATE TABLE quality_rules (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    dimension   TEXT NOT NULL,
    params      TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    blocking    INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX quality_rules_name ON quality_rules(entry_id, name);

CREATE TABLE quality_tasks (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    entry_name  TEXT NOT NULL DEFAULT '',
    org_id      TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 0,
    state       TEXT NOT NULL,
    due         TEXT NOT NULL,
    rows_total  INTEGER NOT NULL DEFAULT 0,
    rows_open   INTEGER NOT NULL DEFAULT 0,
    untracked   INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    closed_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX quality_tasks_entry ON quality_tasks(entry_id, state);
CREATE INDEX quality_tasks_org ON quality_tasks(org_id, state);
CREATE INDEX quality_tasks_state ON quality_tasks(state, due);

CREATE TABLE quality_task_rows (
    task_id          TEXT NOT NULL REFERENCES quality_tasks(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    entry_id         TEXT NOT NULL,
    record_key       TEXT NOT NULL,
    field            TEXT NOT NULL,
    rule             TEXT NOT NULL,
    rule_id          TEXT NOT NULL DEFAULT '',
    dimension        TEXT NOT NULL,
    line             INTEGER NOT NULL DEFAULT 0,
    message_zh       TEXT NOT NULL DEFAULT '',
    message_en       TEXT NOT NULL DEFAULT '',
    masked_value     TEXT NOT NULL DEFAULT '',
    fingerprint      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'open',
    fails            INTEGER NOT NULL DEFAULT 1,
    last_version     BIGINT NOT NULL DEFAULT 0,
    resolved_version BIGINT NOT NULL DEFAULT 0,
    resolved_at      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, seq)
);
CREATE UNIQUE INDEX quality_task_rows_problem ON quality_task_rows(task_id, record_key, field, rule);
CREATE INDEX quality_task_rows_open ON quality_task_rows(entry_id, status, record_key);

CREATE TABLE quality_load_scores (
    entry_id     TEXT NOT NULL,
    version      BIGINT NOT NULL,
    org_id       TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    rows_checked BIGINT NOT NULL DEFAULT 0,
    problems     BIGINT NOT NULL DEFAULT 0,
    completeness DOUBLE PRECISION NOT NULL,
    accuracy     DOUBLE PRECISION NOT NULL,
    consistency  DOUBLE PRECISION NOT NULL,
    timeliness   DOUBLE PRECISION NOT NULL,
    availability DOUBLE PRECISION NOT NULL,
    total        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (entry_id, version)
);
CREATE INDEX quality_load_scores_at ON quality_load_scores(entry_id, at);
CREATE INDEX quality_load_scores_org ON quality_load_scores(org_id, at);

CREATE TABLE quality_org_scores (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    entry_id     TEXT NOT NULL DEFAULT '',
    version      BIGINT NOT NULL DEFAULT 0,
    at           BIGINT NOT NULL,
    entries      INTEGER NOT NULL DEFAULT 0,
    penalty      DOUBLE PRECISION NOT NULL DEFAULT 0,
    completeness DOUBLE PRECISION NOT NULL,
    accuracy     DOUBLE PRECISION NOT NULL,
    consistency  DOUBLE PRECISION NOT NULL,
    timeliness   DOUBLE PRECISION NOT NULL,
    availability DOUBLE PRECISION NOT NULL,
    total        DOUBLE PRECISION NOT NULL
);
CREATE INDEX quality_org_scores_at ON quality_org_scores(org_id, at);

CREATE TABLE quality_daily_scores (
    scope        TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    day          TEXT NOT NULL,
    at           BIGINT NOT NULL,
    completeness DOUBLE PRECISION NOT NULL,
    accuracy     DOUBLE PRECISION NOT NULL,
    consistency  DOUBLE PRECISION NOT NULL,
    timeliness   DOUBLE PRECISION NOT NULL,
    availability DOUBLE PRECISION NOT NULL,
    total        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (scope, subject_id, day)
);

CREATE TABLE quality_objections (
    id               TEXT PRIMARY KEY,
    entry_id         TEXT NOT NULL,
    entry_name       TEXT NOT NULL DEFAULT '',
    record_key       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    fields           TEXT NOT NULL DEFAULT '[]',
    description      TEXT NOT NULL,
    proposed         TEXT NOT NULL DEFAULT '',
    objector_kind    TEXT NOT NULL,
    objector_user_id TEXT NOT NULL,
    objector_name    TEXT NOT NULL DEFAULT '',
    objector_org_id  TEXT NOT NULL DEFAULT '',
    provider_org_id  TEXT NOT NULL,
    region_code      TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    due              TEXT NOT NULL,
    decision         TEXT NOT NULL DEFAULT '',
    answer           TEXT NOT NULL DEFAULT '',
    answered_by      TEXT NOT NULL DEFAULT '',
    answered_at      BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX quality_objections_record ON quality_objections(entry_id, state, record_key);
CREATE INDEX quality_objections_objector ON quality_objections(objector_user_id, created_at);
CREATE INDEX quality_objections_provider ON quality_objections(provider_org_id, state);
CREATE INDEX quality_objections_state ON quality_objections(state, due);

CREATE TABLE quality_events (
    id          TEXT PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX quality_events_object ON quality_events(object_type, object_id, seq);

-- +goose Down
DROP TABLE quality_events; DROP TABLE quality_objections; DROP TABLE quality_daily_scores;
DROP TABLE quality_org_scores; DROP TABLE quality_load_scores; DROP TABLE quality_task_rows;
DROP TABLE quality_tasks; DROP TABLE quality_rules;
