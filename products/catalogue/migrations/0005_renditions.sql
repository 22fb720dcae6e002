-- Thumbnails and previews, made after a product is announced. Paths are
-- relative to the data dir; preview_error says why there is none.
ALTER TABLE products ADD COLUMN thumbnail_path TEXT;
ALTER TABLE products ADD COLUMN preview_path TEXT;
ALTER TABLE products ADD COLUMN preview_error TEXT;
