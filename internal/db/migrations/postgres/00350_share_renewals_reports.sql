-- +goose Up
-- Grants over time (SHR-4, SHR-11). A renewal (续期) is the consumer's request to keep a grant
-- past its end date, decided by the provider like a request: within the decision deadline in
-- working days, reminded and escalated like requests, and never wider than the grant (rule.go).
-- State: pending | approved | refused | withdrawn; one pending renewal per grant.
CREATE TABLE share_renewals (
    id              TEXT PRIMARY KEY,
    grant_id        TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    state           TEXT NOT NULL,
    old_end_date    TEXT NOT NULL,
    fields          TEXT NOT NULL DEFAULT '[]',
    clear_fields    TEXT NOT NULL DEFAULT '[]',
    mode            TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    requested_by_id TEXT NOT NULL DEFAULT '',
    requested_by    TEXT NOT NULL DEFAULT '',
    requested_at    BIGINT NOT NULL,
    due_date        TEXT NOT NULL DEFAULT '',
    escalated_at    BIGINT NOT NULL DEFAULT 0,
    granted_fields  TEXT NOT NULL DEFAULT '[]',
    granted_clear   TEXT NOT NULL DEFAULT '[]',
    granted_mode    TEXT NOT NULL DEFAULT '',
    granted_end     TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      BIGINT NOT NULL DEFAULT 0,
    decision_note   TEXT NOT NULL DEFAULT '',
    refuse_reason   TEXT NOT NULL DEFAULT '',
    refuse_basis    TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE INDEX share_renewals_grant ON share_renewals(grant_id, requested_at);
CREATE INDEX share_renewals_due ON share_renewals(state, due_date);
CREATE UNIQUE INDEX share_renewals_pending ON share_renewals(grant_id) WHERE state = 'pending';

-- How often a grant's consumer reports on use and effect (使用情况和效果评价周期): every N months
-- from starts_on; set at approval (default quarterly).
CREATE TABLE share_report_plans (
    grant_id     TEXT PRIMARY KEY,
    every_months INTEGER NOT NULL,
    starts_on    TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- One scheduled use report per grant and period: due | reminded | submitted | accepted |
-- questioned | overdue. report_id is the filed report (share_reports) once submitted.
CREATE TABLE share_use_reports (
    id            TEXT PRIMARY KEY,
    grant_id      TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    state         TEXT NOT NULL,
    report_id     TEXT NOT NULL DEFAULT '',
    reminded_at   BIGINT NOT NULL DEFAULT 0,
    submitted_at  BIGINT NOT NULL DEFAULT 0,
    answered_at   BIGINT NOT NULL DEFAULT 0,
    answered_by   TEXT NOT NULL DEFAULT '',
    answer_reason TEXT NOT NULL DEFAULT '',
    escalated_at  BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL,
    UNIQUE (grant_id, seq)
);
CREATE INDEX share_use_reports_due ON share_use_reports(state, due_date);

-- +goose Down
DROP TABLE share_use_reports;
DROP TABLE share_report_plans;
DROP TABLE share_renewals;
