-- +goose Up
-- A share request may ask for a product of authorized operation instead of records (SHR-12,
-- BT 25): the product named, its kind and view, and for a statistics product the privacy budget
-- asked and granted per grant period (thousandths of ε). Keyed by the request; the request row
-- itself keeps kind 'product', the view's entry, the fields the product reads and mode 'api'.
CREATE TABLE share_request_products (
    request_id         TEXT PRIMARY KEY,
    product_id         TEXT NOT NULL,
    product_name       TEXT NOT NULL,
    product_kind       TEXT NOT NULL,
    view_id            TEXT NOT NULL,
    asked_budget_milli BIGINT NOT NULL DEFAULT 0,
    budget_milli       BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL
);
CREATE INDEX share_request_products_product ON share_request_products(product_id);

-- +goose Down
DROP TABLE share_request_products;
