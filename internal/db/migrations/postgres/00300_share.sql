-- +goose Up
-- Inter-agency sharing (共享, SHR-1 … SHR-12): requests, grants, history, deliveries, use reports,
-- credentials, call statistics, verification rate windows, demand/responsibility lists.
CREATE TABLE share_requests (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    consumer_org_id TEXT NOT NULL,
    consumer_region TEXT NOT NULL DEFAULT '',
    requester_id    TEXT NOT NULL,
    requester_name  TEXT NOT NULL DEFAULT '',
    entry_id        TEXT NOT NULL,
    entry_code      TEXT NOT NULL DEFAULT '',
    entry_name      TEXT NOT NULL DEFAULT '',
    entry_region    TEXT NOT NULL DEFAULT '',
    provider_org_id TEXT NOT NULL,
    provider_orgs   TEXT NOT NULL DEFAULT '[]',
    path            TEXT NOT NULL,
    fields          TEXT NOT NULL DEFAULT '[]',
    clear_fields    TEXT NOT NULL DEFAULT '[]',
    scenario        TEXT NOT NULL,
    purpose         TEXT NOT NULL DEFAULT '',
    legal_basis     TEXT NOT NULL DEFAULT '',
    mode            TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    commitment      TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL,
    due_date        TEXT NOT NULL DEFAULT '',
    due_kind        TEXT NOT NULL DEFAULT '',
    cross_region    INTEGER NOT NULL DEFAULT 0,
    routed_via      TEXT NOT NULL DEFAULT '',
    submitted_at    BIGINT NOT NULL,
    decide_due      TEXT NOT NULL DEFAULT '',
    decided_at      BIGINT NOT NULL DEFAULT 0,
    decided_by      TEXT NOT NULL DEFAULT '',
    decision_note   TEXT NOT NULL DEFAULT '',
    deliver_due     TEXT NOT NULL DEFAULT '',
    delivered_at    BIGINT NOT NULL DEFAULT 0,
    refuse_reason   TEXT NOT NULL DEFAULT '',
    refuse_basis    TEXT NOT NULL DEFAULT '',
    escalated_at    BIGINT NOT NULL DEFAULT 0,
    grant_id        TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE INDEX share_requests_consumer ON share_requests(consumer_org_id, submitted_at);
CREATE INDEX share_requests_provider ON share_requests(provider_org_id, state, due_date);
CREATE INDEX share_requests_due ON share_requests(state, due_date);
CREATE INDEX share_requests_entry ON share_requests(entry_id, consumer_org_id);

CREATE TABLE share_grants (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL UNIQUE REFERENCES share_requests(id),
    kind            TEXT NOT NULL,
    consumer_org_id TEXT NOT NULL,
    consumer_region TEXT NOT NULL DEFAULT '',
    provider_org_id TEXT NOT NULL,
    provider_orgs   TEXT NOT NULL DEFAULT '[]',
    entry_id        TEXT NOT NULL,
    entry_code      TEXT NOT NULL DEFAULT '',
    entry_name      TEXT NOT NULL DEFAULT '',
    entry_region    TEXT NOT NULL DEFAULT '',
    fields          TEXT NOT NULL DEFAULT '[]',
    clear_fields    TEXT NOT NULL DEFAULT '[]',
    scenario        TEXT NOT NULL,
    purpose         TEXT NOT NULL DEFAULT '',
    mode            TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_reason   TEXT NOT NULL DEFAULT '',
    rev             BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX share_grants_consumer ON share_grants(consumer_org_id, status);
CREATE INDEX share_grants_provider ON share_grants(provider_org_id, status);
CREATE INDEX share_grants_entry ON share_grants(entry_id, status);
CREATE INDEX share_grants_end ON share_grants(status, end_date);

CREATE TABLE share_events (
    id          TEXT PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    org_id      TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX share_events_object ON share_events(object_type, object_id, at);

CREATE TABLE share_deliveries (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES share_requests(id),
    grant_id     TEXT NOT NULL DEFAULT '',
    channel      TEXT NOT NULL,
    items        TEXT NOT NULL DEFAULT '',
    records      BIGINT NOT NULL DEFAULT 0,
    handed_by_id TEXT NOT NULL DEFAULT '',
    handed_by    TEXT NOT NULL DEFAULT '',
    received_by  TEXT NOT NULL DEFAULT '',
    delivered_at BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX share_deliveries_request ON share_deliveries(request_id, delivered_at);

CREATE TABLE share_reports (
    id          TEXT PRIMARY KEY,
    grant_id    TEXT NOT NULL REFERENCES share_grants(id),
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    use_text    TEXT NOT NULL,
    effect      TEXT NOT NULL,
    problems    TEXT NOT NULL DEFAULT '',
    calls       BIGINT NOT NULL DEFAULT 0,
    filed_by_id TEXT NOT NULL,
    filed_by    TEXT NOT NULL DEFAULT '',
    filed_at    BIGINT NOT NULL
);
CREATE INDEX share_reports_grant ON share_reports(grant_id, filed_at);

CREATE TABLE share_credentials (
    token_id  TEXT PRIMARY KEY,
    grant_id  TEXT NOT NULL REFERENCES share_grants(id),
    prefix    TEXT NOT NULL DEFAULT '',
    issued_by TEXT NOT NULL DEFAULT '',
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX share_credentials_grant ON share_credentials(grant_id);

CREATE TABLE share_stats (
    grant_id TEXT NOT NULL,
    day      TEXT NOT NULL,
    org_id   TEXT NOT NULL DEFAULT '',
    calls    BIGINT NOT NULL DEFAULT 0,
    records  BIGINT NOT NULL DEFAULT 0,
    denied   BIGINT NOT NULL DEFAULT 0,
    last_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grant_id, day)
);
CREATE INDEX share_stats_day ON share_stats(day, org_id);

CREATE TABLE share_rate (
    grant_id TEXT NOT NULL,
    win      TEXT NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    expires  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grant_id, win)
);

CREATE TABLE share_demands (
    id               TEXT PRIMARY KEY,
    requester_org_id TEXT NOT NULL,
    requester_id     TEXT NOT NULL,
    requester_name   TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    fields           TEXT NOT NULL DEFAULT '[]',
    scenario         TEXT NOT NULL,
    purpose          TEXT NOT NULL DEFAULT '',
    legal_basis      TEXT NOT NULL DEFAULT '',
    suggested_org_id TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    assigned_org_id  TEXT NOT NULL DEFAULT '',
    due_date         TEXT NOT NULL DEFAULT '',
    due_kind         TEXT NOT NULL DEFAULT '',
    review_note      TEXT NOT NULL DEFAULT '',
    answer_due       TEXT NOT NULL DEFAULT '',
    complete_due     TEXT NOT NULL DEFAULT '',
    named_date       BIGINT NOT NULL DEFAULT 0,
    answer_note      TEXT NOT NULL DEFAULT '',
    refuse_reason    TEXT NOT NULL DEFAULT '',
    refuse_basis     TEXT NOT NULL DEFAULT '',
    result_entry     TEXT NOT NULL DEFAULT '',
    result_note      TEXT NOT NULL DEFAULT '',
    escalated_at     BIGINT NOT NULL DEFAULT 0,
    submitted_at     BIGINT NOT NULL,
    assigned_at      BIGINT NOT NULL DEFAULT 0,
    answered_at      BIGINT NOT NULL DEFAULT 0,
    completed_at     BIGINT NOT NULL DEFAULT 0,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX share_demands_requester ON share_demands(requester_org_id, submitted_at);
CREATE INDEX share_demands_assigned ON share_demands(assigned_org_id, state, due_date);
CREATE INDEX share_demands_due ON share_demands(state, due_date);

-- +goose Down
DROP TABLE share_demands; DROP TABLE share_rate; DROP TABLE share_stats; DROP TABLE share_credentials;
DROP TABLE share_reports; DROP TABLE share_deliveries; DROP TABLE share_events; DROP TABLE share_grants;
DROP TABLE share_requests;
