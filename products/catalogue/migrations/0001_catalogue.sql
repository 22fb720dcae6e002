-- The catalogue: products (every version of every product), rejections, and the
-- numbered event log that dashboards replay from. Times are integer
-- milliseconds since the Unix epoch (UTC): exact, cheap to index, and the same
-- in SQLite and PostgreSQL.

CREATE TABLE products (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    category     TEXT    NOT NULL,
    platform     TEXT    NOT NULL,
    time_ms      INTEGER NOT NULL,
    product      TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    -- 1 for the newest version of its (category, platform, time, product).
    is_current   INTEGER NOT NULL DEFAULT 1,
    file_name    TEXT    NOT NULL,
    media_type   TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    -- Relative to the data dir.
    stored_path  TEXT    NOT NULL,
    ingested_ms  INTEGER NOT NULL,
    UNIQUE (category, platform, time_ms, product, version)
);

CREATE INDEX products_current_time ON products (time_ms) WHERE is_current = 1;

CREATE TABLE rejections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name    TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    -- Relative to the data dir; NULL when the bytes could not be moved.
    stored_path  TEXT,
    rejected_ms  INTEGER NOT NULL
);

CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    created_ms   INTEGER NOT NULL
);
