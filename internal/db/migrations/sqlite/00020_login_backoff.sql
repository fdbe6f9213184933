-- +goose Up
-- Login protection with growing back-off: how many times a key (an account, a client address,
-- a registration address) has been locked since it was last clean; each lock lasts twice the last.
ALTER TABLE login_attempts ADD COLUMN locks INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE login_attempts DROP COLUMN locks;
