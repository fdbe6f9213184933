-- +goose Up
-- Security operation records (安全运营记录, SEC-6, SEC-9): security checks, risk assessments,
-- emergency plans and drills, incidents and third-party service providers, each with an owner
-- and a due date in working days; incidents are also opened by the platform from its own
-- signals (signal, signal_key: one incident per signal occurrence).
CREATE TABLE security_records (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,              -- check, risk_assessment, emergency_plan, drill, incident, provider
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    region_code  TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',   -- username of the person responsible
    state        TEXT NOT NULL,              -- open, closed
    severity     TEXT NOT NULL DEFAULT '',   -- incidents: low, medium, high
    due          TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD
    notify_duty  INTEGER NOT NULL DEFAULT 0, -- incidents: must be reported to the cyberspace and public security authorities
    signal       TEXT NOT NULL DEFAULT '',   -- platform-opened: the signal
    signal_key   TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    closed_by    TEXT NOT NULL DEFAULT '',
    closed_at    BIGINT NOT NULL DEFAULT 0,
    closing_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_records_state ON security_records(state, kind, due);
CREATE UNIQUE INDEX security_records_signal ON security_records(signal_key) WHERE signal_key <> '';

-- +goose Down
DROP TABLE security_records;
