-- +goose Up
-- Agency supervision (监督, SUP-2, SUP-4, SUP-5, SUP-6).
--
-- A supervision notice (督办通知 / 整改通知) to an agency, found by the platform's detectors from
-- its own facts (an overdue share approval, a late update …) or recorded by the authority by hand,
-- with a deadline in working days. open_key is "source:fact id" while the notice runs, so a
-- detector that runs again opens no second notice for the same open fact; a closed notice's
-- open_key is its own id. A notice whose deadline passed is put on the government's supervision
-- list (escalated_at). A disputed notice may be handed to the escalation and expert-committee
-- workflow (escalation_id links the 督办件, nothing is copied).
CREATE TABLE sup_notices (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    org_name      TEXT NOT NULL,
    source        TEXT NOT NULL,               -- share_approval, share_delivery, late_update, quality_fix, catalog_empty, entry_no_data, system_uncataloged, manual
    fact_type     TEXT NOT NULL DEFAULT '',     -- the table the fact is a row of
    fact_id       TEXT NOT NULL DEFAULT '',
    open_key      TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,               -- supervise (督办通知) or rectify (整改通知)
    violation     TEXT NOT NULL,               -- SUP-2 category
    title         TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,               -- open, responded, disputed, escalated, accepted, withdrawn
    days          INTEGER NOT NULL,
    deadline      TEXT NOT NULL,               -- YYYY-MM-DD, the last working day
    issued_by     TEXT NOT NULL,
    issued_at     BIGINT NOT NULL,
    response      TEXT NOT NULL DEFAULT '',
    responded_at  BIGINT NOT NULL DEFAULT 0,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    BIGINT NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    escalated_at  BIGINT NOT NULL DEFAULT 0,
    escalation_id TEXT NOT NULL DEFAULT '',
    report_id     TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);
CREATE INDEX sup_notices_org ON sup_notices(org_id, issued_at);
CREATE INDEX sup_notices_state ON sup_notices(state, deadline);
CREATE INDEX sup_notices_region ON sup_notices(region_code, issued_at);

CREATE TABLE sup_notice_events (
    id         TEXT PRIMARY KEY,
    notice_id  TEXT NOT NULL REFERENCES sup_notices(id),
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    event      TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sup_notice_events_notice ON sup_notice_events(notice_id, at);

-- Reports of illegal use (举报, SUP-4) from anyone, logged in or not; answered by the authority.
-- number is the reporter's receipt (random, so that one receipt does not lead to another).
CREATE TABLE sup_reports (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    region_code   TEXT NOT NULL,
    reporter_name TEXT NOT NULL,
    contact       TEXT NOT NULL,
    target        TEXT NOT NULL,
    content       TEXT NOT NULL,
    user_id       TEXT NOT NULL DEFAULT '',
    client_ip     TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,               -- received, handling, answered
    answer        TEXT NOT NULL DEFAULT '',
    answered_by   TEXT NOT NULL DEFAULT '',
    answered_at   BIGINT NOT NULL DEFAULT 0,
    notice_id     TEXT NOT NULL DEFAULT '',
    filed_at      BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX sup_reports_region ON sup_reports(region_code, filed_at);
CREATE INDEX sup_reports_ip ON sup_reports(client_ip, filed_at);

-- Dishonesty records (失信记录, SUP-6) for credit constraints, each with its basis (a notice or a
-- sanction) and period; published or withdrawn, every step audited.
CREATE TABLE sup_dishonesty (
    id              TEXT PRIMARY KEY,
    subject_kind    TEXT NOT NULL,             -- org or user
    subject_id      TEXT NOT NULL,
    subject_name    TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    basis_kind      TEXT NOT NULL,             -- notice or sanction
    basis_id        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    state           TEXT NOT NULL,             -- recorded, published, withdrawn
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    published_at    BIGINT NOT NULL DEFAULT 0,
    withdrawn_at    BIGINT NOT NULL DEFAULT 0,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE INDEX sup_dishonesty_subject ON sup_dishonesty(subject_kind, subject_id);
CREATE INDEX sup_dishonesty_region ON sup_dishonesty(region_code, created_at);

-- +goose Down
DROP TABLE sup_dishonesty;
DROP TABLE sup_reports;
DROP TABLE sup_notice_events;
DROP TABLE sup_notices;
