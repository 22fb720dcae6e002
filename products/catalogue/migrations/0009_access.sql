-- Who sees what. A product's effective restriction (from its sidecar, its
-- provider's default or a --restrict rule) is kept in columns beside its
-- metadata, so that listings filter it in SQL rather than after a LIMIT.
-- restricted_until_ms: the embargo's end; NULL with restricted = 1 is for good.
ALTER TABLE products ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN restricted_until_ms INTEGER;
UPDATE products SET restricted = 1 WHERE json_extract(meta, '$.restricted') = 1;

-- A provider whose products are restricted unless their sidecar says otherwise.
ALTER TABLE providers ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

-- Bumped when a user's password changes or the user is disabled: sessions
-- and tokens taken before are no longer honoured.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- Personal API tokens for scripts: only a SHA-256 of each is kept.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    label       TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    last_used_ms INTEGER,
    revoked_ms  INTEGER
);

-- Single-use links that let a participant set a password: a new account's
-- first one, or a reset. Only a SHA-256 of each link's secret is kept.
CREATE TABLE invitations (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_by  TEXT,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    used_ms     INTEGER
);

-- Who logged in, failed to, or changed whose rights: never a secret.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms   INTEGER NOT NULL,
    actor   TEXT,
    action  TEXT    NOT NULL,
    subject TEXT,
    address TEXT
);
CREATE INDEX audit_newest ON audit (id DESC);
