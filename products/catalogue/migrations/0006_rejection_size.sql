-- How many bytes each refused file holds in rejected/, so that a provider's
-- rejected bytes can be capped (a provider must not fill the disk with them).
ALTER TABLE rejections ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
CREATE INDEX rejections_by_provider ON rejections (provider, rejected_ms);
