-- STAC searches page through current products in (valid time, identity)
-- order: one index serves the window, the order and the keyset resume.
CREATE INDEX products_current_stac
    ON products (valid_ms, category, platform, time_ms, product) WHERE is_current = 1;
