-- What each source of sources.toml fetched: a file is fetched once, across
-- restarts too, and asked for again only with its validators (ETag,
-- Last-Modified), so that a re-poll costs a 304.
CREATE TABLE source_fetches (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    product_id INTEGER,
    PRIMARY KEY (source, url)
) WITHOUT ROWID;
