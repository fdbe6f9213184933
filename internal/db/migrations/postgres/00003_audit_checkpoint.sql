-- +goose Up
-- Signed checkpoints of the audit log (审计日志签名检查点, SEC-4), kept outside audit_log: each
-- states how many records the log held (size), the hash of the last one (head) and the Merkle
-- root over their hashes, signed with the platform's checkpoint key. body is the checkpoint
-- exactly as signed and published; tree is the compact Merkle range (the hashes of at most 64
-- subtrees) from which the next checkpoint continues without reading the whole log again.
CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    body       TEXT NOT NULL,
    tree       TEXT NOT NULL
);

-- The checkpoint signing keys (审计检查点签名密钥), one per signature algorithm (ed25519, or sm2
-- when the audit hash is sm3): generated at first use; the private key is sealed (AES-256-GCM)
-- under the platform secret. The public key is published so that outsiders verify checkpoints.
CREATE TABLE audit_signing_keys (
    algo        TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE audit_signing_keys;
DROP TABLE audit_checkpoints;
