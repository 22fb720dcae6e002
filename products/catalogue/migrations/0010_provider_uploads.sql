-- A provider's newest upload (when, which file, what became of it), for the
-- admin page: a silent or failing operational centre shows at a glance.
ALTER TABLE providers ADD COLUMN last_upload_ms INTEGER;
ALTER TABLE providers ADD COLUMN last_upload_file TEXT;
ALTER TABLE providers ADD COLUMN last_upload_outcome TEXT;
