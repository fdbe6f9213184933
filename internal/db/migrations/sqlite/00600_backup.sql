-- +goose Up
-- Backups (备份, SEC-5): one row per snapshot written by `pubdata backup` or the backup.run job.
-- The snapshot file is encrypted to the recipient public key; the manifest beside it lists the
-- file's hash, the row count of every table and the latest audit checkpoint, and the manifest's
-- own hash is recorded in the audit log. Retention deletes files; the row stays (state pruned).
CREATE TABLE backups (
    id              TEXT PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT NOT NULL DEFAULT 0,
    state           TEXT NOT NULL,              -- running, done, failed, pruned
    backend         TEXT NOT NULL,              -- sqlite or postgres
    encryption      TEXT NOT NULL DEFAULT '',   -- age-x25519 or sm2-sm4gcm
    file            TEXT NOT NULL DEFAULT '',
    size            BIGINT NOT NULL DEFAULT 0,
    sha256          TEXT NOT NULL DEFAULT '',
    manifest_sha256 TEXT NOT NULL DEFAULT '',
    offsite         TEXT NOT NULL DEFAULT '',   -- object key in the off-site bucket, '' when none
    bytes_done      BIGINT NOT NULL DEFAULT 0,  -- progress of a running backup
    error           TEXT NOT NULL DEFAULT '',
    started_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backups_created ON backups(created_at);

-- Restore drills (恢复演练): the latest backup restored into a scratch database and checked.
-- Recovery point: how old the newest backup was (data a disaster now would lose); recovery
-- time: how long restoring and checking it took.
CREATE TABLE backup_drills (
    id           TEXT PRIMARY KEY,
    backup_id    TEXT NOT NULL DEFAULT '',
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT NOT NULL DEFAULT 0,
    ok           INTEGER NOT NULL DEFAULT 0,
    rpo_ms       BIGINT NOT NULL DEFAULT 0,
    rto_ms       BIGINT NOT NULL DEFAULT 0,
    tables       INTEGER NOT NULL DEFAULT 0,
    audit_size   BIGINT NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backup_drills_started ON backup_drills(started_at);

-- +goose Down
DROP TABLE backup_drills;
DROP TABLE backups;
