-- +goose Up
-- Security operation records, continued (SEC-6, SEC-9). Incidents go through stages — reported,
-- responding (response steps recorded), closed — with notification duties: who must be told and by
-- which working day, each ticked off with what was done. Third-party service providers carry the
-- expiry of their security review and of their confidentiality agreement, reminded ahead.
ALTER TABLE security_records ADD COLUMN stage TEXT NOT NULL DEFAULT '';             -- incidents: reported, responding, closed
ALTER TABLE security_records ADD COLUMN review_expires TEXT NOT NULL DEFAULT '';    -- providers: YYYY-MM-DD
ALTER TABLE security_records ADD COLUMN agreement_expires TEXT NOT NULL DEFAULT ''; -- providers: YYYY-MM-DD

CREATE TABLE security_steps (
    id         TEXT PRIMARY KEY,
    record_id  TEXT NOT NULL REFERENCES security_records(id),
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,              -- report, step, notified, close
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_steps_record ON security_steps(record_id, at);

CREATE TABLE security_duties (
    id         TEXT PRIMARY KEY,
    record_id  TEXT NOT NULL REFERENCES security_records(id),
    recipient  TEXT NOT NULL,              -- data_authority, cyber_police, affected_users, public
    basis      TEXT NOT NULL DEFAULT '',   -- the rule that imposes it
    due        TEXT NOT NULL,              -- YYYY-MM-DD, the last working day
    done_at    BIGINT NOT NULL DEFAULT 0,
    done_by    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX security_duties_record ON security_duties(record_id, recipient);
CREATE INDEX security_duties_open ON security_duties(done_at, due);

-- +goose Down
DROP TABLE security_duties;
DROP TABLE security_steps;
ALTER TABLE security_records DROP COLUMN agreement_expires;
ALTER TABLE security_records DROP COLUMN review_expires;
ALTER TABLE security_records DROP COLUMN stage;
