-- Arrivals, newest first, paged by (ingested_ms, id): the board's history.
CREATE INDEX products_arrivals ON products (ingested_ms, id);
