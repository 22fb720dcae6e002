-- Participants' accounts: who reads, plans and decides, and who manages.
-- Passwords are kept as Argon2id PHC strings, never in clear.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'scientist', 'admin')),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    last_login_ms INTEGER
);
