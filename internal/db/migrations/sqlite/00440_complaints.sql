-- +goose Up
-- Rights complaints against open data (权益投诉, OPN-5): the complaint with its evidence, the
-- complainant (shown to the provider and the authority only), the suspension it holds, the
-- working-day due day, the answer; and its steps.
CREATE TABLE open_complaints (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    entry_id         TEXT NOT NULL,
    dataset_title    TEXT NOT NULL,
    provider_org_id  TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    kind             TEXT NOT NULL,
    records          TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL,
    evidence         TEXT NOT NULL,
    complainant_name TEXT NOT NULL,
    contact          TEXT NOT NULL,
    user_id          TEXT NOT NULL DEFAULT '',
    access_hash      TEXT NOT NULL,
    state            TEXT NOT NULL,
    suspension_id    TEXT NOT NULL DEFAULT '',
    due              TEXT NOT NULL,
    escalated_at     INTEGER NOT NULL DEFAULT 0,
    answer           TEXT NOT NULL DEFAULT '',
    legal_basis      TEXT NOT NULL DEFAULT '',
    filed_at         INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX open_complaints_entry ON open_complaints(entry_id);
CREATE INDEX open_complaints_due ON open_complaints(closed_at, escalated_at, due);
CREATE INDEX open_complaints_filed ON open_complaints(filed_at);

CREATE TABLE open_complaint_events (
    id           TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL,
    at           INTEGER NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_name   TEXT NOT NULL DEFAULT '',
    event        TEXT NOT NULL,
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX open_complaint_events_complaint ON open_complaint_events(complaint_id, at);

-- +goose Down
DROP TABLE open_complaint_events;
DROP TABLE open_complaints;
