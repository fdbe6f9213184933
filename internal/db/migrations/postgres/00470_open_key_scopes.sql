-- +goose Up
-- Open API key scopes (OPN-2): what a key may be used for — "api" (the open records API and the
-- CKAN datastore), "download" (file downloads), or both — as a JSON array. Keys issued before
-- scopes existed keep both.
ALTER TABLE open_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '["api","download"]';

-- +goose Down
ALTER TABLE open_keys DROP COLUMN scopes;
