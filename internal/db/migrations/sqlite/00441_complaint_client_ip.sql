-- +goose Up
-- The client address of a complaint, to bound complaints per address and hour (a complaint
-- suspends a dataset at once).
ALTER TABLE open_complaints ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX open_complaints_ip ON open_complaints(client_ip, filed_at);

-- +goose Down
DROP INDEX open_complaints_ip;
ALTER TABLE open_complaints DROP COLUMN client_ip;
