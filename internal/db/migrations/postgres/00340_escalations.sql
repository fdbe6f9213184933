-- +goose Up
-- Escalations (督办件, SHR-5, NM 23, NM 47): what the authority does with an overdue item on its
-- supervision board — urge with a new date, coordinate (meetings and their outcome), refer to the
-- expert committee (opinions), and close with a recorded decision. Keyed by the subject's kind and
-- id so that other supervised disputes can use the same record; one live escalation per subject.
CREATE TABLE escalations (
    id                 TEXT PRIMARY KEY,
    subject_type       TEXT NOT NULL,
    subject_id         TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL,
    authority_org_id   TEXT NOT NULL DEFAULT '',
    responsible_org_id TEXT NOT NULL DEFAULT '',
    requester_org_id   TEXT NOT NULL DEFAULT '',
    parties            TEXT NOT NULL DEFAULT '[]',
    cause              TEXT NOT NULL DEFAULT '',
    cause_en           TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL,
    live               BIGINT NOT NULL DEFAULT 1,
    due_kind           TEXT NOT NULL DEFAULT '',
    due_date           TEXT NOT NULL DEFAULT '',
    due_since          BIGINT NOT NULL DEFAULT 0,
    escalated_at       BIGINT NOT NULL DEFAULT 0,
    urge_count         BIGINT NOT NULL DEFAULT 0,
    decision           TEXT NOT NULL DEFAULT '',
    decision_basis     TEXT NOT NULL DEFAULT '',
    comply_by          TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL DEFAULT '',
    decided_at         BIGINT NOT NULL DEFAULT 0,
    opened_at          BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX escalations_live ON escalations(subject_type, subject_id) WHERE live = 1;
CREATE INDEX escalations_subject ON escalations(subject_type, subject_id);
CREATE INDEX escalations_region ON escalations(region_code, live);

CREATE TABLE escalation_meetings (
    id            TEXT PRIMARY KEY,
    escalation_id TEXT NOT NULL REFERENCES escalations(id),
    held_on       TEXT NOT NULL,
    participants  TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL DEFAULT '',
    agreed        BIGINT NOT NULL DEFAULT 0,
    recorded_by   TEXT NOT NULL DEFAULT '',
    recorder_name TEXT NOT NULL DEFAULT '',
    at            BIGINT NOT NULL
);
CREATE INDEX escalation_meetings_esc ON escalation_meetings(escalation_id, at);

CREATE TABLE escalation_opinions (
    id            TEXT PRIMARY KEY,
    escalation_id TEXT NOT NULL REFERENCES escalations(id),
    expert_id     TEXT NOT NULL,
    expert_name   TEXT NOT NULL DEFAULT '',
    org_id        TEXT NOT NULL DEFAULT '',
    opinion       TEXT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX escalation_opinions_esc ON escalation_opinions(escalation_id, at);

-- +goose Down
DROP TABLE escalation_opinions;
DROP TABLE escalation_meetings;
DROP TABLE escalations;
