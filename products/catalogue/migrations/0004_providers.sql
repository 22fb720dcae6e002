-- Providers that upload over HTTP. Only a SHA-256 of each token is stored: the
-- token is shown once, when the provider is added. Empty category or platform
-- lists mean "any".
CREATE TABLE providers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    token_hash   TEXT    NOT NULL UNIQUE,
    categories   TEXT    NOT NULL DEFAULT '[]',
    platforms    TEXT    NOT NULL DEFAULT '[]',
    created_ms   INTEGER NOT NULL,
    revoked_ms   INTEGER
);

ALTER TABLE rejections ADD COLUMN provider TEXT;
