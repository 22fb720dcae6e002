-- Forecast times and sidecar metadata.
-- valid_ms: when the product is valid (run + lead for forecasts, else time_ms).
-- meta: the descriptive sidecar fields as a JSON object (title, bbox, tags…).
ALTER TABLE products ADD COLUMN run_ms INTEGER;
ALTER TABLE products ADD COLUMN lead_hours INTEGER;
ALTER TABLE products ADD COLUMN valid_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
UPDATE products SET valid_ms = time_ms;
CREATE INDEX products_current_valid ON products (valid_ms) WHERE is_current = 1;

-- The newest sidecar received for each file name, whether or not the file it
-- describes has arrived yet.
CREATE TABLE sidecars (
    file_name    TEXT    PRIMARY KEY,
    body         TEXT    NOT NULL,
    stored_path  TEXT    NOT NULL,
    received_ms  INTEGER NOT NULL
);
