-- 1 when the catalogue knows a product but its bytes are no longer in the
-- archive (found at start-up); cleared if they come back.
ALTER TABLE products ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
