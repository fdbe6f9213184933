-- +goose Up
-- Sanctions (处罚：责令整改, SUP-1): a rectification order to a data user — an agency or an
-- application unit (subject_kind org) or a single key holder (subject_kind user) — with a
-- deadline in working days. While it is open or its rectification report awaits a decision,
-- every API key of the subject is refused on its next request; accepted, access is restored;
-- not rectified by the deadline (or terminated by the authority), the subject's keys and share
-- grants are revoked.
CREATE TABLE sanctions (
    id            TEXT PRIMARY KEY,
    subject_kind  TEXT NOT NULL,               -- org or user
    subject_id    TEXT NOT NULL,
    subject_name  TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    ground        TEXT NOT NULL,               -- no_safeguards, serious_violation, beyond_scope, illegal_gain
    reason        TEXT NOT NULL,
    state         TEXT NOT NULL,               -- open, reported, lifted, terminated
    days          INTEGER NOT NULL,
    deadline      TEXT NOT NULL,               -- YYYY-MM-DD, the last working day to rectify
    issued_by     TEXT NOT NULL,
    issued_at     BIGINT NOT NULL,
    report        TEXT NOT NULL DEFAULT '',
    reported_at   BIGINT NOT NULL DEFAULT 0,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    BIGINT NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);
CREATE INDEX sanctions_subject ON sanctions(subject_kind, subject_id);
CREATE INDEX sanctions_state ON sanctions(state, deadline);

CREATE TABLE sanction_events (
    id           TEXT PRIMARY KEY,
    sanction_id  TEXT NOT NULL REFERENCES sanctions(id),
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    event        TEXT NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sanction_events_sanction ON sanction_events(sanction_id, at);

-- +goose Down
DROP TABLE sanction_events;
DROP TABLE sanctions;
