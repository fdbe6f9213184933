-- +goose Up
-- Requests for national-platform data (NM 25 ¶2): an agency asks, the region's data authority
-- requests it from the national platform and records the request and the answer.
CREATE TABLE share_national (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    authority_id  TEXT NOT NULL,          -- the province authority that coordinates
    state         TEXT NOT NULL,          -- filed | forwarded | received | unavailable | declined | withdrawn
    data_wanted   TEXT NOT NULL,
    source        TEXT NOT NULL,          -- the national department or system that holds it
    purpose       TEXT NOT NULL,
    basis         TEXT NOT NULL,
    filed_by      TEXT NOT NULL,
    filed_at      BIGINT NOT NULL,
    forward_due   TEXT NOT NULL,
    national_ref  TEXT NOT NULL DEFAULT '',  -- the national platform's request number
    forwarded_at  BIGINT NOT NULL DEFAULT 0,
    answer        TEXT NOT NULL DEFAULT '',
    answered_by   TEXT NOT NULL DEFAULT '',
    answered_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX share_national_org ON share_national(org_id, filed_at);
CREATE INDEX share_national_auth ON share_national(authority_id, state);

-- +goose Down
DROP TABLE share_national;
