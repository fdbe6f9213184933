-- +goose Up
-- Opening to society (公共数据开放, OPN-1 … OPN-5). The open type lives on the catalog entry; these
-- tables hold what opening adds: the provider's opening settings per dataset, suspensions
-- (rights complaints and sanctions stop every download and call at once), open API keys and the
-- monthly download and call counts.

-- Opening settings of a dataset (开放设置): licence, coverage, and small-count suppression
-- (小数抑制: integer items named in count_fields show "<min_count" for 1 … min_count-1).
CREATE TABLE open_settings (
    entry_id      TEXT PRIMARY KEY,
    licence       TEXT NOT NULL DEFAULT '',
    temporal_from TEXT NOT NULL DEFAULT '',
    temporal_to   TEXT NOT NULL DEFAULT '',
    spatial       TEXT NOT NULL DEFAULT '',
    count_fields  TEXT NOT NULL DEFAULT '[]',
    min_count     BIGINT NOT NULL DEFAULT 0,
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL DEFAULT 0
);

-- Suspension of a dataset's opening (暂停开放): while a row has lifted_at = 0 every download,
-- preview and API call of the dataset is refused with the reason.
CREATE TABLE open_suspensions (
    id         TEXT PRIMARY KEY,
    entry_id   TEXT NOT NULL,
    cause      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    ref_id     TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    lifted_at  BIGINT NOT NULL DEFAULT 0,
    lifted_by  TEXT NOT NULL DEFAULT '',
    lift_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX open_suspensions_entry ON open_suspensions (entry_id, lifted_at);

-- Open API keys (开放接口密钥): hashed, owned by a user, scoped to datasets ('[]' = every
-- unconditionally open dataset), expiring within 180 days, with a per-minute rate.
CREATE TABLE open_keys (
    id              TEXT PRIMARY KEY,
    hash            TEXT NOT NULL UNIQUE,
    prefix          TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    user_id         TEXT NOT NULL,
    org_id          TEXT NOT NULL DEFAULT '',
    datasets        TEXT NOT NULL DEFAULT '[]',
    fields          TEXT NOT NULL DEFAULT '{}',
    conditional     BIGINT NOT NULL DEFAULT 0,
    rate_per_minute BIGINT NOT NULL DEFAULT 60,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    revoked_at      BIGINT NOT NULL DEFAULT 0,
    ref_id          TEXT NOT NULL DEFAULT '',
    calls           BIGINT NOT NULL DEFAULT 0,
    last_used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX open_keys_user ON open_keys (user_id);

-- Monthly usage per dataset (下载量、调用量): month is YYYY-MM (Asia/Shanghai).
CREATE TABLE open_usage (
    entry_id  TEXT NOT NULL,
    month     TEXT NOT NULL,
    downloads BIGINT NOT NULL DEFAULT 0,
    calls     BIGINT NOT NULL DEFAULT 0,
    rows_out    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, month)
);

-- +goose Down
DROP TABLE open_usage;
DROP TABLE open_keys;
DROP TABLE open_suspensions;
DROP TABLE open_settings;
