-- Which expected products (sources.toml) were announced late, and which of
-- those were then announced arrived: each is said once, across restarts, in
-- the same transaction as its event.
CREATE TABLE expected_announced (
    slot TEXT PRIMARY KEY,
    late_seq INTEGER NOT NULL,
    arrived_seq INTEGER
) WITHOUT ROWID;
