-- +goose Up
-- Conditional-opening applications (有条件开放申请, OPN-3): a registered person or organization
-- asks for a conditionally open dataset with scenario, items, method, period and security
-- measures; the provider approves (narrowing only) or refuses with reason and legal basis by a
-- working-day due day; the applicant signs the use agreement (its version and SHA-256 digest
-- are kept) and receives an open API key limited to the dataset, the approved items and period.
CREATE TABLE open_applications (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    entry_id          TEXT NOT NULL,
    dataset_title     TEXT NOT NULL,
    provider_org_id   TEXT NOT NULL,
    region_code       TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    applicant_kind    TEXT NOT NULL,
    applicant_name    TEXT NOT NULL,
    applicant_org_id  TEXT NOT NULL DEFAULT '',
    contact           TEXT NOT NULL,
    scenario          TEXT NOT NULL,
    fields            TEXT NOT NULL,
    method            TEXT NOT NULL,
    end_date          TEXT NOT NULL,
    security          TEXT NOT NULL,
    state             TEXT NOT NULL,
    due               TEXT NOT NULL DEFAULT '',
    due_since         BIGINT NOT NULL DEFAULT 0,
    escalated_at      BIGINT NOT NULL DEFAULT 0,
    approved_fields   TEXT NOT NULL DEFAULT '[]',
    approved_method   TEXT NOT NULL DEFAULT '',
    approved_end      TEXT NOT NULL DEFAULT '',
    approved_use      TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    legal_basis       TEXT NOT NULL DEFAULT '',
    decided_by        TEXT NOT NULL DEFAULT '',
    decided_at        BIGINT NOT NULL DEFAULT 0,
    agreement_version TEXT NOT NULL DEFAULT '',
    agreement_digest  TEXT NOT NULL DEFAULT '',
    signed_at         BIGINT NOT NULL DEFAULT 0,
    key_id            TEXT NOT NULL DEFAULT '',
    filed_at          BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    closed_at         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX open_applications_user ON open_applications(user_id, filed_at);
CREATE INDEX open_applications_entry ON open_applications(entry_id);
CREATE INDEX open_applications_due ON open_applications(state, due);
CREATE INDEX open_applications_filed ON open_applications(filed_at);

CREATE TABLE open_application_events (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL DEFAULT '',
    actor_name     TEXT NOT NULL DEFAULT '',
    event          TEXT NOT NULL,
    from_state     TEXT NOT NULL DEFAULT '',
    to_state       TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX open_application_events_app ON open_application_events(application_id, at);

-- +goose Down
DROP TABLE open_application_events;
DROP TABLE open_applications;
