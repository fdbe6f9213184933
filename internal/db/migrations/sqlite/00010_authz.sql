-- +goose Up
-- Webhooks belong to the user who registered them (消息推送地址归属登记人): they receive only the
-- messages in that user's inbox, and only that user (or an administrator of the region) lists and
-- removes them. Hooks registered before owners existed have none and receive nothing.
ALTER TABLE webhooks ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
CREATE INDEX webhooks_user ON webhooks(user_id);

-- Real-name verification (实名核验) of a user: when, by whom (an authority staff member's user id,
-- or an identity provider's name) and how ("authority" or "idp"). Public users may object about
-- records concerning themselves only once verified.
ALTER TABLE users ADD COLUMN verified_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN verified_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN verified_via TEXT NOT NULL DEFAULT '';

-- +goose Down
DROP INDEX webhooks_user;
ALTER TABLE users DROP COLUMN verified_via;
ALTER TABLE users DROP COLUMN verified_by;
ALTER TABLE users DROP COLUMN verified_at;
ALTER TABLE webhooks DROP COLUMN user_id;
