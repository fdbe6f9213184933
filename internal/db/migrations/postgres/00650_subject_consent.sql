-- +goose Up
-- Data-subject authorizations (数据主体授权, SEC-7): a verified person or organization lets a
-- named third party use named items of its data for a purpose and a period; revocable at any
-- time, effective on the next request. subject_ref is the audit pseudonym of the subject's key
-- (ID number or credit code), never the key itself. Objections raised from the access view.
CREATE TABLE subj_authorizations (
    id             TEXT PRIMARY KEY,
    subject_user   TEXT NOT NULL,
    subject_ref    TEXT NOT NULL,
    grantee_org_id TEXT NOT NULL,
    grantee_name   TEXT NOT NULL DEFAULT '',
    items          TEXT NOT NULL DEFAULT '[]',
    purpose        TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    state          TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX subj_authorizations_ref ON subj_authorizations(subject_ref, grantee_org_id, state);
CREATE INDEX subj_authorizations_user ON subj_authorizations(subject_user, created_at);

CREATE TABLE subj_objections (
    id           TEXT PRIMARY KEY,
    subject_user TEXT NOT NULL,
    audit_seq    BIGINT NOT NULL,
    org_id       TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX subj_objections_user ON subj_objections(subject_user, created_at);

-- +goose Down
DROP TABLE subj_objections;
DROP TABLE subj_authorizations;
